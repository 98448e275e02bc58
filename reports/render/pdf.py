"""HTML -> PDF with WeasyPrint, offline and reproducible.

* Every URL fetch is refused: the HTML is self-contained, so a fetch can only be a bug (or a
  hostile value that escaped); it must never reach the network or the file system.
* Same HTML -> same bytes:
  - the document dates come from the HTML's own `<meta name="dcterms.created">` and
    `dcterms.modified` (the report's as-of time, never the clock);
  - the PDF file identifier is derived from the HTML's content;
  - the embedded font subsets carry that same time: fontTools stamps the `head.modified` field
    of every subset it writes with "now" unless SOURCE_DATE_EPOCH is set (the reproducible-builds
    convention), so it is set to the document's date for the duration of the write.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import threading
from collections.abc import Iterator
from datetime import datetime, timezone

from weasyprint import HTML
from weasyprint.urls import URLFetcher

log = logging.getLogger(__name__)
_ENV_LOCK = threading.Lock()


class RefusingFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that fetches nothing; the refused URLs are kept."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=(), fail_on_errors=False)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):  # noqa: ANN001 (WeasyPrint's signature)
        self.refused.append(url)
        log.warning("refused to fetch %s while rendering the PDF (report must be self-contained)",
                    url[:200])
        raise ValueError(f"fetching is disabled: {url[:200]}")


def _epoch(w3c_date: str | None) -> int:
    """Seconds since the epoch for a W3C/ISO date such as 2026-03-02T08:00:00Z; 0 if absent."""
    if not w3c_date:
        return 0
    try:
        parsed = datetime.fromisoformat(w3c_date.replace("Z", "+00:00"))
    except ValueError:
        return 0
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return max(0, int(parsed.timestamp()))


@contextlib.contextmanager
def _source_date_epoch(epoch: int) -> Iterator[None]:
    with _ENV_LOCK:
        previous = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
        try:
            yield
        finally:
            if previous is None:
                del os.environ["SOURCE_DATE_EPOCH"]
            else:
                os.environ["SOURCE_DATE_EPOCH"] = previous


def render_pdf(html: str) -> bytes:
    """The PDF for a report HTML string (as returned by `render_html`)."""
    document = HTML(string=html, base_url=None, url_fetcher=RefusingFetcher()).render()
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    epoch = _epoch(document.metadata.created or document.metadata.modified)
    with _source_date_epoch(epoch):
        return document.write_pdf(pdf_identifier=identifier)
