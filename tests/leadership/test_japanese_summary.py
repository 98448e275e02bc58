"""The first page in Japanese (report.language = "ja"): the ranked action lines, the headline
figures' details and changes, the trend lines and the key points are said in Japanese with the
same figures, while summary.json (machine-readable) stays English."""

from __future__ import annotations

import importlib.util
import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from ecr_report.jobs.config import Config, ReportConfig
from ecr_report.jobs.plugins import CONCERNS
from ecr_report.jobs.run import run
from ecr_report.reports import leadership as lead
from ecr_report.reports.compliance import CONTROLS
from ecr_report.reports.text import Text

from i18n_support import JA, t
from leadership_support import compliance_table, coverage_table, earlier_demo_summary, summary, write_run

RESIDUE = Path(__file__).resolve().parents[1] / "render" / "ja_residue.py"
AS_OF = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
EARLIER = [f"202602{d:02d}T080000Z" for d in (9, 16, 23)]
#: Words that stay English in a Japanese action line (names, identifiers, units).
_ALLOWED = {"Amazon", "Inspector", "Clair", "AWS_NATIVE", "NAT", "KMS", "ECR", "GiB", "MiB", "prod",
            "title", "of", "Foo", "repo", "month"}


def _english_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[A-Za-z][A-Za-z_']+", text) if w not in _ALLOWED}


def _every_action() -> list[lead.Action]:
    """One summary and set of tables per branch of the action lines."""
    found: list[lead.Action] = []
    for rows in ([("a", 1)], [("a", 3), ("b", 5)]):
        found += lead.rank_actions(summary(), {"coverage": coverage_table(rows)}, CONCERNS)
    for n in (1, 10):
        comp = compliance_table({"ECR.1": (n, "High"), "ECR.2": (n, "Medium"), "ECR.3": (n, "Medium"),
                                 "ECR.5": (n, "Medium"), "Inspector.2": (n, "High"), "Foo.9": (n, "Low")})
        for life in ({"proposed": {"status": "not evaluated"}},
                     {"reclaimable_bytes": 2**30, "reclaimable_monthly_usd": 0.1,
                      "proposed": {"status": "evaluated", "repositories_applied": n, "source": "baseline",
                                   "reclaimable_bytes": 5 * 2**30, "reclaimable_monthly_usd": 2.5}},
                     {"reclaimable_bytes": 2**30, "reclaimable_monthly_usd": 0.1,
                      "proposed": {"status": "evaluated", "repositories_applied": n,
                                   "reclaimable_bytes": 2**30, "reclaimable_monthly_usd": 0.1}}):
            scenarios = {"basic_to_enhanced_on_push": {"available": True, "change_usd": 28.72}}
            found += lead.rank_actions(summary(lifecycle=life, inspector={"scenarios": scenarios}),
                                       {"compliance": comp}, CONCERNS)
    registries = pd.DataFrame({"account_id": ["111122223333", "444455556666"], "region": "us-east-1",
                               "basic_scan_engine": "CLAIR", "scan_type": "BASIC"})
    found += lead.rank_actions(summary(), {"registries": registries}, CONCERNS)
    for refs, stale, days, losing in ((1, 1, 30, [-1.0, 3.0]), (6, 3, None, [-1.0, -2.5])):
        pt = pd.DataFrame({"account_id": "1", "region": "r", "ecr_repository_prefix": ["a", "b"],
                           "net_saving_monthly_usd": losing})
        found += lead.rank_actions(summary(pull_through={
            "uncached_references": refs, "uncached_saving_if_cached_monthly_usd": 233.51,
            "stale_images": stale, "stale_monthly_usd": 0.23, "stale_bytes": 5 * 2**30,
            "stale_days": days}), {"pull_through": pt}, CONCERNS)
    for label in ("Continuous narrowed to prod*; others scan on push", None):
        scenarios = {"narrow_continuous": {"available": True, "change_usd": -1.15, "label": label},
                     "rescan_days_14": {"available": True, "change_usd": -0.92}}
        found += lead.rank_actions(summary(inspector={"scenarios": scenarios}), {}, CONCERNS)
    return found


def test_every_action_line_is_a_sentence_with_a_japanese_translation():
    actions = _every_action()
    keys = {a.key for a in actions}
    assert {"critical_findings", "clair_to_native", "lifecycle_proposed", "control_ecr-1",
            "control_ecr-2", "control_ecr-3", "control_ecr-5", "control_inspector-2", "control_foo-9",
            "pull_through_uncached", "pull_through_stale", "pull_through_not_paying",
            "inspector_narrow_continuous", "inspector_rescan_duration"} <= keys
    for action in actions:
        assert isinstance(action.text, Text) and action.text.template in JA, action.text
        japanese = t(action.text, "ja")
        assert japanese != action.text
        assert not _english_words(japanese), (action.text, japanese)
        # the same figures, in the same order
        assert re.findall(r"\$[\d,.]+|[\d,.]+ [GM]iB", japanese) == \
            re.findall(r"\$[\d,.]+|[\d,.]+ [GM]iB", action.text), japanese


def test_the_action_lines_stay_english_in_the_json():
    ranked = lead.rank_actions(summary(), {"coverage": coverage_table([("web", 2)])}, CONCERNS)
    action = next(a for a in ranked if a.key == "critical_findings")
    doc = json.loads(json.dumps(action.to_json(1)))
    assert doc["text"] == "Fix 2 open critical findings in 1 repository, first web (2)"


def test_the_methodology_paragraphs_have_japanese():
    for paragraph in (lead.RANKING_RULE, lead.TRENDS_METHOD):
        japanese = t(paragraph, "ja")
        assert japanese != paragraph and not re.search(r"[a-z]+ [a-z]+ [a-z]+", japanese)
    assert "12 回" in t(lead.TRENDS_METHOD, "ja") and "10 ポイント" in t(lead.RANKING_RULE, "ja")


@pytest.fixture(scope="module")
def ja_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("leadership-ja")
    for n, run_id in enumerate(EARLIER):
        write_run(root, run_id, doc=earlier_demo_summary(run_id, n))
    outcome = run(Config(report=ReportConfig(language="ja", pdf=False)), output=root, demo=True,
                  now=AS_OF)
    html = (outcome.run_dir / "report.html").read_text(encoding="utf-8")
    return html, json.loads((outcome.run_dir / "summary.json").read_text(encoding="utf-8"))


def test_the_japanese_first_page_has_no_english_prose_left(ja_run):
    spec = importlib.util.spec_from_file_location("ja_residue", RESIDUE)
    residue = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(residue)
    html, _ = ja_run
    # A control's title is a parameter of a key point: the compliance catalog translates it.
    for control in CONTROLS.values():
        html = html.replace(control.title, t(control.title, "ja").replace(control.title, "…"))
    left = [text for section, text in residue.english_residue(html) if section == "summary"]
    assert not left, left


def test_the_japanese_first_page_says_the_actions_trends_and_changes(ja_run):
    html, doc = ja_run
    page = html.split('<section id="summary"', 1)[1].split("</section>", 1)[0]
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    for action in doc["actions"]:
        assert re.match(r"^[A-Z]", action["text"])  # summary.json keeps the English line
        assert action["text"] not in text
    assert "変化は前回の実行 20260223T080000Z(2026年2月23日 08:00 UTC)との比較です。" in text
    assert "直近 4 回の実行" in text
    assert "古い順: " in text and "ポイント" in text
    assert "提案ポリシーで月額" in text
    assert "未解決の重大な検出結果を修正" in text
