"""Upload a finished run to S3 with Object Lock retention (the audit evidence archive).

`[archive] s3_uri = "s3://bucket/prefix/"`: each file of the run goes to
`<prefix><run_id>/<path>`, `manifest.json` and its signature last, so a copy that stopped
half-way has no manifest and `verify` calls it incomplete. `delivery/` (local operational
records) is not uploaded.

With `retention_days`, every object is written with `ObjectLockMode` (`object_lock_mode`,
default COMPLIANCE: nobody, not even the account root, can shorten it or delete the object
version until `ObjectLockRetainUntilDate` = upload time + retention_days; GOVERNANCE lets
principals with s3:BypassGovernanceRetention do so). The bucket must have been created with
Object Lock enabled (which turns on versioning). Each PUT carries a SHA-256 checksum that S3
verifies. IAM: s3:PutObject and s3:PutObjectRetention on the prefix.

Delivery is not collection: the S3 client is made with a plain `boto3.Session()`, NOT through
the read-only `aws_session.SessionFactory`, which refuses PutObject by design.

`delivery/s3.json` records each uploaded object (key, version id, retain-until); re-running
skips what is recorded, so a finished upload is never repeated and a broken one resumes.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ..config import ArchiveConfig, ConfigError
from ..rundir import DELIVERY_DIR, MANIFEST, PARTIAL_PREFIX, PUBLIC_KEY, SIGNATURE
from .records import channel_lock, read_record, utc_now, write_record

log = logging.getLogger("ecr_report.deliver.archive")

CHANNEL = "s3"
_LAST = (MANIFEST, SIGNATURE, PUBLIC_KEY)


@dataclass(frozen=True)
class UploadOutcome:
    status: str
    """uploaded | already-uploaded | not-configured | failed"""
    detail: str = ""
    objects: int = 0

    @property
    def failed(self) -> bool:
        return self.status == "failed"


def parse_s3_uri(uri: str) -> tuple[str, str]:
    if not uri.startswith("s3://"):
        raise ConfigError(f"[archive] s3_uri must start with s3:// (got {uri!r})")
    bucket, _, prefix = uri[len("s3://"):].partition("/")
    if not bucket:
        raise ConfigError(f"[archive] s3_uri has no bucket: {uri!r}")
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return bucket, prefix


def upload_order(run_dir: Path) -> list[str]:
    """Every file but delivery/, the manifest and its signature last."""
    files = sorted(p.relative_to(run_dir).as_posix() for p in run_dir.rglob("*")
                   if p.is_file() and p.relative_to(run_dir).parts[0] != DELIVERY_DIR)
    head = [f for f in files if f not in _LAST]
    return head + [f for f in _LAST if f in files]


def _content_type(rel: str) -> str:
    for suffix, kind in ((".html", "text/html; charset=utf-8"), (".pdf", "application/pdf"),
                         (".json", "application/json"), (".csv", "text/csv; charset=utf-8"),
                         (".gz", "application/gzip"), (".parquet", "application/vnd.apache.parquet"),
                         (".sig", "application/json"), (".pub", "application/x-pem-file")):
        if rel.endswith(suffix):
            return kind
    return "application/octet-stream"


def make_s3_client() -> Any:
    import boto3
    import botocore.config

    return boto3.Session().client("s3", config=botocore.config.Config(
        retries={"mode": "standard", "max_attempts": 5}, user_agent_extra="ecr-report"))


def upload_run(run_dir: Path, cfg: ArchiveConfig, *, client: Any = None,
               now: datetime | None = None) -> UploadOutcome:
    if not cfg.s3_uri:
        return UploadOutcome("not-configured", "no [archive] s3_uri")
    if run_dir.name.startswith(PARTIAL_PREFIX) or not (run_dir / MANIFEST).is_file():
        raise ConfigError(f"{run_dir}: incomplete run; not uploaded")
    import botocore.exceptions

    bucket, prefix = parse_s3_uri(cfg.s3_uri)
    base_key = f"{prefix}{run_dir.name}/"
    with channel_lock(run_dir, CHANNEL):
        record = read_record(run_dir, CHANNEL) or {}
        if record.get("status") == "uploaded" and record.get("bucket") == bucket and record.get("prefix") == base_key:
            return UploadOutcome("already-uploaded", f"s3://{bucket}/{base_key}", len(record.get("objects", {})))
        if record.get("bucket") != bucket or record.get("prefix") != base_key:
            record = {}
        done: dict[str, Any] = dict(record.get("objects", {}))
        now = now or datetime.now(timezone.utc)
        retain_until = (now + timedelta(days=cfg.retention_days)).replace(microsecond=0) if cfg.retention_days else None
        base = {"bucket": bucket, "prefix": base_key,
                "object_lock_mode": cfg.object_lock_mode if retain_until else None,
                "retain_until": retain_until.isoformat().replace("+00:00", "Z") if retain_until else None}
        client = client or make_s3_client()
        from ..rundir import sha256_file

        try:
            for rel in upload_order(run_dir):
                digest = sha256_file(run_dir / rel)
                if done.get(rel, {}).get("sha256") != digest:
                    done[rel] = _put(client, run_dir, rel, digest, bucket=bucket, key=base_key + rel,
                                     lock_mode=cfg.object_lock_mode, retain_until=retain_until)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
            detail = f"{type(exc).__name__}: {exc}"
            write_record(run_dir, CHANNEL, {**base, "status": "failed", "failed_at": utc_now(),
                                             "objects": done, "error": detail})
            log.error("upload of %s to s3://%s/%s FAILED after %d object(s): %s (the local run is kept; "
                      "re-run `ecr-report deliver` to resume)", run_dir.name, bucket, base_key, len(done), detail)
            return UploadOutcome("failed", detail, len(done))
        write_record(run_dir, CHANNEL, {**base, "status": "uploaded", "uploaded_at": utc_now(), "objects": done})
        log.info("run %s uploaded to s3://%s/%s (%d objects%s)", run_dir.name, bucket, base_key, len(done),
                 f", {cfg.object_lock_mode} retention until {base['retain_until']}" if retain_until else "")
        return UploadOutcome("uploaded", f"s3://{bucket}/{base_key}", len(done))


def _put(client: Any, run_dir: Path, rel: str, digest: str, *, bucket: str, key: str,
         lock_mode: str, retain_until: datetime | None) -> dict[str, Any]:
    """PUT one file of the run (under Object Lock until `retain_until` when given), check that
    S3 stored the same bytes, and return its record entry."""
    import botocore.exceptions

    params: dict[str, Any] = {
        "Bucket": bucket, "Key": key, "Body": (run_dir / rel).read_bytes(),
        "ContentType": _content_type(rel),
        # botocore computes it and sends x-amz-sdk-checksum-algorithm, which S3
        # requires for Object Lock PUTs; S3 verifies it on arrival.
        "ChecksumAlgorithm": "SHA256",
        "Metadata": {"ecr-report-run": run_dir.name, "sha256": digest},
    }
    if retain_until:
        params["ObjectLockMode"] = lock_mode
        params["ObjectLockRetainUntilDate"] = retain_until
    response = client.put_object(**params)
    echoed = response.get("ChecksumSHA256")
    if echoed and echoed != base64.b64encode(bytes.fromhex(digest)).decode("ascii"):
        raise botocore.exceptions.BotoCoreError(msg=f"{rel}: S3 stored other bytes (SHA-256 differs)")
    return {"sha256": digest, "version_id": response.get("VersionId"),
            "etag": response.get("ETag", "").strip('"')}
