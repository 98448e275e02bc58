"""A sharded run's shard area under `s3://bucket/prefix` (jobs/shard_store.py has the layout):
for Kubernetes without a ReadWriteMany volume and AWS Batch without EFS.

Each process still records into a local scratch directory (TMPDIR) and publishes it whole:
its raw/ evidence as ONE uncompressed tar per attempt (the call files are gzip already), then
the manifest naming that tar. So a shard killed mid-upload leaves no manifest (`assemble`
names it as not reported), and a retried shard's manifest replaces the earlier attempt's while
each attempt's tar keeps its own key (`raw-<host>-<pid>-<token>.tar`): the manifest never names a tar
another attempt is overwriting. Objects are streamed from and to files, never held in memory.

**One plan.** plan.json is written with `IfNoneMatch="*"`, an S3 conditional write: S3 stores
it only when no object has that key, else answers 412 Precondition Failed; a conflicting
concurrent write may get 409 ConditionalRequestConflict, to be retried ("How to prevent object
overwrites with conditional writes", Amazon S3 User Guide,
https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html; PutObject
`IfNoneMatch`, Amazon S3 API Reference,
https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html). The loser reads the
stored plan, as on a file system. Its planning evidence, uploaded before the plan, stays unused
(the shard area's policy grants no s3:DeleteObject).

**Balance.** With no earlier raw/ at hand, each manifest records the calls per registry
(`unit_calls`), and the next run weighs registries by the latest earlier run's manifests.

The client is a plain boto3 one (the standard credential chain, `AWS_ENDPOINT_URL[_S3]`
honoured by botocore), not the read-only collection factory: these are the `shard_store_s3`
operations of jobs/operations.py (PutObject, GetObject, ListObjectsV2), `guarded=False`. An
S3 error (no bucket, access denied, no credentials) is a one-line ConfigError (exit 2).
"""

from __future__ import annotations

import json
import logging
import secrets
import shutil
import tarfile
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from .errors import ConfigError
from .shard_store import PLAN, SHARD_MANIFEST, SHARDS_DIR, Weights, parse_plan, process_tag, shard_name_count

log = logging.getLogger("ecr_report.shards")

_CONFLICT_RETRIES = 5
_EARLIER_RUNS_TRIED = 3


def parse_s3_root(uri: str) -> tuple[str, str]:
    """(bucket, key prefix ending in "/" or empty) of `s3://bucket[/prefix]`."""
    bucket, _, prefix = uri[len("s3://"):].partition("/")
    if not bucket:
        raise ConfigError(f"output {uri!r}: no bucket; an S3 shard area is s3://bucket/prefix")
    prefix = prefix.strip("/")
    return bucket, f"{prefix}/" if prefix else ""


def s3_error(exc: Exception, what: str) -> ConfigError:
    """The one line to print for a failed S3 call."""
    error = (getattr(exc, "response", None) or {}).get("Error", {})  # a ClientError's, else none
    if error:
        code, message = error.get("Code", "?"), " ".join(str(error.get("Message", "")).split())
        hint = ""
        if code in ("AccessDenied", "AllAccessDisabled", "403"):
            hint = ("; the identity running ecr-report needs s3:PutObject, s3:GetObject and s3:ListBucket "
                    "there (`ecr-report iam-policy --for hub --output s3://...`)")
        elif code == "NoSuchBucket":
            hint = "; create the bucket first"
        return ConfigError(f"{what}: {code}{f' ({message})' if message else ''}{hint}")
    return ConfigError(f"{what}: {' '.join(str(exc).split())}")


class S3ShardArea:
    """`s3://bucket/prefix/shards/<run_id>/`."""

    def __init__(self, bucket: str, prefix: str, run_id: str, client: Any = None) -> None:
        self.bucket, self.run_id = bucket, run_id
        self.base = f"{prefix}{SHARDS_DIR}/"
        self.prefix = f"{self.base}{run_id}/"
        self._client = client
        # Names what this process uploads: host and pid, and a token, as two attempts on one
        # host may have the same pid (pid 1 in containers) and must never share a key.
        self.tag = f"{process_tag()}-{secrets.token_hex(4)}"

    @classmethod
    def from_uri(cls, uri: str, run_id: str, client: Any = None) -> "S3ShardArea":
        bucket, prefix = parse_s3_root(uri)
        return cls(bucket, prefix, run_id, client)

    @property
    def client(self) -> Any:
        if self._client is None:
            # The delivery's plain client (standard retries): not the collection factory, whose
            # read-only guard refuses writes by design.
            from .deliver.archive import make_s3_client

            self._client = make_s3_client()
        return self._client

    def where(self, name: str = "") -> str:
        return f"s3://{self.bucket}/{self.prefix}{name}"

    # -- the calls ------------------------------------------------------------------------------

    def _call(self, operation: str, what: str, **params: Any) -> Any:
        import botocore.exceptions

        try:
            return getattr(self.client, operation)(Bucket=self.bucket, **params)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
            raise s3_error(exc, what) from None

    def _get_bytes(self, name: str) -> bytes | None:
        """A (small) object of the area; None when there is no such key."""
        import botocore.exceptions

        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self.prefix + name)["Body"]
            with body:
                return body.read()
        except botocore.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise s3_error(exc, self.where(name)) from None
        except botocore.exceptions.BotoCoreError as exc:
            raise s3_error(exc, self.where(name)) from None

    def _put_tar(self, raw: Path, name: str) -> None:
        """`raw` as one uncompressed tar (member `raw/...`), written to a file and streamed up."""
        tar_path = raw.parent / f"{raw.name}.upload.tar"
        with tarfile.open(tar_path, "w") as tar:
            if raw.is_dir():
                tar.add(raw, arcname="raw")
        log.info("uploading %s (%.1f MiB)", self.where(name), tar_path.stat().st_size / 2**20)
        with tar_path.open("rb") as body:
            self._call("put_object", self.where(name), Key=self.prefix + name, Body=body,
                       ContentType="application/x-tar")
        tar_path.unlink()

    def _get_tar(self, name: str, into: Path) -> Path:
        """Stream the tar `name` into `into` (no copy of it on disk); `into`/raw."""
        import botocore.exceptions

        into.mkdir(parents=True, exist_ok=True)
        body = self._call("get_object", self.where(name), Key=self.prefix + name)["Body"]
        try:
            with body, tarfile.open(fileobj=body, mode="r|") as tar:
                tar.extractall(into, filter="data")  # members stay under `into`
        except (tarfile.TarError, botocore.exceptions.BotoCoreError, OSError) as exc:
            raise ConfigError(f"{self.where(name)}: unreadable evidence ({exc})") from None
        return into / "raw"

    def _list(self, prefix: str) -> Iterator[str]:
        """The next level of names under `prefix` (ListObjectsV2 with a "/" delimiter)."""
        import botocore.exceptions

        try:
            for page in self.client.get_paginator("list_objects_v2").paginate(
                    Bucket=self.bucket, Prefix=prefix, Delimiter="/"):
                for common in page.get("CommonPrefixes", []):
                    yield common["Prefix"][len(prefix):].rstrip("/")
                for item in page.get("Contents", []):
                    yield item["Key"][len(prefix):]
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
            raise s3_error(exc, f"s3://{self.bucket}/{prefix}") from None

    # -- the area ---------------------------------------------------------------------------------

    def read_plan(self) -> dict[str, Any] | None:
        data = self._get_bytes(PLAN)
        return None if data is None else parse_plan(data, self.where(PLAN))

    def planning_name(self) -> str:
        return f".plan-{self.tag}"

    def work_dir(self, name: str) -> Path:
        return Path(tempfile.mkdtemp(prefix=f"ecr-report-{self.run_id}-{name.lstrip('.')}-"))

    def publish_plan(self, doc: Mapping[str, Any], work: Path) -> bool:
        try:
            # The evidence first: a stored plan always has it.
            self._put_tar(work / "raw", f"{doc['evidence']}/raw.tar")
            return self._put_plan(json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False).encode() + b"\n")
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _put_plan(self, body: bytes) -> bool:
        """True when this body became the plan; False when another one is stored."""
        import botocore.exceptions

        for attempt in range(_CONFLICT_RETRIES):
            try:
                self.client.put_object(Bucket=self.bucket, Key=self.prefix + PLAN, Body=body,
                                       ContentType="application/json", IfNoneMatch="*")
                return True
            except botocore.exceptions.ClientError as exc:
                error = exc.response.get("Error", {})
                status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
                if status == 412 or error.get("Code") == "PreconditionFailed":
                    return False
                if status != 409 and error.get("Code") != "ConditionalRequestConflict":
                    raise s3_error(exc, self.where(PLAN)) from None
                # A concurrent write of the same key: retried, unless it has stored a plan meanwhile.
                time.sleep(0.2 * (attempt + 1))
                if self.read_plan() is not None:
                    return False
            except botocore.exceptions.BotoCoreError as exc:
                raise s3_error(exc, self.where(PLAN)) from None
        raise ConfigError(f"{self.where(PLAN)}: conflicting writes, {_CONFLICT_RETRIES} times; run the shard again")

    def publish_shard(self, work: Path, name: str, manifest: dict[str, Any]) -> str:
        try:
            # Only a complete shard's evidence is uploaded: assemble takes no other.
            evidence = None
            if manifest.get("status") == "complete":
                evidence = f"raw-{self.tag}.tar"
                self._put_tar(work / "raw", f"{name}/{evidence}")
            body = json.dumps({**manifest, "evidence": evidence}, indent=2, sort_keys=True,
                              ensure_ascii=False).encode() + b"\n"
            # Last, and unconditional: a retried shard's manifest replaces the earlier attempt's.
            self._call("put_object", self.where(f"{name}/{SHARD_MANIFEST}"), Key=f"{self.prefix}{name}/{SHARD_MANIFEST}",
                       Body=body, ContentType="application/json")
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return self.where(f"{name}/")

    def read_manifest(self, name: str) -> tuple[dict[str, Any] | None, str | None]:
        data = self._get_bytes(f"{name}/{SHARD_MANIFEST}")  # S3 failing is not the shard's problem: raised
        if data is None:
            return None, "it did not report (no shard manifest)"
        try:
            return json.loads(data), None
        except ValueError as exc:
            return None, f"its manifest is unreadable ({exc})"

    def shard_counts(self) -> set[int]:
        return {n for name in self._list(self.prefix) if (n := shard_name_count(name)) is not None}

    def remove_dead_work(self) -> None:
        """Nothing: a killed shard's scratch was on its own machine; it published nothing."""

    @contextmanager
    def evidence(self, plan_evidence: str, shards: Sequence[tuple[str, Mapping[str, Any]]]) -> Iterator[list[Path]]:
        tmp = Path(tempfile.mkdtemp(prefix=f"ecr-report-{self.run_id}-assemble-"))
        try:
            dirs = [self._get_tar(f"{plan_evidence}/raw.tar", tmp / "plan")]
            for name, manifest in shards:
                if not manifest.get("evidence"):
                    raise ConfigError(f"{self.where(name + '/' + SHARD_MANIFEST)}: names no evidence")
                dirs.append(self._get_tar(f"{name}/{manifest['evidence']}", tmp / name))
            yield dirs
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def previous_weights(self) -> tuple[Weights, str]:
        """From the shard manifests of the latest earlier run that has them (a few tried)."""
        earlier = sorted((r for r in self._list(self.base) if r < self.run_id and not r.startswith(".")),
                         reverse=True)
        for run_id in earlier[:_EARLIER_RUNS_TRIED]:
            weights = self._manifest_weights(run_id)
            if weights:
                return weights, f"calls per registry in run {run_id} (its shard manifests)"
        return {}, "uniform (no earlier run)"

    def _manifest_weights(self, run_id: str) -> Weights:
        earlier = S3ShardArea(self.bucket, self.base[:-len(SHARDS_DIR) - 1], run_id, self._client)
        names = [n for n in earlier._list(earlier.prefix) if shard_name_count(n) is not None]
        counts = Counter(shard_name_count(n) for n in names)
        if not counts:
            return {}
        of = counts.most_common(1)[0][0]  # shards of several counts: the most numerous
        weights: Weights = {}
        for name in names:
            if shard_name_count(name) != of:
                continue
            manifest, _ = earlier.read_manifest(name)
            if manifest and manifest.get("status") == "complete":
                weights.update({(a, r): int(n) for a, r, n in manifest.get("unit_calls", [])})
        return weights
