"""The lifecycle policy model: frozen, hashable dataclasses built from validated policy text.

`parse_policy` refuses anything ECR would refuse (see `validate.py`), so the evaluator and the
linter can trust every field. Policies are hashable so a fleet can be grouped by policy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .validate import PolicyValidationError, validate_text


@dataclass(frozen=True)
class Selection:
    """Which images a rule looks at, and the count condition that makes it act."""

    tag_status: str
    """``tagged`` | ``untagged`` | ``any``."""
    tag_patterns: tuple[str, ...] = ()
    """``tagPatternList`` entries (``*`` wildcard); ALL must each match one of the image's tags."""
    tag_prefixes: tuple[str, ...] = ()
    """``tagPrefixList`` entries (plain prefixes); ALL must each prefix one of the image's tags."""
    storage_class: str = "standard"
    """``standard`` (ACTIVE images) or ``archive`` (ARCHIVED images)."""
    count_type: str = "imageCountMoreThan"
    count_unit: str | None = None
    count_number: int = 1


@dataclass(frozen=True)
class Action:
    """What a rule does to the images it marks."""

    type: str
    """``expire`` | ``transition``."""
    target_storage_class: str | None = None
    """``archive`` for ``transition``; None for ``expire``."""


@dataclass(frozen=True)
class Rule:
    """One policy rule."""

    priority: int
    selection: Selection
    action: Action
    description: str | None = None
    index: int = 0
    """1-based position in the policy text, for messages."""

    @property
    def label(self) -> str:
        """``rule N (priority P)``, the prefix every message about this rule uses."""
        return f"rule {self.index} (priority {self.priority})"

    @property
    def tag_entries(self) -> tuple[tuple[str, str], ...]:
        """The tag list as ``(kind, entry)`` pairs, kind ``pattern`` or ``prefix``."""
        return tuple(("pattern", p) for p in self.selection.tag_patterns) + tuple(
            ("prefix", p) for p in self.selection.tag_prefixes
        )


@dataclass(frozen=True)
class Policy:
    """A validated lifecycle policy; ``rules`` sorted by priority (lowest number first)."""

    rules: tuple[Rule, ...]
    text: str = ""

    def __post_init__(self) -> None:
        # Hashing walks every rule; a fleet hashes the same policy once per repository.
        object.__setattr__(self, "_hash", hash(self.rules))

    def __hash__(self) -> int:  # the text is not semantics: equal rules, equal policy
        return self._hash  # type: ignore[attr-defined]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Policy) and self.rules == other.rules


def parse_policy(text: str) -> Policy:
    """Parse and validate lifecycle policy text; raises `PolicyValidationError` listing every issue."""
    issues = validate_text(text)
    if issues:
        raise PolicyValidationError(issues)
    doc = json.loads(text)
    rules = []
    for index, raw in enumerate(doc["rules"], start=1):
        sel = raw["selection"]
        act = raw["action"]
        rules.append(
            Rule(
                priority=raw["rulePriority"],
                selection=Selection(
                    tag_status=sel["tagStatus"],
                    tag_patterns=tuple(sel.get("tagPatternList", ())),
                    tag_prefixes=tuple(sel.get("tagPrefixList", ())),
                    storage_class=sel.get("storageClass", "standard"),
                    count_type=sel["countType"],
                    count_unit=sel.get("countUnit"),
                    count_number=sel["countNumber"],
                ),
                action=Action(type=act["type"], target_storage_class=act.get("targetStorageClass")),
                description=raw.get("description"),
                index=index,
            )
        )
    return Policy(rules=tuple(sorted(rules, key=lambda r: r.priority)), text=text)


def as_policy(policy: Policy | str) -> Policy:
    """Accept a parsed policy or its text."""
    return policy if isinstance(policy, Policy) else parse_policy(policy)
