"""Dense integer codes for text keys, shared across frames, and sums over groups of them.

The analysis joins and groups a million blob and image rows on (account, region, repository,
digest). On text columns every group-by and merge hashes the strings again; coded once, they
are integer work. `joint_codes` numbers the distinct tuples of several frames' columns together
(equal tuples get equal codes, whatever the frame or the column dtype: object or Arrow
strings); missing values are a value like any other (as pandas merges and `dropna=False`
group-bys treat them).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def joint_codes(columns: Sequence[Sequence[pd.Series]], *, sort: bool = False) -> list[np.ndarray]:
    """One code array per frame: ``columns[f]`` is frame f's key columns, in the same order in
    every frame. Codes are dense (0..k-1) over all frames; with ``sort`` they follow the tuples'
    sorted order (the order of a sorted group-by over the same columns)."""
    sizes = [len(cols[0]) if len(cols) else 0 for cols in columns]
    combined = np.zeros(sum(sizes), dtype=np.int64)
    for j in range(len(columns[0])):
        code, n = _column_codes([cols[j] for cols in columns], sort)
        # Re-numbered after every column, so the running product never exceeds the row count.
        combined, uniq = pd.factorize(combined * max(n, 1) + code, sort=sort)
        combined = combined.astype(np.int64, copy=False)
    return np.split(combined, np.cumsum(sizes)[:-1])


def _column_codes(series: Sequence[pd.Series], sort: bool) -> tuple[np.ndarray, int]:
    """One column's codes over several frames, and how many distinct values it has."""
    if len(series) == 1:
        code, uniq = pd.factorize(series[0], sort=sort, use_na_sentinel=False)
        return np.asarray(code, dtype=np.int64), len(uniq)
    # Each frame's column numbered on its own (pandas hashes Arrow or categorical data without
    # making Python strings), then their distinct values numbered together.
    parts = [pd.factorize(s, use_na_sentinel=False) for s in series]
    joint, n = _joint_uniques([u for _, u in parts], sort)
    starts = np.cumsum([0, *(len(u) for _, u in parts)])
    return np.concatenate([joint[start + np.asarray(c, dtype=np.int64)] for (c, _), start in zip(parts, starts)]), n


def _joint_uniques(uniques: Sequence[pd.Index], sort: bool) -> tuple[np.ndarray, int]:
    """Codes of the concatenated ``uniques`` (equal values, equal codes), and how many."""
    try:
        return _arrow_codes(uniques, sort)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        pass  # not all strings: numbered as Python objects
    joint, uniq = pd.factorize(np.concatenate([np.asarray(u, dtype=object) for u in uniques]), sort=sort,
                               use_na_sentinel=False)
    return np.asarray(joint, dtype=np.int64), len(uniq)


def _arrow_codes(values: Sequence[pd.Index], sort: bool) -> tuple[np.ndarray, int]:
    """`_joint_uniques` of strings, in one Arrow hash table (a digest column has about as many
    distinct values as rows: numbering them as Python objects costs more). Encoding a chunked
    array numbers every chunk against one dictionary: nothing is concatenated."""
    chunks = []
    for v in values:
        arr = _large_strings(v)
        chunks.extend(arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr])
    encoded = pc.dictionary_encode(pa.chunked_array(chunks, type=pa.large_string()), null_encoding="encode")
    if not encoded.num_chunks:
        return np.zeros(0, dtype=np.int64), 0
    code = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in encoded.chunks]).astype(np.int64)
    dictionary = encoded.chunk(0).dictionary
    n = len(dictionary)
    if sort:  # byte order of UTF-8 is code point order, as Python sorts str; missing last
        rank = np.empty(n, dtype=np.int64)
        rank[pc.array_sort_indices(dictionary, null_placement="at_end").to_numpy()] = np.arange(n)
        code = rank[code]
    return code, n


def _large_strings(values: pd.Index) -> pa.Array | pa.ChunkedArray:
    """Strings as Arrow large strings: pandas' own Arrow data (or dictionary) when it has it."""
    if hasattr(values.array, "__arrow_array__"):
        try:
            arr = pa.array(values.array)
            return arr if arr.type == pa.large_string() else arr.cast(pa.large_string())
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError):
            pass
    return pa.array(np.asarray(values, dtype=object), type=pa.large_string(), from_pandas=True)


def sum_by(group: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Exact int64 sum of ``values`` per group 0..n-1 (bincount's float weights would round)."""
    out = np.zeros(n, dtype=np.int64)
    np.add.at(out, group, np.asarray(values, dtype=np.int64))
    return out


def any_by(group: np.ndarray, flags: np.ndarray, n: int) -> np.ndarray:
    """Per group 0..n-1: does any of its rows have the flag?"""
    out = np.zeros(n, dtype=bool)
    out[group[np.asarray(flags, dtype=bool)]] = True
    return out
