"""Configuration: the design.md example loads, typos and bad values are one-line errors."""

from __future__ import annotations

import pytest

from ecr_report.jobs.config import ConfigError, load_config

DESIGN_EXAMPLE = '''
[aws]
regions = ["us-east-1", "ap-northeast-1"]
[[aws.accounts]]
id = "111122223333"
role_arn = "arn:aws:iam::111122223333:role/ecr-report-read"

[report]
output_dir = "output"
language = "en"

[lifecycle]
proposed_policy = "policies/baseline.json"

[email]
transport = "smtp"
smtp_host = "localhost"
smtp_port = 587
starttls = true
sender = "ecr-report@example.com"
recipients = ["platform-leads@example.com"]

[archive]
s3_uri = "s3://evidence-bucket/ecr-report/"
retention_days = 400
keep_runs = 52
signing_key_file = "keys/ecr-report-ed25519.pem"

[[jobs]]
id = "weekly-report"
cron = "0 8 * * MON"
timezone = "Asia/Tokyo"
'''


def _write(tmp_path, text):
    path = tmp_path / "ecr-report.toml"
    path.write_text(text)
    return path


def test_the_design_example_loads(tmp_path):
    config = load_config(_write(tmp_path, DESIGN_EXAMPLE), env={})
    assert config.aws.regions == ("us-east-1", "ap-northeast-1")
    assert config.aws.accounts[0].role_arn.endswith("role/ecr-report-read")
    assert config.archive.keep_runs == 52 and config.jobs[0].timezone == "Asia/Tokyo"


def test_defaults_without_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config(None, env={})
    assert config.report.output_dir == "output" and config.aws.regions == ()


def test_environment_overrides_the_file(tmp_path):
    env = {"ECR_REPORT__AWS__REGIONS": "eu-west-1, eu-central-1", "ECR_REPORT__REPORT__OUTPUT_DIR": "/srv/r"}
    config = load_config(_write(tmp_path, DESIGN_EXAMPLE), env=env)
    assert config.aws.regions == ("eu-west-1", "eu-central-1")
    assert config.report.output_dir == "/srv/r"


@pytest.mark.parametrize("text, expected", [
    ("[archive]\nretention_day = 400\n", "archive.retention_day"),
    ("[report]\nlanguage = 'fr'\n", "report.language"),
    ("[[aws.accounts]]\nid = '1234'\n", "aws.accounts.0.id"),
    ("[aws\n", "not valid TOML"),
])
def test_bad_files_are_one_line_errors(tmp_path, text, expected):
    with pytest.raises(ConfigError) as raised:
        load_config(_write(tmp_path, text), env={})
    assert expected in str(raised.value) and "\n" not in str(raised.value)


def test_missing_file_and_bad_env_names(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml", env={})
    with pytest.raises(ConfigError, match="no setting"):
        load_config(None, env={"ECR_REPORT__AWS__REGION": "x"})


def test_digest_changes_with_the_config(tmp_path):
    a = load_config(_write(tmp_path, DESIGN_EXAMPLE), env={})
    b = load_config(_write(tmp_path, DESIGN_EXAMPLE), env={"ECR_REPORT__REPORT__LANGUAGE": "ja"})
    assert a.digest() != b.digest() and len(a.digest()) == 64


def test_every_toml_example_in_the_readme_loads(tmp_path):
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    blocks = re.findall(r"```toml\n(.*?)```", readme, flags=re.S)
    assert len(blocks) >= 3
    for block in blocks:
        load_config(_write(tmp_path, block), env={})
