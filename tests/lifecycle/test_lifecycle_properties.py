"""Property tests (hypothesis): invariants of the evaluator and agreement with the reference."""

import json

import pandas as pd
from ecr_lifecycle_reference import order_time, reference_evaluate, selected
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecr_report.reports.lifecycle import evaluate, evaluate_fleet, lint, parse_policy, validate_text

from ecr_lifecycle_support import AS_OF

TAGS = ["a1", "a2", "b1", "ab", "a", "rc-1", "x"]
PATTERNS = ["a*", "b*", "*1", "a", "ab*", "*b*", "*", "rc-*", "a*1"]
PREFIXES = ["a", "b", "ab", "rc-", "x"]

COUNT_ACTIONS = [
    ("imageCountMoreThan", "expire"),
    ("imageCountMoreThan", "transition"),
    ("sinceImagePushed", "expire"),
    ("sinceImagePushed", "transition"),
    ("sinceImagePulled", "transition"),
    ("sinceImageTransitioned", "expire"),
]


@st.composite
def rules_strategy(draw):
    raw = draw(st.lists(st.tuples(
        st.sampled_from(["tagged", "tagged", "untagged", "any"]),
        st.sampled_from(COUNT_ACTIONS),
        st.integers(1, 6),
        st.booleans(),
        st.lists(st.sampled_from(PATTERNS), min_size=1, max_size=2, unique=True),
        st.lists(st.sampled_from(PREFIXES), min_size=1, max_size=2, unique=True),
    ), min_size=1, max_size=5))
    rules, seen_untagged, seen_any, seen_lists = [], set(), set(), set()
    for status, (ctype, action), number, use_pattern, patterns, prefixes in raw:
        storage = "archive" if ctype == "sinceImageTransitioned" else "standard"
        sel = {"tagStatus": status, "countType": ctype, "countNumber": number}
        if ctype != "imageCountMoreThan":
            sel["countUnit"] = "days"
        if storage == "archive":
            sel["storageClass"] = "archive"
        if status == "tagged":
            key = ("tagPatternList", patterns) if use_pattern else ("tagPrefixList", prefixes)
            ident = (storage, key[0], frozenset(key[1]))
            if ident in seen_lists:
                continue
            seen_lists.add(ident)
            sel[key[0]] = key[1]
        if status == "untagged":
            if storage in seen_untagged:
                continue
            seen_untagged.add(storage)
        if status == "any":
            if storage in seen_any:
                continue
            seen_any.add(storage)
        act = {"type": action}
        if action == "transition":
            act["targetStorageClass"] = "archive"
        rules.append({"selection": sel, "action": act})
    rules.sort(key=lambda r: r["selection"]["tagStatus"] == "any")  # `any` last
    priorities = sorted(draw(st.lists(st.integers(1, 1000), min_size=len(rules), max_size=len(rules), unique=True)))
    for r, p in zip(rules, priorities):
        r["rulePriority"] = p
    text = json.dumps({"rules": rules}, indent=1)
    assert validate_text(text) == [], validate_text(text)
    return text


def _ts(days):
    return None if days is None else AS_OF - pd.Timedelta(days=days)


@st.composite
def images_strategy(draw):
    n = draw(st.integers(0, 14))
    days = st.one_of(st.integers(0, 10), st.floats(0, 10, allow_nan=False).map(lambda d: round(d, 3)))
    images = []
    for i in range(n):
        status = draw(st.sampled_from(["ACTIVE", "ACTIVE", "ACTIVE", "ARCHIVED"]))
        pushed = draw(days)
        images.append({
            "repository_name": draw(st.sampled_from(["r1", "r1", "r2"])),
            "image_digest": f"sha256:{i:02d}",
            "image_tags": tuple(draw(st.lists(st.sampled_from(TAGS), max_size=3, unique=True))),
            "pushed_at": _ts(pushed),
            "size_bytes": 10,
            "image_status": status,
            "last_pull_at": _ts(draw(st.one_of(st.none(), days))),
            "last_archived_at": _ts(draw(days)) if status == "ARCHIVED" else None,
            "last_activated_at": _ts(draw(st.one_of(st.none(), st.none(), days))),
            "subject_digest": None,
        })
    for img in images:
        if images and draw(st.integers(0, 5)) == 0:
            img["subject_digest"] = draw(st.sampled_from(images))["image_digest"]
    edges = []
    if len(images) >= 3 and draw(st.booleans()):
        for parent, child in draw(st.lists(st.tuples(st.sampled_from(images), st.sampled_from(images)), max_size=3)):
            if parent is not child:
                edges.append({"repository_name": parent["repository_name"], "parent_digest": parent["image_digest"], "child_digest": child["image_digest"]})
    return images, edges


def fast(text, images, edges):
    out = evaluate(text, images, AS_OF, children=pd.DataFrame(edges) if edges else None)
    rows = out[out["action"].notna()]
    return {("", "", r, d): (int(p), str(a)) for r, d, p, a in zip(rows["repository_name"], rows["image_digest"], rows["applied_rule_priority"], rows["action"])}, out


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(rules_strategy(), images_strategy())
def test_differential_against_reference(text, data):
    images, edges = data
    got, _ = fast(text, images, edges)
    assert got == reference_evaluate(text, images, AS_OF, edges)


@SETTINGS
@given(rules_strategy(), images_strategy(), st.randoms(use_true_random=False))
def test_independent_of_input_order(text, data, rnd):
    images, edges = data
    shuffled = images[:]
    rnd.shuffle(shuffled)
    assert fast(text, images, edges)[0] == fast(text, shuffled, edges)[0]


@SETTINGS
@given(rules_strategy(), images_strategy())
def test_at_most_one_rule_and_it_is_the_first_matching(text, data):
    images, _ = data
    policy = json.loads(text)["rules"]
    got, out = fast(text, images, [])
    assert len(out) == len(images)  # one row, hence at most one rule, per image
    by_digest = {i["image_digest"]: i for i in images}
    for (_, _, _repo, digest), (prio, _) in got.items():
        if out.set_index("image_digest").loc[digest, "follows_subject"]:
            continue
        first = next(r for r in sorted(policy, key=lambda r: r["rulePriority"]) if selected(r["selection"], by_digest[digest]))
        assert first["rulePriority"] == prio  # protection: no lower rule acts on a matched image


@SETTINGS
@given(rules_strategy(), images_strategy())
def test_count_rule_never_acts_on_its_n_youngest_candidates(text, data):
    images, _ = data
    got, out = fast(text, images, [])
    followers = set(out.loc[out["follows_subject"], "image_digest"])
    for r in parse_policy(text).rules:
        if r.selection.count_type != "imageCountMoreThan":
            continue
        raw = next(x for x in json.loads(text)["rules"] if x["rulePriority"] == r.priority)
        for repo in {i["repository_name"] for i in images}:
            cand = [i for i in images if i["repository_name"] == repo and i["image_digest"] not in followers and selected(raw["selection"], i)]
            youngest = sorted(cand, key=lambda i: (-order_time(i).value, i["image_digest"]))[: r.selection.count_number]
            for i in youngest:
                assert got.get(("", "", repo, i["image_digest"]), (None,))[0] != r.priority


@SETTINGS
@given(rules_strategy(), images_strategy())
def test_lint_given_the_fleet_evaluation_warns_as_lint_evaluating_alone(text, data):
    """The lifecycle analysis hands lint the fleet-wide evaluation's answer per repository
    instead of evaluating each repository again; the warnings must be exactly the same."""
    images, edges = data
    frame = pd.DataFrame(images) if images else None
    if frame is None:
        return
    children = pd.DataFrame(edges) if edges else None
    policy = parse_policy(text)
    fleet = evaluate_fleet(frame, {"r1": policy, "r2": policy}, AS_OF, children=children)
    for repo in ("r1", "r2"):
        rows = (frame["repository_name"] == repo).to_numpy()
        if not rows.any():
            continue
        sub = frame[rows]
        repo_children = children[children["repository_name"] == repo] if children is not None else None
        alone = lint(policy, sub, AS_OF, children=repo_children, repository=repo)
        given_fleet = lint(policy, sub, AS_OF, children=repo_children, repository=repo,
                           acted=fleet["action"].notna().to_numpy()[rows])
        assert given_fleet == alone
