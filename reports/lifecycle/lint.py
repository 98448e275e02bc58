"""Warnings for lifecycle policies ECR accepts but that probably do not do what was meant.

Static checks need only the policy; the "today" checks also take the repository's images and an
``as_of``. Facts the report layer collects elsewhere come in as plain parameters: whether the
repository was created by a pull-through cache rule, and the registry's pull-time update
exclusions (``ListPullTimeUpdateExclusions``; None when unknown).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..text import Text, msg
from .evaluate import evaluate
from .frame import KEY_COLUMNS, image_frame
from .policy import Policy, Rule
from .tags import list_covers, match_one


@dataclass(frozen=True)
class LintWarning:
    """One suspicious property of a policy (or of a repository without one)."""

    code: str
    """Stable identifier: multi-entry-tag-list, prefix-wildcard, shadowed-rule, claimed-today,
    no-op-today, pull-through-cache-no-policy, pulled-without-exclusions."""
    message_id: str
    """What is suspicious, as a message id: the English template (`reports.text.msg`)."""
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)
    """The template's parameters (tag lists and entries as shown, counts, rule numbers, dates)."""
    rule_priority: int | None = None
    rule_index: int | None = None
    repository: str | None = None

    @property
    def message(self) -> Text:
        """The warning in English (translatable), without the rule it is about."""
        return Text(self.message_id, self.params)

    def text(self) -> Text:
        """The warning with its rule, as the `lifecycle_lint` table's message column says it."""
        if self.rule_priority is None:
            return self.message
        return msg("rule {index} (priority {priority}): {warning}", index=self.rule_index,
                   priority=self.rule_priority, warning=self.message)

    def __str__(self) -> str:
        where = f"{self.repository}: " if self.repository else ""
        return f"warning: {where}{self.text()}"


def _w(code: str, message_id: str, rule: Rule | None = None, repository: str | None = None, /,
       **params: Any) -> LintWarning:
    """A warning about ``rule`` (None: about the policy or the repository); ``params`` fill ``message_id``."""
    return LintWarning(code, message_id, params, rule.priority if rule else None, rule.index if rule else None,
                       repository)


def lint(
    policy: Policy | None,
    images: pd.DataFrame | Iterable[Mapping[str, Any]] | None = None,
    as_of: Any = None,
    *,
    children: pd.DataFrame | None = None,
    created_by_pull_through_cache: bool = False,
    pull_time_update_exclusions: Sequence[str] | None = None,
    repository: str | None = None,
    acted: np.ndarray | None = None,
    one_repository: bool = False,
) -> list[LintWarning]:
    """All warnings for ``policy`` (None: the repository has no policy).

    ``acted`` (optional, one bool per row of ``images``): whether the policy acts on each image
    today, when the caller has already evaluated it (the fleet-wide evaluation gives the same
    answer per repository); without it the policy is evaluated here. ``one_repository``: the
    images are all one repository's (a slice of the fleet), so they are not grouped again."""
    if policy is None:
        if created_by_pull_through_cache:
            return [_w("pull-through-cache-no-policy", "repository was created by a pull-through cache rule and has no "
                       "lifecycle policy: cached images accumulate (and are billed) until deleted by hand",
                       None, repository)]
        return []
    out = static_warnings(policy)
    if pull_time_update_exclusions is not None and not pull_time_update_exclusions:
        for rule in policy.rules:
            if rule.selection.count_type == "sinceImagePulled":
                out.append(_w("pulled-without-exclusions", "uses sinceImagePulled but the registry registers no pull-time "
                              "update exclusion: scanners' and replication's own pulls may keep refreshing pull "
                              "times so images never age out", rule, repository))
    if images is not None:
        if as_of is None:
            raise ValueError("as_of is required with images")
        out.extend(image_warnings(policy, images, as_of, children=children, repository=repository,
                                  acted=acted, one_repository=one_repository))
    return out


def static_warnings(policy: Policy) -> list[LintWarning]:
    """Warnings decidable from the policy text alone."""
    out = []
    for rule in policy.rules:
        sel = rule.selection
        for key, entries in (("tagPatternList", sel.tag_patterns), ("tagPrefixList", sel.tag_prefixes)):
            if len(entries) > 1:
                out.append(_w("multi-entry-tag-list", "{key} {entries} selects only images carrying tags that match "
                              "ALL {n} entries (AND, not OR); for OR write one rule per entry", rule,
                              key=key, entries=str(list(entries)), n=len(entries)))
        for entry in sel.tag_prefixes:
            if "*" in entry:
                out.append(_w("prefix-wildcard", "tagPrefixList entry {entry} contains '*', which a prefix list takes "
                              "literally (no tag can contain it); use tagPatternList for wildcards", rule,
                              entry=repr(entry)))
    for i, rule in enumerate(policy.rules):
        for higher in policy.rules[:i]:
            if _covers(higher, rule):
                out.append(_w("shadowed-rule", "can never act: every image it could select also matches the selection "
                              "of rule {rule} (priority {priority}), which claims it first", rule,
                              rule=higher.index, priority=higher.priority))
                break
    return out


def _covers(higher: Rule, lower: Rule) -> bool:
    """Does ``higher``'s selection contain every image ``lower``'s selection can ever hold?"""
    h, lo = higher.selection, lower.selection
    if h.storage_class != lo.storage_class:
        return False
    if h.tag_status == "any":
        return True
    if h.tag_status == "untagged" or lo.tag_status != "tagged":
        return h.tag_status == lo.tag_status == "untagged"
    return list_covers(higher.tag_entries, lower.tag_entries)


def image_warnings(policy: Policy, images: pd.DataFrame | Iterable[Mapping[str, Any]], as_of: Any, *,
                   children: pd.DataFrame | None = None, repository: str | None = None,
                   acted: np.ndarray | None = None, one_repository: bool = False) -> list[LintWarning]:
    """Warnings about what the policy does to these images today, per repository (``acted``,
    ``one_repository``: see `lint`)."""
    frame = image_frame(images)
    out: list[LintWarning] = []
    if frame.empty:
        return out
    if acted is None:
        acted = evaluate(policy, frame, as_of, children=children)["action"].notna().to_numpy()
    elif len(acted) != len(frame):
        raise ValueError(f"acted has {len(acted)} values for {len(frame)} images")
    # A fleet's per-repository slice is one group already: grouping it again was most of the
    # lint table's time over an organization's thousands of small repositories.
    groups = ({(repository,): np.arange(len(frame))} if one_repository else
              frame.groupby(list(KEY_COLUMNS), sort=True).indices)
    for key, idx in groups.items():
        repo = repository or "/".join(str(k) for k in key if k) or None
        out.extend(repository_image_warnings(policy, _image_rows(frame.iloc[idx]), bool(acted[idx].any()), as_of, repo))
    return out


def repository_image_warnings(policy: Policy, rows: list[ImageRow], acted: bool, as_of: Any,
                              repository: str | None) -> list[LintWarning]:
    """What the policy does today to one repository's images: its `image_rows`, and whether
    the policy acts on any of them (``acted``)."""
    out: list[LintWarning] = []
    if not acted:
        out.append(_w("no-op-today", "expires or archives nothing among the repository's {n} images as of "
                      "{as_of}; the policy still passes Security Hub ECR.3", None, repository,
                      n=len(rows), as_of=pd.Timestamp(as_of).isoformat()))
    claimed = np.zeros(len(rows), dtype=bool)
    for rule in policy.rules:
        cand = _candidates(rule, rows)
        if cand.any() and (cand <= claimed).all():
            out.append(_w("claimed-today", "all {n} of its candidates are claimed today by higher-priority rules, "
                          "so it acts on none of them", rule, repository, n=int(cand.sum())))
        claimed |= cand
    return out


ImageRow = tuple[tuple[str, ...], Any, bool]
"""(tags, image_status, is a referrer of an image in the same repository)"""


def _image_rows(sub: pd.DataFrame) -> list[ImageRow]:
    """`image_rows` of one repository's images (a frame)."""
    return image_rows(sub["image_tags"], sub["image_status"].to_numpy(), sub["subject_digest"].to_numpy(),
                      sub["image_digest"].tolist())


def image_rows(tags: Iterable[Any], status: Sequence[Any], subjects: Sequence[Any], digests: Sequence[Any]) -> list[ImageRow]:
    """(tags, image_status, is a referrer of an image here) per image of one repository, given
    its columns (read once per repository, not once per rule)."""
    present = set(digests)
    return [(tuple(t) if isinstance(t, (tuple, list)) else (), st,
             isinstance(s, str) and s in present and s != d)
            for t, st, s, d in zip(tags, status, subjects, digests)]


def _candidates(rule: Rule, rows: list[ImageRow]) -> np.ndarray:
    """The rule's selection over one repository's images (`_image_rows`), image by image."""
    sel = rule.selection
    out = []
    for tags, st, follower in rows:
        ok = (st == ("ACTIVE" if sel.storage_class == "standard" else "ARCHIVED")) and not follower
        if sel.tag_status == "tagged":
            ok = ok and bool(tags) and all(any(match_one(k, e, t) for t in tags) for k, e in rule.tag_entries)
        elif sel.tag_status == "untagged":
            ok = ok and not tags
        out.append(ok)
    return np.array(out, dtype=bool)
