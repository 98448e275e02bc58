"""Validation of lifecycle policy text, rejecting exactly what ECR rejects (src: ecr-lifecycle-properties, ecr-lifecycle-policies).

Works on the decoded JSON document, before any dataclass exists, so that every broken
constraint is reported (not just the first) and each error names its rule and the constraint.
The choices made where the documentation is silent are listed in `methodology.py`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..text import Text, msg

MAX_TEXT_CHARS = 30_720  # (src: ecr-quotas), (botocore ECR model) LifecyclePolicyText max
MIN_TEXT_CHARS = 100  # (botocore ECR model) LifecyclePolicyText min: the API refuses shorter text
MAX_RULES = 50  # (src: ecr-quotas)
MAX_WILDCARDS = 4  # (src: ecr-lifecycle-properties) per tagPatternList string

TAG_STATUSES = ("tagged", "untagged", "any")
STORAGE_CLASSES = ("standard", "archive")
COUNT_TYPES = ("imageCountMoreThan", "sinceImagePushed", "sinceImagePulled", "sinceImageTransitioned")
AGE_COUNT_TYPES = ("sinceImagePushed", "sinceImagePulled", "sinceImageTransitioned")
COUNT_UNITS = ("days",)
ACTION_TYPES = ("expire", "transition")
TARGET_STORAGE_CLASSES = ("archive",)

TOP_KEYS = ("rules",)
RULE_KEYS = ("rulePriority", "description", "selection", "action")
SELECTION_KEYS = (
    "tagStatus",
    "tagPatternList",
    "tagPrefixList",
    "storageClass",
    "countType",
    "countUnit",
    "countNumber",
)
ACTION_KEYS = ("type", "targetStorageClass")


@dataclass(frozen=True)
class PolicyIssue:
    """One broken constraint, printable on one line."""

    constraint: str
    """Short stable identifier of the constraint, e.g. ``tagged-needs-list`` (tests and reports key on it)."""
    message_id: str
    """What is wrong, as a message id: the English template (`reports.text.msg`) of the statement."""
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)
    """The template's parameters: AWS field names and values as they are shown, counts, limits."""
    rule_index: int | None = None
    """1-based position of the rule in ``rules`` (None for policy-level errors)."""
    priority: Any = None
    """The rule's ``rulePriority`` as written (None when absent or policy-level)."""

    @property
    def message(self) -> Text:
        """Human-readable statement of what is wrong (English; translatable)."""
        return Text(self.message_id, self.params)

    def text(self) -> Text:
        """The issue with where it is, as `str(issue)` writes it ("rule 2 (priority 5): ...")."""
        if self.rule_index is None:
            return msg("policy: {issue}", issue=self.message)
        if self.priority is None:
            return msg("rule {index}: {issue}", index=self.rule_index, issue=self.message)
        return msg("rule {index} (priority {priority}): {issue}", index=self.rule_index, priority=self.priority,
                   issue=self.message)

    def __str__(self) -> str:
        return str(self.text())


class PolicyValidationError(ValueError):
    """The policy text would be rejected by ECR. ``issues`` lists every broken constraint."""

    def __init__(self, issues: list[PolicyIssue]):
        self.issues = list(issues)
        first = str(self.issues[0]) if self.issues else "invalid policy"
        more = f" (and {len(self.issues) - 1} more)" if len(self.issues) > 1 else ""
        super().__init__(first + more)


def _is_int(value: Any) -> bool:
    # JSON true/false decode to bool, a subclass of int: AWS wants a number, not a boolean.
    return isinstance(value, int) and not isinstance(value, bool)


def _quote(value: Any) -> str:
    return json.dumps(value)


def _issue(constraint: str, message_id: str, **params: Any) -> PolicyIssue:
    """A policy-level issue."""
    return PolicyIssue(constraint, message_id, params)


def validate_text(text: str) -> list[PolicyIssue]:
    """All reasons ECR would reject ``text`` as a lifecycle policy; empty when it is accepted.

    Text that is not JSON gets that one issue: the API's length limits are checked on JSON
    text only (a truncated file is "not valid JSON", not "32 characters; the minimum is 100").
    """
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        if not text.strip():
            return [_issue("json", "policy text is empty")]
        return [_issue("json", "not valid JSON: {error} at line {line} column {column}",
                       error=exc.msg, line=exc.lineno, column=exc.colno)]
    issues: list[PolicyIssue] = []
    if len(text) > MAX_TEXT_CHARS:
        issues.append(_issue("text-too-long", "policy text has {n} characters; the maximum is {limit}",
                             n=len(text), limit=MAX_TEXT_CHARS))
    if len(text) < MIN_TEXT_CHARS:
        issues.append(_issue("text-too-short", "policy text has {n} characters; the API minimum is {limit}",
                             n=len(text), limit=MIN_TEXT_CHARS))
    return issues + validate_document(doc)


def validate_document(doc: Any) -> list[PolicyIssue]:
    """All reasons ECR would reject the decoded policy ``doc`` (text-length checks excluded)."""
    if not isinstance(doc, dict):
        return [_issue("shape", "policy must be a JSON object with a \"rules\" list")]
    issues = [_issue("unknown-key", "unknown top-level key {key}", key=_quote(k)) for k in doc if k not in TOP_KEYS]
    rules = doc.get("rules")
    if not isinstance(rules, list) or not rules:
        issues.append(_issue("rules", "\"rules\" must be a non-empty list"))
        return issues
    if len(rules) > MAX_RULES:
        issues.append(_issue("too-many-rules", "policy has {n} rules; the maximum is {limit}",
                             n=len(rules), limit=MAX_RULES))
    for i, rule in enumerate(rules, start=1):
        issues.extend(_validate_rule(i, rule))
    issues.extend(_validate_cross_rule(rules))
    return issues


class _RuleIssues:
    """Collects one rule's issues: ``err(constraint, message_id, **params)``."""

    def __init__(self, index: int, priority: Any):
        self.index, self.priority, self.issues = index, priority, []

    def __call__(self, constraint: str, message_id: str, **params: Any) -> None:
        self.issues.append(PolicyIssue(constraint, message_id, params, self.index, self.priority))


def _validate_rule(index: int, rule: Any) -> list[PolicyIssue]:
    if not isinstance(rule, dict):
        return [PolicyIssue("shape", "rule must be a JSON object", {}, index)]
    prio = rule.get("rulePriority")
    err = _RuleIssues(index, prio)
    for key in rule:
        if key not in RULE_KEYS:
            err("unknown-key", "unknown rule key {key}", key=_quote(key))
    if "rulePriority" not in rule:
        err("priority-required", "rulePriority is required")
    elif not _is_int(prio) or prio < 1:
        err("priority-integer", "rulePriority must be an integer >= 1, got {value}", value=_quote(prio))
    if "description" in rule and not isinstance(rule["description"], str):
        err("description-string", "description must be a string")
    sel = rule.get("selection")
    act = rule.get("action")
    if not isinstance(sel, dict):
        err("selection-required", "selection is required and must be an object")
        sel = None
    if not isinstance(act, dict):
        err("action-required", "action is required and must be an object")
        act = None
    if sel is not None:
        _validate_selection(sel, err)
    if act is not None:
        _validate_action(act, err)
    if sel is not None and act is not None:
        _validate_combination(sel, act, err)
    return err.issues


def _validate_selection(sel: dict, err: _RuleIssues) -> None:
    for key in sel:
        if key not in SELECTION_KEYS:
            err("unknown-key", "unknown selection key {key}", key=_quote(key))
    _validate_tags(sel, err)
    _validate_count(sel, err)
    if "storageClass" in sel and sel["storageClass"] not in STORAGE_CLASSES:
        err("storage-class-value", "storageClass must be \"standard\" or \"archive\"; got {value}",
            value=_quote(sel["storageClass"]))


def _validate_tags(sel: dict, err: _RuleIssues) -> None:
    status = sel.get("tagStatus")
    if "tagStatus" not in sel:
        err("tag-status-required", "selection.tagStatus is required")
    elif status not in TAG_STATUSES:
        err("tag-status-value", "tagStatus must be one of tagged, untagged, any; got {value}", value=_quote(status))
    has_pattern = "tagPatternList" in sel
    has_prefix = "tagPrefixList" in sel
    for key in ("tagPatternList", "tagPrefixList"):
        if key in sel:
            value = sel[key]
            if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
                err("tag-list-shape", "{key} must be a non-empty list of non-empty strings", key=key)
    if has_pattern and isinstance(sel["tagPatternList"], list):
        for pattern in sel["tagPatternList"]:
            if isinstance(pattern, str) and pattern.count("*") > MAX_WILDCARDS:
                err("too-many-wildcards", "tagPatternList entry {entry} has {n} wildcards; the maximum is {limit}",
                    entry=_quote(pattern), n=pattern.count("*"), limit=MAX_WILDCARDS)
    if has_pattern and has_prefix:
        err("both-tag-lists", "a rule may specify tagPatternList or tagPrefixList, not both")
    if status == "tagged" and not (has_pattern or has_prefix):
        err("tagged-needs-list", "tagStatus \"tagged\" requires tagPatternList or tagPrefixList")
    if status in ("untagged", "any") and (has_pattern or has_prefix):
        err("list-needs-tagged", "tagStatus {value} must omit tagPatternList and tagPrefixList", value=_quote(status))


def _validate_count(sel: dict, err: _RuleIssues) -> None:
    ctype = sel.get("countType")
    if "countType" not in sel:
        err("count-type-required", "selection.countType is required")
    elif ctype not in COUNT_TYPES:
        err("count-type-value", "countType must be one of {types}; got {value}", types=", ".join(COUNT_TYPES),
            value=_quote(ctype))
    if ctype in AGE_COUNT_TYPES and "countUnit" not in sel:
        err("count-unit-required", "countType {value} requires countUnit \"days\"", value=_quote(ctype))
    if "countUnit" in sel:
        if ctype == "imageCountMoreThan":
            err("count-unit-forbidden",
                "countUnit is only allowed with sinceImagePushed, sinceImagePulled or sinceImageTransitioned")
        elif sel["countUnit"] not in COUNT_UNITS:
            err("count-unit-value", "countUnit must be \"days\"; got {value}", value=_quote(sel["countUnit"]))
    if "countNumber" not in sel:
        err("count-number-required", "selection.countNumber is required")
    elif not _is_int(sel["countNumber"]) or sel["countNumber"] < 1:
        err("count-number-positive", "countNumber must be a positive integer; got {value}",
            value=_quote(sel["countNumber"]))


def _validate_action(act: dict, err: _RuleIssues) -> None:
    for key in act:
        if key not in ACTION_KEYS:
            err("unknown-key", "unknown action key {key}", key=_quote(key))
    atype = act.get("type")
    if "type" not in act:
        err("action-type-required", "action.type is required")
    elif atype not in ACTION_TYPES:
        err("action-type-value", "action.type must be \"expire\" or \"transition\"; got {value}", value=_quote(atype))
    target = act.get("targetStorageClass")
    if atype == "transition":
        if "targetStorageClass" not in act:
            err("target-required", "action \"transition\" requires targetStorageClass \"archive\"")
        elif target not in TARGET_STORAGE_CLASSES:
            err("target-value", "targetStorageClass must be \"archive\"; got {value}", value=_quote(target))
    elif "targetStorageClass" in act and atype == "expire":
        # INFERRED: the field is documented only for transition; an expire action carrying one is refused.
        err("target-forbidden", "targetStorageClass is only allowed with action \"transition\"")


def _validate_combination(sel: dict, act: dict, err: _RuleIssues) -> None:
    ctype = sel.get("countType")
    atype = act.get("type")
    storage = sel.get("storageClass", "standard")
    if ctype == "sinceImagePulled" and atype == "expire":
        err("pulled-needs-transition", "countType \"sinceImagePulled\" must be used with action \"transition\"")
    if ctype == "sinceImageTransitioned":
        if atype == "transition":
            err("transitioned-needs-expire", "countType \"sinceImageTransitioned\" must be used with action \"expire\"")
        if sel.get("storageClass") != "archive":
            err("transitioned-needs-archive", "countType \"sinceImageTransitioned\" requires storageClass \"archive\"")
    elif ctype in COUNT_TYPES and storage == "archive":
        err("archive-needs-transitioned",
            "storageClass \"archive\" is only supported with countType \"sinceImageTransitioned\", not {value}",
            value=_quote(ctype))


def _validate_cross_rule(rules: list) -> list[PolicyIssue]:
    """Constraints between rules: unique priorities, `any` last, one untagged and unique lists per class."""
    out: list[PolicyIssue] = []
    seen_prio: dict[int, int] = {}
    # Only well-formed rules take part; their own errors are already reported.
    rows = []
    for i, rule in enumerate(rules, start=1):
        if not isinstance(rule, dict):
            continue
        prio = rule.get("rulePriority")
        sel = rule.get("selection") if isinstance(rule.get("selection"), dict) else {}
        if _is_int(prio):
            if prio in seen_prio:
                out.append(PolicyIssue("priority-unique",
                                       "rulePriority {priority} is also used by rule {rule}; priorities must be unique",
                                       {"priority": prio, "rule": seen_prio[prio]}, i, prio))
            else:
                seen_prio[prio] = i
        storage = sel.get("storageClass", "standard")
        rows.append((i, prio, sel.get("tagStatus"), storage, sel))
    for storage in STORAGE_CLASSES:
        out.extend(_validate_storage_class(storage, [r for r in rows if r[3] == storage and _is_int(r[1])]))
    return out


def _validate_storage_class(storage: str, members: list[tuple]) -> list[PolicyIssue]:
    """The rules selecting one storage class: `any` last, one untagged rule, unique tag lists."""
    out: list[PolicyIssue] = []
    top = max((r[1] for r in members), default=None)
    for i, prio, status, _, _ in members:
        if status == "any" and prio != top:
            out.append(PolicyIssue(
                "any-last", "tagStatus \"any\" must have the highest rulePriority among rules selecting storageClass "
                "{storage}", {"storage": _quote(storage)}, i, prio))
    untagged = [r for r in members if r[2] == "untagged"]
    for i, prio, *_ in untagged[1:]:
        out.append(PolicyIssue(
            "one-untagged", "only one rule selecting storageClass {storage} may select untagged images (rule {rule} "
            "already does)", {"storage": _quote(storage), "rule": untagged[0][0]}, i, prio))
    seen_lists: dict[tuple, int] = {}
    for i, prio, _status, _, sel in members:
        for key in ("tagPrefixList", "tagPatternList"):
            value = sel.get(key)
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                ident = (key, frozenset(value))
                if ident in seen_lists:
                    out.append(PolicyIssue(
                        "unique-tag-lists", "{key} {value} repeats rule {rule}; rules selecting storageClass "
                        "{storage} must have unique tag lists",
                        {"key": key, "value": _quote(sorted(set(value))), "rule": seen_lists[ident],
                         "storage": _quote(storage)}, i, prio))
                else:
                    seen_lists[ident] = i
    return out
