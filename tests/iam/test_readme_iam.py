"""The README's IAM section shows what `ecr-report iam-policy` prints for its example configuration."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ecr_report.jobs.cli import main

README = Path(__file__).resolve().parents[2] / "README.md"
IDENTITIES = ("collect", "hub", "deliver")


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## IAM permissions")
    return text[start:text.index("\n## ", start + 1)]


def _blocks(kind: str) -> list[str]:
    return [m.group(1) for m in re.finditer(rf"```{kind}\n(.*?)```", _section(), re.S)]


@pytest.mark.parametrize("index, identity", list(enumerate(IDENTITIES)))
def test_the_readme_shows_the_generated_policy_and_notes(tmp_path, capsys, index, identity):
    [example] = _blocks("toml")
    path = tmp_path / "ecr-report.toml"
    path.write_text(example)
    assert f"`ecr-report iam-policy --config ecr-report.toml --for {identity}`" in _section()
    assert main(["iam-policy", "--config", str(path), "--for", identity]) == 0
    out, err = capsys.readouterr()
    assert _blocks("json")[index] == out, f"README's {identity} policy differs from the generator"
    assert _blocks("text")[index] == err, f"README's {identity} notes differ from the generator"
