"""The lifecycle section and methodology in Japanese: every sentence is translatable, the English
is unchanged, and the messages the analysis stores as plain strings (validation issues, lint
warnings) are recognised again when the report shows them."""

from __future__ import annotations

import importlib.util
import json
import re
import string
import sys
from html import escape
from pathlib import Path

import pytest
from ecr_lifecycle_support import AS_OF, image, policy, rule

from ecr_report.reports.lifecycle import lint, parse_policy, validate_text
from ecr_report.reports.lifecycle.concern import _lint_rows, methodology_paragraphs
from ecr_report.reports.lifecycle.messages import ISSUE_TEMPLATES, LINT_TEMPLATES, issue_text, lint_text
from ecr_report.reports.lifecycle.validate import validate_document
from ecr_report.reports.render.blocks import Bullets, Chart, Figures, Paragraph, Table
from i18n_support import JA, localize, t
from ecr_report.reports.render.section_lifecycle import build_lifecycle
from ecr_report.reports.text import Joined, Text

HERE = Path(__file__).resolve().parent
VALIDATE_SOURCE = HERE.parents[1] / "reports" / "lifecycle" / "validate.py"


def _load(name: str, path: Path):
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


concern_tests = _load("ecr_lifecycle_concern_tests", HERE / "test_lifecycle_concern.py")
residue = _load("ecr_lifecycle_ja_residue", HERE.parents[0] / "render" / "ja_residue.py")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _templates(text: str) -> set[str]:
    """Every template a (possibly nested) Text was built from."""
    if not isinstance(text, Text):
        return set()
    found = set() if isinstance(text, Joined) else {text.template}
    for value in text.params.values():
        found |= _templates(value)
    return found


@pytest.mark.parametrize("template", ISSUE_TEMPLATES + LINT_TEMPLATES)
def test_every_stored_message_template_has_a_japanese_translation(template):
    assert template in JA and _fields(JA[template]) == _fields(template)


# --- validation issues -------------------------------------------------------------------------

SEL = {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1}
EXPIRE = {"type": "expire"}


def _rule(priority=1, selection=None, action=None, **extra):
    return {"rulePriority": priority, "selection": SEL if selection is None else selection,
            "action": EXPIRE if action is None else action, **extra}


BAD_DOCUMENTS = [
    [],  # shape
    {"rules": [], "extra": 1},  # unknown top-level key, empty rules
    {"rules": [_rule(i + 1, {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 1,
                              "storageClass": "standard"}) for i in range(51)]},
    {"rules": [1]},
    {"rules": [{"rulePriority": True, "description": 5, "oops": 1}]},
    {"rules": [{"selection": {"bad": 1}, "action": {"bad": 1}}]},
    {"rules": [_rule(1, {"tagStatus": "weird", "countType": "nope", "countNumber": 0, "storageClass": "cold",
                          "tagPatternList": ["a*b*c*d*e*"], "tagPrefixList": [""]}, {"type": "delete"})]},
    {"rules": [_rule(1, {"tagStatus": "tagged", "countType": "sinceImagePushed", "countNumber": 1})]},
    {"rules": [_rule(1, {"tagStatus": "untagged", "tagPrefixList": ["a"], "countType": "imageCountMoreThan",
                          "countUnit": "days", "countNumber": 1})]},
    {"rules": [_rule(1, {"tagStatus": "any", "countType": "sinceImagePushed", "countUnit": "hours"})]},
    {"rules": [_rule(1, {"countNumber": 1})]},
    {"rules": [_rule(1, SEL, {"type": "transition"}), _rule(2, SEL, {"type": "transition", "targetStorageClass": "x"}),
               _rule(3, SEL, {"type": "expire", "targetStorageClass": "archive"})]},
    {"rules": [_rule(1, {"tagStatus": "any", "countType": "sinceImagePulled", "countUnit": "days", "countNumber": 1}),
               _rule(2, {"tagStatus": "any", "countType": "sinceImageTransitioned", "countUnit": "days",
                         "countNumber": 1}, {"type": "transition", "targetStorageClass": "archive"}),
               _rule(3, {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1,
                         "storageClass": "archive"})]},
    {"rules": [_rule(1, {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1}),
               _rule(1, {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 1}),
               _rule(3, {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 2}),
               _rule(4, {"tagStatus": "tagged", "tagPatternList": ["a", "b"], "countType": "imageCountMoreThan",
                         "countNumber": 1}),
               _rule(5, {"tagStatus": "tagged", "tagPatternList": ["b", "a"], "countType": "imageCountMoreThan",
                         "countNumber": 1})]},
    {"rules": [{"rulePriority": 1, "action": EXPIRE, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan"}}]},
]
BAD_TEXTS = ["{}", "{" + " " * 120, json.dumps({"rules": [_rule(description="x" * 31_000)]})]


def _issues():
    issues = [i for doc in BAD_DOCUMENTS for i in validate_document(doc)]
    return issues + [i for text in BAD_TEXTS for i in validate_text(text)]


def test_the_corpus_produces_every_constraint_the_validator_knows():
    known = set(re.findall(r'(?:err|PolicyIssue)\("([a-z-]+)"', VALIDATE_SOURCE.read_text(encoding="utf-8")))
    assert known - {i.constraint for i in _issues()} == set()


def test_every_validation_issue_is_recognised_and_unchanged_in_english():
    for issue in _issues():
        text = issue_text(str(issue))
        assert text == str(issue) and isinstance(text, Text), str(issue)
        inner = text.params["issue"]
        assert isinstance(inner, Text) and inner.template in (*ISSUE_TEMPLATES,) and inner.template in JA, str(issue)
        assert t(text, "ja") != str(issue)


def test_an_unknown_message_is_kept_as_it_is():
    assert issue_text("policy: something new") == "policy: something new"
    assert not isinstance(lint_text("something new"), Text)


# --- lint warnings -----------------------------------------------------------------------------

AGE = dict(countType="sinceImagePushed", countUnit="days", countNumber=7)


def _warnings():
    static = parse_policy(policy(
        rule(1, tagStatus="tagged", tagPatternList=["v*"], countType="imageCountMoreThan", countNumber=10),
        rule(2, tagStatus="tagged", tagPatternList=["*1"], countType="imageCountMoreThan", countNumber=1),
        rule(3, tagStatus="tagged", tagPrefixList=["v*"], **AGE),
        rule(4, tagStatus="tagged", tagPatternList=["v1*", "x"], **AGE),
        rule(5, "transition", tagStatus="any", countType="sinceImagePulled", countUnit="days", countNumber=90),
    ))
    found = lint(static, [image("a", ["v1"], 5), image("b", ["v2", "x1"], 4)], AS_OF, repository="web",
                 pull_time_update_exclusions=())
    found += lint(None, created_by_pull_through_cache=True, repository="docker-hub/library/nginx")
    return found


def test_every_lint_warning_is_recognised_and_unchanged_in_english():
    warnings = _warnings()
    assert {w.code for w in warnings} == {"multi-entry-tag-list", "prefix-wildcard", "shadowed-rule", "claimed-today",
                                          "no-op-today", "pull-through-cache-no-policy", "pulled-without-exclusions"}
    for row in _lint_rows(warnings, ("111122223333", "us-east-1", "web"), "current"):
        text = lint_text(row["message"])
        assert text == row["message"] and isinstance(text, Text), row["message"]
        assert _templates(text) & set(LINT_TEMPLATES), row["message"]
        assert t(text, "ja") != row["message"]


def test_an_invalid_current_policy_is_explained_in_japanese():
    bad = json.dumps({"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "sinceImagePushed",
                                                                  "countUnit": "days", "countNumber": 1},
                                 "action": {"type": "expire"}}, {"rulePriority": 1, "selection": {
                                     "tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1},
                                     "action": {"type": "expire"}}], "note": "x" * 80})
    tables = concern_tests.snapshot()
    repos = tables["repositories"].copy()
    repos.loc[repos["repository_name"] == "app/current", "lifecycle_policy_text"] = bad
    tables["repositories"] = repos
    result, _ = concern_tests.run(tables)
    lint_frame = result.tables["lifecycle_lint"]
    message = lint_frame[lint_frame["code"] == "not-evaluated"]["message"].iloc[0]
    text = lint_text(message)
    assert text == message and "AWS accepted this policy" in text
    japanese = t(text, "ja")
    assert "バリデーター" in japanese and "rulePriority" in japanese and "不明なトップレベルキー \"note\"" in japanese
    assert japanese != message
    notes = [t(n, "ja") for n in result.notes]
    assert notes and all("Lifecycle:" not in n for n in notes)


# --- the section and the methodology -------------------------------------------------------------


def _html(section) -> str:
    """The section's visible texts as HTML the residue check reads (code cells, i.e. identifiers,
    are left out as the report puts them in <code>)."""
    parts = [f"<section id='{section.id}'><h2>{escape(section.title)}</h2>"]
    for block in section.blocks:
        if isinstance(block, Paragraph):
            parts.append(f"<p>{escape(block.text)}</p>")
        elif isinstance(block, Bullets):
            parts.extend(f"<li>{escape(i)}</li>" for i in block.items)
        elif isinstance(block, Figures):
            parts.extend(f"<p>{escape(x)}</p>" for f in block.items for x in (f.label, f.value, f.detail))
        elif isinstance(block, Table):
            parts.append(f"<p>{escape(block.caption)}</p><p>{escape(block.empty_text)}</p><p>{escape(block.more_text)}</p>")
            parts.extend(f"<p>{escape(c.label)}</p>" for c in block.columns)
            parts.extend(f"<p>{escape(x)}</p>" for row in block.rows for c in row if not c.code for x in (c.text, c.note))
        elif isinstance(block, Chart):
            parts.append(f"<p>{escape(block.caption)}</p><p>{escape(block.note)}</p>{block.svg.__html__()}")
    return "".join(parts) + "</section>"


def _manifests() -> list[dict]:
    """Every image of app/current read: exact bytes there (a shared base layer)."""
    rows = []
    for img, refs in (("u1", ("base", "l-u1")), ("u2", ("l-u2",)), ("t1", ("base", "l-t1"))):
        key = {"account_id": concern_tests.A, "region": concern_tests.R, "repository_name": "app/current",
               "image_digest": f"sha256:{img}"}
        rows.append({**key, "kind": "READ", "ref_digest": None, "size_bytes": None})
        rows += [{**key, "kind": "BLOB", "ref_digest": f"sha256:{r}", "size_bytes": 2 ** 29} for r in refs]
    return rows


@pytest.mark.parametrize("manifests, settings", [
    (False, {}),
    (False, {"apply_proposed_to": "all", "proposed_policy_source": "ecr-report built-in baseline"}),
    (True, {}),
    (False, {"proposed_policy_text": json.dumps({"rules": [{"rulePriority": 0, "selection": SEL, "action": EXPIRE}],
                                                "pad": "x" * 100})}),
    (False, {"proposed_policy_text": None, "proposed_policy_source": None}),
])
def test_the_section_has_no_english_prose_left_in_japanese(manifests, settings):
    tables = concern_tests.snapshot(_manifests()) if manifests else None
    result, _ = concern_tests.run(tables, **settings)
    section = build_lifecycle(concern_tests._Ctx(result.tables, result.summary), 6)
    japanese = localize(section, "ja")
    left = residue.english_residue(_html(japanese))
    assert not left, left


def test_the_japanese_pass_leaves_the_english_section_alone():
    result, _ = concern_tests.run()
    section = build_lifecycle(concern_tests._Ctx(result.tables, result.summary), 6)
    assert _html(localize(section, "en")) == _html(section)


@pytest.mark.parametrize("manifests, settings", [
    (False, {}), (True, {"apply_proposed_to": "all"}), (False, {"proposed_policy_source": None}),
    (False, {"proposed_policy_source": "ecr-report built-in baseline"})])
def test_every_methodology_paragraph_is_translated(manifests, settings):
    result, _ = concern_tests.run(concern_tests.snapshot(_manifests()) if manifests else None, **settings)
    for paragraph in result.methodology:
        japanese = t(paragraph, "ja")
        assert japanese != paragraph, paragraph[:80]
        stripped = japanese
        for name in residue._keep_english():
            stripped = stripped.replace(name, " ")
        # prices' sources and statuses are the price table's vocabulary (another catalog)
        if not paragraph.startswith("Prices:"):
            assert not residue._PROSE.search(stripped), japanese


def test_the_methodology_text_has_a_translation_for_every_paragraph():
    missing = [p[:80] for p in methodology_paragraphs() if p not in JA]
    assert not missing
