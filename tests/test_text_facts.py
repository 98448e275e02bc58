"""reports.text's message facts: `to_fact` / `from_fact` / `params_json`, the one encoding of a
sentence kept as data (a message id and its parameters) beside its English."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from ecr_report.reports.render.i18n import t
from ecr_report.reports.text import Joined, Text, from_fact, join, msg, params_json, to_fact


def _shape(text: object) -> object:
    """Type, template, separator and parameters, recursively: what translation depends on."""
    if isinstance(text, Joined):
        return ("joined", text.separator, [_shape(p) for p in text.params.values()])
    if isinstance(text, Text):
        return ("text", text.template, {k: _shape(v) for k, v in text.params.items()})
    return ("value", type(text).__name__, text)


SENTENCES = [
    msg("Nothing has been deleted: these are previews."),
    msg("{n} repository", n="1"),
    msg("policy: {issue}", issue=msg("unknown top-level key {key}", key='"note"')),
    msg("AWS accepted this policy but ecr-report's validator does not: {issues}. Its figures are unknown.",
        issues=join([msg("rule {index}: {issue}", index=1, issue=msg("rulePriority is required")),
                     msg("policy: {issue}", issue=msg("\"rules\" must be a non-empty list"))], "; ")),
    msg("{a} {b} {c} {d}", a=3, b=2.5, c=True, d=None),
]


@pytest.mark.parametrize("text", SENTENCES)
def test_a_fact_says_the_same_sentence_built_the_same_way(text):
    fact = to_fact(text)
    message_id, params = fact["id"], fact["params"]
    assert message_id == text.template
    again = from_fact(message_id, params_json(params))
    assert again == text and _shape(again) == _shape(text)
    assert t(again, "ja") == t(text, "ja")


def test_params_are_compact_json_with_sorted_keys():
    params = to_fact(msg("{b} {a}", b=msg("x {n}", n=1), a="y"))["params"]
    assert params_json(params) == '{"a":"y","b":{"id":"x {n}","params":{"n":1}}}'
    assert json.loads(params_json(params)) == params


def test_other_values_are_kept_as_they_are_shown():
    text = msg("{entries} cost {usd}", entries=("a", "b"), usd=Decimal("1.50"))
    fact = to_fact(text)
    assert fact["params"] == {"entries": "('a', 'b')", "usd": "1.50"} and from_fact(**fact) == text


def test_a_plain_string_is_its_own_message_id_and_a_joined_paragraph_keeps_its_parts():
    assert to_fact("plain") == {"id": "plain", "params": {}}
    assert from_fact("plain", "") == "plain" and from_fact("a {b}", None) == "a {b}"
    paragraph = join([msg("a"), msg("b {n}", n=2)])
    assert to_fact(paragraph) == {"id": "<joined>", "sep": " ", "parts": [
        {"id": "a", "params": {}}, {"id": "b {n}", "params": {"n": 2}}]}
    assert from_fact(**to_fact(paragraph)) == paragraph
