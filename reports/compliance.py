"""Per-repository verdicts for the AWS Security Hub ECR controls (src: securityhub-ecr-controls, (src: securityhub-ecr-controls)).

One row per (repository, control) in RESULT_TABLES["compliance"]. Controls are data
(`CONTROLS`, reports/controls.py: title verbatim, severity, what we check, remediation); each has one small,
vectorized evaluator that returns (status, evidence, rule) columns, and one function naming the
raw values that decided it (`evidence_file`, `evidence_pointer`: reports.provenance). A verdict
needs data: whenever the input was not collected the status is UNKNOWN, never PASS or FAIL.

These are our own evaluations of the controls' documented logic, not Security Hub findings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from . import schema
from .controls import CONTROLS
from .coverage import CoverageResult, source_of
from .provenance import Ref, refs_column, split_refs
from .scanfilters import source_text
from .sources import cite
from .text import Text, msg

REPO = list(schema.REPO_KEY)
UNIT = list(schema.UNIT_KEY)
AWS_MANAGED_ECR_KEY_ALIAS = "alias/aws/ecr"


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

Evaluator = Callable[[pd.DataFrame], tuple[np.ndarray, np.ndarray, np.ndarray]]


def _str(series: pd.Series, missing: str = "<not collected>") -> np.ndarray:
    return series.astype("string").fillna(missing).to_numpy(dtype=object)


def _verdict(
    conditions: list[tuple[pd.Series | np.ndarray, str, np.ndarray | str, str]],
    n: int,
    unknown: str | np.ndarray,
    unknown_rule: str,
):
    """First matching (condition, status, evidence, rule); rows matching none are UNKNOWN with
    the `unknown` evidence and rule (the input was not collected)."""
    status = np.full(n, "UNKNOWN", dtype=object)
    evidence = np.full(n, None, dtype=object)
    evidence[:] = unknown
    rule = np.full(n, unknown_rule, dtype=object)
    unset = np.ones(n, dtype=bool)
    for cond, st, ev, rl in conditions:
        mask = (
            cond.astype("boolean").to_numpy(dtype=bool, na_value=False)
            if isinstance(cond, pd.Series)
            else np.asarray(cond, dtype=bool)
        ) & unset
        status[mask] = st
        evidence[mask] = ev[mask] if isinstance(ev, np.ndarray) else ev
        rule[mask] = rl
        unset &= ~mask
    return status, evidence, rule


def _cat(*parts: np.ndarray | str) -> np.ndarray:
    out = np.asarray(parts[0], dtype=object)
    for part in parts[1:]:
        out = out + np.asarray(part, dtype=object)
    return out


def _ecr1(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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
        [(auto == True, "PASS", evidence,  # noqa: E712
          "ECR.1 passes when the effective scan frequency is SCAN_ON_PUSH or CONTINUOUS_SCAN"),
         (auto == False, "FAIL", evidence,  # noqa: E712
          "ECR.1 fails when the effective scan frequency is MANUAL (no automatic scan)")],
        len(frame),
        _cat("effective scan frequency not known: ", source),
        "ECR.1 is UNKNOWN when the registry scanning configuration was not collected",
    )


def _ecr2(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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
            (mutability == "IMMUTABLE", "PASS", evidence, "ECR.2 passes when imageTagMutability is IMMUTABLE"),
            (mutability.str.endswith("_WITH_EXCLUSION"), "FAIL", exclusion,
             "ECR.2 fails when imageTagMutability is *_WITH_EXCLUSION (the control passes only IMMUTABLE)"),
            (mutability == "MUTABLE", "FAIL", evidence, "ECR.2 fails when imageTagMutability is MUTABLE"),
            (mutability.notna(), "FAIL", _cat(evidence, " (not IMMUTABLE)"),
             "ECR.2 fails when imageTagMutability is anything but IMMUTABLE"),
        ],
        len(frame),
        "image tag mutability not collected",
        "ECR.2 is UNKNOWN when the repository has no imageTagMutability",
    )


def _ecr3(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    status = frame["lifecycle_policy_status"]
    note = "; presence only; content judged in the lifecycle section"
    return _verdict(
        [
            (status == "PRESENT", "PASS", "lifecycle policy PRESENT" + note,
             "ECR.3 passes when GetLifecyclePolicy returns a lifecyclePolicyText"),
            (status == "ABSENT", "FAIL", "no lifecycle policy" + note,
             "ECR.3 fails when GetLifecyclePolicy answers LifecyclePolicyNotFoundException"),
        ],
        len(frame),
        _cat("lifecycle policy status ", _str(status, "not collected"), ": GetLifecyclePolicy could not be read"),
        "ECR.3 is UNKNOWN when GetLifecyclePolicy failed with another error or was not called",
    )


def _ecr5(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    enc = frame["encryption_type"]
    key = frame["kms_key"]
    kms = enc.isin(["KMS", "KMS_DSSE"])
    aws_managed_alias = key.str.contains(AWS_MANAGED_ECR_KEY_ALIAS, regex=False)
    enc_txt = _str(enc)
    key_txt = _str(key, "")
    return _verdict(
        [
            (enc == "AES256", "FAIL", "encryptionType AES256 (Amazon S3 managed keys), not a customer managed KMS key",
             "ECR.5 fails when encryptionType is AES256"),
            (kms & key.isna(), "FAIL", _cat("encryptionType ", enc_txt, " with no key ARN: AWS managed key aws/ecr"),
             "ECR.5 fails when encryptionType is KMS or KMS_DSSE without a kmsKey (AWS managed aws/ecr)"),
            (kms & aws_managed_alias, "FAIL", _cat("encryptionType ", enc_txt, " with the AWS managed key ", key_txt),
             "ECR.5 fails when kmsKey names the AWS managed alias/aws/ecr"),
            (kms, "PASS", _cat("encryptionType ", enc_txt, " with customer managed key ", key_txt),
             "ECR.5 passes when encryptionType is KMS or KMS_DSSE with a customer managed kmsKey"),
            (enc.notna(), "FAIL", _cat("encryptionType ", enc_txt),
             "ECR.5 fails when encryptionType is neither KMS nor KMS_DSSE"),
        ],
        len(frame),
        "encryption configuration not collected",
        "ECR.5 is UNKNOWN when the repository has no encryptionConfiguration",
    )


def _inspector2(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    status = frame["inspector_ecr_status"]
    evidence = _cat("Amazon Inspector ECR scanning status ", _str(status), " for account ", _str(frame["account_id"]),
                    " in ", _str(frame["region"]))
    return _verdict(
        [
            (status == "ENABLED", "PASS", evidence,
             "Inspector.2 passes when the account's Amazon Inspector ECR status is ENABLED"),
            (status.notna(), "FAIL", evidence,
             "Inspector.2 fails when the account's Amazon Inspector ECR status is not ENABLED"),
        ],
        len(frame),
        "Amazon Inspector ECR scanning status not collected",
        "Inspector.2 is UNKNOWN when BatchGetAccountStatus was not collected",
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


def _col(frame: pd.DataFrame, name: str) -> list[object]:
    return frame[name].tolist() if name in frame else [None] * len(frame)


def _refs_ecr1(frame: pd.DataFrame) -> list[list[Ref | None]]:
    """The values that decided the effective scan frequency (coverage's evidence, verbatim)."""
    return [split_refs(f, p) for f, p in zip(_col(frame, "evidence_file"), _col(frame, "evidence_pointer"))]


def _refs_ecr2(frame: pd.DataFrame) -> list[list[Ref | None]]:
    has = frame["image_tag_mutability"].notna().tolist()
    return [[source_of(row, "source_file", "source_pointer", *(["imageTagMutability"] if ok else []))]
            for row, ok in zip(_rows(frame), has)]


def _refs_ecr3(frame: pd.DataFrame) -> list[list[Ref | None]]:
    return [[source_of(row, "lifecycle_source_file", "lifecycle_source_pointer")] for row in _rows(frame)]


def _refs_ecr5(frame: pd.DataFrame) -> list[list[Ref | None]]:
    out = []
    for row, enc, key in zip(_rows(frame), frame["encryption_type"].notna(), frame["kms_key"].notna()):
        refs = [source_of(row, "source_file", "source_pointer", "encryptionConfiguration", "encryptionType")
                if enc else source_of(row)]
        if key:  # the key ARN decided between the AWS managed and a customer managed key
            refs.append(source_of(row, "source_file", "source_pointer", "encryptionConfiguration", "kmsKey"))
        out.append(refs)
    return out


def _refs_inspector2(frame: pd.DataFrame) -> list[list[Ref | None]]:
    return [[source_of(row, "inspector_source_file", "inspector_source_pointer")] for row in _rows(frame)]


def _rows(frame: pd.DataFrame) -> list[dict[str, object]]:
    cols = [c for c in ("source_file", "source_pointer", "lifecycle_source_file", "lifecycle_source_pointer",
                        "inspector_source_file", "inspector_source_pointer") if c in frame]
    return frame[cols].to_dict("records") if cols else [{} for _ in range(len(frame))]


#: Per control: each row's raw references, the decisive value first (see `evidence_pointer`).
REFERENCES: dict[str, Callable[[pd.DataFrame], list[list[Ref | None]]]] = {
    "ECR.1": _refs_ecr1,
    "ECR.2": _refs_ecr2,
    "ECR.3": _refs_ecr3,
    "ECR.5": _refs_ecr5,
    "Inspector.2": _refs_inspector2,
}


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
        + [c for c in schema.EVIDENCE_REFS if c in coverage.coverage]
    ]
    repo_cols = ["image_tag_mutability", "encryption_type", "kms_key", "lifecycle_policy_status"] + [
        c for c in ("source_file", "source_pointer", "lifecycle_source_file", "lifecycle_source_pointer")
        if c in repos]
    registry_cols = ["inspector_ecr_status"] + [
        c for c in ("inspector_source_file", "inspector_source_pointer") if c in registries]
    frame = (
        base.merge(repos[REPO + repo_cols], on=REPO, how="left")
        .merge(registries[UNIT + registry_cols], on=UNIT, how="left")
        .reset_index(drop=True)
    )
    parts = []
    for control_id, control in CONTROLS.items():
        status, evidence, rule = EVALUATORS[control_id](frame)
        files, pointers = refs_column(REFERENCES[control_id](frame))
        parts.append(
            frame[REPO].assign(
                control_id=control_id,
                title=control.title,
                severity=control.severity,
                status=status,
                evidence=evidence,
                evidence_file=files,
                evidence_pointer=pointers,
                rule=rule,
            )
        )
    if not parts or frame.empty:
        return schema.empty_frame("compliance")
    out = pd.concat(parts, ignore_index=True).sort_values(REPO + ["control_id"], kind="mergesort")
    return schema.conform("compliance", out.reset_index(drop=True))
