"""Which packages the wheel ships: every folder with an `__init__.py` under `reports/`, `jobs/`
and `templates/`, installed under `ecr_report` as pyproject.toml's `package-dir` maps them. Found,
not listed, so a new concern package needs no line here. Everything else is in pyproject.toml."""

from setuptools import find_packages, setup

FOLDERS = ("reports", "jobs", "templates")

setup(packages=[f"ecr_report.{name}" for name in find_packages(include=[f"{f}*" for f in FOLDERS])])
