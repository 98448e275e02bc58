"""The S3 shard area's evidence transfer (jobs/shard_store_s3.py): memory stays flat however
large a shard's raw/ is, because the tar is written to a file and streamed up, and streamed
down straight into the extraction.

    python benchmarks/shard_store_s3.py [--sizes-mib 50 300]

For each size: a raw/ of that many 1 MiB call files (random bytes, like gzip), published as a
shard's evidence (`_put_tar`: tar file + PutObject) and fetched back (`_get_tar`: GetObject
streamed into tarfile) against moto's server in a child process (so the objects it keeps are
not in this process). Printed: the baseline, the same tar written to local disk only, in this
run; the upload and download times; and this process's peak RSS (ru_maxrss) before and after,
which is the figure that matters. moto is not S3: its times say nothing of S3's throughput.
Timings on a shared machine are noisy. Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_moto() -> tuple[subprocess.Popen, str]:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=1)
            return server, endpoint
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("moto's server did not start")


def _peak_mib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _measure(area, mib: int) -> str:
    work = Path(tempfile.mkdtemp(prefix="shard-store-bench-"))
    try:
        calls = work / "raw" / "111122223333" / "us-east-1"
        calls.mkdir(parents=True)
        for i in range(mib):
            (calls / f"ecr.DescribeImages.{i}.json.gz").write_bytes(os.urandom(1 << 20))
        clock = time.monotonic()
        with tarfile.open(work / "local.tar", "w") as tar:  # the baseline: the tar, no S3
            tar.add(work / "raw", arcname="raw")
        local = time.monotonic() - clock
        (work / "local.tar").unlink()
        before = _peak_mib()
        clock = time.monotonic()
        area._put_tar(work / "raw", f"bench-{mib}.tar")
        up = time.monotonic() - clock
        clock = time.monotonic()
        area._get_tar(f"bench-{mib}.tar", work / "back")
        down = time.monotonic() - clock
        back = sum(1 for _ in (work / "back" / "raw" / "111122223333" / "us-east-1").iterdir())
        return (f"{mib:>5} MiB  tar to disk (baseline) {local:5.1f} s  upload {up:5.1f} s  "
                f"download+extract {down:5.1f} s  files back {back}  peak RSS {before} -> {_peak_mib()} MiB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes-mib", type=int, nargs="+", default=[50, 300])
    args = parser.parse_args()
    server, endpoint = _start_moto()
    try:
        os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
                          AWS_DEFAULT_REGION="us-east-1", AWS_ENDPOINT_URL=endpoint)
        import boto3

        from ecr_report.jobs.shard_store_s3 import S3ShardArea

        boto3.client("s3").create_bucket(Bucket="shard-bench")
        area = S3ShardArea.from_uri("s3://shard-bench/bench", "20261130T080000Z")
        area.client.list_objects_v2(Bucket="shard-bench", MaxKeys=1)  # client and connection made first
        print(f"peak RSS at start {_peak_mib()} MiB (moto's server is another process)")
        for mib in args.sizes_mib:
            print(_measure(area, mib))
    finally:
        server.kill()
        server.wait()


if __name__ == "__main__":
    main()
