"""Each way ECR rejects a lifecycle policy (aws-facts.md §1.2-1.3), one test row per constraint."""

import json

import pytest

from ecr_report.reports.lifecycle import PolicyValidationError, parse_policy, validate_text

from ecr_lifecycle_support import policy, rule

ANY1 = dict(tagStatus="any", countType="imageCountMoreThan", countNumber=1)
AGE = dict(countType="sinceImagePushed", countUnit="days", countNumber=7)


def issues(text):
    return [(i.constraint, str(i)) for i in validate_text(text)]


def constraints(text):
    return {c for c, _ in issues(text)}


@pytest.mark.parametrize(
    "rules, constraint",
    [
        ([rule(1, **ANY1), rule(1, tagStatus="untagged", **AGE)], "priority-unique"),
        ([rule(0, **ANY1)], "priority-integer"),
        ([rule(1.5, **ANY1)], "priority-integer"),
        ([rule(True, **ANY1)], "priority-integer"),
        ([{"selection": ANY1, "action": {"type": "expire"}}], "priority-required"),
        ([rule(2, **ANY1), rule(3, tagStatus="untagged", **AGE)], "any-last"),
        ([rule(1, **ANY1), rule(2, tagStatus="any", **AGE)], "any-last"),
        ([rule(1, tagStatus="tagged", **AGE)], "tagged-needs-list"),
        ([rule(1, tagStatus="tagged", tagPatternList=["a*"], tagPrefixList=["a"], **AGE)], "both-tag-lists"),
        ([rule(1, tagStatus="untagged", tagPrefixList=["a"], **AGE)], "list-needs-tagged"),
        ([rule(1, tagStatus="any", tagPatternList=["a*"], **AGE)], "list-needs-tagged"),
        ([rule(1, tagStatus="tagged", tagPatternList=["test*1*2*3*4*5*6"], **AGE)], "too-many-wildcards"),
        ([rule(1, tagStatus="tagged", tagPatternList=[], **AGE)], "tag-list-shape"),
        ([rule(1, tagStatus="tagged", tagPatternList=["ok", 3], **AGE)], "tag-list-shape"),
        ([rule(1, tagStatus="any", countType="imageCountMoreThan", countUnit="days", countNumber=1)], "count-unit-forbidden"),
        ([rule(1, tagStatus="any", countType="sinceImagePushed", countNumber=1)], "count-unit-required"),
        ([rule(1, tagStatus="any", countType="sinceImagePushed", countUnit="hours", countNumber=1)], "count-unit-value"),
        ([rule(1, tagStatus="any", countType="imageCountMoreThan", countNumber=0)], "count-number-positive"),
        ([rule(1, tagStatus="any", countType="imageCountMoreThan", countNumber=-3)], "count-number-positive"),
        ([rule(1, tagStatus="any", countType="imageCountMoreThan", countNumber="5")], "count-number-positive"),
        ([rule(1, tagStatus="any", countType="imageCountMoreThan")], "count-number-required"),
        ([rule(1, tagStatus="any", countType="sinceImagePulled", countUnit="days", countNumber=9)], "pulled-needs-transition"),
        ([rule(1, "transition", tagStatus="any", storageClass="archive", countType="sinceImageTransitioned", countUnit="days", countNumber=9)], "transitioned-needs-expire"),
        ([rule(1, tagStatus="any", countType="sinceImageTransitioned", countUnit="days", countNumber=9)], "transitioned-needs-archive"),
        ([rule(1, tagStatus="any", storageClass="archive", **AGE)], "archive-needs-transitioned"),
        ([rule(1, tagStatus="any", storageClass="glacier", **AGE)], "storage-class-value"),
        ([{"rulePriority": 1, "selection": ANY1, "action": {"type": "transition"}}], "target-required"),
        ([{"rulePriority": 1, "selection": ANY1, "action": {"type": "transition", "targetStorageClass": "standard"}}], "target-value"),
        ([{"rulePriority": 1, "selection": ANY1, "action": {"type": "expire", "targetStorageClass": "archive"}}], "target-forbidden"),
        ([{"rulePriority": 1, "selection": ANY1, "action": {"type": "delete"}}], "action-type-value"),
        ([rule(1, tagStatus="untagged", **AGE), rule(2, tagStatus="untagged", countType="imageCountMoreThan", countNumber=5)], "one-untagged"),
        ([rule(1, tagStatus="tagged", tagPrefixList=["a", "b"], **AGE), rule(2, tagStatus="tagged", tagPrefixList=["b", "a"], countType="imageCountMoreThan", countNumber=5)], "unique-tag-lists"),
        ([rule(1, tagStatus="Tagged", tagPrefixList=["a"], **AGE)], "tag-status-value"),
        ([rule(1, tagStatus="any", countType="imageCountLessThan", countNumber=5)], "count-type-value"),
        ([dict(rule(1, **ANY1), extra=1)], "unknown-key"),
        ([rule(1, tagStatus="any", countType="imageCountMoreThan", countNumber=1, tagFilter="x")], "unknown-key"),
        ([{"rulePriority": 1, "selection": ANY1}], "action-required"),
        ([{"rulePriority": 1, "action": {"type": "expire"}}], "selection-required"),
        ([{"rulePriority": 1, "description": 5, "selection": ANY1, "action": {"type": "expire"}}], "description-string"),
    ],
)
def test_rejected(rules, constraint):
    text = policy(*rules)
    assert constraint in constraints(text), issues(text)
    with pytest.raises(PolicyValidationError) as info:
        parse_policy(text)
    assert "\n" not in str(info.value)


def test_messages_name_rule_and_constraint():
    text = policy(rule(1, **AGE, tagStatus="untagged"), rule(20, tagStatus="tagged", **AGE))
    assert 'rule 2 (priority 20): tagStatus "tagged" requires tagPatternList or tagPrefixList' in [m for _, m in issues(text)]


def test_accepted_edge_cases():
    # per storage class: an `any` rule for standard and one for archive (official example)
    parse_policy(policy(rule(1, "transition", tagStatus="any", **AGE), rule(2, tagStatus="any", storageClass="archive", countType="sinceImageTransitioned", countUnit="days", countNumber=365)))
    # exactly four wildcards; untagged per class; same list as pattern and as prefix is allowed
    parse_policy(policy(rule(1, tagStatus="tagged", tagPatternList=["*test*1*2*3", "test*1*2*3*"], **AGE)))
    parse_policy(policy(rule(1, tagStatus="tagged", tagPatternList=["a"], **AGE), rule(2, tagStatus="tagged", tagPrefixList=["a"], countType="imageCountMoreThan", countNumber=3)))
    # priorities need not be sequential; explicit storageClass standard is fine
    parse_policy(policy(rule(5, tagStatus="untagged", storageClass="standard", **AGE), rule(900, **ANY1)))


def test_policy_level_limits():
    many = policy(*[rule(i, tagStatus="tagged", tagPrefixList=[f"p{i}"], **AGE) for i in range(1, 52)])
    assert "too-many-rules" in constraints(many)
    long_text = json.dumps({"rules": [rule(1, **ANY1, )]}) + " " * 30_720
    assert "text-too-long" in constraints(long_text)
    assert "text-too-short" in constraints('{"rules": []}')
    assert "json" in constraints("{not json" + " " * 100)
    # Text that is not JSON is reported as such, and only as such: the API's length limits
    # are about JSON text (a truncated file is not "32 characters; the API minimum is 100").
    assert [(i.constraint, i.message_id) for i in validate_text('{"rules": [{"rulePriority": 1, ')] == [
        ("json", "not valid JSON: {error} at line {line} column {column}")]
    assert [(i.constraint, i.message_id) for i in validate_text(" \n")] == [("json", "policy text is empty")]
    assert constraints("{" + " " * 40_000) == {"json"}
    assert "rules" in constraints(json.dumps({"rules": []}) + " " * 100)
    assert "unknown-key" in constraints(json.dumps({"rules": [rule(1, **ANY1)], "version": 1}))
    assert "shape" in constraints("[" + " " * 100 + "]")


def test_every_issue_reported_and_first_one_in_error_message():
    text = policy(rule(1, tagStatus="tagged", countType="imageCountMoreThan", countNumber=0))
    found = constraints(text)
    assert {"tagged-needs-list", "count-number-positive"} <= found
    with pytest.raises(PolicyValidationError) as info:
        parse_policy(text)
    assert str(info.value).startswith("rule 1 (priority 1): ") and "more)" in str(info.value)
