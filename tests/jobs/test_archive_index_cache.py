"""The archive index's verification cache (ROOT/.index-cache.json): a write after which nothing
changed hashes no run file again, yet every change (even a same-size edit with its mtime put
back) is found, and the page is the same byte for byte as one built without the cache."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from archive_support import NOW, archive_root, run_ids

from ecr_report.jobs import index_cache, rundir, signing
from ecr_report.jobs.archive_index import INDEX, build_index, write_index
from ecr_report.jobs.index_cache import CACHE
from ecr_report.reports.render.archive_index import render_index


class Counter:
    """Counts the files hashed against a manifest and the signatures checked (the real
    functions still run)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.hashed: list[str] = []
        self.signatures = 0
        real_hash, real_check = rundir.sha256_file, signing.check_signature

        def hash_file(path):
            self.hashed.append(Path(path).name)
            return real_hash(path)

        def check(*args, **kwargs):
            self.signatures += 1
            return real_check(*args, **kwargs)

        monkeypatch.setattr(rundir, "sha256_file", hash_file)
        monkeypatch.setattr(signing, "check_signature", check)

    def reset(self) -> None:
        self.hashed.clear()
        self.signatures = 0


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    """A private copy of the archive (tests change it). Its files were all just written, so the
    racily-clean guard would keep every verdict out of the cache: it is off here, and tested
    on its own below."""
    out = tmp_path / "out"
    shutil.copytree(archive_root(), out, ignore=shutil.ignore_patterns(INDEX, CACHE))
    monkeypatch.setattr(index_cache, "RACY_NS", 0)
    monkeypatch.delenv(signing.HMAC_KEY_ENV, raising=False)
    return out


@pytest.fixture
def counter(monkeypatch) -> Counter:
    return Counter(monkeypatch)


def _manifest_files(run_dir: Path) -> int:
    return len(json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))["files"])


def _states(root: Path) -> dict[str, str]:
    return {r.run_id: r.state for r in build_index(root, now=NOW).runs}


def test_second_write_hashes_nothing_and_the_page_is_the_same(root, counter):
    first_page = write_index(root, now=NOW).read_bytes()
    finished = [root / "runs" / r for r in run_ids()]
    assert len(counter.hashed) == sum(_manifest_files(r) for r in finished) and counter.signatures == 3
    counter.reset()
    second = write_index(root, now=NOW).read_bytes()
    assert counter.hashed == [] and counter.signatures == 0
    uncached = render_index(build_index(root, now=NOW)).encode("utf-8")  # no cache: every run hashed
    assert counter.hashed and first_page == second == uncached
    cached = json.loads((root / CACHE).read_text(encoding="utf-8"))["runs"]
    assert sorted(cached) == run_ids()  # the .partial- run is never cached
    assert not list(root.glob(".index*.tmp"))


def test_without_the_cache_every_write_hashes(root, counter):
    write_index(root, now=NOW)
    counter.reset()
    write_index(root, now=NOW, use_cache=False)
    assert len(counter.hashed) == sum(_manifest_files(root / "runs" / r) for r in run_ids())


def test_same_size_edit_with_mtime_put_back_is_still_tampered(root, counter):
    intact = root / "runs" / run_ids()[0]
    write_index(root, now=NOW)
    assert _states(root)[run_ids()[0]] == "complete"
    target = intact / "data" / "coverage.csv"
    before = target.stat()
    data = bytearray(target.read_bytes())
    i = next(i for i in range(data.index(b"\n"), len(data)) if chr(data[i]).isalpha())
    data[i] ^= 0x20  # one letter's case: same size
    target.write_bytes(bytes(data))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = target.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    counter.reset()
    write_index(root, now=NOW)
    assert counter.hashed and set(counter.hashed) <= {p.name for p in intact.rglob("*")}
    page = (root / INDEX).read_text(encoding="utf-8")
    assert "data/coverage.csv: changed" in page
    assert page == render_index(build_index(root, now=NOW))


def test_new_run_removed_run_and_delivery(root, counter):
    write_index(root, now=NOW)
    runs = root / "runs"
    shutil.copytree(runs / run_ids()[0], runs / "20261207T080000Z")
    shutil.rmtree(runs / run_ids()[1])
    counter.reset()
    write_index(root, now=NOW)
    assert len(counter.hashed) == _manifest_files(runs / "20261207T080000Z")  # only the new run
    assert sorted(json.loads((root / CACHE).read_text(encoding="utf-8"))["runs"]) == sorted(
        [run_ids()[0], run_ids()[2], "20261207T080000Z"])
    page = (root / INDEX).read_text(encoding="utf-8")
    assert "20261207T080000Z" in page and run_ids()[1] not in page
    # A delivery record is read fresh and does not make the run be hashed again.
    from ecr_report.jobs.deliver.records import write_record

    write_record(runs / run_ids()[0], "s3", {"status": "uploaded"})
    counter.reset()
    write_index(root, now=NOW)
    assert counter.hashed == [] and "S3 upload: done" in (root / INDEX).read_text(encoding="utf-8")


@pytest.mark.parametrize("content", ["{not json", '{"format": "ecr-report archive index cache", "version": 999, '
                                     '"runs": {}}', "[]", '{"format": "ecr-report archive index cache", '
                                     '"version": 1, "tool_version": "0+unknown", "runs": {}}'])
def test_corrupt_or_foreign_cache_is_rebuilt(root, counter, content):
    write_index(root, now=NOW)
    good = (root / INDEX).read_bytes()
    (root / CACHE).write_text(content, encoding="utf-8")
    counter.reset()
    assert write_index(root, now=NOW).read_bytes() == good
    assert counter.hashed  # checked again, not trusted
    doc = json.loads((root / CACHE).read_text(encoding="utf-8"))
    assert doc["version"] == index_cache.VERSION and sorted(doc["runs"]) == run_ids()


def test_forged_cache_entries_are_ignored(root, counter):
    """An entry of the wrong shape, or for other files, is a miss: never a verdict."""
    write_index(root, now=NOW)
    doc = json.loads((root / CACHE).read_text(encoding="utf-8"))
    tampered = run_ids()[1]
    doc["runs"][tampered]["fingerprint"] = "0" * 64
    doc["runs"][tampered]["problems"] = []
    doc["runs"][run_ids()[0]]["signature"] = "<b>signed</b>"
    (root / CACHE).write_text(json.dumps(doc), encoding="utf-8")
    assert _states(root)[tampered] == "tampered"
    page = write_index(root, now=NOW).read_text(encoding="utf-8")
    assert page == render_index(build_index(root, now=NOW)) and "<b>signed" not in page


def test_unreadable_cache_path_never_fails_the_index(root, caplog):
    (root / CACHE).mkdir()  # neither readable nor replaceable as a file
    page = write_index(root, now=NOW).read_text(encoding="utf-8")
    assert page == render_index(build_index(root, now=NOW))
    assert any("not written" in r.getMessage() for r in caplog.records)


def test_racily_clean_runs_are_not_cached(root, counter, monkeypatch):
    """A run whose files changed (ctime) within RACY_NS of the check is checked each time."""
    monkeypatch.setattr(index_cache, "RACY_NS", 10**18)
    write_index(root, now=NOW)
    assert json.loads((root / CACHE).read_text(encoding="utf-8"))["runs"] == {}
    counter.reset()
    write_index(root, now=NOW)
    assert counter.hashed


def test_hmac_key_change_rechecks_only_the_signature(root, counter, monkeypatch):
    run = root / "runs" / run_ids()[0]
    signing.sign_run(run, signing.Signer(signing.HMAC_SHA256, b"k" * 32))
    write_index(root, now=NOW)
    rows = {r.run_id: r for r in build_index(root, now=NOW).runs}
    assert rows[run_ids()[0]].signature.startswith("signed, not checked")
    for key, expected in ((b"k" * 32, "signed"), (b"x" * 32, "signature FAILS"), (None, "signed, not checked")):
        if key is None:
            monkeypatch.delenv(signing.HMAC_KEY_ENV)
        else:
            monkeypatch.setenv(signing.HMAC_KEY_ENV, key.decode())
        counter.reset()
        page = write_index(root, now=NOW).read_text(encoding="utf-8")
        assert counter.hashed == [] and counter.signatures == 2  # the two signed runs; no data re-hashed
        row = next(r for r in build_index(root, now=NOW).runs if r.run_id == run_ids()[0])
        assert row.signature.startswith(expected)
        assert page == render_index(build_index(root, now=NOW))


def test_the_run_just_written_is_not_hashed_again_nor_cached(root, counter):
    """`written`: the run the command has just written and hashed into its manifest is shown
    complete without hashing its files again (its signature is still checked), nothing is
    cached for it, and the next write checks it in full."""
    written, *others = run_ids()
    page = write_index(root, now=NOW, written=written).read_bytes()
    assert len(counter.hashed) == sum(_manifest_files(root / "runs" / r) for r in others)
    assert counter.signatures == 3  # every run's signature, the written one's too
    assert written not in json.loads((root / CACHE).read_text(encoding="utf-8"))["runs"]
    assert page == render_index(build_index(root, now=NOW)).encode("utf-8")  # as if it had been hashed
    counter.reset()
    write_index(root, now=NOW)
    assert len(counter.hashed) == _manifest_files(root / "runs" / written)

