"""A deliberately simple lifecycle evaluator: aws-facts.md §1.6 pseudo-code, image by image.

Used as the oracle of the differential test and as the baseline of benchmarks/lifecycle.py. It
reads the policy JSON itself and loops in plain Python so that it shares no code with the fast
evaluator, but it makes the same documented choices (methodology): strict "older than" on exact
time, ties in push time broken by digest (smaller digest counts as younger), last_activated_at in
place of push time after a restore, manifest-list children held while a referencing list stays,
referrers following their subject.
"""

from __future__ import annotations

import json
import math
import re
from datetime import timedelta

KEYS = ("account_id", "region", "repository_name")


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or str(v) == "NaT"


def _matches(kind: str, entry: str, tag: str) -> bool:
    if kind == "prefix":
        return tag.startswith(entry)
    regex = "".join(".*" if c == "*" else re.escape(c) for c in entry)
    return re.fullmatch(regex, tag, re.DOTALL) is not None


def selected(selection: dict, image: dict) -> bool:
    storage = selection.get("storageClass", "standard")
    if image["image_status"] != ("ACTIVE" if storage == "standard" else "ARCHIVED"):
        return False
    tags = list(image["image_tags"] or ())
    status = selection["tagStatus"]
    if status == "untagged":
        return not tags
    if status == "tagged":
        if not tags:
            return False
        entries = [("pattern", e) for e in selection.get("tagPatternList", [])] + [("prefix", e) for e in selection.get("tagPrefixList", [])]
        for kind, entry in entries:  # ALL of the list, each by any one tag
            if not any(_matches(kind, entry, t) for t in tags):
                return False
    return True


def order_time(image: dict):
    return image["pushed_at"] if _missing(image.get("last_activated_at")) else image["last_activated_at"]


def _age_time(count_type: str, image: dict):
    if count_type == "sinceImagePushed":
        return order_time(image)
    if count_type == "sinceImagePulled":
        pulled, activated = image.get("last_pull_at"), image.get("last_activated_at")
        if not _missing(activated):
            return pulled if not _missing(pulled) and pulled > activated else activated
        return image["pushed_at"] if _missing(pulled) else pulled
    value = image.get("last_archived_at")
    return None if _missing(value) else value


def reference_evaluate(policy_text: str, images: list[dict], as_of, children: list[dict] = ()) -> dict:
    """{(account_id, region, repository_name, digest): (priority, "EXPIRE"|"TRANSITION")} for acted images."""
    rules = sorted(json.loads(policy_text)["rules"], key=lambda r: r["rulePriority"])
    repos: dict[tuple, list[dict]] = {}
    for image in images:
        repos.setdefault(tuple(image.get(k) or "" for k in KEYS), []).append(image)
    result = {}
    for repo, imgs in repos.items():
        by_digest = {i["image_digest"]: i for i in imgs}
        followers = _followers(imgs, by_digest)
        acted = _rules_act(rules, imgs, followers, as_of)
        edges = [(e["parent_digest"], e["child_digest"]) for e in children if tuple(e.get(k) or "" for k in KEYS) == repo]
        _hold_children(edges, acted, by_digest)
        for digest, root in followers.items():
            if root in acted:
                prio, action = acted[root]
                if action == "EXPIRE" or by_digest[digest]["image_status"] == "ACTIVE":
                    acted[digest] = (prio, action)
        for digest, value in acted.items():
            result[(*repo, digest)] = value
    return result


def _followers(imgs: list[dict], by_digest: dict[str, dict]) -> dict[str, str]:
    """Each referrer's root subject in the repository (chains followed up to 8 deep)."""
    followers = {}
    for i in imgs:
        subject = i.get("subject_digest")
        if not _missing(subject) and subject in by_digest and subject != i["image_digest"]:
            root = subject
            for _ in range(8):
                nxt = by_digest[root].get("subject_digest")
                if _missing(nxt) or nxt not in by_digest or nxt == root:
                    break
                root = nxt
            followers[i["image_digest"]] = root
    return followers


def _rules_act(rules: list[dict], imgs: list[dict], followers: dict[str, str], as_of) -> dict[str, tuple]:
    """digest -> (priority, action) of the first rule that marks each image (matching protects)."""
    claimed, acted = set(), {}
    for rule in rules:
        sel = rule["selection"]
        cand = [i for i in imgs if i["image_digest"] not in followers and selected(sel, i)]
        if sel["countType"] == "imageCountMoreThan":
            youngest_first = sorted(cand, key=lambda i: (-order_time(i).value, i["image_digest"]))
            hits = youngest_first[sel["countNumber"]:]
        else:
            limit = timedelta(days=sel["countNumber"])
            hits = []
            for i in cand:
                t = _age_time(sel["countType"], i)
                if t is not None and as_of - t > limit:
                    hits.append(i)
        for i in hits:
            d = i["image_digest"]
            if d not in claimed and d not in acted:
                acted[d] = (rule["rulePriority"], "EXPIRE" if rule["action"]["type"] == "expire" else "TRANSITION")
        claimed |= {i["image_digest"] for i in cand}
    return acted


def _hold_children(edges: list[tuple[str, str]], acted: dict[str, tuple], by_digest: dict[str, dict]) -> None:
    """Drop, in place, the action on a child whose manifest list stays (not acted on, not archived)."""
    changed = True
    while changed:
        changed = False
        for parent, child in edges:
            if child in acted and parent in by_digest and parent not in acted and by_digest[parent]["image_status"] != "ARCHIVED":
                del acted[child]
                changed = True
