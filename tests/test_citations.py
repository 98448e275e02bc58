"""Every citation a reader of the outputs sees names a public source, never the internal fact sheet.

The report (English and Japanese, HTML and PDF text), data/*.csv, data/finops.xlsx and
summary.json of a demo run are searched for citations of the working file behind the code
("aws-facts.md", its section signs "§1.6", and its bracketed source keys such as "[LP-EX]" or
"[INFRACOST]"); each inline citation "[n]" must resolve to a row of the report's "Sources" list,
which carries the page's title, URL, the date it was read and the words quoted; and
data/prices.csv names each default price's source with its URL and read date.
"""

from __future__ import annotations

import html as html_lib
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from ecr_report.jobs.config import load_config
from ecr_report.jobs.run import run
from ecr_report.reports.prices import DEFAULT_PRICES
from ecr_report.reports.render.i18n import t
from ecr_report.reports.render.section_sources import _row
from ecr_report.reports.sources import SOURCES, Source, cite, number, source
from ecr_report.reports.text import msg

AS_OF = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)

#: The internal file, its section signs, and any bracketed all-caps key ("[LP-EX]", "[INS-DUR]").
#: "[DEMO]" and "[INCOMPLETE]" are the email subject's own markers, not citations.
INTERNAL = re.compile(r"aws-facts|§\s*\d|\[(?!DEMO\]|INCOMPLETE\])[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*\]")
INLINE = re.compile(r"\[(\d+(?:, \d+)*)\]")


def internal_citations(text: str) -> list[str]:
    return INTERNAL.findall(text)


def _demo(tmp: Path, language: str, pdf: bool) -> Path:
    cfg = tmp / f"ecr-report-{language}.toml"
    cfg.write_text(f'[aws]\nmax_workers = 1\nrepository_workers = 1\n[report]\nlanguage = "{language}"\n'
                   f"pdf = {str(pdf).lower()}\n", encoding="utf-8")
    return run(load_config(cfg), output=tmp / language, demo=True, now=AS_OF).run_dir


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("citations")
    return {"en": _demo(tmp, "en", pdf=True), "ja": _demo(tmp, "ja", pdf=False)}


def _outputs(run_dir: Path) -> dict[str, str]:
    """Every reader-facing text output of a run, by name."""
    texts = {"report.html": html_lib.unescape((run_dir / "report.html").read_text(encoding="utf-8")),
             "summary.json": (run_dir / "summary.json").read_text(encoding="utf-8")}
    if (run_dir / "report.pdf").exists():
        texts["report.pdf"] = "\n".join(p.extract_text() for p in PdfReader(run_dir / "report.pdf").pages)
    for csv in sorted((run_dir / "data").glob("*.csv")):
        texts[f"data/{csv.name}"] = csv.read_text(encoding="utf-8")
    book = run_dir / "data" / "finops.xlsx"
    if book.exists():
        wb = load_workbook(book, read_only=True)
        texts["data/finops.xlsx"] = "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                                              for v in row if v is not None)
    return texts


def test_the_detector_finds_what_the_old_outputs_printed():
    old = ("Infracost goldens from the AWS Price List (aws-facts.md §5 [INFRACOST]); a 15-day free "
           "trial [INS-USAGE]; the official examples, §1.6; ECR User Guide [LP-EX]")
    assert internal_citations(old) == ["aws-facts", "§5", "[INFRACOST]", "[INS-USAGE]", "§1", "[LP-EX]"]
    assert internal_citations("[DEMO] [INCOMPLETE] [lifecycle] exact_bytes [[prices]] [3] [ECR.1]") == []


@pytest.mark.parametrize("language", ["en", "ja"])
def test_no_output_cites_the_internal_fact_sheet(runs, language):
    outputs = _outputs(runs[language])
    assert "report.html" in outputs and "data/prices.csv" in outputs
    if language == "en":
        assert "report.pdf" in outputs
    found = {name: internal_citations(text) for name, text in outputs.items()}
    assert {name: hits for name, hits in found.items() if hits} == {}


@pytest.mark.parametrize("language", ["en", "ja"])
def test_every_inline_citation_resolves_to_a_listed_source(runs, language):
    page = (runs[language] / "report.html").read_text(encoding="utf-8")
    methodology = page[page.index('id="methodology"'):]
    listed = methodology[methodology.index('id="sources-table"'):]
    cited = {int(n) for group in INLINE.findall(methodology[:methodology.index('id="sources-table"')])
             for n in group.split(", ")}
    assert cited, "the methodology cites no source"
    assert cited <= set(range(1, len(SOURCES) + 1))
    # Listed: exactly the sources cited anywhere in the report, each with its number, URL, read
    # date and the words quoted.
    listed_numbers = {int(n) for n in re.findall(r"<td>\[(\d+)\]</td>", listed)}
    everywhere = {int(n) for group in INLINE.findall(page[:page.index('id="sources-table"')])
                  for n in group.split(", ")}
    assert listed_numbers == everywhere & set(range(1, len(SOURCES) + 1)) and cited <= listed_numbers
    text = html_lib.unescape(listed)
    for n in listed_numbers:
        s = SOURCES[n - 1]
        assert s.url in text and s.read_on in text and all(q in text for q in s.quotes), s.id
        assert t(s.note, language) in text, s.id  # how it was checked, in the report's language
    assert len(listed_numbers) < len(SOURCES)  # the demo does not use every price (e.g. retrieval)
    # the sources the prices rely on are cited where the prices are listed
    for sid in ("infracost-ecr-repository", "cloudburn-ecr-pricing", "pointfive-ecr-archive"):
        assert cite(sid) in methodology


def test_prices_csv_names_each_source_with_url_and_read_date(runs):
    prices = pd.read_csv(runs["en"] / "data" / "prices.csv", keep_default_na=False)
    assert {"source", "source_url", "source_read_on", "source_id", "date"} <= set(prices.columns)
    assert len(prices) and (prices["source_id"] != "").all()
    for rec in prices.to_dict("records"):
        entry = source(rec["source_id"])
        assert rec["source"] == entry.label and rec["source_url"] == entry.url
        assert rec["source_read_on"] == entry.read_on
    lines = pd.read_csv(runs["en"] / "data" / "cost_lines.csv", keep_default_na=False)
    assert (lines["x_PriceSourceUrl"].str.startswith("https://")).all()


def test_registry_entries_are_complete_and_stable():
    assert len({s.id for s in SOURCES}) == len(SOURCES)
    for s in SOURCES:
        assert s.url.startswith("https://") and s.title and s.publisher
        # an entry not re-read has no date and must say so in its note
        assert s.note if not s.read_on else date.fromisoformat(s.read_on), s.id
        assert all(q.strip() for q in s.quotes)
    assert number(SOURCES[0].id) == 1 and cite(SOURCES[1].id, SOURCES[0].id) == "[1, 2]"
    with pytest.raises(KeyError, match="unknown source id"):
        source("aws-facts")
    assert all(p.source_id and source(p.source_id).label == p.source for p in DEFAULT_PRICES)


def test_sources_row_says_how_an_entry_was_checked_in_english_and_japanese():
    """The "Sources" row prints the read date, or "not re-read" for an entry that was not, and the
    entry's note on how it was checked; the Japanese report translates both (nothing left in
    English)."""
    note = msg("the first two quotes were checked in a verbatim copy of the page's text, not on the AWS site")
    read = Source("x", "Amazon ECR User Guide", "T", "https://example.invalid/t", "2026-12-06", note=note)
    unread = Source("y", "Amazon ECR User Guide", "T", "https://example.invalid/t", "", dated="2026-03")
    plain = Source("z", "Amazon ECR User Guide", "T", "https://example.invalid/t", "2026-12-06")
    assert _row(1, read)[1].note == ("https://example.invalid/t · read 2026-12-06; the first two quotes "
                                     "were checked in a verbatim copy of the page's text, not on the AWS site")
    assert _row(2, unread)[1].note == "https://example.invalid/t · dated 2026-03; not re-read"
    assert _row(3, plain)[1].note == "https://example.invalid/t · read 2026-12-06"
    assert t(_row(1, read)[1].note, "ja") == ("https://example.invalid/t · 2026-12-06 に参照。最初の 2 つの引用は "
                                             "AWS のサイトではなく、このページ本文の逐語的な写しで確認")
    assert t(_row(2, unread)[1].note, "ja") == "https://example.invalid/t · 2026-03 付、今回は未参照"
    # the registry's own notes are sentences the Japanese catalog knows
    for s in SOURCES:
        if s.note:
            assert t(s.note, "ja") != str(s.note), s.id
