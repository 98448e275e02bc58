"""jobs/apart.py: a phase run in a forked child gives back its result (pandas frames with their
Arrow chunks, dtypes and blocks as they were), its exception, or ChildDied; the memory it made
and dropped stays in the child; what the stage observer measured there comes back; and a demo
run collected and normalized in children writes what one run in a single process writes."""

from __future__ import annotations

import io
import logging
import os
import pickle
import signal
import threading
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ecr_report.jobs import apart, forked
from ecr_report.jobs.config import load_config
from ecr_report.jobs.errors import ConfigError
from ecr_report.jobs.run import run
from ecr_report.reports import stages

pytestmark = pytest.mark.skipif(not forked.can_fork(cores=1), reason="needs fork() on Linux")


def _chunked_frame() -> pd.DataFrame:
    """Columns of every kind a snapshot has; the text column in three Arrow chunks."""
    text = pa.chunked_array([["a", None, "c"] * 20_000, ["d"] * 5, ["e", "f"] * 10_000])
    rows = len(text)
    return pd.DataFrame({
        "text": pd.array(pd.arrays.ArrowStringArray(text), dtype="string"),
        "count": pd.array([1, None] * (rows // 2) + [3] * (rows % 2), dtype="Int64"),
        "flag": pd.array([True, None, False] * (rows // 3) + [True] * (rows % 3), dtype="boolean"),
        "at": pd.to_datetime(np.arange(rows), unit="s", utc=True),
        "ratio": np.linspace(0, 1, rows),
        "other": pd.Series([{"k": i} if i % 7 else None for i in range(rows)], dtype=object),
    })


def _frame_and_pid() -> tuple[pd.DataFrame, int]:
    return _chunked_frame(), os.getpid()


def _parquet(frame: pd.DataFrame) -> bytes:
    out = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), out)
    return out.getvalue()


def test_a_frame_comes_back_as_it_was_made_chunks_dtypes_and_blocks():
    here = _chunked_frame()
    there, pid = apart.call_apart(_frame_and_pid, what="frame", name="ecr-report-test")
    assert pid != os.getpid()  # made in another process
    assert list(there.dtypes) == list(here.dtypes)
    assert there.equals(here)
    assert [len(c) for c in there["text"].array._pa_array.chunks] == [60_000, 5, 20_000]
    assert [b.dtype for b in there._mgr.blocks] == [b.dtype for b in here._mgr.blocks]
    assert _parquet(there) == _parquet(here)


def test_pandas_own_pickle_joins_the_chunks():
    """Why jobs/apart.py pickles Arrow-backed columns itself: pandas' pickle makes one chunk."""
    frame = _chunked_frame()
    assert len(pickle.loads(pickle.dumps(frame, protocol=5))["text"].array._pa_array.chunks) == 1


def test_large_buffers_travel_beside_the_pickle_not_inside_it():
    values = np.arange(4_000_000, dtype=np.int64)  # 32 MB
    # Python objects, and date-times (pandas pickles their values in the stream), stay inside
    frame = _chunked_frame()[["text", "count", "flag", "ratio"]]
    head, buffers = apart._pickled({"values": values, "frame": frame})
    assert len(head) < 20_000
    text_bytes = sum(b.size for c in frame["text"].array._pa_array.chunks for b in c.buffers() if b is not None)
    assert sum(b.nbytes for b in buffers) >= values.nbytes + text_bytes


def _fails() -> None:
    raise ConfigError("the role cannot be assumed")


def _killed() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_the_childs_exception_is_raised_here_with_its_type_and_message():
    with pytest.raises(ConfigError, match="the role cannot be assumed"):
        apart.call_apart(_fails, what="collection", name="ecr-report-test")


def test_a_child_killed_without_an_answer_is_child_died():
    with pytest.raises(forked.ChildDied, match=r"collection: .*killed by signal 9"):
        apart.call_apart(_killed, what="collection", name="ecr-report-test")


_KEPT: list[object] = []


def _churn() -> int:
    junk = [{"n": i, "s": str(i)} for i in range(1_500_000)]  # ~400 MB of small objects
    _KEPT.extend(junk[::64])  # a few outlive the phase (caches, say): their arenas stay
    return len(junk)


def _rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_the_memory_a_child_made_stays_with_it():
    before = _rss()
    assert apart.call_apart(_churn, what="churn", name="ecr-report-test") == 1_500_000
    assert _rss() - before < 50 * 2**20
    try:  # the premise: in this process, the same work leaves the heap hundreds of MiB larger
        assert _churn() == 1_500_000
        assert _rss() - before > 200 * 2**20
    finally:
        _KEPT.clear()


class _Recorder:
    def __init__(self) -> None:
        self.names: list[str] = []

    def __call__(self, name: str):
        self.names.append(name)
        return stages._NOTHING

    def export(self) -> list[str]:
        return list(self.names)

    def absorb(self, names: list[str]) -> None:
        self.names.extend(f"child: {n}" for n in names)


def _stage_in_child() -> None:
    with stages.stage("collect"):
        pass


def test_what_the_observer_measured_in_the_child_comes_back():
    recorder = _Recorder()
    previous = stages.observe(recorder)
    try:
        apart.call_apart(_stage_in_child, what="collection", name="ecr-report-test")
    finally:
        stages.observe(previous)
    assert recorder.names == ["child: collect"]


def test_without_fork_the_phase_runs_in_this_process(monkeypatch):
    monkeypatch.setattr(forked, "can_fork", lambda cores=2: False)
    _, pid = apart.call_apart(_frame_and_pid, what="frame", name="ecr-report-test")
    assert pid == os.getpid()


AS_OF = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)


def _demo_run(tmp: Path, name: str) -> Path:
    cfg = tmp / f"{name}.toml"
    cfg.write_text("[aws]\nmax_workers = 1\nrepository_workers = 1\n[report]\npdf = false\n", encoding="utf-8")
    return run(load_config(cfg), output=tmp / name, demo=True, demo_scale=1, now=AS_OF).run_dir


def _outputs(run_dir: Path) -> dict[str, bytes]:
    files = {p.relative_to(run_dir).as_posix(): p.read_bytes() for p in (run_dir / "data").rglob("*") if p.is_file()}
    files.update({p.relative_to(run_dir).as_posix(): p.read_bytes() for p in (run_dir / "raw").rglob("*") if p.is_file()})
    for name in ("summary.json", "report.html", "snapshot.json"):
        files[name] = (run_dir / name).read_bytes()
    return files


def test_a_run_collected_and_normalized_in_children_writes_what_one_process_writes(tmp_path, monkeypatch):
    apart_run = _demo_run(tmp_path, "apart")
    monkeypatch.setattr(forked, "can_fork", lambda cores=2: False)
    one_process = _demo_run(tmp_path, "one")
    assert _outputs(apart_run) == _outputs(one_process)


def _logs() -> int:
    log = logging.getLogger("ecr_report.collect")
    log.warning("throttled %s times", 3)
    try:
        raise ValueError("bad page")
    except ValueError:
        log.exception("page failed")
    threads = [threading.Thread(target=log.info, args=("from thread %d", i)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return os.getpid()


def test_what_the_child_logs_is_handled_by_this_process_logging(caplog):
    with caplog.at_level(logging.INFO, logger="ecr_report"):
        pid = apart.call_apart(_logs, what="collection", name="ecr-report-test")
    assert pid != os.getpid()
    messages = [r.getMessage() for r in caplog.records if r.name == "ecr_report.collect"]
    assert messages[:2] == ["throttled 3 times", "page failed"]
    assert sorted(messages[2:]) == sorted(f"from thread {i}" for i in range(20))
    failed = next(r for r in caplog.records if r.getMessage() == "page failed")
    assert failed.levelno == logging.ERROR and "ValueError: bad page" in failed.exc_text
