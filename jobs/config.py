"""Configuration: `ecr-report.toml` (or `--config FILE`), overridable by environment variables.

Every key is optional. Unknown keys are an error rather than silently ignored, because a typo in
an audit tool's configuration (`retention_day = 400`) must not quietly fall back to a default.

Environment overrides use `ECR_REPORT__<SECTION>__<KEY>`, e.g.
`ECR_REPORT__REPORT__OUTPUT_DIR=/var/reports` or `ECR_REPORT__AWS__REGIONS=us-east-1,eu-west-1`
(comma-separated for lists). Secrets (SMTP passwords, signing keys) never live in this file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal, Mapping

from pydantic import BaseModel, Field, ValidationError, create_model, field_validator

from ..reports.config_section import ConfigSection
from .cron import cron_trigger
from .errors import ConfigError
from .plugins import CONCERNS
from .regions import region_problem

DEFAULT_CONFIG_FILE = "ecr-report.toml"
ENV_PREFIX = "ECR_REPORT__"


_Section = ConfigSection


class AccountConfig(_Section):
    id: str = Field(pattern=r"^\d{12}$")
    role_arn: str | None = Field(default=None, pattern=r"^arn:aws[a-z-]*:iam::\d{12}:role/.+$")
    external_id: str | None = None
    name: str | None = None


class OrganizationConfig(_Section):
    """Account discovery from AWS Organizations (combined with any explicit [[aws.accounts]])."""

    role_name: str = Field(pattern=r"^[\w+=,.@-]{1,64}$")
    """The role assumed in each member account, e.g. `ecr-report-read`."""
    external_id: str | None = Field(default=None, min_length=2, max_length=1224)
    ou_ids: tuple[str, ...] = ()
    """Include the accounts of these organizational units (and their children, recursively);
    default: the whole organization. A root id (r-...) is accepted too."""
    exclude_account_ids: tuple[str, ...] = ()
    include_management_account: bool = False
    """The management account should hold no workloads, and a service-managed StackSet never
    deploys the member role to it; include it only when it runs ECR."""

    @field_validator("ou_ids")
    @classmethod
    def _ou_ids(cls, ids: tuple[str, ...]) -> tuple[str, ...]:
        for ou in ids:
            if not re.fullmatch(r"ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32}", ou):
                raise ValueError(f"{ou!r} is not an organizational unit id (ou-...) or root id (r-...)")
        return ids

    @field_validator("exclude_account_ids")
    @classmethod
    def _account_ids(cls, ids: tuple[str, ...]) -> tuple[str, ...]:
        for account in ids:
            if not re.fullmatch(r"\d{12}", account):
                raise ValueError(f"{account!r} is not a 12-digit account id")
        return ids


class AwsConfig(_Section):
    regions: tuple[str, ...] = ()
    """Default: the session's region."""
    accounts: tuple[AccountConfig, ...] = ()
    """Default: the caller's own account (or, with [aws.organization], the discovered ones)."""
    organization: OrganizationConfig | None = None
    role_session_duration_seconds: int = Field(default=3600, ge=900, le=43200)
    """Requested lifetime of each assumed-role session; sessions refresh before they expire.
    AWS caps a role-chained session at 1 hour whatever this says."""
    max_workers: int = Field(default=4, ge=1, le=64)
    """(account, region) units collected at once."""
    repository_workers: int = Field(default=4, ge=1, le=32)
    """Per-repository calls in flight within one unit."""
    collect_processes: int = Field(default=0, ge=0, le=64)
    """Processes that collect side by side, an account's units in one of them, sharing
    `max_workers` (jobs/collect/split.py). 0: one per usable core."""
    max_attempts: int = Field(default=10, ge=1, le=30)

    @field_validator("regions")
    @classmethod
    def _known_regions(cls, regions: tuple[str, ...]) -> tuple[str, ...]:
        problem = region_problem(regions)
        if problem:
            raise ValueError(problem)
        return regions


class CollectConfig(_Section):
    basic_findings_newest_per_repository: bool = True
    basic_findings_pushed_within_days: int = Field(default=30, ge=0)
    basic_findings_max_images: int | None = Field(default=None, ge=1)
    repository_scan_configuration: bool = True
    """Also ask AWS for its per-repository answer (BatchGetRepositoryScanningConfiguration)."""


class ReportConfig(_Section):
    output_dir: str = "output"
    language: Literal["en", "ja"] = "en"
    stale_basic_scan_days: int = Field(default=30, ge=1)
    pdf: bool = True


class PriceOverride(_Section):
    item: str
    region: str = "us-east-1"
    amount: float = Field(ge=0)
    unit: str = ""
    source: str = "configuration"
    date: str = ""


class EmailConfig(_Section):
    """The weekly email (jobs/deliver/email.py). Sent only by `run --deliver`, `deliver` and
    scheduled `run` jobs, and only when `recipients` is not empty."""

    transport: Literal["smtp", "ses"] = "smtp"
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=587, ge=1, le=65535)
    starttls: bool = True
    smtp_ca_file: str | None = None
    """CA bundle to trust for STARTTLS (default: the system's trust store)."""
    smtp_password_file: str | None = None
    """A file holding the SMTP password (e.g. a mounted secret); the user name and password
    otherwise come from ECR_REPORT_SMTP_USER / ECR_REPORT_SMTP_PASSWORD, never this file."""
    smtp_timeout_seconds: float = Field(default=60.0, gt=0)
    ses_region: str | None = None
    """SES region (default: the session's region)."""
    sender: str | None = None
    recipients: tuple[str, ...] = ()
    subject_prefix: str = "ECR report"
    attach_pdf: bool = True
    max_attempts: int = Field(default=4, ge=1, le=20)
    retry_backoff_seconds: float = Field(default=5.0, ge=0)
    """First retry delay; doubled after each failed attempt."""


class ArchiveConfig(_Section):
    s3_uri: str | None = Field(default=None, pattern=r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$")
    retention_days: int | None = Field(default=None, ge=1)
    """Object Lock retention of uploaded objects, counted from the upload."""
    object_lock_mode: Literal["COMPLIANCE", "GOVERNANCE"] = "COMPLIANCE"
    keep_runs: int | None = Field(default=None, ge=1)
    """Local retention: keep the newest N finished runs in `<output>/runs/`."""
    signing_key_file: str | None = None
    """ed25519: a PEM private key (password, if any, in ECR_REPORT_SIGNING_KEY_PASSWORD);
    hmac-sha256: a file holding the shared secret. HMAC may instead take the secret from
    ECR_REPORT_HMAC_KEY."""
    signing_algorithm: Literal["ed25519", "hmac-sha256"] = "ed25519"


class JobConfig(_Section):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
    cron: str
    """Five-field crontab (minute hour day month day-of-week), with cron's day numbers
    (0 or 7 = Sunday); evaluated in `timezone`."""
    timezone: str = "UTC"
    command: Literal["run", "collect"] = "run"
    """run: the full report (and delivery when `deliver`); collect: data and HTML only."""
    deliver: bool = True
    """For `run` jobs: email / upload / local retention as configured, after the run."""
    misfire_grace_seconds: int = Field(default=3600, ge=1)
    """A run missed by at most this much (scheduler down) still runs once on restart."""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        cron_trigger(value, "UTC")  # raises ValueError with the reason
        return value


class FoundationConfig(_Section):
    """The sections every run has; each concern adds its own (`Config` below)."""

    aws: AwsConfig = AwsConfig()
    collect: CollectConfig = CollectConfig()
    report: ReportConfig = ReportConfig()
    prices: tuple[PriceOverride, ...] = ()
    email: EmailConfig = EmailConfig()
    archive: ArchiveConfig = ArchiveConfig()
    jobs: tuple[JobConfig, ...] = ()

    @field_validator("jobs")
    @classmethod
    def _unique_job_ids(cls, jobs: tuple[JobConfig, ...]) -> tuple[JobConfig, ...]:
        ids = [j.id for j in jobs]
        if len(ids) != len(set(ids)):
            raise ValueError("job ids must be unique")
        return jobs

    def digest(self) -> str:
        """sha256 of the effective configuration (recorded in the run's manifest)."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


Config = create_model(
    "Config", __base__=FoundationConfig, __module__=__name__,
    **{c.key: (c.config, c.config()) for c in CONCERNS if c.config is not None})
"""The whole configuration: the foundation's sections and, under its key, each concern's
(`[lifecycle]`, `[inspector]`, `[pull_through]`), as the composition root lists them."""


def load_config(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read the TOML file (if any), apply environment overrides, validate.

    `path` None means `./ecr-report.toml` when it exists, else defaults. An explicit path that
    does not exist is an error.
    """
    env = os.environ if env is None else env
    data: dict[str, Any] = {}
    if path is not None:
        data = _read_toml(Path(path))
    elif Path(DEFAULT_CONFIG_FILE).is_file():
        data = _read_toml(Path(DEFAULT_CONFIG_FILE))
    from_env = _apply_env(data, env)
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_one_line(exc, from_env)) from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None


def _apply_env(data: dict[str, Any], env: Mapping[str, str]) -> dict[tuple[str, str], str]:
    """Apply the overrides; {(section, key): variable name} for each one applied."""
    applied: dict[tuple[str, str], str] = {}
    for name, value in env.items():
        if not name.startswith(ENV_PREFIX):
            continue
        parts = [p.lower() for p in name[len(ENV_PREFIX):].split("__")]
        if len(parts) != 2 or not all(parts):
            raise ConfigError(f"environment variable {name}: expected {ENV_PREFIX}<SECTION>__<KEY>")
        section, key = parts
        field = _field_annotation(section, key)
        if field is None:
            raise ConfigError(f"environment variable {name}: no setting [{section}] {key}")
        data.setdefault(section, {})[key] = _parse_env_value(value, field)
        applied[(section, key)] = name
    return applied


def _field_annotation(section: str, key: str) -> Any:
    section_field = Config.model_fields.get(section)
    if section_field is None or not isinstance(section_field.default, BaseModel):
        return None
    field = type(section_field.default).model_fields.get(key)
    return None if field is None else field.annotation


def _parse_env_value(value: str, annotation: Any) -> Any:
    if "tuple" in str(annotation):
        return [v.strip() for v in value.split(",") if v.strip()]
    return value


def _one_line(exc: ValidationError, from_env: Mapping[tuple[str, str], str] | None = None) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    variable = (from_env or {}).get(tuple(str(p) for p in first["loc"][:2]))
    source = f" (set by {variable})" if variable else ""
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"invalid configuration at {where}{source}: {first['msg']}{more}"
