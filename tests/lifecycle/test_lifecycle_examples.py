"""Every official example of aws-facts.md §1.7, and each documented choice of the evaluator."""

import pandas as pd
import pytest
from ecr_lifecycle_reference import reference_evaluate

from ecr_report.reports.lifecycle import evaluate, evaluate_fleet, parse_policy

from ecr_lifecycle_support import AS_OF, acted, image, policy, rule


def run(text, images, children=None, as_of=AS_OF):
    fast = acted(evaluate(text, images, as_of, children=pd.DataFrame(children) if children else None))
    ref = {k[3].split(":", 1)[1]: v for k, v in reference_evaluate(text, images, as_of, children or ()).items()}
    assert fast == ref, "fast evaluator and reference disagree"
    return fast


def tagged(priority, patterns, **kw):
    return rule(priority, tagStatus="tagged", tagPatternList=patterns, **kw)


MULTI = [image("A", ["beta-1", "prod-1"], 10), image("B", ["beta-2", "prod-2"], 9), image("C", ["beta-3"], 8)]


def test_syntax_only_examples_are_accepted():
    for text in (
        policy(tagged(1, ["prod*"], countType="sinceImagePushed", countUnit="days", countNumber=14)),
        policy(rule(1, "transition", tagStatus="any", countType="sinceImagePulled", countUnit="days", countNumber=90)),
        policy(rule(1, tagStatus="any", storageClass="archive", countType="sinceImageTransitioned", countUnit="days", countNumber=365)),
        policy(rule(1, tagStatus="untagged", countType="imageCountMoreThan", countNumber=1)),
        policy(tagged(1, ["prod*"], countType="sinceImagePushed", countUnit="days", countNumber=30, action="transition")),
        policy(
            rule(1, "transition", tagStatus="any", countType="sinceImagePushed", countUnit="days", countNumber=30),
            rule(2, tagStatus="any", storageClass="archive", countType="sinceImageTransitioned", countUnit="days", countNumber=365),
        ),
    ):
        parse_policy(text)


def test_multiple_rules_example_a():
    text = policy(tagged(1, ["prod*"], countType="imageCountMoreThan", countNumber=1), tagged(2, ["beta*"], countType="imageCountMoreThan", countNumber=1))
    assert run(text, MULTI) == {"A": (1, "EXPIRE")}  # B matched rule 1's selection: skipped by rule 2


def test_multiple_rules_example_b():
    text = policy(tagged(1, ["beta*"], countType="imageCountMoreThan", countNumber=1), tagged(2, ["prod*"], countType="imageCountMoreThan", countNumber=1))
    assert run(text, MULTI) == {"A": (1, "EXPIRE"), "B": (1, "EXPIRE")}


def test_multiple_rules_old_prefix_form_same_results():
    text = policy(rule(1, tagStatus="tagged", tagPrefixList=["prod"], countType="imageCountMoreThan", countNumber=1), rule(2, tagStatus="tagged", tagPrefixList=["beta"], countType="imageCountMoreThan", countNumber=1))
    assert run(text, MULTI) == {"A": (1, "EXPIRE")}


def test_multiple_tags_example_a_all_of_the_list():
    imgs = [image("A", ["alpha-1"], 12), image("B", ["beta-1"], 11), image("C", ["alpha-2", "beta-2"], 10), image("D", ["alpha-3"], 4), image("E", ["beta-3"], 3), image("F", ["alpha-4", "beta-4"], 2)]
    text = policy(tagged(1, ["alpha*", "beta*"], countType="sinceImagePushed", countUnit="days", countNumber=5))
    assert run(text, imgs) == {"C": (1, "EXPIRE")}  # ALL, not ANY: A and B are not selected


def test_multiple_tags_example_b_tags_not_exclusive():
    imgs = [image("A", ["alpha-1", "beta-1", "gamma-1"], 10), image("B", ["alpha-2", "beta-2"], 9), image("C", ["alpha-3", "beta-3", "gamma-2"], 8)]
    text = policy(tagged(1, ["alpha*", "beta*"], countType="imageCountMoreThan", countNumber=1))
    assert run(text, imgs) == {"A": (1, "EXPIRE"), "B": (1, "EXPIRE")}


def test_all_images_example_a():
    imgs = [image("A", ["alpha-1"], 4), image("B", ["beta-1"], 3), image("C", [], 2), image("D", ["alpha-2"], 1)]
    text = policy(rule(1, tagStatus="any", countType="imageCountMoreThan", countNumber=1))
    assert run(text, imgs) == {"A": (1, "EXPIRE"), "B": (1, "EXPIRE"), "C": (1, "EXPIRE")}


def test_all_images_example_b_with_tie_note():
    # D and E are both "1 day ago" in the docs; E must be the newer one for the stated result,
    # and "1 day ago" must NOT be older than 1 day (strict comparison at the exact boundary).
    imgs = [image("A", ["alpha-1", "beta-1"], 4), image("B", [], 3), image("C", ["alpha-2"], 2), image("D", ["git hash"], 1), image("E", [], 0.999)]
    text = policy(
        tagged(1, ["alpha*"], countType="imageCountMoreThan", countNumber=1),
        rule(2, tagStatus="untagged", countType="sinceImagePushed", countUnit="days", countNumber=1),
        rule(3, tagStatus="any", countType="imageCountMoreThan", countNumber=1),
    )
    assert run(text, imgs) == {"A": (1, "EXPIRE"), "B": (2, "EXPIRE"), "D": (3, "EXPIRE")}


def test_all_images_example_b_exact_tie_broken_by_digest():
    # With D and E pushed at the same instant, the smaller digest counts as the younger image:
    # D ("sha256:D" < "sha256:E") is kept by rule 3's count, so nothing is left for rule 3.
    imgs = [image("A", ["alpha-1", "beta-1"], 4), image("B", [], 3), image("C", ["alpha-2"], 2), image("D", ["git hash"], 1), image("E", [], 1)]
    text = policy(
        tagged(1, ["alpha*"], countType="imageCountMoreThan", countNumber=1),
        rule(2, tagStatus="untagged", countType="sinceImagePushed", countUnit="days", countNumber=1),
        rule(3, tagStatus="any", countType="imageCountMoreThan", countNumber=1),
    )
    assert run(text, imgs) == {"A": (1, "EXPIRE"), "B": (2, "EXPIRE")}


def test_exact_day_boundary_is_strict():
    text = policy(rule(1, tagStatus="any", countType="sinceImagePushed", countUnit="days", countNumber=1))
    imgs = [image("exact", [], 1), image("over", [], 1 + 1 / 86400), image("under", [], 1 - 1 / 86400)]
    assert run(text, imgs) == {"over": (1, "EXPIRE")}


def test_tie_in_push_time_kept_by_digest_order_and_input_order_irrelevant():
    text = policy(rule(1, tagStatus="any", countType="imageCountMoreThan", countNumber=1))
    imgs = [image("b", [], 1), image("a", [], 1), image("c", [], 1)]
    assert run(text, imgs) == {"b": (1, "EXPIRE"), "c": (1, "EXPIRE")}
    assert run(text, imgs[::-1]) == {"b": (1, "EXPIRE"), "c": (1, "EXPIRE")}


def test_restored_image_ordered_and_aged_by_last_activated_at():
    restored = image("R", [], 100, last_activated_at=AS_OF - pd.Timedelta(days=1))
    text = policy(rule(1, tagStatus="any", countType="imageCountMoreThan", countNumber=1))
    assert run(text, [restored, image("N", [], 5)]) == {"N": (1, "EXPIRE")}
    text = policy(rule(1, tagStatus="any", countType="sinceImagePushed", countUnit="days", countNumber=30))
    assert run(text, [restored]) == {}


def test_since_image_pulled_fallbacks():
    text = policy(rule(1, "transition", tagStatus="any", countType="sinceImagePulled", countUnit="days", countNumber=90))
    imgs = [
        image("never-pulled-old", [], 100),
        image("never-pulled-new", [], 10),
        image("pulled-recently", [], 300, last_pull_at=AS_OF - pd.Timedelta(days=5)),
        image("pulled-long-ago", [], 300, last_pull_at=AS_OF - pd.Timedelta(days=95)),
        image("restored-not-pulled", [], 300, last_pull_at=AS_OF - pd.Timedelta(days=200), last_activated_at=AS_OF - pd.Timedelta(days=10)),
        image("restored-long-ago", [], 300, last_activated_at=AS_OF - pd.Timedelta(days=120)),
    ]
    out = run(text, imgs)
    assert out == {k: (1, "TRANSITION") for k in ("never-pulled-old", "pulled-long-ago", "restored-long-ago")}


def test_storage_classes_and_since_image_transitioned():
    text = policy(
        rule(1, "transition", tagStatus="any", countType="sinceImagePushed", countUnit="days", countNumber=30),
        rule(2, tagStatus="any", storageClass="archive", countType="sinceImageTransitioned", countUnit="days", countNumber=365),
    )
    imgs = [
        image("old-active", [], 40),
        image("new-active", [], 10),
        image("arch-old", [], 900, image_status="ARCHIVED", last_archived_at=AS_OF - pd.Timedelta(days=400)),
        image("arch-new", [], 900, image_status="ARCHIVED", last_archived_at=AS_OF - pd.Timedelta(days=100)),
        image("activating", [], 900, image_status="ACTIVATING", last_archived_at=AS_OF - pd.Timedelta(days=400)),
    ]
    assert run(text, imgs) == {"old-active": (1, "TRANSITION"), "arch-old": (2, "EXPIRE")}
    result = evaluate(text, imgs, AS_OF).set_index("image_digest")
    assert result.loc["sha256:arch-old", "storage_class"] == "ARCHIVE"
    assert result.loc["sha256:old-active", "target_storage_class"] == "ARCHIVE"
    assert pd.isna(result.loc["sha256:arch-old", "target_storage_class"])


def test_wildcards_literal_characters_and_prefix_semantics():
    text = policy(tagged(1, ["v*.*-rc_?"], countType="imageCountMoreThan", countNumber=1))
    imgs = [image("a", ["v1.2-rc_?"], 3), image("b", ["v1.2-rcX?"], 2), image("c", ["v1.3-rc_?"], 1)]
    assert run(text, imgs) == {"a": (1, "EXPIRE")}  # `_` and `?` are literal
    text = policy(rule(1, tagStatus="tagged", tagPrefixList=["re"], countType="imageCountMoreThan", countNumber=1))
    imgs = [image("a", ["release"], 3), image("b", ["pre"], 2), image("c", ["re"], 1)]
    assert run(text, imgs) == {"a": (1, "EXPIRE")}


def test_manifest_list_children_held_unless_list_acted():
    text = policy(rule(1, tagStatus="untagged", countType="sinceImagePushed", countUnit="days", countNumber=7))
    imgs = [image("list", ["v1"], 30), image("amd64", [], 30), image("arm64", [], 30), image("orphan", [], 30)]
    edges = [{"parent_digest": "sha256:list", "child_digest": "sha256:amd64"}, {"parent_digest": "sha256:list", "child_digest": "sha256:arm64"}]
    assert run(text, imgs, edges) == {"orphan": (1, "EXPIRE")}
    result = evaluate(text, imgs, AS_OF, children=pd.DataFrame(edges)).set_index("image_digest")
    assert result.loc["sha256:amd64", "held_by_manifest_list"]
    both = policy(rule(1, tagStatus="any", countType="sinceImagePushed", countUnit="days", countNumber=7))
    assert run(both, imgs, edges) == {k: (1, "EXPIRE") for k in ("list", "amd64", "arm64", "orphan")}
    archived_list = [dict(imgs[0], image_status="ARCHIVED"), *imgs[1:]]
    assert run(text, archived_list, edges) == {k: (1, "EXPIRE") for k in ("amd64", "arm64", "orphan")}


def test_referrers_follow_their_subject():
    text = policy(rule(1, tagStatus="tagged", tagPatternList=["*"], countType="imageCountMoreThan", countNumber=1), rule(2, tagStatus="untagged", countType="imageCountMoreThan", countNumber=1))
    imgs = [
        image("old", ["v1"], 10),
        image("new", ["v2"], 5),
        image("sig-old", [], 9, subject_digest="sha256:old"),
        image("sig-new", [], 4, subject_digest="sha256:new"),
        image("sbom-sig", [], 3, subject_digest="sha256:sig-old"),
        image("loose1", [], 8),
        image("loose2", [], 2),
        image("orphan-sig", [], 7, subject_digest="sha256:gone"),
    ]
    out = run(text, imgs)
    # Referrers take their (root) subject's outcome and are neither counted nor claimed; the
    # orphan referrer (subject absent) is an ordinary untagged image.
    assert out == {"old": (1, "EXPIRE"), "sig-old": (1, "EXPIRE"), "sbom-sig": (1, "EXPIRE"), "loose1": (2, "EXPIRE"), "orphan-sig": (2, "EXPIRE")}
    result = evaluate(text, imgs, AS_OF).set_index("image_digest")
    assert result.loc["sha256:sig-old", "follows_subject"] and not result.loc["sha256:orphan-sig", "follows_subject"]


def test_fleet_evaluation_per_repository_policies():
    keep1 = policy(rule(1, tagStatus="any", countType="imageCountMoreThan", countNumber=1))
    keep2 = policy(rule(1, tagStatus="any", countType="imageCountMoreThan", countNumber=2))
    imgs = []
    for repo in ("r1", "r2", "r3"):
        for i in range(3):
            imgs.append(image(f"{repo}-{i}", [], 10 - i, repository_name=repo, account_id="111", region="us-east-1"))
    out = evaluate_fleet(imgs, {("111", "us-east-1", "r1"): keep1, "r2": keep2}, AS_OF)
    got = acted(out)
    assert got == {"r1-0": (1, "EXPIRE"), "r1-1": (1, "EXPIRE"), "r2-0": (1, "EXPIRE")}
    out = evaluate(keep1, imgs, AS_OF)  # one policy, counted per repository
    assert set(acted(out)) == {"r1-0", "r1-1", "r2-0", "r2-1", "r3-0", "r3-1"}


def test_empty_inputs():
    text = policy(rule(1, tagStatus="any", countType="imageCountMoreThan", countNumber=1))
    assert len(evaluate(text, [], AS_OF)) == 0
    assert acted(evaluate_fleet([image("a", [], 3), image("b", [], 1)], {}, AS_OF)) == {}


def test_naive_as_of_is_utc_and_missing_pushed_at_rejected():
    text = policy(rule(1, tagStatus="any", countType="sinceImagePushed", countUnit="days", countNumber=1))
    assert acted(evaluate(text, [image("a", [], 2)], AS_OF.tz_localize(None))) == {"a": (1, "EXPIRE")}
    with pytest.raises(ValueError):
        evaluate(text, [image("a", [], 2, pushed_at=None)], AS_OF)
