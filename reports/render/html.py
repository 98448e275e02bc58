"""ReportInput -> one self-contained HTML document (CSS inlined, charts as inline SVG)."""

from __future__ import annotations

from markupsafe import Markup

from .environment import environment, read_static
from .model import ReportInput
from .viewmodel import build_view

STYLESHEET = "report.css"
TEMPLATE = "report.html.j2"


def render_html(report: ReportInput) -> str:
    """The report as an HTML string; a pure function of `report`."""
    view = build_view(report)
    template = environment().get_template(TEMPLATE)
    return template.render(view=view, css=Markup(read_static(STYLESHEET)))
