"""The whole report's view: the first page, the foundation's sections, each concern's section (in
the composition root's order), data completeness, methodology and the auditors' appendix; then
its language."""

from __future__ import annotations

from collections.abc import Callable

from ..concern import Concern
from .blocks import ReportView, Section, not_computed_section
from .i18n import catalog_for, localize_view
from .model import ReportInput
from .section_auditors import build_auditors
from .section_compliance import build_compliance
from .section_coverage import build_coverage
from .section_methodology import build_completeness, build_methodology
from .section_sources import with_cited_sources
from .section_summary import build_summary
from .viewmodel import SectionContext, banner, report_meta

SectionBuilder = Callable[[SectionContext, int], Section]


def build_view(report: ReportInput) -> ReportView:
    """The display-ready view of one report."""
    ctx = SectionContext(report, frozenset((str(e.get("account", "")), str(e.get("region", "")))
                                           for e in report.errors))
    builders = (build_summary, build_coverage, build_compliance,
                *(found for c in report.concerns if (found := concern_section(c)) is not None),
                build_completeness, build_methodology, build_auditors)
    sections = with_cited_sources(tuple(build(ctx, number) for number, build in enumerate(builders, start=1)))
    view = ReportView(meta=report_meta(report), banner=banner(ctx), sections=sections,
                      toc=tuple(s for s in sections if s.in_toc))
    # Built in English; another language is applied to the finished view (i18n).
    return localize_view(view, report.language, as_of=report.as_of,
                         catalog=catalog_for(report.concerns))


def concern_section(concern: Concern) -> SectionBuilder | None:
    """The concern's own section builder; a concern declared but not built says so."""
    shown = concern.presentation
    if concern.analyse is not None:
        return shown.section

    def deferred(ctx: SectionContext, number: int) -> Section:
        return not_computed_section(shown.section_id, number, shown.section_title)
    return deferred
