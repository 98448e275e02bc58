"""Sharded runs with an `s3://bucket/prefix` shard area (jobs/shard_store_s3.py), against moto's
server over real HTTP: the assembled run is the single run's, byte for byte; one plan survives
a race; a missing shard is named (exit 3); a retried shard's last manifest wins; an S3 that
cannot be used is one line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber
from shard_support import RUN_ID, config_file, outputs

from ecr_report.jobs import shard_store_s3
from ecr_report.jobs.cli import main
from ecr_report.jobs.config import load_config
from ecr_report.jobs.demo_options import DemoOptions
from ecr_report.jobs.errors import ConfigError
from ecr_report.jobs.shard_store_s3 import S3ShardArea
from ecr_report.jobs.shards import REGISTRY_OVERHEAD_CALLS, assign, collect_shard, obtain_plan

BUCKET = "shard-bucket"
ROOT = f"s3://{BUCKET}/team/ecr-report"
AREA = f"team/ecr-report/shards/{RUN_ID}/"


@pytest.fixture
def bucket(moto_aws):
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    return s3


def _keys(s3) -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=AREA)
    return sorted(o["Key"][len(AREA):] for page in pages for o in page.get("Contents", []))


def _json(s3, key: str) -> dict:
    return json.loads(s3.get_object(Bucket=BUCKET, Key=AREA + key)["Body"].read())


def _collect(config: Path, k: int, n: int, run_id: str = RUN_ID) -> int:
    return main(["collect", "--run-id", run_id, "--shard", f"{k}/{n}", "--output", ROOT,
                 "--config", str(config), "--demo"])


def _assemble(config: Path, run_root: Path, run_id: str = RUN_ID) -> int:
    return main(["assemble", "--run-id", run_id, "--output", ROOT, "--run-root", str(run_root),
                 "--config", str(config), "--demo"])


def test_an_s3_sharded_run_is_byte_identical_to_a_single_run(bucket, tmp_path, single, capsys):
    config = config_file(tmp_path)
    for k in range(3):
        assert _collect(config, k, 3) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [f"{ROOT}/shards/{RUN_ID}/{k}-of-3/" for k in range(3)]
    keys = _keys(bucket)
    # The plan, one evidence tar for planning, and per shard one tar and its manifest.
    assert "plan.json" in keys and len([k for k in keys if k.startswith(".plan-") and k.endswith("/raw.tar")]) == 1
    for k in range(3):
        manifest = _json(bucket, f"{k}-of-3/shard.json")
        assert manifest["status"] == "complete" and f"{k}-of-3/{manifest['evidence']}" in keys
        assert sorted([a, r] for a, r, _ in manifest["unit_calls"]) == sorted(manifest["units"])
        assert all(n > 0 for _, _, n in manifest["unit_calls"])
    assert len(keys) == 2 + 2 * 3
    assert _assemble(config, tmp_path / "local") == 0  # N from the listing (no --shards)
    assembled = outputs(tmp_path / "local" / "runs" / RUN_ID)
    assert sorted(assembled) == sorted(single) and len(single) > 10
    assert [name for name in single if single[name] != assembled[name]] == []
    assert not (tmp_path / "local" / "shards").exists()  # nothing of the shard area is local
    assert sorted(p.name for p in (tmp_path / "local").iterdir()) == [".index-cache.json", "index.html", "runs"]


def test_the_next_run_balances_by_the_calls_the_manifests_record(bucket, tmp_path):
    config = config_file(tmp_path)
    for k in range(2):
        assert _collect(config, k, 2) == 0
    recorded = {(a, r): n for k in range(2) for a, r, n in _json(bucket, f"{k}-of-2/shard.json")["unit_calls"]}
    later = "20261207T080000Z"
    assert _collect(config, 0, 2, run_id=later) == 0
    plan = json.loads(bucket.get_object(Bucket=BUCKET, Key=f"team/ecr-report/shards/{later}/plan.json")["Body"].read())
    assert plan["weights_from"] == f"calls per registry in run {RUN_ID} (its shard manifests)"
    # weight: the calls recorded, plus what a registry costs beyond its calls
    assert {(u["account_id"], u["region"]): u["weight"] - REGISTRY_OVERHEAD_CALLS for u in plan["units"]} == recorded
    assert len(set(recorded.values())) > 1  # not uniform: the test can tell


def test_two_planners_store_one_plan_and_the_loser_uses_it(bucket, tmp_path, monkeypatch):
    """Planner A finds no plan; before it stores its own, planner B plans and stores one. The
    conditional write refuses A's (412): A works from B's plan."""
    config = load_config(config_file(tmp_path))
    first, second = (S3ShardArea.from_uri(ROOT, RUN_ID) for _ in range(2))
    original = S3ShardArea.previous_weights
    stored: dict[str, object] = {}

    def b_plans_meanwhile(self):
        if self is first:
            stored["b"] = obtain_plan(config, second, DemoOptions())
        return original(self)

    monkeypatch.setattr(S3ShardArea, "previous_weights", b_plans_meanwhile)
    plan_a, _ = obtain_plan(config, first, DemoOptions())
    plan_b, _ = stored["b"]
    assert plan_a.digest == plan_b.digest and plan_a.doc["evidence"] == second.planning_name()
    assert _json(bucket, "plan.json") == plan_b.doc
    keys = _keys(bucket)
    assert keys.count("plan.json") == 1
    # Both planned: both evidence tars are there (no delete is granted); the plan names B's.
    assert sorted(k for k in keys if k.startswith(".plan-")) == sorted(
        f"{a.planning_name()}/raw.tar" for a in (first, second))


def test_a_missing_shard_is_named_and_the_run_exits_3(bucket, tmp_path, capsys):
    config = config_file(tmp_path)
    for k in (0, 2):
        assert _collect(config, k, 3) == 0
    assert _assemble(config, tmp_path / "local") == 3
    plan = _json(bucket, "plan.json")
    missing = sorted((u["account_id"], u["region"]) for u, k in zip(plan["units"], assign(plan["units"], 3)) if k == 1)
    assert missing
    summary = json.loads((tmp_path / "local" / "runs" / RUN_ID / "summary.json").read_text())
    named = sorted((e["account"], e["region"]) for e in summary["completeness"]["errors"]
                   if e["operation"] == "collect (shard 1 of 3)")
    assert named == missing
    assert f"shard 1 of 3: {len(missing)} registries not collected" in capsys.readouterr().err


def test_a_retried_shard_last_manifest_wins(bucket, tmp_path, single, monkeypatch):
    """Shard 1 fails once (its manifest says so, with no evidence), then is retried twice: each
    attempt uploads its own tar, and the manifest names the last one, which assemble takes."""
    from ecr_report.jobs import shards

    config_path = config_file(tmp_path)
    config = load_config(config_path)
    for k in (0, 2):
        collect_shard(config, ROOT, RUN_ID, k, 3, DemoOptions())

    def lost_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(shards, "collect_fleet", lost_disk)
        with pytest.raises(OSError):
            collect_shard(config, ROOT, RUN_ID, 1, 3, DemoOptions())
    failed = _json(bucket, "1-of-3/shard.json")
    assert failed["status"] == "failed" and failed["evidence"] is None
    attempts = []
    for _ in range(2):
        collect_shard(config, ROOT, RUN_ID, 1, 3, DemoOptions())
        attempts.append(_json(bucket, "1-of-3/shard.json")["evidence"])
    assert len(set(attempts)) == 2 and all(f"1-of-3/{a}" in _keys(bucket) for a in attempts)
    assert _json(bucket, "1-of-3/shard.json")["evidence"] == attempts[-1]
    assert _assemble(config_path, tmp_path / "local") == 0
    assembled = outputs(tmp_path / "local" / "runs" / RUN_ID)
    assert [name for name in single if single[name] != assembled[name]] == []


def test_evidence_that_cannot_be_downloaded_leaves_no_half_written_run(bucket, tmp_path, capsys):
    config = config_file(tmp_path)
    for k in range(2):
        assert _collect(config, k, 2) == 0
    tar = _json(bucket, "1-of-2/shard.json")["evidence"]
    bucket.delete_object(Bucket=BUCKET, Key=f"{AREA}1-of-2/{tar}")  # outside the product
    assert _assemble(config, tmp_path / "local") == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("ecr-report: error: ") and f"1-of-2/{tar}: NoSuchKey" in err
    runs = tmp_path / "local" / "runs"
    assert not runs.exists() or list(runs.iterdir()) == []  # no .partial- run left


@pytest.mark.parametrize("case", ["no-bucket", "no-credentials"])
def test_an_s3_area_that_cannot_be_used_is_one_line_and_exit_2(moto_aws, tmp_path, monkeypatch, capsys, case):
    if case == "no-credentials":
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
        monkeypatch.delenv("AWS_ACCESS_KEY_ID")
        monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    assert _collect(config_file(tmp_path), 0, 2) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("ecr-report: error: ") and "\n" not in err and "Traceback" not in err
    assert {"no-bucket": "NoSuchBucket", "no-credentials": "credentials"}[case] in err
    assert not list(tmp_path.glob("**/shards"))


def test_access_denied_names_the_permissions_needed():
    """moto does not enforce IAM: the refusal is S3's documented error, through botocore's Stubber."""
    client = boto3.client("s3", region_name="us-east-1")
    area = S3ShardArea.from_uri(ROOT, RUN_ID, client=client)
    with Stubber(client) as stub:
        stub.add_client_error("get_object", "AccessDenied", "Access Denied", 403,
                              expected_params={"Bucket": BUCKET, "Key": AREA + "plan.json"})
        with pytest.raises(ConfigError, match=r"plan.json: AccessDenied \(Access Denied\); the identity running "
                                              r"ecr-report needs s3:PutObject, s3:GetObject and s3:ListBucket"):
            area.read_plan()


@pytest.mark.parametrize("meanwhile", [None, "plan"], ids=["retried-and-stored", "another-stored-meanwhile"])
def test_a_conflicting_plan_write_is_retried(meanwhile):
    """409 ConditionalRequestConflict (a concurrent write; moto never answers it, so S3's
    documented error through botocore's Stubber): retried, unless a plan was stored meanwhile."""
    client = boto3.client("s3", region_name="us-east-1")
    area = S3ShardArea.from_uri(ROOT, RUN_ID, client=client)
    put = {"Bucket": BUCKET, "Key": AREA + "plan.json", "Body": b"{}", "ContentType": "application/json",
           "IfNoneMatch": "*"}  # the conditional write, every time
    with Stubber(client) as stub:
        stub.add_client_error("put_object", "ConditionalRequestConflict", "conflict", 409, expected_params=put)
        if meanwhile is None:
            stub.add_client_error("get_object", "NoSuchKey", "no such key", 404)
            stub.add_response("put_object", {"ETag": '"e"'}, expected_params=put)
        else:
            stub.add_response("get_object", {"Body": _body(b'{"format": 1}')})
        assert area._put_plan(b"{}") is (meanwhile is None)
        stub.assert_no_pending_responses()


def _body(data: bytes):
    import io

    from botocore.response import StreamingBody

    return StreamingBody(io.BytesIO(data), len(data))


def test_assemble_from_s3_needs_a_local_run_root(tmp_path, capsys):
    config = tmp_path / "ecr-report.toml"
    config.write_text(f'[report]\npdf = false\noutput_dir = "{ROOT}"\n', encoding="utf-8")
    assert main(["assemble", "--run-id", RUN_ID, "--config", str(config), "--demo"]) == 2
    assert "give one with --run-root DIR" in capsys.readouterr().err


def test_s3_roots():
    assert shard_store_s3.parse_s3_root("s3://b") == ("b", "")
    assert shard_store_s3.parse_s3_root("s3://b/a/b/") == ("b", "a/b/")
    with pytest.raises(ConfigError, match="no bucket"):
        shard_store_s3.parse_s3_root("s3:///x")
