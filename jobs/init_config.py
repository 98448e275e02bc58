"""`ecr-report init`: write a commented starter `ecr-report.toml`.

The starter has every section and every key of the configuration model (jobs/config.py and each
concern's section), each setting commented out with its default (or, where the default is
"none", an example), so the file as written loads to the defaults and a user uncomments what
they change. Blocks that are wholly optional ([aws.organization], [[aws.accounts]], [[prices]],
[[jobs]]) are commented out header and all.

Conventions the tests rely on (tests/jobs/test_init.py): a commented *setting* is `# key = value`
or `# [section]` with one space after the `#`; prose is `#  text` (two spaces) or a trailing
comment, so uncommenting every setting yields a valid configuration whose values equal the
model's defaults wherever the model has one.
"""

from __future__ import annotations

from pathlib import Path

from .errors import ConfigError

STARTER = """\
# ecr-report configuration (written by `ecr-report init`).
#  Every key is optional: a commented line shows the default (or an example where the default is
#  "none"); uncomment what you change. Unknown keys are an error. Environment variables
#  ECR_REPORT__<SECTION>__<KEY> override keys (lists comma-separated). Secrets never go here.
#  Check what this configuration needs before the first scheduled run: `ecr-report check`.

[aws]
# regions = ["us-east-1"]                  # default: the session's region (AWS_REGION)
# max_workers = 4                          # (account, region) registries collected at once
# repository_workers = 4                   # per-repository calls in flight per registry
# collect_processes = 0                    # processes sharing max_workers (0: one per core)
# max_attempts = 10                        # attempts per call, with backoff
# role_session_duration_seconds = 3600     # assumed-role session lifetime, 900..43200

#  Explicit accounts (default: the caller's own account). Repeat the block per account.
# [[aws.accounts]]
# id = "111122223333"
# role_arn = "arn:aws:iam::111122223333:role/ecr-report-read"
# external_id = "ecr-report"
# name = "production"

#  Or discover the accounts from AWS Organizations (combined with any [[aws.accounts]]).
#  The hub identity needs Organizations reads and sts:AssumeRole on the member role:
#  `ecr-report iam-policy --for hub`; deploy/cloudformation/ has the roles.
# [aws.organization]
# role_name = "ecr-report-read"            # assumed in each member account
# external_id = "ecr-report"
# ou_ids = ["ou-ab12-cdef3456"]            # default: the whole organization; r-... root accepted
# exclude_account_ids = ["123456789012"]
# include_management_account = false

[collect]
#  DescribeImageScanFindings is per image, so basic findings are read for a bounded scope.
# basic_findings_newest_per_repository = true
# basic_findings_pushed_within_days = 30
# basic_findings_max_images = 5000         # default: no cap
# repository_scan_configuration = true     # also read AWS's per-repository answer

[report]
# output_dir = "output"
# language = "en"                          # or "ja"
# stale_basic_scan_days = 30               # basic scan results older than this are "stale"
# pdf = true

[lifecycle]
# proposed_policy = "policies/baseline.json"   # what-if policy file; default: the built-in baseline
# apply_proposed_to = "without_policy"     # or "all"
# builtin_baseline = true
# exact_bytes = true                       # read manifests (BatchGetImage) for layer-exact bytes
# exact_bytes_max_images = 20000           # per registry, largest reclaim first
# cross_check_aws = false                  # run AWS's own preview on a sample (the one non-read call)
# cross_check_sample = 5

[inspector]
# default_rescans_per_image_month = 4.0    # where no Inspector usage can calibrate the rate
# initial_scan_push_window_days = 30
# narrow_continuous_filters = ["prod*"]    # what-if; [] disables it
# narrowed_repositories_to = "SCAN_ON_PUSH"    # or "OFF"

[pull_through]
# metrics_days = 30                        # RepositoryPullCount window
# layer_reuse_fraction = 0.3               # share of pulled bytes already on the nodes
# stale_days = 90
# images_in_use_file = "images.txt"        # kubectl get pods -A -o jsonpath='{..image}'
# images_in_use_account = "111122223333"   # default: the first registry with cache rules
# images_in_use_region = "us-east-1"
# uncached_pulls_per_day = 1.0
# uncached_image_size_mib = 150.0
# vpc_pull_shares = { "vpc-0abc" = 0.7 }   # default: split by NAT gateway count
# task_definitions = true
# max_task_definitions = 300

[email]
#  Sent by `run --deliver`, `deliver` and scheduled run jobs, only when recipients is set.
#  SMTP user/password: ECR_REPORT_SMTP_USER / ECR_REPORT_SMTP_PASSWORD (or smtp_password_file).
# transport = "smtp"                       # or "ses"
# smtp_host = "localhost"
# smtp_port = 587
# starttls = true
# smtp_ca_file = "/etc/ssl/certs/internal-ca.pem"
# smtp_password_file = "/run/secrets/smtp-password"
# smtp_timeout_seconds = 60.0
# ses_region = "us-east-1"                 # default: the session's region
# sender = "ecr-report@example.com"
# recipients = ["platform-leads@example.com"]
# subject_prefix = "ECR report"
# attach_pdf = true
# max_attempts = 4
# retry_backoff_seconds = 5.0              # doubled after each failed attempt

[archive]
# s3_uri = "s3://evidence-bucket/ecr-report/"  # bucket with Object Lock (deploy/cloudformation/)
# retention_days = 400
# object_lock_mode = "COMPLIANCE"          # or "GOVERNANCE"
# keep_runs = 52                           # local runs kept; default: all
# signing_key_file = "keys/ecr-report-ed25519.pem"
# signing_algorithm = "ed25519"            # or "hmac-sha256"

#  Price overrides (repeat the block per price).
# [[prices]]
# item = "inspector.ecr.initial_scan"
# region = "us-east-1"
# amount = 0.09
# unit = "USD per image"
# source = "configuration"                # say where it comes from: "AWS pricing page, 2026-11"
# date = "2026-11-01"

#  Jobs for `ecr-report schedule` (repeat the block per job).
# [[jobs]]
# id = "weekly-report"
# cron = "0 8 * * 1"                       # minute hour day month day-of-week (0/7 = Sunday)
# timezone = "UTC"
# command = "run"                          # or "collect"
# deliver = true
# misfire_grace_seconds = 3600
"""


def write_starter(path: Path) -> Path:
    """Create `path` with the starter; never overwrites (ConfigError, a one-line reason)."""
    try:
        # "x": created only if absent, atomically, so a file that appears meanwhile is kept too.
        with path.open("x", encoding="utf-8") as fh:
            fh.write(STARTER)
    except FileExistsError:
        raise ConfigError(f"{path} already exists; not overwriting it (remove it or use --config FILE)") from None
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
