"""`ecr-report init`: the starter configuration loads, says only what the model has, and is kept.

The starter is hand-written prose (jobs/init_config.py), so these tests keep it in step with the
configuration model: every section and key of the model is in it, every key in it exists,
uncommenting every setting yields a valid configuration, and each commented value is the
model's default wherever the model has one (an example is shown only where the default is none).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import typing
from pathlib import Path

from pydantic import BaseModel

from ecr_report.jobs.config import DEFAULT_CONFIG_FILE, Config, load_config
from ecr_report.jobs.init_config import STARTER
from ecr_report.jobs.setup_cmd import STARTER_FILE

SETTING = re.compile(r"^# (\[\[?[a-z0-9_.]+\]\]?|[a-z0-9_]+ = .*)$")
"""A commented-out setting or header (`# key = value`, `# [section]`); prose has two spaces."""


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ecr_report.jobs.cli", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def _uncommented(text: str) -> str:
    return "\n".join(m.group(1) if (m := SETTING.match(line)) else line for line in text.splitlines())


def _submodel(annotation: object) -> type[BaseModel] | None:
    """The section model inside `X`, `X | None` or `tuple[X, ...]`, else None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _submodel(arg)
        if found is not None:
            return found
    return None


def _walk(data: dict, model: type[BaseModel], where: str, seen: set[str]) -> list[str]:
    """Problems of `data` against `model`: unknown keys, values that are not the default."""
    problems = []
    for key, value in data.items():
        path = f"{where}.{key}".lstrip(".")
        field = model.model_fields.get(key)
        if field is None:
            problems.append(f"{path}: no such key in the model")
            continue
        seen.add(path)
        sub = _submodel(field.annotation)
        if sub is not None:
            for item in value if isinstance(value, list) else [value]:
                problems += _walk(item, sub, path, seen)
            continue
        if field.is_required():
            continue  # an example of a required key (role_name, id, cron): there is no default
        default = field.get_default(call_default_factory=True)
        if default in (None, (), {}, ""):
            continue  # the default is "none": the line shows an example
        expected = list(default) if isinstance(default, tuple) else default
        if value != expected:
            problems.append(f"{path}: shows {value!r}, the default is {expected!r}")
    return problems


def _model_keys(model: type[BaseModel], where: str = "") -> set[str]:
    keys = set()
    for key, field in model.model_fields.items():
        path = f"{where}.{key}".lstrip(".")
        keys.add(path)
        sub = _submodel(field.annotation)
        if sub is not None:
            keys |= _model_keys(sub, path)
    return keys


def test_init_writes_a_starter_that_loads_to_the_defaults(tmp_path):
    result = _cli("init", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = tmp_path / DEFAULT_CONFIG_FILE
    assert written.read_text(encoding="utf-8") == STARTER
    assert f"wrote {DEFAULT_CONFIG_FILE}" in result.stdout
    # Everything is commented out, so the file as written means "the defaults".
    assert load_config(written, env={}) == Config()


def test_init_writes_where_config_says(tmp_path):
    result = _cli("init", "--config", "conf/my.toml", cwd=tmp_path)
    assert result.returncode == 2 and "cannot write conf/my.toml" in result.stderr  # no such folder
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    (tmp_path / "conf").mkdir()
    assert _cli("init", "--config", "conf/my.toml", cwd=tmp_path).returncode == 0
    assert sorted(p.name for p in (tmp_path / "conf").iterdir()) == ["my.toml"]
    assert not (tmp_path / DEFAULT_CONFIG_FILE).exists()


def test_init_never_overwrites(tmp_path):
    existing = tmp_path / DEFAULT_CONFIG_FILE
    existing.write_text("[report]\nlanguage = \"ja\"\n")
    result = _cli("init", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"ecr-report: error: {DEFAULT_CONFIG_FILE} already exists; not overwriting it " \
                            "(remove it or use --config FILE)\n"
    assert result.stdout == ""
    assert existing.read_text() == "[report]\nlanguage = \"ja\"\n"


def test_the_default_path_is_the_one_every_command_reads():
    assert STARTER_FILE == DEFAULT_CONFIG_FILE


def test_uncommenting_every_setting_gives_a_valid_configuration(tmp_path):
    full = tmp_path / "full.toml"
    full.write_text(_uncommented(STARTER))
    (tmp_path / "policies").mkdir()
    config = load_config(full, env={})  # raises ConfigError on an unknown key or a bad value
    assert config.aws.organization is not None and config.aws.organization.role_name == "ecr-report-read"
    assert [job.id for job in config.jobs] == ["weekly-report"]


def test_every_commented_value_is_the_default_and_every_key_exists():
    data = tomllib.loads(_uncommented(STARTER))
    seen: set[str] = set()
    assert _walk(data, Config, "", seen) == []
    # ... and every key of the model is in the starter, so a new key fails here until it is added.
    assert sorted(_model_keys(Config) - seen) == []


def test_comment_lines_follow_the_convention():
    """A setting is `# key = ...`; prose starts with two spaces, so it cannot be taken for one."""
    comments = [line for line in STARTER.splitlines() if line.startswith("#")][1:]  # after the title
    assert [line for line in comments if not (SETTING.match(line) or line.startswith("#  "))] == []
