"""json.dumps' exact bytes, written by orjson where orjson writes the same ones (pure).

json.dumps is ~15 times slower than orjson (and pure Python with an indent). For the same
document their bytes differ only in:
* what json escapes and orjson does not: non-ASCII (ensure_ascii) and DEL;
* floats json writes with an exponent (1e-05, 1e-07: orjson 0.00001, 1e-7), and NaN and
  infinities (orjson: null); every other float is the same shortest repr in both;
* what orjson refuses (an integer beyond 64 bits, a type it is told to pass through).
The first is seen in orjson's bytes. Floats are read from the document: no pattern over the
bytes can tell orjson's 0.00001 from a plain decimal. Used by the evidence writer
(reports/raw.py), `lifecycle preview`'s answer (jobs/lifecycle_cmd.py) and the run directory's
indented JSON files (`indented_json`: manifest, summary, snapshot).
"""

from __future__ import annotations

import json
import math
from typing import Any

import orjson


def float_written_alike(value: float) -> bool:
    """Whether json and orjson write this float the same way."""
    return math.isfinite(value) and "e" not in repr(value)


def has_float_written_differently(node: Any) -> bool:
    """Whether a float anywhere in `node` (dicts and lists) is written differently by the two."""
    kind = type(node)
    if kind is dict:
        node = node.values()
    elif kind is not list:
        return kind is float and not float_written_alike(node)
    for value in node:
        if type(value) in (str, int, bool) or value is None:
            continue
        if has_float_written_differently(value):
            return True
    return False


_JSON_DECIDES = orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
"""Types orjson would write and json refuses (datetimes, dataclasses) or may write otherwise
(subclasses): orjson is told to refuse them too, so that json decides them as before."""


def orjson_if_alike(doc: Any, option: int, *, ensure_ascii: bool = True) -> bytes | None:
    """orjson's bytes for `doc`, or None where they are not json's (json's `ensure_ascii`
    escapes non-ASCII and DEL; orjson never does). The caller has made sure no float in `doc`
    is written differently (`has_float_written_differently`, or by construction)."""
    try:
        data = orjson.dumps(doc, option=option | _JSON_DECIDES)
    except TypeError:  # orjson.JSONEncodeError: big integers, non-str keys, lone surrogates, _JSON_DECIDES
        return None
    if ensure_ascii and (not data.isascii() or b"\x7f" in data):
        return None
    return data


_INDENTED = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE


def indented_json(doc: Any) -> bytes:
    """`json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)` + newline, UTF-8 encoded.

    Without ensure_ascii json escapes neither non-ASCII nor DEL, so orjson's bytes are json's
    whenever no float differs and orjson accepts the document (both sort keys by code point:
    UTF-8 keeps that order). A run's manifest lists every evidence file, over 10,000 entries in
    an organization run, and json's indenting encoder is pure Python."""
    data = None if has_float_written_differently(doc) else orjson_if_alike(doc, _INDENTED, ensure_ascii=False)
    return data if data is not None else (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
