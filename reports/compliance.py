"""Per-repository verdicts for the AWS Security Hub ECR controls (src: securityhub-ecr-controls, (src: securityhub-ecr-controls)).

One row per (repository, control) in RESULT_TABLES["compliance"]. Controls are data
(`CONTROLS`: title verbatim, severity, what we check, remediation); each has one small,
vectorized evaluator that returns (status, evidence) columns. A verdict needs data: whenever the
input was not collected the status is UNKNOWN, never PASS or FAIL.

These are our own evaluations of the controls' documented logic, not Security Hub findings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import schema
from .coverage import CoverageResult
from .scanfilters import source_text
from .sources import cite
from .text import Text, msg

REPO = list(schema.REPO_KEY)
UNIT = list(schema.UNIT_KEY)
AWS_MANAGED_ECR_KEY_ALIAS = "alias/aws/ecr"


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

METHODOLOGY: tuple[str, ...] = (
    msg("Control verdicts are this report's own evaluation of the documented logic of the AWS "
        "Security Hub controls ECR.1, ECR.2, ECR.3, ECR.5 and Inspector.2 {controls}, one row per repository; "
        "they are not Security Hub findings. A verdict is UNKNOWN whenever the data it needs could "
        "not be collected: missing data never passes or fails.",
        controls=cite("securityhub-ecr-controls", "securityhub-inspector-controls")),
    msg("ECR.1 uses the effective scan frequency computed from the registry rules (see scan "
        "coverage). ECR.2 passes only IMMUTABLE; IMMUTABLE_WITH_EXCLUSION and "
        "MUTABLE_WITH_EXCLUSION fail, because the control text passes only IMMUTABLE and how "
        "Security Hub treats the exclusion values is unconfirmed. ECR.3 checks only that a "
        "lifecycle policy is present; its content is judged in the lifecycle section. ECR.5 "
        "passes KMS or KMS_DSSE encryption with a key reference other than the AWS managed "
        "alias/aws/ecr; a KMS repository without a key ARN uses the AWS managed key and fails. A "
        "key referenced only by key ARN is taken as customer managed (telling an AWS managed key's "
        "ARN apart needs kms:DescribeKey). Inspector.2 is an account-and-Region control, repeated "
        "on each repository: it passes when Amazon Inspector ECR scanning is ENABLED."),
)

Evaluator = Callable[[pd.DataFrame], tuple[np.ndarray, np.ndarray]]


def _str(series: pd.Series, missing: str = "<not collected>") -> np.ndarray:
    return series.astype("string").fillna(missing).to_numpy(dtype=object)


def _verdict(
    conditions: list[tuple[pd.Series | np.ndarray, str, np.ndarray | str]],
    n: int,
    unknown: str | np.ndarray,
):
    """First matching (condition, status, evidence); rows matching none are UNKNOWN with the
    `unknown` evidence (the input was not collected)."""
    status = np.full(n, "UNKNOWN", dtype=object)
    evidence = np.full(n, None, dtype=object)
    evidence[:] = unknown
    unset = np.ones(n, dtype=bool)
    for cond, st, ev in conditions:
        mask = (
            cond.astype("boolean").to_numpy(dtype=bool, na_value=False)
            if isinstance(cond, pd.Series)
            else np.asarray(cond, dtype=bool)
        ) & unset
        status[mask] = st
        evidence[mask] = ev[mask] if isinstance(ev, np.ndarray) else ev
        unset &= ~mask
    return status, evidence


def _cat(*parts: np.ndarray | str) -> np.ndarray:
    out = np.asarray(parts[0], dtype=object)
    for part in parts[1:]:
        out = out + np.asarray(part, dtype=object)
    return out


def _ecr1(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    auto = frame["automatically_scanned"]
    freq = _str(frame["scan_frequency"], "unknown")
    source = _str(frame["frequency_source"], "unknown")
    aws = frame["aws_scan_frequency"]
    aws_note = np.where(
        frame["aws_disagrees"].astype("boolean").fillna(False).to_numpy(dtype=bool),
        _cat(" (AWS's per-repository answer: ", _str(aws), ")"),
        "",
    ).astype(object)
    evidence = _cat("effective scan frequency ", freq, " from ", source, aws_note)
    return _verdict(
        [(auto == True, "PASS", evidence), (auto == False, "FAIL", evidence)],  # noqa: E712
        len(frame),
        _cat("effective scan frequency not known: ", source),
    )


def _ecr2(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    mutability = frame["image_tag_mutability"]
    value = _str(mutability)
    evidence = _cat("imageTagMutability ", value)
    exclusion = _cat(
        "imageTagMutability ",
        value,
        ": tags matching the exclusion filters stay mutable; the control passes only "
        "IMMUTABLE (treatment of *_WITH_EXCLUSION by Security Hub is UNCONFIRMED)",
    )
    return _verdict(
        [
            (mutability == "IMMUTABLE", "PASS", evidence),
            (mutability.str.endswith("_WITH_EXCLUSION"), "FAIL", exclusion),
            (mutability == "MUTABLE", "FAIL", evidence),
            (mutability.notna(), "FAIL", _cat(evidence, " (not IMMUTABLE)")),
        ],
        len(frame),
        "image tag mutability not collected",
    )


def _ecr3(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    status = frame["lifecycle_policy_status"]
    note = "; presence only; content judged in the lifecycle section"
    return _verdict(
        [
            (status == "PRESENT", "PASS", "lifecycle policy PRESENT" + note),
            (status == "ABSENT", "FAIL", "no lifecycle policy" + note),
        ],
        len(frame),
        _cat("lifecycle policy status ", _str(status, "not collected"), ": GetLifecyclePolicy could not be read"),
    )


def _ecr5(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    enc = frame["encryption_type"]
    key = frame["kms_key"]
    kms = enc.isin(["KMS", "KMS_DSSE"])
    aws_managed_alias = key.str.contains(AWS_MANAGED_ECR_KEY_ALIAS, regex=False)
    enc_txt = _str(enc)
    key_txt = _str(key, "")
    return _verdict(
        [
            (enc == "AES256", "FAIL", "encryptionType AES256 (Amazon S3 managed keys), not a customer managed KMS key"),
            (kms & key.isna(), "FAIL", _cat("encryptionType ", enc_txt, " with no key ARN: AWS managed key aws/ecr")),
            (kms & aws_managed_alias, "FAIL", _cat("encryptionType ", enc_txt, " with the AWS managed key ", key_txt)),
            (kms, "PASS", _cat("encryptionType ", enc_txt, " with customer managed key ", key_txt)),
            (enc.notna(), "FAIL", _cat("encryptionType ", enc_txt)),
        ],
        len(frame),
        "encryption configuration not collected",
    )


def _inspector2(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    status = frame["inspector_ecr_status"]
    evidence = _cat("Amazon Inspector ECR scanning status ", _str(status), " for account ", _str(frame["account_id"]),
                    " in ", _str(frame["region"]))
    return _verdict(
        [
            (status == "ENABLED", "PASS", evidence),
            (status.notna(), "FAIL", evidence),
        ],
        len(frame),
        "Amazon Inspector ECR scanning status not collected",
    )


def _word(value: str) -> str:
    """A value the evaluators write in words when it is missing ("unknown", "not collected")."""
    return msg("unknown") if value == "unknown" else (
        msg("not collected") if value == "not collected" else value)


#: (pattern, sentence) for every evidence string the evaluators above write; `evidence_text`
#: rebuilds the sentence from the pattern's groups.
_EVIDENCE: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], Text]], ...] = tuple(
    (re.compile(pattern, re.DOTALL), build) for pattern, build in (
        (r"effective scan frequency (\S+) from (.*) \(AWS's per-repository answer: (.+)\)",
         lambda m: msg("effective scan frequency {frequency} from {source} (AWS's per-repository "
                       "answer: {aws})", frequency=_word(m[1]), source=source_text(m[2]),
                       aws=m[3])),
        (r"effective scan frequency (\S+) from (.*)",
         lambda m: msg("effective scan frequency {frequency} from {source}",
                       frequency=_word(m[1]), source=source_text(m[2]))),
        (r"effective scan frequency not known: (.*)",
         lambda m: msg("effective scan frequency not known: {source}", source=source_text(m[1]))),
        (r"imageTagMutability (\S+): tags matching the exclusion filters stay mutable; the control "
         r"passes only IMMUTABLE \(treatment of \*_WITH_EXCLUSION by Security Hub is UNCONFIRMED\)",
         lambda m: msg("imageTagMutability {value}: tags matching the exclusion filters stay "
                       "mutable; the control passes only IMMUTABLE (treatment of *_WITH_EXCLUSION "
                       "by Security Hub is UNCONFIRMED)", value=m[1])),
        (r"imageTagMutability (\S+) \(not IMMUTABLE\)",
         lambda m: msg("imageTagMutability {value} (not IMMUTABLE)", value=m[1])),
        (r"imageTagMutability (\S+)", lambda m: msg("imageTagMutability {value}", value=m[1])),
        (r"lifecycle policy status (.+): GetLifecyclePolicy could not be read",
         lambda m: msg("lifecycle policy status {status}: GetLifecyclePolicy could not be read",
                       status=_word(m[1]))),
        (r"encryptionType (\S+) with no key ARN: AWS managed key aws/ecr",
         lambda m: msg("encryptionType {encryption} with no key ARN: AWS managed key aws/ecr",
                       encryption=m[1])),
        (r"encryptionType (\S+) with the AWS managed key (.*)",
         lambda m: msg("encryptionType {encryption} with the AWS managed key {key}",
                       encryption=m[1], key=m[2])),
        (r"encryptionType (\S+) with customer managed key (.*)",
         lambda m: msg("encryptionType {encryption} with customer managed key {key}",
                       encryption=m[1], key=m[2])),
        (r"encryptionType (\S+)", lambda m: msg("encryptionType {encryption}", encryption=m[1])),
        (r"Amazon Inspector ECR scanning status (\S+) for account (.+) in (\S+)",
         lambda m: msg("Amazon Inspector ECR scanning status {status} for account {account} in "
                       "{region}", status=m[1], account=m[2], region=m[3])),
    )
)


def evidence_text(evidence: str) -> str:
    """An evidence string (as kept in the compliance table) as a sentence the report's language
    pass can translate; its English is `evidence` itself, character for character.

    The table holds plain strings (data/compliance.csv); the report rebuilds the `Text` here,
    with the values (enums, key ARNs, account ids) as parameters. The fixed evidence strings,
    and any string the evaluators did not write, come back as a `Text` without parameters, looked
    up whole."""
    evidence = str(evidence)
    for pattern, build in _EVIDENCE:
        match = pattern.fullmatch(evidence)
        if match:
            text = build(match)
            if str(text) == evidence:
                return text
    return Text(evidence)


EVALUATORS: dict[str, Evaluator] = {
    "ECR.1": _ecr1,
    "ECR.2": _ecr2,
    "ECR.3": _ecr3,
    "ECR.5": _ecr5,
    "Inspector.2": _inspector2,
}


def evaluate_controls(tables: Mapping[str, pd.DataFrame], coverage: CoverageResult) -> pd.DataFrame:
    """RESULT_TABLES["compliance"]: every control in CONTROLS for every repository in
    `coverage.coverage` (the repositories snapshot), with the evidence each verdict used."""
    repos = tables.get("repositories")
    repos = schema.empty_frame("repositories") if repos is None else repos.drop_duplicates(REPO)
    registries = tables.get("registries")
    registries = schema.empty_frame("registries") if registries is None else registries.drop_duplicates(UNIT)
    base = coverage.coverage[
        REPO + ["scan_frequency", "frequency_source", "automatically_scanned", "aws_scan_frequency", "aws_disagrees"]
    ]
    repo_cols = ["image_tag_mutability", "encryption_type", "kms_key", "lifecycle_policy_status"]
    frame = (
        base.merge(repos[REPO + repo_cols], on=REPO, how="left")
        .merge(registries[UNIT + ["inspector_ecr_status"]], on=UNIT, how="left")
        .reset_index(drop=True)
    )
    parts = []
    for control_id, control in CONTROLS.items():
        status, evidence = EVALUATORS[control_id](frame)
        parts.append(
            frame[REPO].assign(
                control_id=control_id,
                title=control.title,
                severity=control.severity,
                status=status,
                evidence=evidence,
            )
        )
    if not parts or frame.empty:
        return schema.empty_frame("compliance")
    out = pd.concat(parts, ignore_index=True).sort_values(REPO + ["control_id"], kind="mergesort")
    return schema.conform("compliance", out.reset_index(drop=True))
