"""The Inspector section in Japanese: every sentence the analysis writes (also those that travel
through the result tables, as facts beside the English) is translated, with the same figures and names, and
a long scenario note is cut the same way in both languages. The English is what it always was."""

from __future__ import annotations

import importlib.util
import json
import string
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from ecr_report.jobs.plugins import CONCERNS
from ecr_report.reports.inspector_pricing import section
from ecr_report.reports.prices import PriceTable
from ecr_report.reports.render import render_html
from ecr_report.reports.render.model import ReportInput
from ecr_report.reports.text import JOINED, Joined, Text, fact_json, from_fact_json, join, msg

from i18n_support import JA, t
from inspector_support import ACCOUNT, OTHER, REGION, configuration, coverage_image, image, registry, rule, run, usage

_spec = importlib.util.spec_from_file_location(
    "ja_residue", Path(__file__).resolve().parents[1] / "render" / "ja_residue.py")
ja_residue = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ja_residue)

OTHER_UNIT = {"account_id": OTHER, "region": REGION}
RULES = [rule("CONTINUOUS_SCAN", "prod*", 0), rule("SCAN_ON_PUSH", "*", 1)]


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}


def _basic_and_enhanced():
    """Enhanced 111122223333 (continuous and on push, usage read but empty) and basic, Inspector
    off 444455556666: the basic-to-enhanced notes, defaults, narrowed and rescan scenarios."""
    images = [image("prod-api", 1), image("prod-api", 20), image("prod-web", 2), image("team-x", 3),
              {**image("app", 5), **OTHER_UNIT}, {**image("app", 20), **OTHER_UNIT}]
    return run(registries=[registry(coverage_collected=None), registry("BASIC", "DISABLED", account=OTHER)],
               rules=RULES, repositories=["prod-api", "prod-web", "team-x",
                                          {"repository_name": "app", **OTHER_UNIT}],
               images=images, configuration_rows=[configuration(push="DAYS_30"), {
                   **OTHER_UNIT, "configuration_status": "NOT_CALLED", "usage_status": "NOT_CALLED"}])


def _calibrated_and_failed():
    """Calibrated usage in one registry, ListUsageTotals failed in another, GetConfiguration failed
    in a third; every registry enhanced (no basic-to-enhanced scenario), lifetime push duration."""
    third = {"account_id": "777788889999", "region": REGION}
    api, web = image("prod-api", 1), image("prod-web", 2)
    return run(
        registries=[registry(), registry(account=OTHER), registry(account=third["account_id"])],
        rules=RULES + [rule("CONTINUOUS_SCAN", "*", 0, **OTHER_UNIT), rule("CONTINUOUS_SCAN", "*", 0, **third)],
        repositories=["prod-api", "prod-web", {"repository_name": "app", **OTHER_UNIT},
                      {"repository_name": "svc", **third}],
        images=[api, web, {**image("app", 5), **OTHER_UNIT}, {**image("svc", 4), **third}],
        inspector_coverage=[coverage_image("prod-api", api["image_digest"]),
                            coverage_image("prod-web", web["image_digest"])],
        configuration_rows=[configuration(push="LIFETIME"), configuration(account=OTHER, usage="FAILED"),
                            {**third, "configuration_status": "FAILED", "usage_status": "NOT_CALLED"}],
        usage_rows=[usage("ECR_RESCAN", 8, 0.08), usage("ECR_INITIAL_SCAN", 2, 0.18)])


def _no_monitored_image():
    """Usage with rescans, but nothing monitored to calibrate on; no narrowing filter."""
    return run(registries=[registry()], rules=[rule("SCAN_ON_PUSH", "*", 0)], repositories=["team-x"],
               images=[image("team-x", 3)], configuration_rows=[configuration()],
               usage_rows=[usage("ECR_RESCAN", 5, 0.05)], settings={"narrow_continuous_filters": []})


def _lifecycle():
    images = [image("prod-api", 1), image("prod-api", 20), image("prod-web", 2), image("team-x", 3),
              {**image("app", 5), **OTHER_UNIT}]
    actions = pd.DataFrame({
        "account_id": [ACCOUNT], "region": [REGION], "repository_name": ["prod-api"],
        "image_digest": [images[1]["image_digest"]], "scenario": ["proposed"], "action": ["TRANSITION"],
        "applied_rule_priority": [1], "size_bytes": [1000]})
    return run(
        registries=[registry(coverage_collected=None), registry("BASIC", "DISABLED", account=OTHER)],
        rules=RULES, repositories=["prod-api", "prod-web", "team-x", {"repository_name": "app", **OTHER_UNIT}],
        images=images, configuration_rows=[configuration(push="DAYS_30")],
        extra={"lifecycle_actions": actions})


def _many_registries(prices: PriceTable | None = None):
    """Nine registries, eight of them basic with Inspector off: capped tables and a long note."""
    accounts = [f"1000000000{i:02d}" for i in range(8)]
    units = [{"account_id": a, "region": "eu-west-1"} for a in accounts]
    return run(registries=[registry()] + [registry("BASIC", "DISABLED", account=a, region="eu-west-1")
                                          for a in accounts],
               rules=RULES, repositories=["prod-api"] + [{"repository_name": "app", **u} for u in units],
               images=[image("prod-api", 1)] + [{**image("app", 2 + i), **u} for i, u in enumerate(units)],
               configuration_rows=[configuration()], prices=prices)


FLEETS = {"basic_and_enhanced": _basic_and_enhanced, "calibrated_and_failed": _calibrated_and_failed,
          "no_monitored_image": _no_monitored_image, "lifecycle": _lifecycle,
          "many_registries": _many_registries}


def _translated(text: str) -> None:
    """`text` is a `Text` the catalog knows, with its parameters' words known too."""
    assert isinstance(text, Text), text
    if isinstance(text, Joined):
        for part in text.params.values():
            _translated(part)
        return
    assert text.template in JA, text.template
    assert _fields(JA[text.template]) == _fields(text.template)
    for value in text.params.values():
        if isinstance(value, Text):
            _translated(value)
    assert t(text, "ja") != str(text)


@pytest.mark.parametrize("fleet", sorted(FLEETS))
def test_sentences_from_the_result_tables_are_translatable_again(fleet):
    result = FLEETS[fleet]()
    scen = result.tables["inspector_scenarios"]
    for rec in scen.to_dict("records"):
        assert section.scenario_label(rec) == rec["label"]
        _translated(section.scenario_label(rec))
        if rec["available"] and not pd.isna(rec["notes"]):
            note = from_fact_json(rec["notes_message"])
            assert note == rec["notes"]
            _translated(note)
        elif not rec["available"]:
            assert rec["unavailable_reason"] in JA
    repos = result.tables["inspector"]
    for value, fact in zip(repos["rescan_settings"], repos["rescan_settings_message"]):
        rebuilt = from_fact_json(fact)
        assert rebuilt == value
        _translated(rebuilt)
    recon = result.tables["inspector_reconciliation"]
    for value, fact in zip(recon["rescan_rate_source"], recon["rescan_rate_source_message"]):
        rebuilt = from_fact_json(fact)
        assert rebuilt == value
        _translated(rebuilt)
    for note in recon["note"].dropna():
        assert note in JA
    for paragraph in result.methodology:
        _translated(paragraph)
    for note in result.notes:
        _translated(note)


def test_the_fleets_reach_the_branches():
    notes = " ".join(str(n) for f in FLEETS.values()
                     for n in f().tables["inspector_scenarios"]["notes"].dropna())
    for words in ("15-day free trial", "Rescans there", "Last pull dates", "Initial scans only",
                  "match none of the filters", "Steady state", "Across all registries"):
        assert words in notes
    recon = " ".join(str(n) for f in FLEETS.values() for n in f().tables["inspector_reconciliation"]["note"].dropna())
    for words in ("No monitored image", "ListUsageTotals failed", "AWS reports no", "not enabled here"):
        assert words in recon
    settings = " ".join(str(s) for f in FLEETS.values() for s in f().tables["inspector"]["rescan_settings"])
    for words in ("GetConfiguration failed", "Inspector ECR scanning off", "push lifetime", "last pull"):
        assert words in settings


MESSAGE_COLUMNS = {"inspector": ("rescan_settings", "rescan_rate_source"),
                   "inspector_scenarios": ("label", "notes"),
                   "inspector_reconciliation": ("rescan_rate_source",)}


def _message_ids(fact: dict) -> list[str]:
    if fact["id"] == JOINED:
        return [i for part in fact["parts"] for i in _message_ids(part)]
    return [fact["id"]] + [i for v in fact["params"].values() if isinstance(v, dict) for i in _message_ids(v)]


@pytest.mark.parametrize("fleet", sorted(FLEETS))
def test_every_message_id_in_the_result_tables_has_a_japanese_translation(fleet):
    result = FLEETS[fleet]()
    for table, columns in MESSAGE_COLUMNS.items():
        frame = result.tables[table]
        for column in columns:
            for english, fact in zip(frame[column], frame[f"{column}_message"]):
                if pd.isna(english):
                    assert pd.isna(fact)
                    continue
                assert from_fact_json(fact) == english  # the English column is the fact's English
                for template in _message_ids(json.loads(fact)):
                    assert template in JA and _fields(JA[template]) == _fields(template), template


def _old_cut(note: str, limit: int = section.NOTE_CHARS) -> str:
    if len(note) <= limit:
        return note
    head = note[:limit].rsplit(" ", 1)[0].rstrip(" ,;:")
    return f"{head} … (cut; the whole note is in data/inspector_scenarios.csv)"


def test_a_long_note_is_cut_the_same_way_in_both_languages():
    scen = _many_registries().tables["inspector_scenarios"].set_index("scenario")
    note = str(scen.loc["basic_to_enhanced_continuous", "notes"])
    assert len(note) > section.NOTE_CHARS
    cut = section.cut_note(from_fact_json(scen.loc["basic_to_enhanced_continuous", "notes_message"]))
    assert cut == _old_cut(note)
    japanese = t(cut, "ja")
    assert japanese.startswith("切り替え対象: 100000000000 · eu-west-1") and "以下省略" in japanese
    shown = cut.split(" … (cut")[0]
    # the Japanese names exactly the registries the English shows whole
    for i in range(8):
        label = f"1000000000{i:02d} · eu-west-1"
        assert japanese.count(label) == shown.count(label), label
    assert "cut;" not in japanese and "Inspector ECR scanning is off" not in japanese


def test_a_short_note_and_a_plain_string_are_left_alone():
    assert section.cut_note("short") == "short"
    assert from_fact_json(fact_json("Not a known sentence.")) == "Not a known sentence."
    assert not from_fact_json(fact_json("Not a known sentence.")).params
    assert from_fact_json(None) is None and fact_json(None) is None
    plain = "word " * 200
    assert section.cut_note(plain) == _old_cut(plain)


@pytest.mark.parametrize("fleet", sorted(FLEETS))
def test_the_japanese_section_has_no_english_left(fleet):
    prices = PriceTable()
    result = FLEETS[fleet](prices=prices) if fleet == "many_registries" else FLEETS[fleet]()
    tables = dict(result.tables)
    tables["prices"] = (prices if fleet == "many_registries" else PriceTable()).used()
    if fleet != "many_registries":  # a price table with fallbacks, overrides and every unit
        table = PriceTable()
        for item, region in (("inspector.ecr.initial_scan", "eu-west-1"), ("inspector.ecr.rescan", "us-east-1"),
                             ("ecr.archive.minimum_days", "us-east-1"), ("nat.data", "us-east-1"),
                             ("vpce.interface.hour", "us-east-1"), ("ecr.storage.archive", "us-east-1")):
            table.get(item, region)
        tables["prices"] = table.used()
    html = render_html(ReportInput(
        run_id="20260301T120000Z-0000", as_of=datetime(2026, 3, 1, 12, tzinfo=timezone.utc),
        tool_version="0.1.0", summary={"inspector": result.summary}, tables=tables,
        errors=[{"account": ACCOUNT, "region": REGION, "operation": "inspector2:ListUsageTotals (page 1)",
                 "error": "AccessDeniedException"}],
        notes=result.notes, methodology=(("Inspector pricing exposure", result.methodology),),
        sections_not_computed=("pull_through", "lifecycle"), demo=False, language="ja",
        concerns=CONCERNS))
    mine = {str(p) for p in result.methodology} | {str(n) for n in result.notes}
    left = [(where, text) for where, text in ja_residue.english_residue(html)
            if where == "inspector" or text in mine
            or any(w in text for w in ("also used for", "per image", "per rescan", "undated", "Infracost",
                                       "derived from", "Rescan settings", "Calibrated in"))]
    assert not left, left


def test_a_note_cut_inside_its_registry_list_is_cut_there_in_japanese_too():
    labels = [f"2000000000{i:02d} · ap-northeast-1" for i in range(30)]
    note = f"Switched: {', '.join(labels)}. Initial scans only, no rescans."
    paragraph = join([msg("Switched: {units}.", units=", ".join(labels)), msg("Initial scans only, no rescans.")])
    assert paragraph == note
    cut = section.cut_note(paragraph)
    assert cut == _old_cut(note)
    japanese = t(cut, "ja")
    head = cut.split(" … (cut")[0]
    shown = [label for label in labels if label in head]
    assert shown and len(shown) < len(labels)
    assert japanese == ("切り替え対象: " + ", ".join(shown) + " …。"
                        "(以下省略。全文は data/inspector_scenarios.csv にあります)")
