"""`pip install .` (not only editable) ships every package and the templates."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"reports": "ecr_report.reports", "jobs": "ecr_report.jobs", "templates": "ecr_report.templates"}


def _declared_packages() -> set[str]:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return set(tomllib.load(fh)["tool"]["setuptools"]["packages"])


def test_every_package_folder_is_declared():
    found = set()
    for folder, package in FOLDERS.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder).parts
            found.add(".".join((package, *rel)))
    assert found == _declared_packages()


def test_the_wheel_contains_templates_and_modules(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path), str(ROOT)], check=True)
    wheel = next(tmp_path.glob("ecr_report-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "ecr_report/jobs/cli.py" in names
    assert "ecr_report/reports/normalize.py" in names
    templates = {n for n in names if n.startswith("ecr_report/templates/") and not n.endswith(".py")}
    expected = {f"ecr_report/templates/{p.relative_to(ROOT / 'templates').as_posix()}"
                for p in (ROOT / "templates").rglob("*") if p.suffix in (".j2", ".css", ".html")}
    assert expected and expected <= templates
