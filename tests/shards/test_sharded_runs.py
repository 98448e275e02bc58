"""Sharded runs (jobs/shards.py): `collect --shard K/N` then `assemble` gives the run that a
single `run` gives, byte for byte (data/, summary.json, report.html), for N = 1, 3 and 7; a
missing shard is named in the completeness section and the command exits 3."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from shard_support import RUN_ID, config_file, outputs

from ecr_report.jobs.cli import main
from ecr_report.jobs.config import load_config
from ecr_report.jobs.demo_options import DemoOptions
from ecr_report.jobs.errors import ConfigError
from ecr_report.jobs.rundir import STALE_PARTIAL_SECONDS
from ecr_report.jobs.shards import PLAN, Plan, assign, collect_shard, heaviest_first, parse_shard, shard_area

_outputs, _config = outputs, config_file


def _sharded(tmp_path: Path, config: Path, shards: int, demo_args: list[str], skip: frozenset[int] = frozenset(),
             run_id: str = RUN_ID) -> tuple[int, Path]:
    root = tmp_path / f"sharded-{shards}"
    for k in range(shards):
        if k not in skip:
            assert main(["collect", "--run-id", run_id, "--shard", f"{k}/{shards}", "--output", str(root),
                         "--config", str(config), *demo_args]) == 0
    code = main(["assemble", "--run-id", run_id, "--output", str(root), "--config", str(config), *demo_args])
    return code, root / "runs" / run_id


@pytest.mark.parametrize("shards", [1, 3, 7])
def test_an_assembled_run_is_byte_identical_to_a_single_run(tmp_path, single, shards):
    code, run_dir = _sharded(tmp_path, _config(tmp_path), shards, ["--demo"])
    assert code == 0
    assembled = _outputs(run_dir)
    assert sorted(assembled) == sorted(single) and len(single) > 10
    assert [name for name in single if single[name] != assembled[name]] == []


def test_a_missing_shard_is_reported_and_the_run_exits_3(tmp_path, single, capsys):
    code, run_dir = _sharded(tmp_path, _config(tmp_path), 3, ["--demo"], skip=frozenset({1}))
    assert code == 3
    plan = json.loads((shard_area(tmp_path / "sharded-3", RUN_ID) / PLAN).read_text())
    missing = sorted((u["account_id"], u["region"]) for u, k in zip(plan["units"], assign(plan["units"], 3)) if k == 1)
    assert missing  # shard 1 had work to lose
    errors = json.loads((run_dir / "summary.json").read_text())["completeness"]["errors"]
    named = sorted((e["account"], e["region"]) for e in errors if e["operation"] == "collect (shard 1 of 3)")
    assert named == missing
    assert all("did not report" in e["error"] for e in errors if e["operation"].startswith("collect (shard"))
    assert "shard 1 of 3: 2 registries not collected" in capsys.readouterr().err
    html = (run_dir / "report.html").read_text()
    assert missing[0][0] in html and html != single["report.html"].decode()


def test_an_organization_assembles_like_a_single_run(tmp_path):
    """Discovery (with its suspended account and missing role: exit 3 both ways) runs once, in
    the plan; the units of 6 accounts x 2 regions spread over 3 shards."""
    config = _config(tmp_path)
    demo = ["--demo", "--demo-accounts", "6"]
    assert main(["run", *demo, "--no-pdf", "--output", str(tmp_path / "single"), "--config", str(config)]) == 3
    [single_dir] = (tmp_path / "single" / "runs").iterdir()
    # The single run's own id: the same as-of for both (the demo organization ages from it).
    code, run_dir = _sharded(tmp_path, config, 3, demo, run_id=single_dir.name)
    assert code == 3
    single, assembled = _outputs(single_dir), _outputs(run_dir)
    assert [name for name in single if single[name] != assembled.get(name)] == []
    shards = [json.loads(p.read_text()) for p in sorted(run_dir.parents[1].glob(f"shards/{run_dir.name}/*-of-3/shard.json"))]
    assert len(shards) == 3 and all(s["units"] for s in shards)


def test_every_shard_uses_the_stored_plan(tmp_path):
    """The first shard stores the plan; a later one takes it as stored, even when planning again
    would answer differently (here: the stored plan lost a unit)."""
    config = load_config(_config(tmp_path))
    collect_shard(config, tmp_path, RUN_ID, 0, 2, DemoOptions())
    plan_path = shard_area(tmp_path, RUN_ID) / PLAN
    plan = json.loads(plan_path.read_text())
    plan["units"] = plan["units"][:-1]
    plan_path.write_text(json.dumps(plan))
    shard = collect_shard(config, tmp_path, RUN_ID, 1, 2, DemoOptions())
    manifest = json.loads((shard / "shard.json").read_text())
    assert manifest["plan_units"] == len(plan["units"])
    other = load_config(_config(tmp_path)).model_copy(update={"report": config.report.model_copy(update={"language": "ja"})})
    with pytest.raises(ConfigError, match="planned with another configuration"):
        collect_shard(other, tmp_path, RUN_ID, 1, 2, DemoOptions())


def test_shard_index_from_the_engine():
    assert parse_shard("2/5", {}) == (2, 5)
    assert parse_shard("5", {"JOB_COMPLETION_INDEX": "4"}) == (4, 5)
    assert parse_shard("3", {"AWS_BATCH_JOB_ARRAY_INDEX": "0"}) == (0, 3)
    for bad, env in (("5", {}), ("5/5", {}), ("x/2", {}), ("1/0", {})):
        with pytest.raises(ConfigError):
            parse_shard(bad, env)


def test_assignment_keeps_accounts_whole_and_balances_weights():
    units = [{"account_id": a, "region": r, "weight": w}
             for a, w in (("a", 10), ("b", 1), ("c", 6), ("d", 5)) for r in ("r1", "r2")]
    shard_of = assign(units, 2)
    assert shard_of == assign(units, 2)  # deterministic
    by_account = {u["account_id"]: k for u, k in zip(units, shard_of)}
    assert all(by_account[u["account_id"]] == k for u, k in zip(units, shard_of))
    loads = [sum(u["weight"] for u, k in zip(units, shard_of) if k == s) for s in (0, 1)]
    assert sorted(loads) == [22, 22]


def test_a_shard_starts_its_heaviest_registries_first_and_keeps_their_plan_positions():
    from ecr_report.jobs.aws_session import Account
    from ecr_report.jobs.collect import Unit

    weights = [3, 9, 1, 9, 5]
    plan = Plan({"units": [{"account_id": f"{i}", "region": "r", "weight": w} for i, w in enumerate(weights)]})
    units = [Unit(Account(f"{i}", None), f"{i}", "r", position=i) for i in (0, 1, 3, 4)]
    order = heaviest_first(plan, units)
    assert [u.position for u in order] == [1, 3, 4, 0]  # equal weights keep plan order


def test_a_failed_shard_says_why_and_its_registries_are_not_collected(tmp_path, monkeypatch):
    from ecr_report.jobs import shards

    config = load_config(_config(tmp_path))
    collect_shard(config, tmp_path, RUN_ID, 0, 2, DemoOptions())

    def lost_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shards, "collect_fleet", lost_disk)
    with pytest.raises(OSError):
        collect_shard(config, tmp_path, RUN_ID, 1, 2, DemoOptions())
    manifest = json.loads((shard_area(tmp_path, RUN_ID) / "1-of-2" / "shard.json").read_text())
    assert manifest["status"] == "failed" and "No space left" in manifest["reason"]
    monkeypatch.undo()
    outcome = shards.assemble(config, tmp_path, RUN_ID, DemoOptions())
    errors = [e for e in outcome.analysis.snapshot.meta.errors if e["operation"] == "collect (shard 1 of 2)"]
    assert errors and all("it failed (OSError: [Errno 28] No space left on device)" in e["error"] for e in errors)
    assert not outcome.complete


def test_assemble_removes_what_killed_shards_left_but_not_live_work(tmp_path, caplog):
    config = _config(tmp_path)
    root = tmp_path / "sharded-2"
    area = shard_area(root, RUN_ID)
    assert main(["collect", "--run-id", RUN_ID, "--shard", "0/2", "--output", str(root), "--config", str(config),
                 "--demo"]) == 0
    dead, live = area / ".1-of-2-host-a-101", area / ".1-of-2-host-b-202"
    for work in (dead, live):
        (work / "raw").mkdir(parents=True)
        (work / "raw" / "part.json.gz").write_bytes(b"")
    old = time.time() - STALE_PARTIAL_SECONDS - 60
    for path in (dead, dead / "raw", dead / "raw" / "part.json.gz"):
        os.utime(path, (old, old))
    assert main(["collect", "--run-id", RUN_ID, "--shard", "1/2", "--output", str(root), "--config", str(config),
                 "--demo"]) == 0
    assert main(["assemble", "--run-id", RUN_ID, "--output", str(root), "--config", str(config), "--demo"]) == 0
    assert not dead.exists() and live.exists()
    assert ".1-of-2-host-a-101, left by a shard that never finished" in caplog.text
