"""The single-process run the sharded runs are compared with (once per session)."""

from __future__ import annotations

import pytest
from shard_support import AS_OF, config_file, outputs

from ecr_report.jobs.config import load_config
from ecr_report.jobs.run import run


@pytest.fixture(scope="session")
def single(tmp_path_factory) -> dict[str, bytes]:
    """data/, summary.json and report.html of `run --demo` at AS_OF."""
    tmp = tmp_path_factory.mktemp("single")
    outcome = run(load_config(config_file(tmp)), output=tmp / "out", demo=True, now=AS_OF)
    return outputs(outcome.run_dir)
