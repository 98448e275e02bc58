"""A long paragraph of sentences cut where its English is cut, in any language.

The report cuts a long note (one that names registries, so it grows with the fleet) at a word
boundary of its English. A translation cannot be cut at the same characters, so it shows the
sentences the English shows instead: `cut_parts` picks them from the paragraph's facts (its
`Joined` parts, their templates and parameters), never from the English text.
"""

from __future__ import annotations

import re
import string

from ..text import Joined, Text

_CITATION = re.compile(r"^\[\d+(?:, \d+)*\]$")
"""A source citation parameter (reports/sources.py `cite`), which reads as wording."""


def cut_parts(paragraph: Joined, shown: int) -> list[Text]:
    """The sentences of `paragraph` to show in another language when its English is cut after
    `shown` characters: every sentence the English shows whole; the sentence it cuts, if the cut
    falls inside one of its parameters (a list: the items shown whole are kept, then " …") or
    after all of them; nothing of it if the cut falls in its wording before a parameter."""
    out: list[Text] = []
    start = 0
    for part in paragraph.params.values():
        end = start + len(part)
        if end <= shown:
            out.append(part)
            start = end + len(paragraph.separator)
            continue
        if start < shown and isinstance(part, Text):
            partial = cut_sentence(part, shown - start)
            if partial is not None:
                out.append(partial)
        break
    return out


def cut_sentence(part: Text, shown: int) -> Text | None:
    """`part` as far as its English shows after `shown` characters (see `cut_parts`)."""
    pos = 0
    if not part.params:
        return part  # fixed wording only: short, shown whole
    for literal, field, _spec, _conversion in string.Formatter().parse(part.template):
        pos += len(literal)
        if field is None:
            continue
        if _CITATION.match(str(part.params[field])):  # "[3]": part of the wording, not a list
            pos += len(str(part.params[field]))
            continue
        if shown <= pos:
            return None  # cut in the wording before this parameter
        value = str(part.params[field])
        if shown < pos + len(value):  # cut inside this parameter: keep the items shown whole
            return _cut_list(part, field, value, shown - pos)
        pos += len(value)
    return part  # cut in the wording after the last parameter


def _cut_list(part: Text, field: str, value: str, shown: int) -> Text | None:
    kept, used = [], 0
    for item in value.split(", "):
        if used + len(item) > shown:
            break
        kept.append(item)
        used += len(item) + 2
    if not kept:
        return None
    return Text(part.template, {**part.params, field: ", ".join(kept) + " …"})
