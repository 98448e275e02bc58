"""No secret reaches the evidence archive (issue #12, item 6).

A task definition carrying a planted secret in every field that can hold one is registered in
moto's server; a full `run` (real HTTP, the product's own AssumeRole into the account) writes a
run directory, which is then delivered (SES email, S3 Object Lock upload, both moto). The
planted secret and the temporary credentials moto issued must appear nowhere: not in any file
of the run directory (raw evidence decompressed, data/ tables, report, summary, snapshot,
manifest, delivery records), not in the email, not in the uploaded objects. The demo run is
checked the same way for its AssumeRole credentials, and the minimised evidence must give the
very same tables as verbatim evidence would.
"""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timezone
from email import message_from_bytes, policy
from pathlib import Path

import boto3
import pandas as pd
import pytest

from ecr_report.jobs.collect import CollectOptions, collect_fleet
from ecr_report.jobs.config import Config
from ecr_report.jobs.deliver import deliver_run
from ecr_report.jobs.deliver.email import build_message
from ecr_report.jobs.demo_options import DemoOptions
from ecr_report.jobs.evidence import MINIMISED, EvidenceRecorder, load_raw_dir
from ecr_report.jobs.plugins import CONCERNS, collectors
from ecr_report.jobs.run import run
from ecr_report.jobs.rundir import verify_run
from ecr_report.jobs.scope import setup_collection
from ecr_report.reports.analyse import analyse
from ecr_report.reports.coverage import BasicFindingsScope
from ecr_report.reports.snapshot import SnapshotMeta, build_snapshot

ACCOUNT, REGION = "123456789012", "us-east-1"  # moto's default account
REGISTRY = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ecr-report-read"
SECRET = "S3CR3T-7f2c9a41e0"  # unique: must not occur anywhere a run or its delivery writes
SENDER = "ecr-report@example.com"
BUCKET = "evidence-bucket"


def _planted_container(name: str, image: str) -> dict:
    s = SECRET
    return {
        "name": name, "image": image, "memory": 256,
        "environment": [{"name": "DB_PASSWORD", "value": f"{s}-environment"}],
        "environmentFiles": [{"value": f"arn:aws:s3:::config/{s}-environmentFiles.env", "type": "s3"}],
        "secrets": [{"name": "API_TOKEN", "valueFrom": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/{s}-secrets"}],
        "command": ["serve", f"--password={s}-command"],
        "entryPoint": ["sh", "-c", f"export TOKEN={s}-entryPoint"],
        "dockerLabels": {"deploy.token": f"{s}-dockerLabels"},
        "logConfiguration": {"logDriver": "splunk", "options": {"splunk-token": f"{s}-logConfiguration"},
                             "secretOptions": [{"name": "splunk-url", "valueFrom": f"{s}-secretOptions"}]},
        "healthCheck": {"command": ["CMD-SHELL", f"curl -u admin:{s}-healthCheck localhost"]},
        "linuxParameters": {"tmpfs": [{"containerPath": f"/{s}-linuxParameters", "size": 64}]},
        "repositoryCredentials": {"credentialsParameter": f"{s}-repositoryCredentials"},
        "firelensConfiguration": {"type": "fluentbit", "options": {"config-file-value": f"{s}-firelens"}},
        "extraHosts": [{"hostname": f"{s}-extraHosts", "ipAddress": "10.0.0.1"}],
        "dockerSecurityOptions": [f"label:{s}-dockerSecurityOptions"],
        "systemControls": [{"namespace": "net.core.somaxconn", "value": f"{s}-systemControls"}],
        "mountPoints": [{"sourceVolume": "host", "containerPath": f"/{s}-mountPoints"}],
        "user": f"{s}-user", "workingDirectory": f"/{s}-workingDirectory", "hostname": f"{s}-hostname",
        "dnsSearchDomains": [f"{s}-dnsSearchDomains"],
    }


def _register_planted_task_definitions() -> None:
    ecs = boto3.client("ecs", region_name=REGION)
    ecs.register_task_definition(
        family="web",
        containerDefinitions=[_planted_container("app", f"{REGISTRY}/web/app:1"),
                              _planted_container("proxy", "nginx:1.27")],
        volumes=[{"name": "host", "host": {"sourcePath": f"/{SECRET}-volumes-host"}},
                 {"name": "docker", "dockerVolumeConfiguration": {
                     "driverOpts": {"password": f"{SECRET}-driverOpts"}, "labels": {"k": f"{SECRET}-labels"}}},
                 {"name": "efs", "efsVolumeConfiguration": {
                     "fileSystemId": "fs-12345678", "authorizationConfig": {"accessPointId": f"{SECRET}-efs"}}}],
        proxyConfiguration={"containerName": "app", "properties": [{"name": "p", "value": f"{SECRET}-proxy"}]},
        tags=[{"key": "owner", "value": f"{SECRET}-tags"}])
    ecs.register_task_definition(family="batch", containerDefinitions=[
        _planted_container("job", f"{REGISTRY}/batch/job:2")])


def _moto_fleet() -> None:
    ecr = boto3.client("ecr", region_name=REGION)
    for name in ("web/app", "batch/job"):
        ecr.create_repository(repositoryName=name)
    _register_planted_task_definitions()
    boto3.client("ses", region_name=REGION).verify_email_identity(EmailAddress=SENDER)
    boto3.client("s3", region_name=REGION).create_bucket(Bucket=BUCKET, ObjectLockEnabledForBucket=True)


def _issued_credentials() -> list[str]:
    """The temporary credentials moto's STS handed to the product (read from the server's state)."""
    from moto.sts.models import sts_backends

    roles = [r for backend in sts_backends[ACCOUNT].values() for r in backend.assumed_roles]
    assert roles, "the run did not assume its role: the AssumeRole path was not exercised"
    return [v for r in roles for v in (r.access_key_id, r.secret_access_key, r.session_token)]


def _texts_of_run(run_dir: Path) -> dict[str, str]:
    """Every file of a run as text: gzip decompressed, Parquet read back, the rest decoded."""
    out = {}
    for path in sorted(p for p in run_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(run_dir).as_posix()
        data = path.read_bytes()
        if path.name.endswith(".gz"):
            data = gzip.decompress(data)
        if path.suffix == ".parquet":
            out[rel] = pd.read_parquet(path).to_csv(index=False)
        else:
            out[rel] = data.decode("utf-8", errors="replace")
    return out


def _texts_of_message(raw: bytes) -> str:
    msg = message_from_bytes(raw, policy=policy.default)
    parts = [str(msg)]
    for part in msg.walk():
        payload = part.get_payload(decode=True)
        if payload:
            parts.append(payload.decode("utf-8", errors="replace"))
    return "\n".join(parts)


def _texts_of_bucket(prefix: str) -> dict[str, str]:
    s3 = boto3.client("s3", region_name=REGION)
    out = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        for obj in page.get("Contents", []):
            body = s3.get_object(Bucket=BUCKET, Key=obj["Key"])["Body"].read()
            if obj["Key"].endswith(".gz"):
                body = gzip.decompress(body)
            out[obj["Key"]] = body.decode("utf-8", errors="replace")
    return out


def _hits(texts: dict[str, str], needles: list[str]) -> list[str]:
    return sorted({f"{name}: {needle[:12]}..." for name, text in texts.items() for needle in needles
                   if needle in text})


def _raw(run_dir: Path, name: str) -> dict:
    return json.loads(gzip.decompress((run_dir / "raw" / ACCOUNT / REGION / name).read_bytes()))


def test_no_secret_in_the_run_its_delivery_or_the_email_over_http(moto_aws, tmp_path):
    _moto_fleet()
    config = Config.model_validate({
        "aws": {"regions": [REGION], "accounts": [{"id": ACCOUNT, "role_arn": ROLE,
                                                   "external_id": f"{SECRET}-externalId"}], "max_attempts": 2},
        "report": {"pdf": False},
        "email": {"transport": "ses", "sender": SENDER, "recipients": ["leadership@example.com"],
                  "retry_backoff_seconds": 0},
        "archive": {"s3_uri": f"s3://{BUCKET}/ecr-report", "retention_days": 1},
    })
    outcome = run(config, output=tmp_path / "out")
    run_dir = outcome.run_dir
    delivered = deliver_run(run_dir, config)
    assert delivered.email.status == "sent" and delivered.upload.status == "uploaded"

    needles = [SECRET, *_issued_credentials()]
    texts = _texts_of_run(run_dir)
    assert any(rel.startswith("raw/") for rel in texts) and "report.html" in texts and "snapshot.json" in texts
    assert any(rel.startswith("delivery/") for rel in texts) and "manifest.json" in texts
    assert _hits(texts, needles) == []
    assert _hits({"email": _texts_of_message(build_message(run_dir, config.email).as_bytes())}, needles) == []
    uploaded = _texts_of_bucket(f"ecr-report/{run_dir.name}/")
    assert uploaded and _hits(uploaded, needles) == []
    assert verify_run(run_dir) == []

    # The planted values really were answered by moto and collected (else the test proves nothing),
    # and the evidence says what was cut.
    td = _raw(run_dir, "ecs.DescribeTaskDefinition.1.json.gz")
    assert td["minimised"]["rule"] == "allow-list"
    assert {"taskDefinition.containerDefinitions[].environment", "taskDefinition.containerDefinitions[].secrets",
            "taskDefinition.volumes"} <= set(td["minimised"]["removed"])
    images = {c["image"] for c in td["response"]["taskDefinition"]["containerDefinitions"]}
    assert images <= {f"{REGISTRY}/web/app:1", "nginx:1.27", f"{REGISTRY}/batch/job:2"} and images
    assume = _raw(run_dir, "sts.AssumeRole.1.json.gz")
    assert assume["response"]["AssumedRoleUser"]["Arn"].startswith(f"arn:aws:sts::{ACCOUNT}:assumed-role/")
    assert set(assume["response"]["Credentials"]) == {"Expiration"}
    assert set(assume["minimised"]["removed"]) == {
        "Credentials.AccessKeyId", "Credentials.SecretAccessKey", "Credentials.SessionToken"}
    assert assume["minimised"]["params_removed"] == ["ExternalId"]
    assert assume["params"] == {"RoleArn": ROLE, "RoleSessionName": "ecr-report", "DurationSeconds": 3600}
    # What the task definitions feed is still there: the images in use, from the minimised evidence.
    in_use = outcome.analysis.tables["ecs_container_images"]
    assert set(in_use["image"]) == {f"{REGISTRY}/web/app:1", "nginx:1.27", f"{REGISTRY}/batch/job:2"}



def test_the_demo_run_keeps_no_assumed_role_credentials(tmp_path):
    from ecr_report.jobs.demo.svc_sts import ACCESS_KEY_PREFIX

    outcome = run(Config.model_validate({"report": {"pdf": False}}), output=tmp_path / "out", demo=True,
                  now=datetime(2026, 11, 30, tzinfo=timezone.utc))
    texts = _texts_of_run(outcome.run_dir)
    assumed = [rel for rel in texts if rel.endswith("/sts.AssumeRole.1.json.gz")]
    assert assumed  # the demo fleet's member accounts are reached through AssumeRole
    assert _hits(texts, ["demo-secret-", "demo-session-token-", ACCESS_KEY_PREFIX]) == []
    for rel in assumed:
        doc = json.loads(texts[rel])
        assert doc["response"]["AssumedRoleUser"]["Arn"] and doc["response"]["Credentials"]["Expiration"]
        assert "Credentials.SecretAccessKey" in doc["minimised"]["removed"]


def _demo_analysis(minimised) -> tuple:
    config = Config()
    as_of = datetime(2026, 11, 30, tzinfo=timezone.utc)
    recorder = EvidenceRecorder(minimised=minimised)
    setup = setup_collection(recorder, config, DemoOptions(), as_of)
    factory, units = setup.factory, setup.units
    # One worker: the calls' sequence numbers (and so the tables' row order) do not depend on timing.
    options = CollectOptions(as_of=as_of, scope=BasicFindingsScope(), collectors=collectors(),
                             repository_workers=1)
    collection = collect_fleet(factory, units, options, max_workers=1)
    meta = SnapshotMeta(run_id="r", as_of=as_of, units=collection.units, errors=(), tool_version="t")
    return collection.calls, analyse(build_snapshot(meta, collection.calls, CONCERNS), CONCERNS)


def test_minimised_evidence_gives_the_same_tables_as_verbatim_evidence():
    verbatim_calls, verbatim = _demo_analysis({})
    minimised_calls, minimised = _demo_analysis(MINIMISED)
    cut = [c for c in minimised_calls if c.minimised]
    assert {(c.service, c.operation) for c in cut} == {("ecs", "DescribeTaskDefinition"), ("sts", "AssumeRole")}
    assert not any(c.minimised for c in verbatim_calls)
    # The pull-through figures that depend on task definitions are among them (images in use,
    # repositories pulled beside an upstream image, direct upstream pulls).
    assert len(verbatim.tables["ecs_container_images"]) > 0
    assert set(verbatim.tables) == set(minimised.tables)
    for name, frame in verbatim.tables.items():
        pd.testing.assert_frame_equal(minimised.tables[name], frame, obj=name)
    assert json.dumps(minimised.summary, sort_keys=True, default=str) == \
        json.dumps(verbatim.summary, sort_keys=True, default=str)


def test_an_archived_minimised_call_reads_back_the_same(tmp_path):
    recorder = EvidenceRecorder(tmp_path / "raw")
    recorder.record(ACCOUNT, REGION, "ecs", "DescribeTaskDefinition", {"taskDefinition": "web:1"}, {
        "taskDefinition": {"taskDefinitionArn": "arn:td/web:1", "family": "web", "revision": 1,
                           "containerDefinitions": [{"name": "app", "image": "nginx:1", "command": [SECRET]}]},
        "NewFieldAwsAddsLater": SECRET, "ResponseMetadata": {"RequestId": "r1", "HTTPStatusCode": 200}})
    recorder.unit_done(ACCOUNT, REGION)  # a unit's calls are written when the unit is done
    [call] = load_raw_dir(tmp_path / "raw")
    assert call == recorder.calls[0]
    assert call.response == {"taskDefinition": {"taskDefinitionArn": "arn:td/web:1", "family": "web", "revision": 1,
                                                "containerDefinitions": [{"name": "app", "image": "nginx:1"}]},
                             "ResponseMetadata": {"RequestId": "r1", "HTTPStatusCode": 200}}
    assert call.minimised["removed"] == ["NewFieldAwsAddsLater", "taskDefinition.containerDefinitions[].command"]
    assert SECRET not in gzip.decompress(next((tmp_path / "raw").rglob("*.gz")).read_bytes()).decode()


@pytest.mark.parametrize("operation", ["DescribeRepositories", "GetCallerIdentity"])
def test_other_operations_are_kept_verbatim_without_a_minimised_member(tmp_path, operation):
    recorder = EvidenceRecorder(tmp_path / "raw")
    recorder.record(ACCOUNT, REGION, "ecr", operation, {}, {"anything": [1, 2]})
    recorder.flush()
    doc = json.loads(gzip.decompress(next((tmp_path / "raw").rglob("*.gz")).read_bytes()))
    assert doc["response"] == {"anything": [1, 2]} and "minimised" not in doc
