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

The Japanese catalog is split by the part of the report it serves (ja_*.py); a key may appear
in only one of them. Identifiers, AWS API names and values taken from the data stay as they
are. Numbers, money (USD, "$1,234.56") and percentages are formatted as in English; dates read
"2026年11月30日 08:00 UTC".
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

from markupsafe import Markup

from ...text import Joined, Text
from . import ja_core, ja_inspector, ja_labels, ja_lifecycle, ja_pull_through, ja_summary

LANGUAGES = ("en", "ja")

_JA_MODULES = (ja_labels, ja_summary, ja_core, ja_inspector, ja_pull_through, ja_lifecycle)


def _merge(modules) -> dict[str, str]:  # noqa: ANN001
    merged: dict[str, str] = {}
    for module in modules:
        for key, value in module.JA.items():
            if key in merged and merged[key] != value:
                raise ValueError(f"two Japanese translations for {key!r}")
            merged[key] = value
    return merged


#: English display string or `msg` template -> Japanese.
JA: dict[str, str] = _merge(_JA_MODULES)
JA_PATTERNS = tuple(p for module in _JA_MODULES for p in getattr(module, "PATTERNS", ()))
#: Names that stay English in Japanese writing too (products, services, standards).
KEEP_ENGLISH: frozenset[str] = frozenset(
    name for module in _JA_MODULES for name in getattr(module, "KEEP_ENGLISH", ()))

#: How a `Joined` paragraph's separator reads in Japanese (sentences end in "。", no space).
_JA_SEPARATORS = {" ": ""}


def t(text: str, lang: str = "en") -> str:
    """`text` in `lang`: the catalog's translation where known, the English otherwise."""
    if lang == "en" or not text or lang != "ja" or isinstance(text, Markup):
        return text
    if isinstance(text, Joined):
        separator = _JA_SEPARATORS.get(text.separator, text.separator)
        return separator.join(t(part, lang) for part in text.params.values())
    if isinstance(text, Text) and text.params:
        template = JA.get(text.template)
        if template is None:
            return str(text)
        return template.format(**{name: t(value, lang) if isinstance(value, Text) else value
                                  for name, value in text.params.items()})
    known = JA.get(text)
    if known is not None:
        return known
    for pattern, replace in JA_PATTERNS:
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


def _localize(obj: object, lang: str) -> object:
    if isinstance(obj, (str, Markup)) or obj is None:
        return obj
    if isinstance(obj, tuple):
        return tuple(_localize(item, lang) for item in obj)
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        return obj
    if getattr(obj, "code", False):  # an identifier stays as it is; its note is prose
        note = getattr(obj, "note", None)
        return dataclasses.replace(obj, note=t(note, lang)) if isinstance(note, str) and note else obj
    changes: dict[str, object] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if f.name == "lang":
            changes[f.name] = lang
        elif isinstance(value, str) and not isinstance(value, Markup):
            if f.name in _TEXT_FIELDS:
                changes[f.name] = t(value, lang)
        elif isinstance(value, tuple) and f.name in _LIST_FIELDS:
            changes[f.name] = tuple(t(v, lang) if isinstance(v, str) and not isinstance(v, Markup)
                                    else _localize(v, lang) for v in value)
        else:
            changes[f.name] = _localize(value, lang)
    return dataclasses.replace(obj, **changes)


def localize_view(view, lang: str, *, as_of: datetime | None = None):  # noqa: ANN001, ANN201
    """The view with its display strings in `lang`; `view` itself when lang is English."""
    if lang == "en":
        return view
    localized = _localize(view, lang)
    meta = dataclasses.replace(localized.meta, lang=lang)
    if as_of is not None:
        from ..filters import fmt_datetime

        meta = dataclasses.replace(meta, as_of=fmt_datetime(as_of.astimezone(timezone.utc), lang=lang))
    return dataclasses.replace(localized, meta=meta)
