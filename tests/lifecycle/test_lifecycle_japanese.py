"""The lifecycle section and methodology in Japanese: every sentence is translatable, the English
is unchanged, and the messages the analysis keeps as facts (validation issues, lint warnings: a
message id and its parameters) have a Japanese catalog entry for every message id the code can
emit, and say exactly the English the CLI prints and the tables keep."""

from __future__ import annotations

import ast
import importlib.util
import json
import string
import sys
from html import escape
from pathlib import Path

import pytest

from ecr_report.reports.lifecycle import lint, parse_policy, validate_text
from ecr_report.reports.lifecycle.lint_table import NOT_EVALUATED, lint_rows
from ecr_report.reports.lifecycle.methodology import methodology_paragraphs
from ecr_report.reports.lifecycle.section import build_lifecycle
from ecr_report.reports.lifecycle.validate import validate_document
from ecr_report.reports.render.blocks import Bullets, Chart, Figures, Paragraph, Table
from ecr_report.reports.text import Joined, Text, from_fact, params_json, to_fact

from ecr_lifecycle_support import AS_OF, image, policy, rule
from i18n_support import JA, localize, t

HERE = Path(__file__).resolve().parent
LIFECYCLE_SOURCE = HERE.parents[1] / "reports" / "lifecycle"
VALIDATE_SOURCE = LIFECYCLE_SOURCE / "validate.py"
LINT_SOURCE = LIFECYCLE_SOURCE / "lint.py"


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


def _emitted(path: Path, functions: set[str]) -> dict[str, str]:
    """Every (constraint or code, message id) the source can emit: the string constants given as
    the first two arguments of a call to one of `functions` (validate.py's `_issue`, `err` and
    `PolicyIssue`; lint.py's `_w`), read from the source so a new message cannot be missed."""
    found: dict[str, str] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in functions and len(node.args) >= 2:
            code, message_id = node.args[:2]
            if isinstance(code, ast.Constant) and isinstance(message_id, ast.Constant):
                found[message_id.value] = code.value
    return found


ISSUE_IDS = _emitted(VALIDATE_SOURCE, {"_issue", "err", "PolicyIssue"})
LINT_IDS = _emitted(LINT_SOURCE, {"_w"})
#: How a validation issue or a lint warning says where it is (PolicyIssue.text, LintWarning.text).
WHERE_IDS = ("rule {index} (priority {priority}): {issue}", "rule {index}: {issue}", "policy: {issue}",
             "rule {index} (priority {priority}): {warning}", NOT_EVALUATED)


def test_the_source_scan_finds_every_message():
    assert len(ISSUE_IDS) == 45 and len(LINT_IDS) == 7


@pytest.mark.parametrize("template", sorted(ISSUE_IDS) + sorted(LINT_IDS) + list(WHERE_IDS))
def test_every_message_id_the_code_can_emit_has_a_japanese_translation(template):
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
BAD_TEXTS = ["{}", "{" + " " * 120, json.dumps({"rules": [_rule(description="x" * 31_000)]}), " \n"]


def _issues():
    issues = [i for doc in BAD_DOCUMENTS for i in validate_document(doc)]
    return issues + [i for text in BAD_TEXTS for i in validate_text(text)]


def test_the_corpus_produces_every_constraint_and_message_the_validator_knows():
    issues = _issues()
    assert set(ISSUE_IDS.values()) - {i.constraint for i in issues} == set()
    assert set(ISSUE_IDS) == {i.message_id for i in issues}


def test_every_validation_issue_is_a_fact_that_says_the_english_and_translates():
    for issue in _issues():
        text = issue.text()
        assert text == str(issue) and isinstance(text, Text), str(issue)
        inner = text.params["issue"]
        assert isinstance(inner, Text) and inner.template == issue.message_id and inner.template in JA, str(issue)
        assert inner == issue.message and _templates(text) <= set(JA), str(issue)
        assert from_fact(**to_fact(text)) == text and _templates(from_fact(**to_fact(text))) == _templates(text)
        assert t(text, "ja") != str(issue)
        assert t(from_fact(**to_fact(text)), "ja") == t(text, "ja")


def test_a_message_id_without_a_catalog_entry_stays_english():
    text = from_fact("something new about {key}", '{"key":"\\"x\\""}')
    assert text == 'something new about "x"' and t(text, "ja") == text
    assert from_fact("something new") == "something new" and t(from_fact("something new"), "ja") == "something new"


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


def test_every_lint_warning_is_a_fact_that_says_the_english_and_translates():
    warnings = _warnings()
    assert {w.code for w in warnings} == {"multi-entry-tag-list", "prefix-wildcard", "shadowed-rule", "claimed-today",
                                          "no-op-today", "pull-through-cache-no-policy", "pulled-without-exclusions"}
    assert {w.message_id for w in warnings} == set(LINT_IDS)
    assert all(LINT_IDS[w.message_id] == w.code for w in warnings)
    for row in lint_rows(warnings, ("111122223333", "us-east-1", "web"), "current"):
        text = from_fact(row["message_id"], row["message_params"])
        assert text == row["message"] and isinstance(text, Text), row["message"]
        assert row["message_params"] == params_json(json.loads(row["message_params"]))
        assert _templates(text) & set(LINT_IDS) and _templates(text) <= set(JA), row["message"]
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
    row = lint_frame[lint_frame["code"] == "not-evaluated"].iloc[0]
    message = row["message"]
    text = from_fact(row["message_id"], row["message_params"])
    assert row["message_id"] == NOT_EVALUATED and isinstance(text.params["issues"], Joined)
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
    section = build_lifecycle(concern_tests.SectionCtx(result.tables, result.summary), 6)
    japanese = localize(section, "ja")
    left = residue.english_residue(_html(japanese))
    assert not left, left


def test_the_japanese_pass_leaves_the_english_section_alone():
    result, _ = concern_tests.run()
    section = build_lifecycle(concern_tests.SectionCtx(result.tables, result.summary), 6)
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
        for name in residue.keep_english():
            stripped = stripped.replace(name, " ")
        # prices' sources and statuses are the price table's vocabulary (another catalog)
        if not paragraph.startswith("Prices:"):
            assert not residue.PROSE.search(stripped), japanese


def test_the_methodology_text_has_a_translation_for_every_paragraph():
    # A paragraph that cites a source is a Text: its template (with "{policies}") is the key.
    missing = [p[:80] for p in methodology_paragraphs() if getattr(p, "template", p) not in JA]
    assert not missing
