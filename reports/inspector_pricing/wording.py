"""The section's sentences that reach the report through the result tables, made translatable again.

The analysis writes scenario labels and notes, rescan settings and rescan-rate sources with
`reports.text.msg`, but the result tables keep them as plain English strings (the CSV files in
data/ are English, and a "string" column holds plain `str`). The report's section turns each such
string back into the `Text` it came from, by matching it against the same templates (`TEMPLATES`),
so the Japanese edition can translate it with the same figures and names. A string that matches
no template is left as it is (it then shows in English).

Every template below must be the literal of a `msg` call in this package; tests/inspector/
test_inspector_japanese.py checks that each sentence the analysis writes is matched back to its own
template and parameters.
"""

from __future__ import annotations

import re
import string

from ..text import Joined, Text, join, recover, template_regex

#: Words that are parameters of the sentences below (kept as `Text` so they are translated).
WORDS: dict[str, Text] = {w: Text(w) for w in (
    "lifetime", "last pull", "last in use", "not collected", "GetConfiguration failed",
    "Inspector ECR scanning off", "Inspector's ACTIVE images", "modelled monitored images",
    "scan on push", "no enhanced scanning",
)}

#: Templates a parameter's value is matched against (a duration, a setting, a source).
PARAMETER_TEMPLATES = (
    "{duration_days} days",
    "documented defaults ({why})",
    "push {push}, {mode} {pull} days",
)
#: `data/inspector.csv` rescan_settings: "<settings> (<source>)".
SETTINGS_TEMPLATES = ("{rescan_settings} ({settings_source})",)
#: `rescan_rate_source` (data/inspector.csv, data/inspector_reconciliation.csv).
RATE_SOURCE_TEMPLATES = (
    "configured default ({rate} per image per 30 days)",
    "calibrated: {rescans} rescans in 30 days / {images} {basis}",
)
#: `label` of data/inspector_scenarios.csv.
LABEL_TEMPLATES = (
    "Continuous narrowed to {filters}; others {then}",
    "Continuous narrowed to {filters}",
    "Rescan duration (push date) {duration} (today's setting)",
    "Rescan duration (push date) {duration}",
)
#: The sentences of `notes` in data/inspector_scenarios.csv (joined with a space).
NOTE_TEMPLATES = (
    "Switched: {units}.",
    "Inspector ECR scanning is off in {units}: an account that never activated it gets a "
    "15-day free trial [INS-USAGE], which these figures ignore (the API cannot say "
    "whether it ever did).",
    "Rescans there: the configured default, {rate} per monitored image per 30 days.",
    "Last pull dates stand in for the unknown last-in-use dates.",
    "Initial scans only, no rescans.",
    "{count} continuous repositories match none of the filters and move to {then}.",
    "Steady state; images already inactive stay inactive after a raise [INS-DUR], so "
    "the first month costs less.",
    "Across all registries the proposed policy expires {expired} and archives {archived} "
    "images; neither is rescanned. Pushes, and so initial scans, are unchanged.",
)
TEMPLATES = (*PARAMETER_TEMPLATES, *SETTINGS_TEMPLATES, *RATE_SOURCE_TEMPLATES, *LABEL_TEMPLATES,
             *NOTE_TEMPLATES)

#: What a parameter may look like where "anything" would be ambiguous (numbers, single words).
_FIELD_PATTERNS = {
    "duration_days": r"[^ ]+", "pull": r"[^ ]+", "rate": r"[^ ]+", "rescans": r"[^ ]+",
    "images": r"[^ ]+", "count": r"[^ ]+", "expired": r"[^ ]+", "archived": r"[^ ]+",
    "mode": "|".join(re.escape(w) for w in ("last pull", "last in use")),
}


def _value(value: str) -> str:
    if value in WORDS:
        return WORDS[value]
    return match(value, PARAMETER_TEMPLATES)


def match(text: object, templates: tuple[str, ...] = TEMPLATES) -> str:
    """`text` as the `Text` of the first template it matches whole (its parameters matched in
    turn against the words and parameter templates above); `text` itself when none does."""
    return recover(text, templates, field_patterns=_FIELD_PATTERNS, value=_value)  # type: ignore[return-value]


def sentences(text: object, templates: tuple[str, ...] = NOTE_TEMPLATES) -> str:
    """A note made of several sentences (joined with a space) as a `Joined` paragraph of their
    `Text`s; `text` itself when some sentence matches no template."""
    if not isinstance(text, str) or isinstance(text, Text) or not text:
        return text  # type: ignore[return-value]
    parts: list[Text] = []
    pos = 0
    while pos < len(text):
        for template in templates:
            found = template_regex(template, _FIELD_PATTERNS).match(text, pos)
            end = found.end() if found else -1
            if found and (end == len(text) or text.startswith(" ", end)):
                params = {name: _value(value) for name, value in found.groupdict().items()}
                parts.append(Text(template, params))
                pos = end + 1
                break
        else:
            return text
    paragraph = join(parts)
    return paragraph if paragraph == text else text


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
            partial = _cut_sentence(part, shown - start)
            if partial is not None:
                out.append(partial)
        break
    return out


def _cut_sentence(part: Text, shown: int) -> Text | None:
    pos = 0
    if not part.params:
        return part  # fixed wording only: short, shown whole
    for literal, field, spec, conversion in string.Formatter().parse(part.template):
        pos += len(literal)
        if field is None:
            continue
        if shown <= pos:
            return None  # cut in the wording before this parameter
        value = str(part.params[field])
        if shown < pos + len(value):  # cut inside this parameter: keep the items shown whole
            kept, used = [], 0
            for item in value.split(", "):
                if used + len(item) > shown - pos:
                    break
                kept.append(item)
                used += len(item) + 2
            if not kept:
                return None
            return Text(part.template, {**part.params, field: ", ".join(kept) + " …"})
        pos += len(value)
    return part  # cut in the wording after the last parameter
