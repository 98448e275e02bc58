"""Report languages: the catalogs and the pass that applies them to a built view.

The view model is built in English (viewmodel.py and the section_*.py builders); for another
language `localize_view` walks the finished `ReportView` and maps every display string through
`t()`. English is never touched, so the English report is byte-identical with or without this
package.

How a string finds its translation (`t`):
- a `Text` built with `reports.text.msg(template, **params)` is looked up by its template, and
  the translated template is formatted with the same parameters (parameters that are `Text`
  are translated first); a `Joined` paragraph translates each sentence and joins them;
- any other string is looked up whole, then tried against the catalog's patterns (dates,
  "N more in data/X.csv" lines);
- a string the catalog does not know stays English. tests/render/test_japanese.py renders the
  demo fleet in Japanese and fails on any English sentence left, so a new or reworded English
  sentence cannot silently stay untranslated.

The Japanese catalog is split by the part of the report it serves: the foundation's modules
here (ja_*.py), and each concern's own, declared with the concern (`Presentation.translations`).
`catalog_for(concerns)` merges them for one report; a key may appear in only one module. Identifiers, AWS API names and values taken from the data stay as they
are. Numbers, money (USD, "$1,234.56") and percentages are formatted as in English; dates read
"2026年11月30日 08:00 UTC".
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any

from markupsafe import Markup

from ...concern import Concern
from ...text import Joined, Text
from . import ja_auditors, ja_core, ja_labels, ja_prices, ja_summary

LANGUAGES = ("en", "ja")


@dataclass(frozen=True)
class Catalog:
    """One report's Japanese catalog: the foundation's modules and its concerns' merged."""

    ja: Mapping[str, str]
    """English display string or `msg` template -> Japanese."""
    patterns: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...]
    keep_english: frozenset[str]
    """Names that stay English in Japanese writing too (products, services, standards)."""

    @classmethod
    def of(cls, modules: Sequence[Any]) -> "Catalog":
        merged: dict[str, str] = {}
        for module in modules:
            for key, value in module.JA.items():
                if key in merged and merged[key] != value:
                    raise ValueError(f"two Japanese translations for {key!r}")
                merged[key] = value
        return cls(MappingProxyType(merged),
                   tuple(p for module in modules for p in getattr(module, "PATTERNS", ())),
                   frozenset(n for module in modules for n in getattr(module, "KEEP_ENGLISH", ())))


FOUNDATION_MODULES = (ja_labels, ja_summary, ja_core, ja_prices, ja_auditors)
FOUNDATION = Catalog.of(FOUNDATION_MODULES)
"""The catalog of the foundation alone (what a report with no concern needs)."""


@functools.lru_cache(maxsize=16)
def _catalog(modules: tuple[Any, ...]) -> Catalog:
    return Catalog.of(modules)


def catalog_for(concerns: Sequence[Concern]) -> Catalog:
    """The foundation's catalog with each concern's translations, in order."""
    return _catalog(FOUNDATION_MODULES + tuple(m for c in concerns for m in c.presentation.translations))


#: How a `Joined` paragraph's separator reads in Japanese (sentences end in "。", no space).
_JA_SEPARATORS = {" ": ""}


def t(text: str, lang: str = "en", catalog: Catalog | None = None) -> str:
    """`text` in `lang`: the catalog's translation where known, the English otherwise."""
    catalog = catalog or FOUNDATION
    if lang == "en" or not text or lang != "ja" or isinstance(text, Markup):
        return text
    if isinstance(text, Joined):
        separator = _JA_SEPARATORS.get(text.separator, text.separator)
        return separator.join(t(part, lang, catalog) for part in text.params.values())
    if isinstance(text, Text) and text.params:
        template = catalog.ja.get(text.template)
        if template is None:
            return str(text)
        return template.format(**{name: t(value, lang, catalog) if isinstance(value, Text) else value
                                  for name, value in text.params.items()})
    known = catalog.ja.get(text)
    if known is not None:
        return known
    for pattern, replace in catalog.patterns:
        match = pattern.match(text)
        if match:
            return replace(match)
    return str(text)


# --- applying the catalog to a built view ----------------------------------------------------

#: Dataclass fields that hold display text; everything else (ids, links, tones, badges'
#: CSS class names, machine-readable dates) is left alone. Charts are kept as specs
#: (charts.BarChart, charts.Sparkline) until the template draws them, so their labels are
#: translated here too; a field named `lang` is set to the report's language.
_TEXT_FIELDS = frozenset({
    "title", "caption", "label", "text", "empty_text", "more_text", "note", "detail", "where",
    "value", "change", "scope", "as_of", "badge_text", "description", "unit",
})
_LIST_FIELDS = frozenset({"items", "categories"})


def localize(obj: object, lang: str, catalog: Catalog | None = None) -> object:
    """A view block (a dataclass, or a tuple of them) with its display text in `lang`."""
    catalog = catalog or FOUNDATION
    if isinstance(obj, (str, Markup)) or obj is None:
        return obj
    if isinstance(obj, tuple):
        return tuple(localize(item, lang, catalog) for item in obj)
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        return obj
    if getattr(obj, "code", False):  # an identifier stays as it is; its note is prose
        note = getattr(obj, "note", None)
        return dataclasses.replace(obj, note=t(note, lang, catalog)) if isinstance(note, str) and note else obj
    changes: dict[str, object] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if f.name == "lang":
            changes[f.name] = lang
        elif isinstance(value, str) and not isinstance(value, Markup):
            if f.name in _TEXT_FIELDS:
                changes[f.name] = t(value, lang, catalog)
        elif isinstance(value, tuple) and f.name in _LIST_FIELDS:
            changes[f.name] = tuple(t(v, lang, catalog) if isinstance(v, str) and not isinstance(v, Markup)
                                    else localize(v, lang, catalog) for v in value)
        else:
            changes[f.name] = localize(value, lang, catalog)
    return dataclasses.replace(obj, **changes)


def localize_view(view, lang: str, *, as_of: datetime | None = None,  # noqa: ANN001, ANN201
                  catalog: Catalog | None = None):
    """The view with its display strings in `lang`; `view` itself when lang is English."""
    if lang == "en":
        return view
    localized = localize(view, lang, catalog)
    meta = dataclasses.replace(localized.meta, lang=lang)
    if as_of is not None:
        from ..filters import fmt_datetime

        meta = dataclasses.replace(meta, as_of=fmt_datetime(as_of.astimezone(timezone.utc), lang=lang))
    return dataclasses.replace(localized, meta=meta)
