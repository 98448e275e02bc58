"""`ecr-report --version`: the installed distribution's version on stdout, exit 0."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version


def test_version_prints_the_installed_version_and_exits_0(tmp_path):
    result = subprocess.run([sys.executable, "-m", "ecr_report.jobs.cli", "--version"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"ecr-report {version('ecr-report')}\n"
    assert result.stderr == ""
    assert list(tmp_path.iterdir()) == []
