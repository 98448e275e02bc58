"""A sentence kept in a table as a fact (`reports.text.to_fact` / `from_fact`) comes back as the
same `Text`: template, parameters (nested sentences included) and English, so the report can say
it in any language without reading the English back."""

from __future__ import annotations

import json

from ecr_report.reports.text import JOINED, Joined, Text, fact_json, from_fact, from_fact_json, join, msg, to_fact

SETTINGS = msg("push {push}, {mode} {pull} days", push=msg("{duration_days} days", duration_days="14"),
               mode=msg("last in use"), pull="14")


def _same(a: object, b: object) -> None:
    assert type(a) is type(b) and a == b
    if isinstance(a, Text):
        assert a.template == b.template and a.params.keys() == b.params.keys()
        for name in a.params:
            _same(a.params[name], b.params[name])


def test_a_sentence_with_nested_sentences_round_trips():
    fact = to_fact(SETTINGS)
    assert fact == {"id": "push {push}, {mode} {pull} days",
                    "params": {"push": {"id": "{duration_days} days", "params": {"duration_days": "14"}},
                               "mode": {"id": "last in use", "params": {}}, "pull": "14"}}
    _same(from_fact(**fact), SETTINGS)


def test_a_paragraph_round_trips_with_its_separator_and_numbers():
    paragraph = join([SETTINGS, msg("{count} repositories move.", count=3)], "; ")
    fact = to_fact(paragraph)
    assert fact["id"] == JOINED and fact["sep"] == "; " and len(fact["parts"]) == 2
    back = from_fact(**fact)
    assert isinstance(back, Joined) and back.separator == "; "
    _same(back, paragraph)
    assert back.params["p1"].params["count"] == 3


def test_the_json_is_compact_sorted_and_keeps_non_ascii():
    text = msg("{registry}: {note}", registry="111122223333 · eu-west-1", note=msg("none"))
    encoded = fact_json(text)
    assert encoded == json.dumps(to_fact(text), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert "·" in encoded and ", " not in encoded
    _same(from_fact_json(encoded), text)


def test_missing_values_have_no_fact():
    assert fact_json(None) is None and fact_json("") is None
    for missing in (None, float("nan"), ""):
        assert from_fact_json(missing) is None
    plain = from_fact_json(fact_json("A plain sentence."))
    assert plain == "A plain sentence." and plain.template == "A plain sentence." and not plain.params
