"""The pull-through cache section and methodology in Japanese (report.language = "ja").

The section is built from hand-made result tables that reach every branch the demo fleet does
not (partial figures, singular counts, unknown values, capped tables, every topology and
rate-limit status, an images-in-use file, empty and absent tables), then put through the
language pass: no English prose may be left outside identifiers and product names, and the
English the section gives is pinned where the wording carries figures.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from ecr_report.reports.pull_through import section
from ecr_report.reports.pull_through.analysis import conform_rows, notes
from ecr_report.reports.pull_through.inputs import Settings
from ecr_report.reports.pull_through.methodology import methodology
from ecr_report.reports.pull_through.tables import RESULT_TABLES
from ecr_report.reports.text import Text

from i18n_support import JA, localize, t

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "render"))
from ja_residue import PROSE, keep_english  # noqa: E402

A1, A2 = "111122223333", "444455556666"
REGION = "us-east-1"
UPSTREAMS = ("docker-hub", "ecr-public", "k8s", "quay", "github-container-registry",
             "gitlab-container-registry", "azure-container-registry", "chainguard", "ecr", "other")
#: missing_table's sentence belongs to blocks.py; only its {name} is this section's.
MISSING_TABLE = re.compile(r"^The .* table is not available for this run")


# --- hand-made result tables ---------------------------------------------------------------


def _frame(name: str, rows: list[dict]) -> pd.DataFrame:
    """`rows` as result table `name`; integer columns left out are 0 (they cannot be missing)."""
    ints = [c for c, dtype in RESULT_TABLES[name].items() if dtype == "int64"]
    return conform_rows(name, [{**{c: 0 for c in ints}, **{k: v for k, v in r.items() if v is not None or k not in ints}}
                           for r in rows])


def _pull_through(partial_values: bool = False) -> pd.DataFrame:
    rows = []
    for i, upstream in enumerate(UPSTREAMS):
        base = {"account_id": A1, "region": REGION, "ecr_repository_prefix": f"p{i}",
                "upstream_registry": upstream, "partial": i == 1}
        if upstream == "chainguard":  # a rule that has cached nothing yet
            rows.append({**base, "images": 0, "stored_bytes": 0, "storage_monthly_usd": 0.0,
                         "nat_avoided_monthly_usd": 0.0, "net_saving_monthly_usd": 0.0})
            continue
        for j in range(2):
            unknown = partial_values and j == 1
            rows.append({**base, "repository_name": f"p{i}/repo-{j}", "images": 3 + j,
                         "stored_bytes": (i + 1) * 10 ** 9, "storage_monthly_usd": 0.1 * (i + 1),
                         "pulls_monthly": None if unknown else 100.0 * (i + j),
                         "pulls_per_image_monthly": None if unknown else 10.0,
                         "nat_avoided_monthly_usd": None if unknown else 1.5 * i,
                         "net_saving_monthly_usd": None if unknown else 1.5 * i - 0.1 * (i + 1),
                         "break_even_pulls_per_image_monthly": None if i % 3 == 0 else 4.2,
                         "scanned_automatically": [True, False, None][(i + j) % 3],
                         "scan_frequency": "MANUAL",
                         "lifecycle_policy_status": ["PRESENT", "ABSENT", None][(i + j) % 3],
                         "creation_template": None if j else f"p{i}"})
    return _frame("pull_through", rows)


def _topology() -> pd.DataFrame:
    kinds = [("ENDPOINTS", "S3 gateway endpoint (free)", True),
             ("S3_GATEWAY_ONLY", "S3 interface endpoint (per-GB charge)", True),
             ("ECR_ENDPOINTS_NO_S3", "NAT gateway", False), ("NAT_ONLY", "NAT gateway", False),
             ("NO_NAT", "no NAT gateway (internet gateway or no internet route)", False)]
    rows = []
    for i in range(9):
        topo, path, saves = kinds[i % len(kinds)]
        rows.append({"account_id": A1, "region": REGION, "vpc_id": f"vpc-{i:04d}",
                     "vpc_name": None if i % 2 else f"name-{i}", "nat_gateways": 0 if topo == "NO_NAT" else 1,
                     "topology": topo, "layers_path": path, "cache_saves_nat": saves,
                     "pull_share": 0.1, "endpoint_fixed_monthly_usd": 14.6,
                     "pull_share_source": ("configured (pull_through.vpc_pull_shares)" if i % 2
                                           else "by NAT gateway count")})
    rows.append({**rows[-1], "topology": "SOMETHING_NEW", "vpc_id": "vpc-new", "nat_gateways": 2})
    return _frame("pull_through_topology", rows)


def _stale(repos: int = 8) -> pd.DataFrame:
    return _frame("pull_through_stale", [
        {"account_id": A1, "region": REGION, "repository_name": f"p0/repo-{i}", "image_digest": f"sha256:{i}",
         "size_bytes": 10 ** 8, "monthly_usd": 0.01, "days_since_pull": 100.0 + i,
         "lifecycle_policy_status": ["ABSENT", "PRESENT", None][i % 3],
         "creation_template": None if i % 2 else "p0"} for i in range(repos)])


def _uncached() -> pd.DataFrame:
    rows = []
    for i, upstream in enumerate(UPSTREAMS[:9] + ("docker-hub",)):
        docker = upstream == "docker-hub"
        rows.append({"account_id": A1, "region": REGION, "source": f"ecs:family-{i}:1",
                     "reference": f"image-{i}:1", "upstream_registry": upstream,
                     "rule_prefix": "p0" if i % 2 else None, "pulls_per_day": 10.0 * i,
                     "pulls_source": "assumed: 1 per day x 1 container(s)" if i % 2 else "CloudWatch pulls",
                     "size_bytes": 1.5e8, "size_source": "assumed" if i % 3 else "cached copy in p0/x",
                     "nat_monthly_usd": None if i == 3 else 2.0 * i,
                     "saving_if_cached_monthly_usd": None if i == 3 else 1.0 * i, "pulls_per_6h": 2.5 * i,
                     "docker_hub_unauthenticated_limit_per_6h": 100 if docker else None,
                     "docker_hub_personal_limit_per_6h": 200 if docker else None})
    return _frame("pull_through_uncached", rows)


def _in_use(with_file: bool) -> pd.DataFrame:
    rows = [{"account_id": A1, "region": REGION, "source": "ecs:web:1", "reference": f"x{i}",
             "kind": ["CACHED", "UPSTREAM", "PRIVATE"][i % 3], "served_if_upstream_down": i % 3 == 0}
            for i in range(5)]
    if with_file:
        rows.append({**rows[0], "source": "images-in-use file"})
    return _frame("pull_through_in_use", rows)


def _rates(n: int = 8) -> pd.DataFrame:
    statuses = ("OVER_UNAUTHENTICATED", "NEAR_UNAUTHENTICATED", "WITHIN", "NO_NAT")
    return _frame("pull_through_rate_limits", [
        {"account_id": A2, "region": f"r-{i}", "nat_public_ips": i, "docker_hub_references": 1,
         "pulls_per_6h": 50.0 * i, "pulls_per_6h_per_ip": 50.0, "unauthenticated_limit_per_6h": 100,
         "personal_limit_per_6h": 200, "status": statuses[i % len(statuses)], "source": "docs"}
        for i in range(n)])


SUMMARY = {
    "storage_monthly_usd": 1.76, "nat_savings_monthly_usd": 592.0, "net_saving_monthly_usd": 590.24,
    "endpoint_fixed_monthly_usd": 43.8, "net_saving_including_endpoints_monthly_usd": 546.44,
    "rules": 6, "rules_paying": 4, "rules_not_paying": 1, "rules_without_cached_repositories": 1,
    "cached_repositories": 11, "stored_bytes": 18_897_856_102, "pulls_monthly": 183442.0,
    "break_even_pulls_per_image_monthly": 15.1, "layer_reuse_fraction": 0.3, "metrics_days": 30,
    "stale_days": 90, "stale_images": 39, "stale_monthly_usd": 0.23,
    "repositories_not_scanned_automatically": 11, "partial": False,
}
SINGULAR = {**SUMMARY, "rules": 1, "rules_paying": 1, "rules_not_paying": 1,
            "rules_without_cached_repositories": 1, "cached_repositories": 1,
            "repositories_not_scanned_automatically": 1, "partial": True}


def _ctx(summary: dict | None, tables: dict[str, pd.DataFrame | None], not_computed: bool = False):
    return SimpleNamespace(summary={"pull_through": summary} if summary is not None else {},
                           table=lambda name: tables.get(name),
                           not_computed=lambda key: not_computed)


def _tables(**changes) -> dict[str, pd.DataFrame | None]:
    tables = {"pull_through": _pull_through(), "pull_through_topology": _topology(),
              "pull_through_stale": _stale(), "pull_through_uncached": _uncached(),
              "pull_through_in_use": _in_use(True), "pull_through_rate_limits": _rates()}
    tables.update(changes)
    return tables


def _empty(name: str) -> pd.DataFrame:
    return _frame(name, [])


VARIANTS = {
    "full": lambda: _ctx(SUMMARY, _tables()),
    "singular, partial": lambda: _ctx(SINGULAR, _tables(
        pull_through=_pull_through(partial_values=True), pull_through_stale=_stale(1),
        pull_through_rate_limits=_rates(7), pull_through_in_use=_in_use(False),
        pull_through_topology=pd.concat([_topology()] * 1, ignore_index=True).iloc[:8])),
    "unknown figures": lambda: _ctx({k: None for k in SUMMARY}, _tables(pull_through_stale=_stale(7))),
    "no summary": lambda: _ctx(None, _tables()),
    "only paying": lambda: _ctx({**SUMMARY, "rules_not_paying": 0, "rules_without_cached_repositories": 0,
                                 "repositories_not_scanned_automatically": 0}, _tables()),
    "few rows": lambda: _ctx(SUMMARY, _tables(pull_through_rate_limits=_rates(4),
                                              pull_through_stale=_empty("pull_through_stale"))),
    "empty tables": lambda: _ctx(SUMMARY, {name: _empty(name) for name in RESULT_TABLES}),
    "no rules, uses upstreams": lambda: _ctx(SUMMARY, _tables(pull_through=_empty("pull_through"))),
    "tables absent": lambda: _ctx(SUMMARY, {"pull_through": _pull_through()}),
    "no results at all": lambda: _ctx(SUMMARY, {}),
    "not computed": lambda: _ctx(SUMMARY, _tables(), not_computed=True),
}


# --- helpers -------------------------------------------------------------------------------


def _texts(obj: object, out: list[str]) -> list[str]:
    """Every display string of a built view object (identifiers in code cells left out)."""
    if isinstance(obj, str):
        out.append(str(obj))
    elif isinstance(obj, (tuple, list)):
        for item in obj:
            _texts(item, out)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type) and not getattr(obj, "code", False):
        for f in dataclasses.fields(obj):
            if f.name not in ("id", "tone", "badge", "chart_id", "color", "kind", "lang", "width"):
                _texts(getattr(obj, f.name), out)
    return out


def _english_left(texts: list[str]) -> list[str]:
    keep = keep_english()
    left = []
    for text in texts:
        stripped = text
        for name in keep:
            stripped = stripped.replace(name, " ")
        if PROSE.search(stripped) and not MISSING_TABLE.match(text):
            left.append(text)
    return left


def _svg_texts(section_view) -> list[str]:
    out = []
    for block in section_view.blocks:
        svg = getattr(block, "svg", None)
        if svg is not None and not isinstance(svg, str):
            out += [m for m in re.findall(r">([^<]+)<", str(svg))]
    return out


# --- the section ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(VARIANTS))
def test_no_english_prose_is_left_in_japanese(name):
    view = section.build_pull_through(VARIANTS[name](), 5)
    japanese = localize(view, "ja")
    left = _english_left(_texts(japanese, []) + _svg_texts(japanese))
    assert not left, f"{name}: English left:\n" + "\n".join(left[:20])


def test_every_branch_was_reached():
    """The variants above show every upstream, topology and rate-limit text at least once."""
    shown = set()
    for make in VARIANTS.values():
        shown.update(_texts(section.build_pull_through(make(), 5), []))
    shown.add(section.upstream_chart(section.per_upstream(_empty("pull_through"))).description)
    wanted = {"Kubernetes registry", "other registry", "S3 endpoint only", "ECR endpoints, no S3",
              "ecr.dkr + S3 endpoints", "no endpoints", "S3 interface endpoint (per-GB charge)",
              "configured (pull_through.vpc_pull_shares)", "by NAT gateway count", "over the unauthenticated limit",
              "over half the unauthenticated limit", "within the limits", "no NAT gateway found",
              "No stale cache entries.", "No image in use is pulled from an upstream registry directly.",
              "Every stale image is listed in data/pull_through_stale.csv.", "never", "yes", "no", "present",
              "absent", "Cache storage / month (partial)", "No data."}
    assert not wanted - shown, sorted(wanted - shown)


def test_the_headline_sentence_in_english_and_japanese():
    view = section.build_pull_through(_ctx(SUMMARY, _tables()), 5)
    lead = next(b.text for b in view.blocks if type(b).__name__ == "Paragraph")
    assert lead == ("6 pull-through cache rules cache 11 repositories. 4 pay for their storage in avoided NAT "
                    "processing; 1 does not; 1 has cached nothing yet. 11 cached repositories are not covered "
                    "by a scanning rule, so those upstream images are not brought under ECR scanning.")
    assert t(lead, "ja") == (
        "6 件のプルスルーキャッシュルールが 11 リポジトリをキャッシュしています。4 件は、削減される NAT データ"
        "処理でストレージコストを賄っています。1 件は賄えていません。1 件はまだ何もキャッシュしていません。"
        "キャッシュされた 11 リポジトリはスキャンルールの対象外のため、それらのアップストリームイメージは ECR の"
        "スキャン対象になっていません。")


@pytest.mark.parametrize("summary, english", [
    (SINGULAR, "1 pull-through cache rule cache 1 repository. 1 pays for its storage in avoided NAT processing; "
               "1 does not; 1 has cached nothing yet. 1 cached repository is not covered by a scanning rule, "
               "so those upstream images are not brought under ECR scanning."),
    ({**SUMMARY, "rules_not_paying": 0, "rules_without_cached_repositories": 2,
      "repositories_not_scanned_automatically": 0, "cached_repositories": None},
     "6 pull-through cache rules cache n/a repositories. 4 pay for their storage in avoided NAT processing; "
     "2 have cached nothing yet."),
    ({**SUMMARY, "rules_paying": 0, "rules_not_paying": 3, "rules_without_cached_repositories": 0,
      "repositories_not_scanned_automatically": 0},
     "6 pull-through cache rules cache 11 repositories. 0 pay for their storage in avoided NAT processing; "
     "3 do not."),
])
def test_lead_sentence_variants_keep_their_english(summary, english):
    assert section.lead_sentence(summary) == english
    assert "。" in t(section.lead_sentence(summary), "ja")


def test_figures_in_english_and_japanese():
    figures = section.headline_figures(SUMMARY, False)
    details = [f.detail for f in figures.items]
    assert details == ["17.6 GiB cached", "183,442 pulls / month", "$43.80 endpoint hours not included",
                       "pulls per cached image per month", "$0.23 / month, not pulled for 90 days"]
    assert [t(d, "ja") for d in details] == [
        "17.6 GiB をキャッシュ", "183,442 プル / 月", "エンドポイント時間料金 $43.80 は含まず",
        "キャッシュイメージあたりの月間プル数", "$0.23 / 月、90 日間プルなし"]
    partial = section.headline_figures(SUMMARY, True)
    assert partial.items[0].label == "Cache storage / month (partial)"


def test_chart_labels_and_description():
    upstream = section.per_upstream(_tables()["pull_through"])
    chart = section.upstream_chart(upstream)
    assert "Docker Hub · storage" in chart.categories and "Kubernetes · NAT avoided" in chart.categories
    assert chart.description.startswith("other registry: storage $2.00, NAT processing avoided $27.00 per "
                                        "month; Amazon ECR: storage $1.80, ")
    assert "; Docker Hub: storage $0.20, NAT processing avoided $0.00 per month; " in chart.description
    japanese = localize(chart, "ja")
    assert "Docker Hub · ストレージ" in japanese.categories
    assert japanese.description.startswith("その他のレジストリ: ストレージ $2.00、削減された NAT 処理 $27.00(月額)。"
                                           "Amazon ECR: ストレージ $1.80、")
    assert "。Docker Hub: ストレージ $0.20、削減された NAT 処理 $0.00(月額)。" in japanese.description
    assert "Kubernetes レジストリ: ストレージ" in japanese.description


def test_missing_tables_name_their_table_in_japanese():
    """missing_table() (blocks.py) gets the table's name as a translatable Text."""
    for name in ("pull-through cache", "VPC topology", "stale cache entries", "uncached images"):
        assert name in JA


# --- methodology and notes -----------------------------------------------------------------


def test_methodology_paragraphs_are_translated():
    paragraphs = methodology(Settings(metrics_days=14, layer_reuse_fraction=0.25, stale_days=60), {})
    assert len(paragraphs) == 8
    assert all(isinstance(p, Text) for p in paragraphs)
    assert "over the last 14 whole days" in paragraphs[1] and "node: 25% of the bytes" in paragraphs[1]
    assert "more than 60 days before the snapshot" in paragraphs[4]
    japanese = [t(p, "ja") for p in paragraphs]
    assert "14 日間" in japanese[1] and "25%" in japanese[1] and "60 日" in japanese[4]
    left = _english_left(japanese)
    assert not left, left


def test_analysis_notes_are_translated():
    pt = _frame("pull_through", [{"account_id": A1, "region": REGION, "ecr_repository_prefix": "p",
                                    "repository_name": "p/x", "images": 1, "stored_bytes": 1}])
    network = SimpleNamespace(known=False)
    found = notes({"pull_through": pt}, {(A1, REGION): network}, {(A1, REGION): None})
    assert found == [
        f"Pull-through cache: the VPC topology of {A1}/{REGION} could not be collected, so its NAT savings "
        "are unknown.",
        "Pull-through cache: pull counts are missing for 1 cached repositories; their savings are unknown, "
        "not zero."]
    japanese = [t(n, "ja") for n in found]
    assert f"{A1}/{REGION}" in japanese[0] and "1 リポジトリ" in japanese[1]
    assert not _english_left(japanese)
