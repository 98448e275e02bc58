"""Lifecycle policy texts used by the demo fleet, and a minimal evaluator to pre-age the fleet.

The evaluator (the reference algorithm of src: ecr-lifecycle-policies, ecr-lifecycle-examples) is used only while *generating*
the fleet: repositories whose policy is good should look like AWS has been applying it, so
images the policy removed long ago are gone (or archived) and only what became eligible since
``lastEvaluatedAt`` is left for the report to find.  It is not the product's lifecycle engine.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache


def _rule(priority, description, selection, action):
    return {"rulePriority": priority, "description": description, "selection": selection, "action": action}


EXPIRE = {"type": "expire"}
ARCHIVE = {"type": "transition", "targetStorageClass": "archive"}

POLICIES: dict[str, dict] = {
    "good_count": {"rules": [
        _rule(1, "Expire untagged images older than 7 days",
              {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 7}, EXPIRE),
        _rule(2, "Keep the last 15 production releases",
              {"tagStatus": "tagged", "tagPatternList": ["prod-*"], "countType": "imageCountMoreThan", "countNumber": 15}, EXPIRE),
        _rule(3, "Keep at most 60 images in total",
              {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 60}, EXPIRE),
    ]},
    "archive": {"rules": [
        _rule(1, "Expire untagged images older than 14 days",
              {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 14}, EXPIRE),
        _rule(2, "Archive images not pulled for 90 days",
              {"tagStatus": "any", "countType": "sinceImagePulled", "countUnit": "days", "countNumber": 90}, ARCHIVE),
        _rule(3, "Delete images archived for more than a year",
              {"tagStatus": "any", "storageClass": "archive", "countType": "sinceImageTransitioned",
               "countUnit": "days", "countNumber": 365}, EXPIRE),
    ]},
    "legacy_prefix": {"rules": [
        _rule(1, "Keep the last 30 v-tagged releases",
              {"tagStatus": "tagged", "tagPrefixList": ["v"], "countType": "imageCountMoreThan", "countNumber": 30}, EXPIRE),
    ]},
    "noop": {"rules": [
        _rule(1, "Expire untagged images after ten years",
              {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 3650}, EXPIRE),
    ]},
    "ml": {"rules": [
        _rule(1, "Expire experiment builds after 30 days",
              {"tagStatus": "tagged", "tagPatternList": ["exp-*"], "countType": "sinceImagePushed",
               "countUnit": "days", "countNumber": 30}, EXPIRE),
        _rule(2, "Expire untagged images after 1 day",
              {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1}, EXPIRE),
    ]},
    "cache_template": {"rules": [
        _rule(1, "Keep the 10 most recently cached images",
              {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 10}, EXPIRE),
    ]},
}


def policy_text(kind: str) -> str:
    """Compact JSON text of a policy (as ``GetLifecyclePolicy`` returns it); >= 100 chars."""
    text = json.dumps(POLICIES[kind], separators=(",", ":"))
    assert 100 <= len(text) <= 30720
    return text


@lru_cache(maxsize=256)
def _wild(pattern: str) -> re.Pattern:
    return re.compile(".*".join(re.escape(p) for p in pattern.split("*")))


def _tags_match(selection: dict, tags) -> bool:
    status = selection["tagStatus"]
    if status == "untagged":
        return not tags
    if status == "any":
        return True
    if not tags:
        return False
    if "tagPatternList" in selection:
        return all(any(_wild(p).fullmatch(t) for t in tags) for p in selection["tagPatternList"])
    return all(any(t.startswith(p) for t in tags) for p in selection.get("tagPrefixList", ()))


def evaluate(policy: dict, drafts, eval_ago: float) -> dict[int, tuple[str, float | None]]:
    """Apply ``policy`` to draft images at ``eval_ago`` days before ``as_of``.

    ``drafts`` items need ``tags``, ``pushed_ago``, ``pull_ago``, ``activated_ago``, ``archived``,
    ``archived_ago`` and ``protected`` (manifest-list children and referrers, which follow their
    parent).  Returns ``{index: (action, eligible_ago)}`` with action ``expire``/``transition``
    and the day (days before as_of) the image crossed the rule's threshold, when known.
    """
    claimed: set[int] = set()
    acted: dict[int, tuple[str, float | None]] = {}
    for rule in sorted(policy["rules"], key=lambda r: r["rulePriority"]):
        sel = rule["selection"]
        want_archive = sel.get("storageClass", "standard") == "archive"
        cand = [i for i, d in enumerate(drafts)
                if d.pushed_ago >= eval_ago and d.archived == want_archive and _tags_match(sel, d.tags)]
        count_type, number = sel["countType"], sel["countNumber"]
        hits: list[tuple[int, float | None]] = []
        if count_type == "imageCountMoreThan":
            order = sorted(cand, key=lambda i: _push_ref(drafts[i]))
            hits = [(i, None) for i in order[number:]]
        else:
            for i in cand:
                ref = _age_ref(drafts[i], count_type)
                if ref is not None and ref - eval_ago > number:
                    hits.append((i, ref - number))
        action = "transition" if rule["action"]["type"] == "transition" else "expire"
        for i, eligible in hits:
            if i not in claimed and i not in acted and not drafts[i].protected:
                acted[i] = (action, eligible)
        claimed.update(cand)
    return acted


def _push_ref(d) -> float:
    return d.pushed_ago if d.activated_ago is None else min(d.pushed_ago, d.activated_ago)


def _age_ref(d, count_type: str):
    if count_type == "sinceImagePushed":
        return _push_ref(d)
    if count_type == "sinceImagePulled":
        refs = [d.pushed_ago] + [x for x in (d.pull_ago, d.activated_ago) if x is not None]
        return min(refs)
    return d.archived_ago  # sinceImageTransitioned
