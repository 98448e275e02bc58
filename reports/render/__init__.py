"""Render stage: a ReportInput becomes a self-contained HTML report and its PDF.

Pure and offline: nothing here reads the clock, the environment or the network.

    html = render_html(report)      # str, CSS inlined, charts as inline SVG
    pdf = render_pdf(html)          # bytes, WeasyPrint, identical for identical input
"""

from typing import Any

from .charts import Series, svg_bar_chart
from .html import render_html
from .model import ReportInput
from .view import build_view

__all__ = ["ReportInput", "Series", "build_view", "render_html", "render_pdf", "svg_bar_chart"]


def __getattr__(name: str) -> Any:
    # WeasyPrint takes ~0.4 s to import: it loads when a PDF is made, not whenever a module of
    # this package is (every concern's section is one, so `lifecycle preview` would pay it).
    if name == "render_pdf":
        from .pdf import render_pdf

        return render_pdf
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
