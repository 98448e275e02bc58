"""README "Deploying" names files that exist and the commands the manifests really run."""

from __future__ import annotations

import re

import yaml

from deploy_support import DEPLOY, ROOT


def deploying_section() -> str:
    readme = (ROOT / "README.md").read_text()
    return readme.split("## Deploying", 1)[1].split("\n## ", 1)[0]


def test_every_deploy_path_the_readme_names_exists():
    paths = set(re.findall(r"(?<![\w/])(deploy/[\w./-]*[\w-])", deploying_section()))
    assert paths
    missing = [p for p in sorted(paths) if not (ROOT / p).exists()]
    assert not missing


def test_the_readme_shows_the_single_cronjobs_command():
    cronjob = yaml.safe_load((DEPLOY / "kubernetes" / "single" / "cronjob.yaml").read_text())
    args = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["args"]
    assert f"ecr-report {' '.join(args)}" in " ".join(deploying_section().split())
