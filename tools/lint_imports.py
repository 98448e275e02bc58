"""Run the import-linter contracts of pyproject.toml against the source tree.

The folders install under one namespace (`reports/` as `ecr_report.reports`, ...: see
pyproject.toml), through an editable-install finder that import-linter's graph builder cannot
walk. This copies the Python sources into a temporary `ecr_report/` package laid out as
installed, writes the contracts there with "{concerns}" replaced by every concern package
(a folder of reports/ whose __init__.py declares `CONCERN = Concern(`), and runs `lint-imports`.
Exit status: import-linter's.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("reports", "jobs", "templates")
MARKER = "{concerns}"


def concern_packages(root: Path = ROOT) -> list[str]:
    return sorted(f"ecr_report.reports.{init.parent.name}" for init in (root / "reports").glob("*/__init__.py")
                  if "CONCERN = Concern(" in init.read_text(encoding="utf-8"))


def contracts_ini(root: Path = ROOT) -> str:
    """The pyproject.toml contracts in import-linter's INI form, concern packages spelled out."""
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    concerns = concern_packages(root)
    lines = ["[importlinter]"]
    lines += [f"{key} = {value}" for key, value in config.items() if key != "contracts"]
    for number, contract in enumerate(config["contracts"], start=1):
        lines += ["", f"[importlinter:contract:{number}]"]
        for key, value in contract.items():
            if isinstance(value, list):
                items = [m for item in value for m in (concerns if item == MARKER else [item])]
                lines.append(f"{key} =\n" + "\n".join(f"    {item}" for item in items))
            else:
                lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="ecr-report-imports-") as tmp:
        package = Path(tmp) / "ecr_report"
        package.mkdir()
        (package / "__init__.py").write_text("", encoding="utf-8")
        for folder in FOLDERS:
            shutil.copytree(ROOT / folder, package / folder,
                            ignore=shutil.ignore_patterns("__pycache__", "*.j2", "*.css", "*.html"))
        config = Path(tmp) / ".importlinter"
        config.write_text(contracts_ini(), encoding="utf-8")
        command = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                   "sys.exit(lint_imports_command())", str(config)]
        return subprocess.run(command, cwd=tmp, env={"PYTHONPATH": tmp, "PATH": "/usr/bin:/bin"},
                              check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
