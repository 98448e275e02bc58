"""Render stage: a ReportInput becomes a self-contained HTML report and its PDF.

Pure and offline: nothing here reads the clock, the environment or the network.

    html = render_html(report)      # str, CSS inlined, charts as inline SVG
    pdf = render_pdf(html)          # bytes, WeasyPrint, identical for identical input
"""

from .charts import Series, svg_bar_chart
from .html import render_html
from .model import ReportInput
from .pdf import render_pdf
from .view import build_view

__all__ = ["ReportInput", "Series", "build_view", "render_html", "render_pdf", "svg_bar_chart"]
