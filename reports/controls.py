"""The AWS Security Hub controls this report evaluates, as data (`CONTROLS`: title verbatim,
severity, what we check, remediation, source page).

Apart from their evaluators (reports/compliance.py, pandas and numpy) so that what only names
the controls, e.g. `ecr-report explain`'s argument parser, imports no data-frame library.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Control:
    """One Security Hub control as this report evaluates it."""

    control_id: str
    title: str
    """Verbatim from the Security Hub user guide."""
    severity: str
    checks: str
    """What this report checks, in one sentence."""
    remediation: str
    source: str


_SH_ECR = "https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html"
_SH_INSPECTOR = "https://docs.aws.amazon.com/securityhub/latest/userguide/inspector-controls.html"

CONTROLS: dict[str, Control] = {
    c.control_id: c
    for c in (
        Control(
            "ECR.1",
            "ECR private repositories should have image scanning configured",
            "High",
            "The repository's effective scan frequency (registry rules and filters, or the "
            "deprecated repository scanOnPush) is SCAN_ON_PUSH or CONTINUOUS_SCAN.",
            "Add a registry scanning filter (scan on push or continuous) that matches the repository.",
            _SH_ECR,
        ),
        Control(
            "ECR.2",
            "ECR private repositories should have tag immutability configured",
            "Medium",
            "imageTagMutability is IMMUTABLE. *_WITH_EXCLUSION values fail: the control text "
            "passes only IMMUTABLE, and how Security Hub treats them is UNCONFIRMED.",
            "Set image tag mutability to IMMUTABLE (put-image-tag-mutability).",
            _SH_ECR,
        ),
        Control(
            "ECR.3",
            "ECR repositories should have at least one lifecycle policy configured",
            "Medium",
            "A lifecycle policy is present (presence only; its content is judged in the "
            "lifecycle section).",
            "Attach a lifecycle policy that expires or archives unneeded images.",
            _SH_ECR,
        ),
        Control(
            "ECR.5",
            "ECR repositories should be encrypted with customer managed AWS KMS keys",
            "Medium",
            "encryptionType is KMS or KMS_DSSE with a customer managed key (a key reference "
            "that is not the AWS managed alias/aws/ecr); AES256 or KMS without a key fail.",
            "Create new repositories with a customer managed KMS key (encryption cannot be "
            "changed on an existing repository) and migrate the images.",
            _SH_ECR,
        ),
        Control(
            "Inspector.2",
            "Amazon Inspector ECR scanning should be enabled",
            "High",
            "Amazon Inspector's ECR scanning status for the repository's account and Region is "
            "ENABLED (an account-level control, repeated on each repository).",
            "Activate Amazon Inspector ECR scanning for the account and Region.",
            _SH_INSPECTOR,
        ),
    )
}
