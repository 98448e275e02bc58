"""The Japanese edition (report.language = "ja"): translated headings as real text, a CJK font
embedded in the PDF, Japanese dates, autoescaping still on, English untouched, and a clear
one-line failure (exit code 2, nothing written) when no Japanese font is installed."""

from __future__ import annotations

import dataclasses
import io
from datetime import datetime, timezone

import pytest
from pypdf import PdfReader

from ecr_report.jobs import fonts as fonts_module
from ecr_report.jobs.cli import main
from ecr_report.reports.render import render_html, render_pdf
from ecr_report.reports.render.filters import fmt_date, fmt_datetime

from .conftest import ERRORS, HOSTILE, make_report
from i18n_support import JA, t

SUMMARY_HEADING = "エグゼクティブサマリー"
COMPLIANCE_HEADING = "コンプライアンス"
COVERAGE_HEADING = "スキャン範囲"


def _ja(**kwargs):
    return dataclasses.replace(make_report(**kwargs), language="ja")


@pytest.fixture(scope="module")
def ja_html() -> str:
    return render_html(_ja(errors=ERRORS))


@pytest.fixture(scope="module")
def ja_pdf(ja_html) -> bytes:
    return render_pdf(ja_html)


def _font_names(reader: PdfReader) -> set[str]:
    names: set[str] = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            font = ref.get_object()
            names.add(str(font.get("/BaseFont", "")))
            for descendant in font.get("/DescendantFonts", []) or []:
                names.add(str(descendant.get_object().get("/BaseFont", "")))
    return names


def test_catalog_falls_back_to_english():
    assert t("Compliance", "ja") == COMPLIANCE_HEADING
    assert t("Compliance", "en") == "Compliance"
    assert t("no such message id", "ja") == "no such message id"
    assert t("45 more repositories in data/coverage.csv.", "ja") == \
        "残り 45 リポジトリは data/coverage.csv にあります。"


def test_ja_dates_and_numbers():
    moment = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)
    assert fmt_datetime(moment, lang="ja") == "2026年11月30日 08:00 UTC"
    assert fmt_date(moment, lang="ja") == "2026年11月30日"
    assert fmt_datetime(moment) == "2026-11-30 08:00 UTC"  # English unchanged


def test_ja_html_is_japanese_and_still_escaped(ja_html):
    assert '<html lang="ja">' in ja_html
    for text in (SUMMARY_HEADING, COMPLIANCE_HEADING, COVERAGE_HEADING, "目次", "データ完全性",
                 "2026年3月2日 08:00 UTC", JA["Methodology"], "未計算"):
        assert text in ja_html, text
    assert "IPAexGothic" in ja_html  # the Japanese font stack is appended
    assert HOSTILE not in ja_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in ja_html
    assert "$" in ja_html or "%" in ja_html


def test_english_is_the_default_and_untouched():
    english = render_html(make_report(errors=ERRORS))
    assert make_report().language == "en"
    assert '<html lang="en">' in english
    assert SUMMARY_HEADING not in english and "IPAexGothic" not in english
    assert english == render_html(dataclasses.replace(make_report(errors=ERRORS), language="en"))


def test_ja_pdf_embeds_a_cjk_font_and_has_japanese_text(ja_pdf):
    reader = PdfReader(io.BytesIO(ja_pdf))
    names = _font_names(reader)
    assert any("IPAex" in name for name in names), names
    text = "".join(page.extract_text() for page in reader.pages)
    for heading in (SUMMARY_HEADING, COMPLIANCE_HEADING, COVERAGE_HEADING):
        assert heading in text, heading


def test_ja_pdf_is_reproducible(ja_html, ja_pdf):
    assert render_pdf(ja_html) == ja_pdf


def test_missing_japanese_font_fails_in_one_line_before_writing(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(fonts_module, "japanese_fonts", lambda: [])
    config = tmp_path / "ecr-report.toml"
    config.write_text('[report]\nlanguage = "ja"\n', encoding="utf-8")
    output = tmp_path / "out"
    code = main(["run", "--demo", "--config", str(config), "--output", str(output)])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "apt-get install fonts-ipaexfont-gothic" in err
    runs = output / "runs"
    assert not runs.exists() or not any(p for p in runs.iterdir() if not p.name.startswith("."))


def test_missing_font_check_is_only_for_a_japanese_pdf(monkeypatch):
    monkeypatch.setattr(fonts_module, "japanese_fonts", lambda: [])
    fonts_module.check_fonts("en")
    fonts_module.check_fonts("ja", pdf=False)
    with pytest.raises(fonts_module.ConfigError, match="fonts-ipaexfont-gothic"):
        fonts_module.check_fonts("ja")


def test_the_installed_font_is_found():
    assert fonts_module.japanese_fonts(), "fc-list :lang=ja finds no font on this machine"


def test_the_language_is_kept_in_the_snapshot_settings():
    from ecr_report.jobs.config import Config, ReportConfig
    from ecr_report.jobs.settings import analysis_settings

    assert analysis_settings(Config())["report_language"] == "en"
    assert analysis_settings(Config(report=ReportConfig(language="ja")))["report_language"] == "ja"


def test_rerendering_a_ja_run_keeps_its_language(tmp_path):
    from ecr_report.jobs.config import Config, ReportConfig
    from ecr_report.jobs.run import render_run, run

    now = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)
    outcome = run(Config(report=ReportConfig(language="ja", pdf=False)), output=tmp_path,
                  demo=True, now=now)
    first = (outcome.run_dir / "report.html").read_text(encoding="utf-8")
    assert "2026年11月30日 08:00 UTC" in first and SUMMARY_HEADING in first
    render_run(outcome.run_dir, pdf=False)
    assert (outcome.run_dir / "report.html").read_text(encoding="utf-8") == first
