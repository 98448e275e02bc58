"""Registries built in any order give the tables of registries built in order
(`normalize(order=)`: what a run uses to build each registry as soon as it is collected)."""

from __future__ import annotations

import io
import random

import pytest

from ecr_report.jobs.evidence import RawDirCalls
from ecr_report.jobs.plugins import CONCERNS
from ecr_report.reports import normalize as normalize_module
from ecr_report.reports.normalize import normalize


def _parquet(frame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def _orders(count: int) -> dict[str, list[int]]:
    shuffled = list(range(count))
    random.Random(7).shuffle(shuffled)
    return {"reversed": list(range(count))[::-1], "shuffled": shuffled}


@pytest.mark.parametrize("chunk_rows", [normalize_module.CHUNK_ROWS, 50], ids=["default chunks", "small chunks"])
def test_any_order_gives_the_tables_of_the_order(demo_run, monkeypatch, chunk_rows):
    run_dir, meta = demo_run
    monkeypatch.setattr(normalize_module, "CHUNK_ROWS", chunk_rows)
    in_order = normalize(RawDirCalls(run_dir / "raw"), meta.units, CONCERNS)
    assert len(meta.units) >= 4 and len(in_order["images"]) > 2 * 50
    for how, order in _orders(len(meta.units)).items():
        other = normalize(RawDirCalls(run_dir / "raw"), meta.units, CONCERNS, order=order)
        assert list(other) == list(in_order), how
        for name, frame in in_order.items():
            assert other[name].dtypes.equals(frame.dtypes), (how, name)
            assert other[name].equals(frame), (how, name)
            assert _parquet(other[name]) == _parquet(frame), (how, name)


def test_the_default_order_makes_the_chunks_it_made_before(demo_run, monkeypatch):
    """In order, a chunk ends only at CHUNK_ROWS (a registry without rows of a table does not
    start a new one): the frames are built as before, not only equal to them."""
    run_dir, meta = demo_run
    chunks: dict[str, list[int]] = {}
    real = normalize_module.conform

    def noting(name, frame, columns):
        chunks.setdefault(name, []).append(len(frame))
        return real(name, frame, columns)

    monkeypatch.setattr(normalize_module, "CHUNK_ROWS", 50)
    monkeypatch.setattr(normalize_module, "conform", noting)
    normalize(RawDirCalls(run_dir / "raw"), meta.units, CONCERNS)
    assert max(len(sizes) for sizes in chunks.values()) > 1  # some table was chunked
    for name, sizes in chunks.items():
        assert all(rows >= 50 for rows in sizes[:-1]), (name, sizes)
