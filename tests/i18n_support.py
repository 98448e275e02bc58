"""The Japanese catalog of the product's concerns, as the report uses it (for the language tests).

A report's catalog is the foundation's plus each concern's translations, merged for the concerns
of the run (reports.render.i18n.catalog_for); the product's concerns are the composition root's.
"""

from __future__ import annotations

from ecr_report.jobs.plugins import CONCERNS
from ecr_report.reports.render import i18n

CATALOG = i18n.catalog_for(CONCERNS)
JA = CATALOG.ja
KEEP_ENGLISH = CATALOG.keep_english


def t(text: str, lang: str = "en") -> str:
    return i18n.t(text, lang, CATALOG)


def localize(obj: object, lang: str) -> object:
    return i18n.localize(obj, lang, CATALOG)
