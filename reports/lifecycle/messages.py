"""The lifecycle analysis's English messages as translatable sentences (`reports.text.Text`).

Validation issues (validate.py) and lint warnings (lint.py) are plain English strings: the
`ecr-report lifecycle lint` CLI prints them as they are, and the analysis stores them in the
`lifecycle_lint` table and the summary, where only the string survives. Where the report shows
one, `issue_text` / `lint_text` turn the string back into a `Text` with the template it was
formatted from (the catalog in reports/render/i18n/ja_lifecycle.py translates the template and
keeps the parameters: AWS field names, quoted values, numbers). The English is unchanged: a
string no template reproduces exactly is returned as it is.

The templates below mirror the f-strings of validate.py and lint.py;
tests/lifecycle/test_lifecycle_japanese.py produces every issue and warning and checks that
each is recognised, so a reworded message cannot silently fall out of the translation.
"""

from __future__ import annotations

import re

from ..text import join, msg, recover

#: validate.py's messages (PolicyIssue.message), policy-level and per rule.
ISSUE_TEMPLATES: tuple[str, ...] = (
    "policy text has {n} characters; the maximum is {limit}",
    "policy text has {n} characters; the API minimum is {limit}",
    "not valid JSON: {error} at line {line} column {column}",
    "policy must be a JSON object with a \"rules\" list",
    "unknown top-level key {key}",
    "\"rules\" must be a non-empty list",
    "policy has {n} rules; the maximum is {limit}",
    "rule must be a JSON object",
    "unknown rule key {key}",
    "rulePriority is required",
    "rulePriority must be an integer >= 1, got {value}",
    "description must be a string",
    "selection is required and must be an object",
    "action is required and must be an object",
    "unknown selection key {key}",
    "selection.tagStatus is required",
    "tagStatus must be one of tagged, untagged, any; got {value}",
    "{key} must be a non-empty list of non-empty strings",
    "tagPatternList entry {entry} has {n} wildcards; the maximum is {limit}",
    "a rule may specify tagPatternList or tagPrefixList, not both",
    "tagStatus \"tagged\" requires tagPatternList or tagPrefixList",
    "tagStatus {value} must omit tagPatternList and tagPrefixList",
    "selection.countType is required",
    "countType must be one of {types}; got {value}",
    "countType {value} requires countUnit \"days\"",
    "countUnit is only allowed with sinceImagePushed, sinceImagePulled or sinceImageTransitioned",
    "countUnit must be \"days\"; got {value}",
    "selection.countNumber is required",
    "countNumber must be a positive integer; got {value}",
    "storageClass must be \"standard\" or \"archive\"; got {value}",
    "unknown action key {key}",
    "action.type is required",
    "action.type must be \"expire\" or \"transition\"; got {value}",
    "action \"transition\" requires targetStorageClass \"archive\"",
    "targetStorageClass must be \"archive\"; got {value}",
    "targetStorageClass is only allowed with action \"transition\"",
    "countType \"sinceImagePulled\" must be used with action \"transition\"",
    "countType \"sinceImageTransitioned\" must be used with action \"expire\"",
    "countType \"sinceImageTransitioned\" requires storageClass \"archive\"",
    "storageClass \"archive\" is only supported with countType \"sinceImageTransitioned\", not {value}",
    "rulePriority {priority} is also used by rule {rule}; priorities must be unique",
    "tagStatus \"any\" must have the highest rulePriority among rules selecting storageClass {storage}",
    "only one rule selecting storageClass {storage} may select untagged images (rule {rule} already does)",
    "{key} {value} repeats rule {rule}; rules selecting storageClass {storage} must have unique tag lists",
)

#: lint.py's warning messages (LintWarning.message), and the INVALID-policy row of the analysis.
LINT_TEMPLATES: tuple[str, ...] = (
    "{key} {entries} selects only images carrying tags that match ALL {n} entries (AND, not OR); "
    "for OR write one rule per entry",
    "tagPrefixList entry {entry} contains '*', which a prefix list takes literally (no tag can contain "
    "it); use tagPatternList for wildcards",
    "can never act: every image it could select also matches the selection of rule {rule} (priority "
    "{priority}), which claims it first",
    "expires or archives nothing among the repository's {n} images as of {as_of}; the policy still "
    "passes Security Hub ECR.3",
    "all {n} of its candidates are claimed today by higher-priority rules, so it acts on none of them",
    "repository was created by a pull-through cache rule and has no lifecycle policy: cached images "
    "accumulate (and are billed) until deleted by hand",
    "uses sinceImagePulled but the registry registers no pull-time update exclusion: scanners' and "
    "replication's own pulls may keep refreshing pull times so images never age out",
)

_NOT_EVALUATED = re.compile(r"^AWS accepted this policy but ecr-report's validator does not: (?P<issues>.*)\. "
                            r"Its figures are unknown\.$", re.S)
_ISSUE_SPLIT = re.compile(r"; (?=rule \d+[ :]|policy: )")
_RULE_PREFIX = re.compile(r"^rule (?P<index>\d+) \(priority (?P<priority>.+?)\): (?P<rest>.*)$", re.S)
_RULE_ONLY = re.compile(r"^rule (?P<index>\d+): (?P<rest>.*)$", re.S)
_POLICY_PREFIX = re.compile(r"^policy: (?P<rest>.*)$", re.S)


def _match(text: str, templates: tuple[str, ...]) -> str:
    """`text` as a Text of the template that reproduces it exactly; `text` itself otherwise."""
    return recover(text, templates)  # type: ignore[return-value]


def issue_text(issue: str) -> str:
    """One validation issue as `str(PolicyIssue)` writes it ("rule 2 (priority 5): ...")."""
    issue = str(issue)
    found = _RULE_PREFIX.match(issue)
    if found:
        return msg("rule {index} (priority {priority}): {issue}", index=found["index"], priority=found["priority"],
                   issue=_match(found["rest"], ISSUE_TEMPLATES))
    found = _RULE_ONLY.match(issue)
    if found:
        return msg("rule {index}: {issue}", index=found["index"], issue=_match(found["rest"], ISSUE_TEMPLATES))
    found = _POLICY_PREFIX.match(issue)
    if found:
        return msg("policy: {issue}", issue=_match(found["rest"], ISSUE_TEMPLATES))
    return _match(issue, ISSUE_TEMPLATES)


def issues_text(issues: list[str], separator: str = "; ") -> str:
    """Several issues in one sentence, each translatable on its own."""
    texts = [issue_text(i) for i in issues]
    return texts[0] if len(texts) == 1 else join(texts, separator)


def lint_text(message: str) -> str:
    """One `lifecycle_lint.message` ("rule 1 (priority 1): " and a warning, or a warning alone)."""
    message = str(message)
    found = _RULE_PREFIX.match(message)
    if found:
        return msg("rule {index} (priority {priority}): {warning}", index=found["index"],
                   priority=found["priority"], warning=lint_text(found["rest"]))
    found = _NOT_EVALUATED.match(message)
    if found:
        return msg("AWS accepted this policy but ecr-report's validator does not: {issues}. Its figures are unknown.",
                   issues=issues_text(_ISSUE_SPLIT.split(found["issues"])))
    return _match(message, LINT_TEMPLATES)
