"""SES SendRawEmail and the S3 Object Lock upload, against moto's server over real HTTP."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import boto3
import pytest

from ecr_report.jobs.cli import main
from ecr_report.jobs.config import ArchiveConfig, EmailConfig
from ecr_report.jobs.deliver.archive import parse_s3_uri, upload_order, upload_run
from ecr_report.jobs.deliver.email import deliver_email

SENDER = "ecr-report@example.com"


def _sent_quota() -> float:
    return boto3.client("ses", region_name="us-east-1").get_send_quota()["SentLast24Hours"]


def test_ses_sends_the_raw_message_once(moto_aws, finished_run):
    ses = boto3.client("ses", region_name="us-east-1")
    ses.verify_email_identity(EmailAddress=SENDER)
    cfg = EmailConfig(transport="ses", sender=SENDER, recipients=("a@example.com", "b@example.com"),
                      retry_backoff_seconds=0)
    outcome = deliver_email(finished_run, cfg)
    assert outcome.status == "sent"
    record = json.loads((finished_run / "delivery" / "email.json").read_text())
    assert record["transport"] == "ses" and record["ses_message_id"]
    sent = _sent_quota()
    assert sent > 0

    assert deliver_email(finished_run, cfg).status == "already-sent"
    assert _sent_quota() == sent  # nothing more was sent


def test_ses_rejecting_an_unverified_sender_is_a_failure_without_retries(moto_aws, finished_run):
    cfg = EmailConfig(transport="ses", sender="nobody@unverified.example", recipients=("a@example.com",),
                      max_attempts=3, retry_backoff_seconds=0)
    outcome = deliver_email(finished_run, cfg)
    assert outcome.failed and "MessageRejected" in outcome.detail
    record = json.loads((finished_run / "delivery" / "email.json").read_text())
    assert record["status"] == "failed" and record["attempts"] == 1


def _locked_bucket(name: str = "evidence-bucket") -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)


@pytest.mark.parametrize("mode, which", [("COMPLIANCE", "finished_run"), ("GOVERNANCE", "small_run")])
def test_upload_with_object_lock_and_read_the_retention_back(moto_aws, request, mode, which):
    finished_run = request.getfixturevalue(which)
    _locked_bucket()
    cfg = ArchiveConfig(s3_uri="s3://evidence-bucket/ecr-report", retention_days=400, object_lock_mode=mode)
    now = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
    outcome = upload_run(finished_run, cfg, now=now)
    assert outcome.status == "uploaded"

    s3 = boto3.client("s3", region_name="us-east-1")
    keys = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket="evidence-bucket"):
        keys |= {o["Key"] for o in page.get("Contents", [])}
    prefix = f"ecr-report/{finished_run.name}/"
    expected = {prefix + rel for rel in upload_order(finished_run)}
    assert keys == expected
    assert prefix + "manifest.json" in keys and prefix + "manifest.sig" in keys
    assert not any("/delivery/" in k for k in keys)
    assert upload_order(finished_run)[-3:] == ["manifest.json", "manifest.sig", "manifest.pub"]

    for rel in ("manifest.json", "report.pdf", "summary.json"):
        # moto 5.2 does not implement GetObjectRetention (its server answers 500), so the
        # retention is read back from HeadObject, which returns the same Object Lock fields.
        head = s3.head_object(Bucket="evidence-bucket", Key=prefix + rel)
        assert head["ObjectLockMode"] == mode
        assert head["ObjectLockRetainUntilDate"] == now + timedelta(days=400)
        assert head["Metadata"]["ecr-report-run"] == finished_run.name
    body = s3.get_object(Bucket="evidence-bucket", Key=prefix + "manifest.json")["Body"].read()
    assert body == (finished_run / "manifest.json").read_bytes()

    record = json.loads((finished_run / "delivery" / "s3.json").read_text())
    assert record["status"] == "uploaded" and record["object_lock_mode"] == mode
    assert record["retain_until"] == "2028-01-04T09:00:00Z"
    assert upload_run(finished_run, cfg).status == "already-uploaded"


def test_a_locked_object_cannot_be_deleted(moto_aws, small_run):
    finished_run = small_run
    _locked_bucket()
    upload_run(finished_run, ArchiveConfig(s3_uri="s3://evidence-bucket/", retention_days=1))
    s3 = boto3.client("s3", region_name="us-east-1")
    key = f"{finished_run.name}/manifest.json"
    version = s3.head_object(Bucket="evidence-bucket", Key=key)["VersionId"]
    with pytest.raises(s3.exceptions.ClientError, match="AccessDenied"):
        s3.delete_object(Bucket="evidence-bucket", Key=key, VersionId=version)


def test_upload_failure_is_exit_4_and_resumable(moto_aws, small_run, tmp_path, capsys):
    finished_run = small_run
    config = tmp_path / "c.toml"
    config.write_text('[archive]\ns3_uri = "s3://no-such-bucket/x/"\nretention_days = 1\n')
    assert main(["deliver", str(finished_run), "--config", str(config)]) == 4
    assert "archive: failed" in capsys.readouterr().out
    assert json.loads((finished_run / "delivery" / "s3.json").read_text())["status"] == "failed"
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="no-such-bucket", ObjectLockEnabledForBucket=True)
    assert main(["deliver", str(finished_run), "--config", str(config)]) == 0
    assert "archive: uploaded" in capsys.readouterr().out


def test_parse_s3_uri():
    assert parse_s3_uri("s3://b/ecr-report") == ("b", "ecr-report/")
    assert parse_s3_uri("s3://b/") == ("b", "")
    assert parse_s3_uri("s3://b") == ("b", "")
