"""Render stage: a ReportInput becomes a self-contained HTML report and its PDF.

Pure and offline: nothing here reads the clock, the environment or the network.

    html = render_html(report)      # str, CSS inlined, charts as inline SVG
    pdf = render_pdf(html)          # bytes, WeasyPrint, identical for identical input

Names are imported on first use (PEP 562 `__getattr__`): every concern's section and headline
import modules of this package (blocks, filters, headline), and a process that only collects
(`ecr-report collect`) or builds the command line must not pay for the HTML renderer (Jinja2,
the view model), nor WeasyPrint (~0.4 s), which loads only when a PDF is made.
"""

import importlib
from typing import Any

_HOME = {  # exported name -> the module defining it
    "ReportInput": "model", "Series": "charts", "build_view": "view", "render_html": "html",
    "render_pdf": "pdf", "svg_bar_chart": "charts",
}

__all__ = ["ReportInput", "Series", "build_view", "render_html", "render_pdf", "svg_bar_chart"]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{home}", __name__), name)
