import io
import logging

import pytest
from pypdf import PdfReader

from ecr_report.reports.render import render_html, render_pdf
from ecr_report.reports.render.pdf import RefusingFetcher

from .conftest import ERRORS, make_report


@pytest.fixture(scope="module")
def html():
    return render_html(make_report(errors=ERRORS))


@pytest.fixture(scope="module")
def pdf(html):
    return render_pdf(html)


def test_pdf_has_pages_and_text(pdf):
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert 3 <= len(reader.pages) <= 25
    first = " ".join(reader.pages[0].extract_text().split())
    assert "ECR cost & compliance report" in first
    assert "Incomplete data" in first
    assert "DEMO DATA (emulated fleet)" in first
    assert "Page 1 of" in first
    later = reader.pages[1].extract_text()
    assert "As of 2026-03-02 08:00 UTC" in later  # running header from the second page on
    full = "\n".join(p.extract_text() for p in reader.pages)
    for heading in ("Scan coverage", "Compliance", "Data completeness", "Methodology"):
        assert heading in full
    assert "nan" not in full.split() and "None" not in full


def test_pdf_dates_come_from_as_of_not_the_clock(pdf):
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert info["/CreationDate"].startswith("D:20260302080000")
    assert info["/ModDate"].startswith("D:20260302080000")
    assert "ECR cost & compliance report" in info["/Title"]


def test_pdf_is_byte_identical_for_the_same_input(html, pdf):
    again = render_pdf(render_html(make_report(errors=ERRORS)))
    assert again == pdf


def test_different_input_gives_a_different_identifier(pdf):
    other = render_pdf(render_html(make_report()))
    assert other != pdf
    assert PdfReader(io.BytesIO(other)).trailer["/ID"] != PdfReader(io.BytesIO(pdf)).trailer["/ID"]


def test_every_fetch_is_refused(caplog):
    fetcher = RefusingFetcher()
    with pytest.raises(ValueError):
        fetcher.fetch("http://169.254.169.254/latest/meta-data/")
    assert fetcher.refused == ["http://169.254.169.254/latest/meta-data/"]

    hostile = ('<html><head><link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
               '<style>@import url("file:///etc/passwd");</style></head>'
               '<body><p>text</p><img src="http://127.0.0.1:9/pixel.png"></body></html>')
    with caplog.at_level(logging.WARNING, logger="ecr_report.reports.render.pdf"):
        out = render_pdf(hostile)
    assert out.startswith(b"%PDF-")
    refused = " ".join(r.getMessage() for r in caplog.records)
    assert "127.0.0.1:9/pixel.png" in refused and "file:///etc/passwd" in refused
