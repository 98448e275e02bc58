"""Tag matching: one `*`-pattern or prefix against many tags at once, and against one tag.

`*` is the only wildcard ((src: ecr-lifecycle-policies)); every other character, including `?`, `[`, `%` and `_`,
is literal. Prefix-list entries are plain prefixes (``startswith``); a `*` inside one is literal.
Vectorised matching goes through Arrow kernels so a million tags take milliseconds.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def _like(pattern: str) -> str:
    """Translate a `*` pattern to SQL LIKE, escaping LIKE's own metacharacters."""
    escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%")


def match_array(tags: pa.Array, kind: str, entry: str) -> np.ndarray:
    """Boolean numpy mask: which of ``tags`` the list entry matches (``kind`` pattern|prefix)."""
    if len(tags) == 0:
        return np.zeros(0, dtype=bool)
    if kind == "prefix":
        result = pc.starts_with(tags, entry)
    elif "*" not in entry:
        result = pc.equal(tags, entry)
    else:
        result = pc.match_like(tags, _like(entry))
    return result.to_numpy(zero_copy_only=False)


@lru_cache(maxsize=4096)
def _regex(pattern: str) -> re.Pattern:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.DOTALL)


def match_one(kind: str, entry: str, tag: str) -> bool:
    """Does one list entry match one tag? (Used by the linter; the evaluator uses `match_array`.)"""
    if kind == "prefix":
        return tag.startswith(entry)
    return _regex(entry).fullmatch(tag) is not None


def entry_covers(outer: tuple[str, str], inner: tuple[str, str]) -> bool:
    """Conservatively: does every tag matched by ``inner`` also match ``outer``?

    True only when provable by simple means (a prefix extension, equal entries, a literal inner
    entry matched by the outer one, or a pattern whose literal head/tail extends a ``p*``/``*s``
    outer pattern); False means "not proven", never "disjoint".
    """
    ok, ek = outer
    ik, ev = inner
    if ok == "prefix" and "*" in ek:
        return False  # a literal `*` prefix matches no tag; nothing to prove
    o = ek + "*" if ok == "prefix" else ek  # the outer entry as a pattern
    only_stars = set(o) == {"*"}
    if ik == "prefix":
        # inner selects every tag starting with ev
        if "*" in ev:
            return False
        return only_stars or (o.endswith("*") and "*" not in o[:-1] and ev.startswith(o[:-1]))
    if "*" not in ev:  # inner selects exactly the tag ev
        return match_one("pattern", o, ev)
    if o == ev or only_stars:
        return True
    head, tail = ev.split("*")[0], ev.split("*")[-1]
    if o.endswith("*") and "*" not in o[:-1]:
        return head.startswith(o[:-1])
    if o.startswith("*") and "*" not in o[1:]:
        return tail.endswith(o[1:])
    return False


def list_covers(outer: tuple[tuple[str, str], ...], inner: tuple[tuple[str, str], ...]) -> bool:
    """Is every image selected by the ``inner`` tag list (ALL-of) also selected by ``outer``?

    Holds when each outer entry covers at least one inner entry: an image satisfying all inner
    entries then has, for each outer entry, a tag satisfying it.
    """
    return all(any(entry_covers(o, i) for i in inner) for o in outer)
