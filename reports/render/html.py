"""ReportInput -> one self-contained HTML document (CSS inlined, charts as inline SVG)."""

from __future__ import annotations

from markupsafe import Markup

from .environment import environment, read_static
from .model import ReportInput
from .view import build_view

STYLESHEET = "report.css"
LANGUAGE_STYLESHEETS = {"ja": "report.ja.css"}
"""Appended to the stylesheet for that language: CJK font stack, running header/footer words."""
TEMPLATE = "report.html.j2"


def render_html(report: ReportInput) -> str:
    """The report as an HTML string; a pure function of `report`."""
    view = build_view(report)
    template = environment().get_template(TEMPLATE)
    css = read_static(STYLESHEET)
    if view.meta.lang in LANGUAGE_STYLESHEETS:
        css += read_static(LANGUAGE_STYLESHEETS[view.meta.lang])
    return template.render(view=view, css=Markup(css))
