"""The lifecycle concern on a small, hand-computed snapshot: current vs proposed, an unknown
policy, an invalid proposal, dollars, archive transitions, exact bytes and lint codes; and the
report section built from it (never NaN/None, unknown stays unknown)."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from ecr_report.jobs.plugins import CONCERNS
from ecr_report.reports.concern import AnalysisContext, analysis_order
from ecr_report.reports.lifecycle import CONCERN
from ecr_report.reports.lifecycle.analysis import analyse
from ecr_report.reports.lifecycle.methodology import methodology_paragraphs
from ecr_report.reports.lifecycle.section import build_lifecycle
from ecr_report.reports.prices import PriceTable
from ecr_report.reports.render.blocks import Bullets, Chart, Figures, NotComputed, Paragraph, Table
from ecr_report.reports.schema import FOUNDATION_TABLES, conform

GiB = 1024 ** 3
AS_OF = pd.Timestamp("2026-11-30T00:00:00Z")
A, R = "111122223333", "us-east-1"
EXPIRE_UNTAGGED_7 = {"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed",
                                                      "countUnit": "days", "countNumber": 7}, "action": {"type": "expire"}}
MULTI = {"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPatternList": ["prod*", "v*"],
                                          "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}
PROPOSED = json.dumps({"rules": [
    {"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
                                      "countNumber": 14}, "action": {"type": "expire"}},
    {"rulePriority": 2, "selection": {"tagStatus": "any", "countType": "sinceImagePulled", "countUnit": "days",
                                      "countNumber": 90}, "action": {"type": "transition", "targetStorageClass": "archive"}},
]})


def policy(*rules) -> str:
    return json.dumps({"rules": list(rules)}, indent=1)


def repo(name: str, status: str, text: str | None = None) -> dict:
    return {"account_id": A, "region": R, "repository_name": name, "repository_arn": None, "registry_id": A,
            "created_at": None, "image_tag_mutability": "MUTABLE", "encryption_type": "AES256", "kms_key": None,
            "scan_on_push": False, "lifecycle_policy_status": status, "lifecycle_policy_text": text,
            "lifecycle_last_evaluated_at": None}


def image(repo_name: str, digest: str, days: float, size_gib: float, tags=(), pulled_days: float | None = None) -> dict:
    return {"account_id": A, "region": R, "repository_name": repo_name, "image_digest": f"sha256:{digest}",
            "image_tags": tuple(tags), "pushed_at": AS_OF - pd.Timedelta(days=days), "size_bytes": int(size_gib * GiB),
            "manifest_media_type": "application/vnd.docker.distribution.manifest.v2+json", "artifact_media_type": None,
            "last_pull_at": None if pulled_days is None else AS_OF - pd.Timedelta(days=pulled_days),
            "image_status": "ACTIVE", "last_archived_at": None, "last_activated_at": None, "subject_digest": None,
            "scan_status": None, "scan_completed_at": None, "critical": None, "high": None, "medium": None, "low": None,
            "informational": None, "undefined": None}


def frame(name: str, rows: list[dict]) -> pd.DataFrame:
    from snapshot_rows import TABLES

    return conform(name, pd.DataFrame(rows, columns=list(TABLES[name])), TABLES[name])


def snapshot(manifests: list[dict] | None = None) -> dict[str, pd.DataFrame]:
    repos = [
        repo("app/current", "PRESENT", policy(EXPIRE_UNTAGGED_7)),
        repo("app/multi", "PRESENT", policy(MULTI)),
        repo("app/none", "ABSENT"),
        repo("app/unknown", "UNKNOWN"),
        repo("docker-hub/library/nginx", "ABSENT"),
    ]
    images = [
        image("app/current", "u1", 10, 2),  # untagged, 10 days: expires (rule 1)
        image("app/current", "u2", 3, 1),  # untagged, 3 days: kept
        image("app/current", "t1", 30, 4, tags=["v1"]),  # tagged: kept
        image("app/multi", "m1", 5, 1, tags=["prod-1", "v1"]),  # both entries match, older: expires
        image("app/multi", "m2", 3, 1, tags=["prod-2", "v2"]),  # both match, youngest: kept
        image("app/multi", "m3", 1, 1, tags=["prod-3"]),  # only prod*: not a candidate
        image("app/none", "n1", 20, 1),  # proposed: untagged > 14 days: expires
        image("app/none", "n2", 200, 3, tags=["v2"], pulled_days=200),  # proposed: not pulled 90 days: archive
        image("app/unknown", "k1", 100, 5),
        image("docker-hub/library/nginx", "x1", 1, 1, tags=["1.27"]),
    ]
    return {
        "repositories": frame("repositories", repos),
        "images": frame("images", images),
        "pull_through_rules": frame("pull_through_rules", [{
            "account_id": A, "region": R, "ecr_repository_prefix": "docker-hub", "upstream_registry": "docker-hub",
            "upstream_registry_url": "registry-1.docker.io", "upstream_repository_prefix": "ROOT",
            "has_credential": True, "custom_role_arn": None, "created_at": None}]),
        "pull_time_update_exclusions": frame("pull_time_update_exclusions", []),
        "lifecycle_registries": frame("lifecycle_registries", [{
            "account_id": A, "region": R, "pull_time_exclusions_read": True, "pull_time_exclusion_count": 0,
            "manifests_requested": None, "manifests_read": None, "manifests_failed": None}]),
        "image_manifests": frame("image_manifests", manifests or []),
        "lifecycle_aws_preview": frame("lifecycle_aws_preview", []),
    }


PRICES = [{"item": "ecr.storage.archive", "region": R, "amount": 0.07, "source": "test"}]


def run(tables=None, **settings) -> tuple:
    ctx = AnalysisContext(as_of=AS_OF, tables=tables or snapshot(), prices=PriceTable.from_settings(PRICES),
                          settings={"proposed_policy_text": PROPOSED, "apply_proposed_to": "without_policy",
                                    "proposed_policy_source": "test.json", **settings},
                          units=((A, R),), errors=())
    result = analyse(ctx)
    return result, result.tables["lifecycle"].set_index(["repository_name", "scenario"])


def test_the_concern_runs_first_and_declares_its_tables():
    # Its table lifecycle_actions is required by the Inspector concern, listed before it.
    assert analysis_order(CONCERNS, FOUNDATION_TABLES)[0] is CONCERN and CONCERN.key == "lifecycle"
    assert set(CONCERN.result_tables) == {"lifecycle", "lifecycle_actions", "lifecycle_lint"}
    assert list(CONCERN.result_tables["lifecycle_actions"]) == [
        "account_id", "region", "repository_name", "image_digest", "scenario", "action", "applied_rule_priority", "size_bytes"]


def test_current_policies_per_repository():
    result, t = run()
    cur = t.xs("current", level="scenario")
    assert cur.loc["app/current", "images_expiring"] == 1 and cur.loc["app/current", "bytes_expiring"] == 2 * GiB
    assert cur.loc["app/multi", "images_expiring"] == 1 and cur.loc["app/multi", "bytes_expiring"] == GiB
    assert cur.loc["app/none", "policy_status"] == "ABSENT" and cur.loc["app/none", "images_expiring"] == 0
    assert cur.loc["app/current", "monthly_usd_saved"] == pytest.approx(0.20)
    # Unknown is unknown: never "reclaims 0".
    unknown = cur.loc["app/unknown"]
    assert unknown["policy_status"] == "UNKNOWN"
    assert pd.isna(unknown["images_expiring"]) and pd.isna(unknown["bytes_expiring"]) and pd.isna(unknown["monthly_usd_saved"])
    s = result.summary
    assert (s["images_expiring"], s["reclaimable_bytes"], s["reclaimable_monthly_usd"]) == (2, 3 * GiB, 0.30)
    assert s["reclaimable_bytes_exact"] is None and s["repositories_unknown_policy"] == 1
    assert s["repositories_without_policy"] == 2 and s["bytes_to_archive"] == 0
    assert any("could not be read" in n for n in result.notes)


def test_the_proposed_policy_goes_on_repositories_without_one():
    result, t = run()
    prop = t.xs("proposed", level="scenario")
    assert prop.loc["app/none", "policy_status"] == "PROPOSED"
    assert prop.loc["app/current", "policy_status"] == "KEPT" and prop.loc["app/current", "images_expiring"] == 1
    assert prop.loc["app/unknown", "policy_status"] == "UNKNOWN" and pd.isna(prop.loc["app/unknown", "images_expiring"])
    none = prop.loc["app/none"]
    assert (none["images_expiring"], none["bytes_expiring"]) == (1, GiB)
    assert (none["images_transitioning"], none["bytes_transitioning"]) == (1, 3 * GiB)
    # 1 GiB x $0.10 freed + 3 GiB x ($0.10 - $0.07) moved to archive.
    assert none["monthly_usd_saved"] == pytest.approx(0.10 + 3 * 0.03)
    # The 90-day archive minimum of what is archived: 3 GiB x $0.07 x 90 days in months.
    assert none["archive_commitment_usd"] == pytest.approx(3 * 0.07 * 90 * 12 / 365)
    p = result.summary["proposed"]
    assert p["status"] == "evaluated" and p["repositories_applied"] == 2
    assert (p["images_expiring"], p["reclaimable_bytes"], p["bytes_to_archive"]) == (3, 4 * GiB, 3 * GiB)
    assert p["reclaimable_monthly_usd"] == pytest.approx(0.49)
    assert p["without_policy"]["images_expiring"] == 1


def test_apply_to_all_replaces_every_policy_and_evaluates_unknown_ones():
    _, t = run(apply_proposed_to="all")
    prop = t.xs("proposed", level="scenario")
    assert set(prop["policy_status"]) == {"PROPOSED"}
    assert prop.loc["app/unknown", "images_expiring"] == 1  # untagged, 100 days
    assert prop.loc["app/current", "images_expiring"] == 0  # untagged 10 days < 14


def test_actions_table_is_the_contract_the_inspector_concern_reads():
    result, _ = run()
    actions = result.tables["lifecycle_actions"]
    got = {(r.repository_name, r.image_digest.split(":")[1], r.scenario, r.action, int(r.applied_rule_priority), r.size_bytes)
           for r in actions.itertuples()}
    assert got == {
        ("app/current", "u1", "current", "EXPIRE", 1, 2 * GiB), ("app/multi", "m1", "current", "EXPIRE", 1, GiB),
        ("app/current", "u1", "proposed", "EXPIRE", 1, 2 * GiB), ("app/multi", "m1", "proposed", "EXPIRE", 1, GiB),
        ("app/none", "n1", "proposed", "EXPIRE", 1, GiB), ("app/none", "n2", "proposed", "TRANSITION", 2, 3 * GiB),
    }


def test_lint_codes_per_repository_and_for_the_proposal():
    result, t = run()
    lint = result.tables["lifecycle_lint"]
    current = {(r.repository_name, r.code) for r in lint[lint["scenario"] == "current"].itertuples()}
    assert current == {("app/multi", "multi-entry-tag-list"), ("docker-hub/library/nginx", "pull-through-cache-no-policy")}
    proposed = lint[lint["scenario"] == "proposed"]
    assert list(proposed["code"]) == ["pulled-without-exclusions"] and proposed["repository_name"].isna().all()
    assert result.summary["lint_warnings"] == 2
    assert t.loc[("docker-hub/library/nginx", "current"), "created_by_pull_through_cache"]
    assert not t.loc[("app/none", "current"), "created_by_pull_through_cache"]


def test_fleet_lint_says_what_linting_each_repository_alone_says():
    # Images of several repositories interleaved in the snapshot (as collection order gives
    # them), a referrer, a repository with no images, images of a repository not listed: the
    # fleet's table (each repository a slice of one sorted read) must say, repository by
    # repository, what the public per-repository `lint` says of that repository's own images.
    from ecr_report.reports.lifecycle import lint, parse_policy

    age = {"countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1}
    claims = policy({"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPrefixList": ["v"],
                                                      "countType": "imageCountMoreThan", "countNumber": 5},
                     "action": {"type": "expire"}},
                    {"rulePriority": 2, "selection": {"tagStatus": "tagged", "tagPatternList": ["v*"], **age},
                     "action": {"type": "expire"}},
                    {"rulePriority": 3, "selection": {"tagStatus": "any", **age}, "action": {"type": "expire"}})
    idle = policy({"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPrefixList": ["zzz"], **age},
                   "action": {"type": "expire"}})
    texts = {"app/claims": claims, "app/idle": idle, "app/empty": claims, "app/multi": policy(MULTI)}
    tables = snapshot()
    tables["repositories"] = frame("repositories", [repo(n, "PRESENT", t) for n, t in texts.items()] + [repo("app/none", "ABSENT")])
    rows = [image("app/claims", "c1", 5, 1, tags=["v1"]), image("app/idle", "i1", 5, 1, tags=["v1"]),
            image("app/multi", "m1", 5, 1, tags=["prod-1", "v1"]), image("app/claims", "c2", 4, 1),
            {**image("app/claims", "c3", 4, 1, tags=["v3"]), "subject_digest": "sha256:c2"},
            image("app/unlisted", "z1", 9, 1), image("app/idle", "i2", 50, 1), image("app/multi", "m2", 3, 1, tags=["prod-2", "v2"])]
    tables["images"] = frame("images", rows)
    result, _ = run(tables)
    table = result.tables["lifecycle_lint"]
    got = [(r.repository_name, r.code, r.message) for r in table[table["scenario"] == "current"].itertuples()]
    images = tables["images"]
    want = []
    for name, text in texts.items():
        own = images[images["repository_name"] == name]
        for w in lint(parse_policy(text), own if len(own) else None, AS_OF, pull_time_update_exclusions=[],
                      repository=name):
            want.append((name, w.code, str(w.text())))
    assert got == want
    assert {code for _, code, _ in got} >= {"no-op-today", "claimed-today", "multi-entry-tag-list"}


def test_an_invalid_proposed_policy_is_reported_not_raised():
    bad = json.dumps({"rules": [{"rulePriority": 1, "selection": {"tagStatus": "tagged", "countType": "imageCountMoreThan",
                                                                  "countNumber": 1}, "action": {"type": "expire"}}]})
    result, t = run(proposed_policy_text=bad)
    assert set(t.index.get_level_values("scenario")) == {"current"}
    p = result.summary["proposed"]
    assert p["status"] == "invalid" and p["errors"] and p["reclaimable_bytes"] is None
    assert any("tagPatternList" in e or "tagPrefixList" in e for e in p["errors"])
    assert any("not a policy ECR would accept" in n for n in result.notes)
    assert result.summary["images_expiring"] == 2  # the current scenario still stands


def test_exact_bytes_count_only_layers_no_remaining_image_uses():
    def blobs(img, *refs):
        rows = [{"account_id": A, "region": R, "repository_name": "app/current", "image_digest": f"sha256:{img}",
                 "kind": "READ", "ref_digest": None, "size_bytes": None}]
        rows += [{"account_id": A, "region": R, "repository_name": "app/current", "image_digest": f"sha256:{img}",
                  "kind": "BLOB", "ref_digest": d, "size_bytes": s} for d, s in refs]
        return rows

    base = ("sha256:base", int(1.5 * GiB))
    manifests = blobs("u1", base, ("sha256:l-u1", GiB // 2)) + blobs("u2", ("sha256:l-u2", GiB)) + blobs("t1", base, ("sha256:l-t1", 2 * GiB))
    result, t = run(snapshot(manifests))
    row = t.loc[("app/current", "current")]
    assert row["bytes_expiring"] == 2 * GiB and row["bytes_expiring_exact"] == GiB // 2  # the base layer stays with t1
    assert row["bytes_basis"] == "exact" and row["monthly_usd_saved"] == pytest.approx(0.05)
    # app/multi has no manifests: naive there, so the fleet has no all-exact total.
    assert result.summary["reclaimable_bytes"] == GiB // 2 + GiB
    assert result.summary["reclaimable_bytes_exact"] is None and result.summary["reclaimable_bytes_naive"] == 3 * GiB


def test_methodology_names_the_unconfirmed_prices_and_keeps_the_numbered_choices():
    result, _ = run()
    text = "\n".join(result.methodology)
    assert "Dollar model" in text and "UNCONFIRMED" in text and "90 days" in text
    paragraphs = methodology_paragraphs()
    assert any(p.startswith("1. Day boundary.") for p in paragraphs) and all("\n" not in p for p in paragraphs)


class SectionCtx:
    def __init__(self, tables, summary, not_computed=()):
        self._tables, self.summary, self._nc = tables, {"lifecycle": summary}, not_computed

    def table(self, name):
        return self._tables.get(name)

    def not_computed(self, key):
        return key in self._nc

    def partial(self, account, region):
        return False


def _texts(section) -> list[str]:
    out = [section.title]
    for block in section.blocks:
        if isinstance(block, Paragraph):
            out.append(block.text)
        elif isinstance(block, Bullets):
            out.extend(block.items)
        elif isinstance(block, Figures):
            out.extend(t for f in block.items for t in (f.label, f.value, f.detail))
        elif isinstance(block, Table):
            out.extend(t for row in block.rows for c in row for t in (c.text, c.note))
            out.append(block.more_text)
        elif isinstance(block, Chart):
            out.append(str(block.svg))
    return out


def test_the_report_section_tells_the_story_without_nan_or_none():
    result, _ = run()
    section = build_lifecycle(SectionCtx(result.tables, result.summary), 6)
    texts = _texts(section)
    joined = "\n".join(texts)
    assert section.id == "lifecycle" and any(isinstance(b, Chart) for b in section.blocks)
    assert "app/none" in joined and "docker-hub/library/nginx" in joined and "multi-entry-tag-list" in joined
    assert "UNKNOWN" in joined and "could not be read" in joined
    for bad in ("nan", "NaN", "None", "<NA>"):
        assert not any(bad in t.split() for t in texts), bad


def test_the_report_section_says_not_computed_and_shows_an_invalid_proposal():
    section = build_lifecycle(SectionCtx({}, {}, ("lifecycle",)), 6)
    assert [type(b) for b in section.blocks] == [NotComputed]
    bad = json.dumps({"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan",
                                                                  "countNumber": 0}, "action": {"type": "expire"}}]})
    result, _ = run(proposed_policy_text=bad)
    section = build_lifecycle(SectionCtx(result.tables, result.summary), 6)
    assert any(isinstance(b, Bullets) and any("countNumber" in i for i in b.items) for b in section.blocks)
    assert not any(isinstance(v, float) and math.isnan(v) for v in result.summary.values())


def test_the_actions_table_is_the_same_bytes_whatever_the_chunks_of_the_snapshot():
    # A snapshot's string columns come in Arrow chunks (one per registry); the typed actions
    # table must be built like every other result table, from values, or Parquet writes it
    # as other bytes (the dictionary page fills up at another row).
    import io

    import pyarrow as pa

    from ecr_report.reports.lifecycle.tables import LIFECYCLE_ACTIONS, table_frame, typed_frame

    digests = [f"sha256:{i:064x}" for i in range(20_000)]  # over the 1 MB dictionary page: plain pages follow
    chunked = pd.arrays.ArrowStringArray(pa.chunked_array([pa.array(digests[i:i + 7], pa.large_string())
                                                           for i in range(0, len(digests), 7)]))
    frame = pd.DataFrame({"account_id": A, "region": R, "repository_name": "app", "image_digest": chunked,
                          "scenario": "current", "action": "EXPIRE", "applied_rule_priority": 1, "size_bytes": 5})

    def parquet(df):
        out = io.BytesIO()
        df.to_parquet(out, index=False)
        return out.getvalue()

    assert parquet(typed_frame(frame, LIFECYCLE_ACTIONS)) == parquet(table_frame(frame.to_dict("records"), LIFECYCLE_ACTIONS))
