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

import functools
import json
import re
import string
from collections.abc import Callable, Mapping


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


# --- facts: a Text as data a table or a result can keep ----------------------------------------
#
# A message fact is `(message_id, params)`: the message id IS the English template given to `msg`
# (so the catalogs translate it unchanged), the parameters are JSON-ready. In the parameters:
# * a number, a boolean, None or a plain string stays as it is;
# * a `Text` is itself a fact, `{"id": template, "params": {...}}`;
# * a `Joined` is `{"join": [part, ...], "separator": separator}`, each part encoded as above;
# * anything else is kept as `str(value)` (what formatting it into the sentence shows).
# Tables keep `params` as `params_json(params)` (compact JSON, sorted keys) beside the English
# column; `from_fact(*to_fact(text)) == text`, with the same templates, so it translates the same.

_SCALARS = (str, int, float, bool, type(None))


def _encode(value: object) -> object:
    if isinstance(value, Joined):
        return {"join": [_encode(part) for part in value.params.values()], "separator": value.separator}
    if isinstance(value, Text):
        return {"id": value.template, "params": {k: _encode(v) for k, v in value.params.items()}}
    return value if isinstance(value, _SCALARS) else str(value)


def _decode(value: object) -> object:
    if isinstance(value, dict) and "join" in value:
        return Joined([_decode(part) for part in value["join"]], value["separator"])  # type: ignore[arg-type]
    if isinstance(value, dict):
        return from_fact(value["id"], value["params"])
    return value


def to_fact(text: str) -> tuple[str, dict[str, object]]:
    """`text` as a fact: (message id, parameters). A plain string is its own message id, without
    parameters; a `Joined` paragraph has no message id of its own (keep it as a parameter)."""
    if isinstance(text, Joined):
        raise TypeError("a Joined paragraph is not one message: store it as a parameter of one")
    if not isinstance(text, Text):
        return str(text), {}
    return text.template, {name: _encode(value) for name, value in text.params.items()}


def from_fact(message_id: str, params: "Mapping[str, object] | str | None" = None) -> Text:
    """The `Text` a fact says: `msg(message_id, **params)` with nested facts rebuilt. `params`
    may be the JSON a table keeps (`params_json`); empty or missing means no parameters."""
    if isinstance(params, str):
        params = json.loads(params) if params else {}
    return Text(message_id, {name: _decode(value) for name, value in (params or {}).items()})


def params_json(params: Mapping[str, object]) -> str:
    """A fact's parameters as a table keeps them: compact JSON, sorted keys, UTF-8 as is."""
    return json.dumps(params, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# --- reading an English sentence back into its Text -------------------------------------------


@functools.lru_cache(maxsize=None)
def _template_regex(template: str, field_patterns: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    patterns = dict(field_patterns)
    parts = []
    for literal, field, _spec, _conversion in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(f"(?P<{field}>{patterns.get(field, '.+?')})")
    return re.compile("".join(parts), re.S)


def template_regex(template: str, field_patterns: Mapping[str, str] | None = None) -> re.Pattern[str]:
    """A regex matching what `msg(template, ...)` can produce, one named group per parameter
    (any text, lazily, unless `field_patterns` narrows a field)."""
    return _template_regex(template, tuple(sorted((field_patterns or {}).items())))


def recover(text: object, templates: "tuple[str, ...]", *,
            field_patterns: Mapping[str, str] | None = None,
            value: "Callable[[str], object]" = lambda v: v) -> object:
    """`text` as the `Text` of the first template that reproduces it exactly; `text` otherwise.

    For sentences that only survive as plain strings (a data table's column, a message the CLI
    prints too): the report reads them back so they can still be translated. `value` may turn a
    matched parameter into a `Text` of its own. The result is never different English: a match
    that would not rebuild the string character for character is refused."""
    if not isinstance(text, str) or isinstance(text, Text):
        return text
    for template in templates:
        found = template_regex(template, field_patterns).fullmatch(text)
        if found is not None:
            rebuilt = Text(template, {name: value(v) for name, v in found.groupdict().items()})
            if rebuilt == text:
                return rebuilt
    return text


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
