"""Run the import-linter contracts of pyproject.toml against the source tree.

The folders install under one namespace (`reports/` as `ecr_report.reports`, ...: see
pyproject.toml), through an editable-install finder that import-linter's graph builder cannot
walk. This copies the Python sources into a temporary `ecr_report/` package laid out as
installed, puts it first on the path, and runs `lint-imports` there. Exit status: import-linter's.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("reports", "jobs", "templates")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="ecr-report-imports-") as tmp:
        package = Path(tmp) / "ecr_report"
        package.mkdir()
        (package / "__init__.py").write_text("", encoding="utf-8")
        for folder in FOLDERS:
            shutil.copytree(ROOT / folder, package / folder,
                            ignore=shutil.ignore_patterns("__pycache__", "*.j2", "*.css", "*.html"))
        command = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                   "sys.exit(lint_imports_command())", str(ROOT / "pyproject.toml")]
        return subprocess.run(command, cwd=tmp, env={"PYTHONPATH": tmp, "PATH": "/usr/bin:/bin"},
                              check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
