"""Sentences that can be said in another language: `msg(template, **params)`.

The analysis and the view model write their sentences in English. A sentence with figures or
names in it is built with `msg`, which returns a `Text`: an ordinary `str` holding the English
sentence, that also remembers its template and parameters. The report's language pass
(reports/render/i18n) looks the template up in a catalog and formats the translation with the
same parameters, so a translated sentence can never show different figures from the English
one, and the English output is exactly what `template.format(**params)` gives.

Parameters that are themselves `Text` are translated too; anything else (numbers already
formatted, repository names, AWS identifiers) is kept as it is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping


class Text(str):
    """An English sentence with the template and parameters it was formatted from."""

    __slots__ = ("template", "params")
    template: str
    params: Mapping[str, object]

    def __new__(cls, template: str, params: Mapping[str, object] | None = None) -> "Text":
        params = dict(params or {})
        value = template.format(**params) if params else template
        text = super().__new__(cls, value)
        text.template = template
        text.params = params
        return text

    def __reduce__(self):  # noqa: ANN204 - pickling keeps the template (multiprocessing, copies)
        return (Text, (self.template, self.params))


def msg(template: str, /, **params: object) -> Text:
    """`template.format(**params)` as a `Text` a catalog can translate.

    Without parameters the template is the sentence itself (braces are then literal)."""
    return Text(template, params)


class Joined(Text):
    """Sentences said one after another; each part is translated on its own."""

    __slots__ = ("separator",)
    separator: str

    def __new__(cls, parts: "list[str] | tuple[str, ...]", separator: str = " ") -> "Joined":
        names = {f"p{i}": part for i, part in enumerate(parts)}
        template = separator.replace("{", "{{").replace("}", "}}").join("{" + n + "}" for n in names)
        text = super().__new__(cls, template, names)
        text.separator = separator
        return text

    def __reduce__(self):  # noqa: ANN204
        return (Joined, (tuple(self.params.values()), self.separator))


def join(parts: "list[str] | tuple[str, ...]", separator: str = " ") -> Joined:
    """Several sentences as one paragraph, each part still translatable on its own (a Japanese
    paragraph joins them without the space)."""
    return Joined(parts, separator)


# --- a sentence as a fact a table can keep -----------------------------------------------------

JOINED = "<joined>"
"""The `id` of a `Joined` paragraph's fact (no template can be this string)."""


_SCALARS = (str, int, float, bool, type(None))


def to_fact(text: object) -> dict[str, object]:
    """`text` as plain data a table or a file can keep, and `from_fact(**fact)` rebuilds exactly.

    A `Text` is `{"id": template, "params": {name: value}}`: the id is the English template (the
    catalogs' key); a parameter that is itself a `Text` is a fact in turn; a string, number,
    boolean or None is kept as it is, anything else as `str(value)` (what the sentence shows). A
    `Joined` paragraph is `{"id": "<joined>", "sep": separator, "parts": [facts...]}`. A plain
    string is a fact without parameters."""
    if isinstance(text, Joined):
        return {"id": JOINED, "sep": text.separator, "parts": [to_fact(p) for p in text.params.values()]}
    if isinstance(text, Text):
        return {"id": text.template, "params": {name: _param(value) for name, value in text.params.items()}}
    return {"id": str(text), "params": {}}


def _param(value: object) -> object:
    if isinstance(value, Text):
        return to_fact(value)
    return value if isinstance(value, _SCALARS) else str(value)


def from_fact(id: str, params: Mapping[str, object] | str | None = None, *,  # noqa: A002 - the fact's key
              sep: str = " ", parts: "list[Mapping[str, object]] | tuple[()]" = ()) -> Text:
    """The `Text` a fact was made from (`from_fact(**to_fact(text)) == text`, template and
    parameters included); a parameter that is a mapping with an "id" is a fact of its own.
    `params` may be the JSON a table keeps (`params_json`); empty or missing: no parameters."""
    if isinstance(params, str):
        params = json.loads(params) if params else {}
    if id == JOINED:
        return Joined([from_fact(**part) for part in parts], sep)
    return Text(id, {name: from_fact(**value) if isinstance(value, Mapping) and "id" in value else value
                     for name, value in (params or {}).items()})


def fact_json(text: object) -> str | None:
    """`to_fact(text)` as compact JSON with sorted keys (a table's machine column); `None` for a
    missing value or an empty string."""
    if text is None or (isinstance(text, str) and not text):
        return None
    return json.dumps(to_fact(text), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def params_json(params: Mapping[str, object]) -> str:
    """A fact's parameters alone, as a table that keeps the message id in a column of its own
    stores them: compact JSON, sorted keys, UTF-8 as is."""
    return json.dumps(params, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def from_fact_json(value: object) -> Text | None:
    """The `Text` of a `fact_json` string; `None` for a missing value (None, NaN, NA, "")."""
    if not isinstance(value, str) or not value:
        return None
    return from_fact(**json.loads(value))


# --- small builders shared by the analysis and the report ------------------------------------


def as_text(value: object) -> Text:
    """A display string as a `Text` parameter (a `Text` stays as it is): a label kept in a table
    or in summary.json is then translated where the catalog knows it, else shown as it is."""
    return value if isinstance(value, Text) else Text(str(value))


def counted(n: float, noun: str) -> Text:
    """"1 repository", "12,345 repositories": a count with its noun, translatable. `noun` is
    "repository", "registry" or "image"; `n` is a whole number."""
    number, one = f"{int(n):,}", int(n) == 1
    if noun == "repository":
        return msg("{n} repository", n=number) if one else msg("{n} repositories", n=number)
    if noun == "registry":
        return msg("{n} registry", n=number) if one else msg("{n} registries", n=number)
    if noun == "image":
        return msg("{n} image", n=number) if one else msg("{n} images", n=number)
    raise ValueError(f"no counted form for {noun!r}")
