"""The Japanese catalog is complete and consistent.

- Every sentence template the code gives to `reports.text.msg` has a Japanese translation, with
  the same {placeholders} (found by reading the source, so a sentence the demo never shows is
  covered too).
- The demo fleet's Japanese report, and a report with collection errors, have no English prose
  left outside identifiers and product names (tests/render/ja_residue.py says what counts).
- Translation mechanics: parameters that are `Text` are translated, others kept; a `Joined`
  paragraph drops the space between sentences; charts are drawn in the Japanese font.
"""

from __future__ import annotations

import ast
import dataclasses
import string
from datetime import datetime, timezone
from pathlib import Path

import pytest

from ecr_report.reports.render import render_html
from ecr_report.reports.render.charts import Series, bar_chart
from ecr_report.reports.text import join, msg

from .conftest import ERRORS, make_report
from .ja_residue import english_residue
from i18n_support import JA, t

ROOT = Path(__file__).resolve().parents[2]
SOURCES = (ROOT / "reports", ROOT / "jobs")
AS_OF = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)


def _msg_templates() -> dict[str, str]:
    """template -> "file:line" for every msg("literal", ...) call under reports/ and jobs/."""
    found: dict[str, str] = {}
    for path in sorted(p for source in SOURCES for p in source.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute))
                    and getattr(node.func, "id", getattr(node.func, "attr", None)) == "msg"
                    and node.args):
                first = node.args[0]
                if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                    pytest.fail(f"{path.name}:{node.lineno}: msg() needs a literal template")
                found.setdefault(first.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def _fields(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template)
            if name is not None}


def test_the_source_uses_msg():
    assert len(_msg_templates()) > 50


def test_every_msg_template_has_a_japanese_translation():
    missing = [f"{where}: {template[:90]!r}" for template, where in _msg_templates().items()
               if template not in JA]
    assert not missing, "no Japanese for:\n" + "\n".join(missing)


def test_translations_use_the_same_placeholders():
    wrong = []
    for template in _msg_templates():
        if template in JA and _fields(JA[template]) != _fields(template):
            wrong.append(f"{template[:70]!r}: {sorted(_fields(template))} vs "
                         f"{sorted(_fields(JA[template]))}")
    assert not wrong, "\n".join(wrong)


def test_text_parameters_are_translated_and_others_kept():
    sentence = msg("{n} repositories in {registry} are {state}.", n="3", registry="Compliance",
                   state=msg("Not computed"))
    assert sentence == "3 repositories in Compliance are Not computed."
    assert t(sentence, "en") is sentence
    japanese = t(sentence, "ja")
    assert "Compliance" in japanese  # a plain parameter is data: kept as it is
    assert JA["Not computed"] in japanese or "Not computed" in japanese


def test_a_joined_paragraph_drops_the_space_in_japanese():
    paragraph = join([msg("Compliance"), msg("Methodology")])
    assert paragraph == "Compliance Methodology"
    assert t(paragraph, "ja") == JA["Compliance"] + JA["Methodology"]


def test_a_japanese_chart_uses_the_japanese_font_and_labels():
    from i18n_support import localize

    chart = bar_chart(["Scan coverage"], [Series("Compliance", [1], "#000")],
                      title="Compliance", chart_id="c")
    svg = str(localize(chart, "ja"))
    assert "IPAexGothic" in svg and JA["Compliance"] in svg and JA["Scan coverage"] in svg
    assert "IPAexGothic" not in str(chart)


@pytest.fixture(scope="module")
def ja_demo_html(tmp_path_factory) -> str:
    from ecr_report.jobs.config import Config, ReportConfig
    from ecr_report.jobs.run import run

    outcome = run(Config(report=ReportConfig(language="ja", pdf=False)),
                  output=tmp_path_factory.mktemp("ja-demo"), demo=True, now=AS_OF)
    return (outcome.run_dir / "report.html").read_text(encoding="utf-8")


def test_the_japanese_demo_report_has_no_english_prose_left(ja_demo_html):
    residue = english_residue(ja_demo_html)
    assert not residue, f"{len(residue)} English texts left, e.g.:\n" + "\n".join(
        f"[{section}] {text[:160]}" for section, text in residue[:25])


def test_a_japanese_report_with_errors_has_no_english_prose_left():
    html = render_html(dataclasses.replace(make_report(errors=ERRORS), language="ja"))
    residue = english_residue(html)
    assert not residue, f"{len(residue)} English texts left, e.g.:\n" + "\n".join(
        f"[{section}] {text[:160]}" for section, text in residue[:25])
