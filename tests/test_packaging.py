"""`pip install .` (not only editable) ships every package and the templates."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"reports": "ecr_report.reports", "jobs": "ecr_report.jobs", "templates": "ecr_report.templates"}


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory) -> set[str]:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(out), str(ROOT)], check=True)
    wheel = next(out.glob("ecr_report-*.whl"))
    return set(zipfile.ZipFile(wheel).namelist())


def test_every_package_folder_and_module_is_in_the_wheel(wheel_names):
    """Packages are found, not listed (setup.py): a new concern package ships without a line."""
    for folder, package in FOLDERS.items():
        for module in (ROOT / folder).rglob("*.py"):
            if (module.parent / "__init__.py").is_file():
                rel = module.relative_to(ROOT / folder).as_posix()
                assert f"{package.replace('.', '/')}/{rel}" in wheel_names


def test_the_wheel_contains_templates_and_modules(wheel_names):
    names = wheel_names
    assert "ecr_report/jobs/cli.py" in names
    assert "ecr_report/reports/normalize.py" in names
    assert "ecr_report/reports/framework_mapping.csv" in names  # reports.frameworks reads it
    templates = {n for n in names if n.startswith("ecr_report/templates/") and not n.endswith(".py")}
    expected = {f"ecr_report/templates/{p.relative_to(ROOT / 'templates').as_posix()}"
                for p in (ROOT / "templates").rglob("*") if p.suffix in (".j2", ".css", ".html")}
    assert expected and expected <= templates
