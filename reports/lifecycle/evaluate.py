"""The offline lifecycle policy evaluator: per image, the rule that acts on it and the action.

Implements the documented evaluation rules (src: ecr-lifecycle-policies), as the official examples
(src: ecr-lifecycle-examples) force them to be read, exactly, vectorised for a whole fleet:
images are sorted once by (policy, repository, youngest first); each distinct policy then works
on one contiguous slice, one boolean mask per rule, counts by a running sum within each
repository. Protection comes from *matching* a higher rule's selection (``claimed``), and counts
include protected images, as the official examples force. Every choice the documentation leaves
open is stated in ``methodology.py``; the tests pin each one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .frame import KEY_COLUMNS, NAT, as_of_ns, image_frame, is_value, ns, strings, tag_lists
from .policy import Policy, Rule, as_policy
from .tags import match_array

DAY_NS = 86_400 * 10**9
ACTIONS = ("EXPIRE", "TRANSITION")
EXPIRE, TRANSITION, NONE = 0, 1, -1
RepoKey = tuple[str, str, str]


def evaluate(policy: Policy | str, images: pd.DataFrame | Iterable[Mapping[str, Any]], as_of: Any, *, children: pd.DataFrame | None = None) -> pd.DataFrame:
    """Evaluate one policy against every repository present in ``images``.

    ``children`` (optional) holds manifest-list references: columns ``parent_digest,
    child_digest`` and, for several repositories, the key columns. Returns one row per input
    image, in input order (see `evaluate_fleet` for the columns).
    """
    pol = as_policy(policy)
    return _evaluate(image_frame(images), lambda key: pol, as_of, children)


def evaluate_fleet(
    images: pd.DataFrame | Iterable[Mapping[str, Any]],
    policies: Mapping[Any, Policy | str | None],
    as_of: Any,
    *,
    children: pd.DataFrame | None = None,
    default: Policy | str | None = None,
) -> pd.DataFrame:
    """Evaluate each repository's own policy, fleet-wide, in one call.

    ``policies`` maps ``(account_id, region, repository_name)`` (or just ``repository_name``) to
    a policy, its text, or None (no policy: nothing is acted on). Repositories not in the map get
    ``default``. Output columns: the key columns, ``image_digest, image_tags, pushed_at,
    size_bytes, image_status``, then ``applied_rule_priority`` (Int64, <NA> when no action),
    ``action`` (EXPIRE|TRANSITION|<NA>), ``target_storage_class`` (ARCHIVE for TRANSITION),
    ``storage_class`` (STANDARD|ARCHIVE), ``held_by_manifest_list`` (a rule hit it but a manifest
    list referencing it stays) and ``follows_subject`` (a referrer given its subject's outcome).
    """
    return evaluate_scenarios(images, {None: policies}, as_of, children=children, default=default)[None]


def evaluate_scenarios(
    images: pd.DataFrame | Iterable[Mapping[str, Any]],
    scenarios: Mapping[Any, Mapping[Any, Policy | str | None]],
    as_of: Any,
    *,
    children: pd.DataFrame | None = None,
    default: Policy | str | None = None,
) -> dict[Any, pd.DataFrame]:
    """`evaluate_fleet` for each policy map of ``scenarios`` (name -> policies), on the same
    images: what does not depend on the policies (codes, times, tags, look-ups) is computed once."""
    parsed: dict[Any, Policy | None] = {}

    def resolve(value: Policy | str | None) -> Policy | None:
        if value is None or isinstance(value, Policy):
            return value
        if value not in parsed:
            parsed[value] = as_policy(value)
        return parsed[value]

    fallback = resolve(default)

    def chooser(policies: Mapping[Any, Policy | str | None]) -> Callable[[RepoKey], Policy | None]:
        def policy_for(key: RepoKey) -> Policy | None:
            if key in policies:
                return resolve(policies[key])
            if key[2] in policies:
                return resolve(policies[key[2]])
            return fallback
        return policy_for

    prepared = _Images(image_frame(images), children)
    return {name: _evaluate_images(prepared, chooser(policies), as_of) for name, policies in scenarios.items()}


def _repo_codes(frame: pd.DataFrame) -> tuple[np.ndarray, list[RepoKey]]:
    """Dense repository codes; factorising columns separately keeps this O(n) on integers."""
    combined = np.zeros(len(frame), dtype=np.int64)
    uniques = []
    for col in KEY_COLUMNS:
        codes, uniq = pd.factorize(frame[col])
        combined = combined * max(len(uniq), 1) + codes
        uniques.append((list(uniq), len(uniq)))
    repo_code, repo_uniq = pd.factorize(combined)
    keys = []
    for value in repo_uniq:
        parts = []
        for uniq, size in reversed(uniques):
            value, part = divmod(int(value), max(size, 1))
            parts.append(str(uniq[part]))
        keys.append(tuple(reversed(parts)))
    return repo_code.astype(np.int64), keys


def _positions(repo_code: np.ndarray, digests: pa.Array, q_repo: np.ndarray, q_digest: np.ndarray) -> np.ndarray:
    """Row of each (q_repo, q_digest) among the images, or -1.

    A hash set of the (few) queried digests filters the million rows first, so only candidate
    rows reach the exact (repository, digest) join.
    """
    if len(q_repo) == 0:
        return np.zeros(0, dtype=np.int64)
    wanted = pa.array(pd.unique(np.asarray(q_digest, dtype=object)), type=pa.string())
    hit = pc.is_in(digests, value_set=wanted).to_numpy(zero_copy_only=False)
    idx = np.flatnonzero(hit & np.isin(repo_code, np.unique(q_repo)))
    right = pd.DataFrame({"r": repo_code[idx], "d": np.asarray(digests.take(pa.array(idx)).to_pylist(), dtype=object), "pos": idx})
    right = right.drop_duplicates(["r", "d"])
    left = pd.DataFrame({"r": np.asarray(q_repo, dtype=np.int64), "d": np.asarray(q_digest, dtype=object)})
    merged = left.merge(right, how="left", on=["r", "d"])
    return merged["pos"].fillna(-1).to_numpy().astype(np.int64)


def _youngest_first(order_key: np.ndarray, repo_code: np.ndarray, pol_code: np.ndarray, digests: pa.Array) -> np.ndarray:
    """Row order: by policy, repository, then youngest first; equal times by ascending digest."""
    rows = np.flatnonzero(pol_code >= 0)
    # Renumber repositories in (policy, repository) order so one integer key groups both.
    n_repo = int(repo_code.max()) + 1 if len(repo_code) else 0
    repo_pol = np.full(n_repo, -1, dtype=np.int64)
    repo_pol[repo_code[rows]] = pol_code[rows]
    rank = np.empty(n_repo, dtype=np.int64)
    rank[np.lexsort((np.arange(n_repo), repo_pol))] = np.arange(n_repo)
    group = rank[repo_code[rows]]
    if n_repo < 2**16 and n_repo * 256 <= len(rows):
        # Few, large repositories: radix-group the rows (O(n) on 16-bit keys), then sort each
        # repository's run by age; a thousand small sorts beat one big one by 3x.
        by_group = np.argsort(group.astype(np.uint16), kind="stable")
        g = group[by_group]
        bounds = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1, len(rows)]
        age = -order_key[rows][by_group]
        perm = np.empty(len(rows), dtype=np.int64)
        for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
            perm[a:b] = a + np.argsort(age[a:b])
        order = rows[by_group[perm]]
    else:
        by_age = np.argsort(-order_key[rows])
        order = rows[by_age[np.argsort(group[by_age], kind="stable")]]
    k, r = order_key[order], repo_code[order]
    tie = (k[1:] == k[:-1]) & (r[1:] == r[:-1])
    if tie.any():
        # Ties are rare in real data (sub-second push times): re-sort only the tied runs, all at
        # once, by (run, digest).
        t = tie.astype(np.int8)
        starts = np.flatnonzero(np.diff(np.r_[0, t]) == 1)
        ends = np.flatnonzero(np.diff(np.r_[t, 0]) == -1) + 2
        lengths = ends - starts
        at = np.repeat(starts - np.r_[0, np.cumsum(lengths)[:-1]], lengths) + np.arange(lengths.sum())
        run_id = np.repeat(np.arange(len(starts)), lengths)
        rows_tied = order[at]
        names = np.asarray(digests.take(pa.array(rows_tied)).to_pylist(), dtype=object).astype(str)
        order[at] = rows_tied[np.lexsort((names, run_id))]
    return order


class _LazyGather:
    """Per-image time arrays in sorted order, computed the first time a rule needs one."""

    def __init__(self, sources: dict[str, Callable[[], np.ndarray]], order: np.ndarray):
        self._sources, self._order, self._done = sources, order, {}

    def __getitem__(self, key: str) -> np.ndarray:
        if key not in self._done:
            self._done[key] = self._sources[key]()[self._order]
        return self._done[key]

    def window(self, a: int, b: int) -> "_Window":
        return _Window(self, a, b)


class _Window:
    """A slice [a, b) of a `_LazyGather`, indexable by count type."""

    def __init__(self, source: _LazyGather, a: int, b: int):
        self._source, self._a, self._b = source, a, b

    def __getitem__(self, key: str) -> np.ndarray:
        return self._source[key][self._a : self._b]


class _Slice:
    """One policy's images (a contiguous run of the sorted fleet) and its cached tag masks."""

    def __init__(self, n: int, repo: np.ndarray, lengths: np.ndarray, tags: pa.Array):
        self.n = n
        new_seg = np.ones(n, dtype=bool)
        new_seg[1:] = repo[1:] != repo[:-1]
        self.seg_id = np.cumsum(new_seg) - 1
        self.seg_starts = np.flatnonzero(new_seg)
        self.tagged = lengths > 0
        self.tags = tags
        self.owner = np.repeat(np.arange(n), lengths)
        self._cache: dict[tuple[str, str], np.ndarray] = {}

    def entry(self, kind: str, entry: str) -> np.ndarray:
        """Images with at least one tag matching the list entry."""
        key = (kind, entry)
        if key not in self._cache:
            mask = np.zeros(self.n, dtype=bool)
            mask[self.owner[match_array(self.tags, kind, entry)]] = True
            self._cache[key] = mask
        return self._cache[key]

    def rank(self, cand: np.ndarray) -> np.ndarray:
        """0-based position of each candidate among its repository's candidates, youngest first."""
        before = np.cumsum(cand) - cand
        return before - before[self.seg_starts][self.seg_id]


def _rule_hits(rule: Rule, cand: np.ndarray, sl: _Slice, t: _Window, now: int) -> np.ndarray:
    """The candidates this rule would act on if nothing protected them (the reference algorithm's ``hits``)."""
    sel = rule.selection
    if sel.count_type == "imageCountMoreThan":
        return cand & (sl.rank(cand) >= sel.count_number)
    stamp = t[sel.count_type]
    # Strictly older than N days, measured exactly in nanoseconds (methodology: day boundary).
    return cand & (stamp != NAT) & (now - stamp > sel.count_number * DAY_NS)


class _Images:
    """What every evaluation of one images frame shares, computed once however many scenarios
    (policy maps) are evaluated on it: repository codes, storage, times, tags, and the digest
    look-ups (referrers' subjects, manifest-list edges)."""

    def __init__(self, frame: pd.DataFrame, children: pd.DataFrame | None):
        self.frame, self.children, self.n = frame, children, len(frame)
        self.repo_code, self.repo_keys = _repo_codes(frame)
        self.digests = strings(frame["image_digest"])
        self.active = is_value(frame["image_status"], "ACTIVE")
        self.archived = is_value(frame["image_status"], "ARCHIVED")
        self.in_archive = self.archived | is_value(frame["image_status"], "ACTIVATING")
        self.order_key, self.sources = _time_sources(frame)
        self._tags: pa.ListArray | None = None
        self._lookups: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def tags(self) -> pa.ListArray:
        if self._tags is None:
            self._tags = tag_lists(self.frame["image_tags"])
        return self._tags

    def sorted_inputs(self, pol_code: np.ndarray) -> tuple[np.ndarray, pa.ListArray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """The evaluation order for these policy codes, the tags in that order, and the look-ups
        (subject row of each image, manifest-list parent and child rows)."""
        if self._lookups is not None:
            order = _youngest_first(self.order_key, self.repo_code, pol_code, self.digests)
            return order, pc.take(self.tags(), pa.array(order)), self._lookups
        # The look-ups run in C with the GIL released, so the first time they overlap the sort
        # and the tag conversion on a second core.
        with ThreadPoolExecutor(max_workers=1) as pool:
            subjects = pool.submit(_subjects, self.frame, self.repo_code, self.digests)
            edges = pool.submit(_edge_positions, self.children, self.repo_code, self.repo_keys, self.digests)
            order = _youngest_first(self.order_key, self.repo_code, pol_code, self.digests)
            tags_sorted = pc.take(self.tags(), pa.array(order))
            self._lookups = (subjects.result(), *edges.result())
        return order, tags_sorted, self._lookups


def _evaluate(frame: pd.DataFrame, policy_for: Callable[[RepoKey], Policy | None], as_of: Any,
              children: pd.DataFrame | None) -> pd.DataFrame:
    return _evaluate_images(_Images(frame, children), policy_for, as_of)


def _evaluate_images(images: _Images, policy_for: Callable[[RepoKey], Policy | None], as_of: Any) -> pd.DataFrame:
    now = as_of_ns(as_of)
    pols, pol_code = _policy_codes(images.repo_keys, images.repo_code, policy_for)
    order, tags_sorted, (subject_pos, parent, child) = images.sorted_inputs(pol_code)
    follower = subject_pos >= 0

    times = _LazyGather(images.sources, order)  # only the count types some policy uses are gathered
    storage = {"standard": images.active[order], "archive": images.archived[order]}
    prio_s, act_s = _mark_sorted(pols, pol_code[order], images.repo_code[order], tags_sorted, times, storage,
                                 ~follower[order], now)
    prio_o = np.zeros(images.n, dtype=np.int64)
    act_o = np.full(images.n, NONE, dtype=np.int8)
    prio_o[order], act_o[order] = prio_s, act_s
    held = _hold_manifest_children(parent, child, images.archived, prio_o, act_o)
    _follow_subjects(subject_pos, images.active, prio_o, act_o)
    return _result(images.frame, prio_o, act_o, held, follower, images.in_archive)


def _policy_codes(repo_keys: list[RepoKey], repo_code: np.ndarray,
                  policy_for: Callable[[RepoKey], Policy | None]) -> tuple[list[Policy], np.ndarray]:
    """The distinct policies, and each image's index into them (-1: its repository has none)."""
    pols: list[Policy] = []
    pol_ids: dict[Policy, int] = {}
    repo_pol = np.full(len(repo_keys), -1, dtype=np.int64)
    for code, key in enumerate(repo_keys):
        pol = policy_for(key)
        if pol is not None:
            repo_pol[code] = pol_ids.setdefault(pol, len(pols))
            if repo_pol[code] == len(pols):
                pols.append(pol)
    return pols, repo_pol[repo_code] if len(repo_code) else np.zeros(0, dtype=np.int64)


def _time_sources(frame: pd.DataFrame) -> tuple[np.ndarray, dict[str, Callable[[], np.ndarray]]]:
    """The ordering time of each image, and the time each age count type measures from."""
    pushed = ns(frame["pushed_at"])
    pulled = ns(frame["last_pull_at"])
    arch_at = ns(frame["last_archived_at"])
    act_at = ns(frame["last_activated_at"])
    restored = act_at != NAT
    order_key = np.where(restored, act_at, pushed)  # src: ecr-lifecycle-policies: last_activated_at replaces push time

    def pull_key() -> np.ndarray:
        return np.where(restored, np.maximum(pulled, act_at), np.where(pulled != NAT, pulled, pushed))

    return order_key, {"sinceImagePushed": lambda: order_key, "sinceImagePulled": pull_key,
                       "sinceImageTransitioned": lambda: arch_at}


def _mark_sorted(pols: list[Policy], s_pol: np.ndarray, repo_sorted: np.ndarray, tags_sorted: pa.Array,
                 times: _LazyGather, storage: dict[str, np.ndarray], eligible: np.ndarray,
                 now: int) -> tuple[np.ndarray, np.ndarray]:
    """Applied rule priority and action of each image, in sorted order (images grouped by policy)."""
    lengths = pc.fill_null(pc.list_value_length(tags_sorted), 0).to_numpy().astype(np.int64)
    flat = tags_sorted.flatten()
    offsets = np.r_[0, np.cumsum(lengths)]
    prio_s = np.zeros(len(s_pol), dtype=np.int64)
    act_s = np.full(len(s_pol), NONE, dtype=np.int8)
    bounds = np.r_[0, np.flatnonzero(s_pol[1:] != s_pol[:-1]) + 1, len(s_pol)]
    for a, b in zip(bounds[:-1], bounds[1:]):
        if a == b:
            continue
        sl = _Slice(b - a, repo_sorted[a:b], lengths[a:b], flat.slice(offsets[a], offsets[b] - offsets[a]))
        window = {cls: images[a:b] for cls, images in storage.items()}
        # prio_s[a:b] and act_s[a:b] are views: the policy's marks land in prio_s / act_s
        _apply_policy(pols[s_pol[a]], sl, times.window(a, b), window, eligible[a:b], now, prio_s[a:b], act_s[a:b])
    return prio_s, act_s


def _apply_policy(policy: Policy, sl: _Slice, t: _Window, storage: dict[str, np.ndarray], eligible: np.ndarray,
                  now: int, prio: np.ndarray, act: np.ndarray) -> None:
    """Mark, in place, what each rule of one policy acts on among that policy's images."""
    claimed = np.zeros(sl.n, dtype=bool)
    for rule in policy.rules:
        sel = rule.selection
        cand = storage[sel.storage_class] & eligible
        if sel.tag_status == "tagged":
            cand &= sl.tagged
            for kind, entry in rule.tag_entries:
                cand &= sl.entry(kind, entry)
        elif sel.tag_status == "untagged":
            cand &= ~sl.tagged
        fresh = _rule_hits(rule, cand, sl, t, now) & ~claimed
        prio[fresh] = rule.priority
        act[fresh] = EXPIRE if rule.action.type == "expire" else TRANSITION
        claimed |= cand  # protection comes from matching, not from being marked


def _subjects(frame: pd.DataFrame, repo_code: np.ndarray, digests: pa.Array) -> np.ndarray:
    """Row of each referrer's root subject in the same repository, else -1 (not a follower)."""
    column = frame["subject_digest"]
    refs = np.flatnonzero(np.asarray(column.notna(), dtype=bool))
    pos = np.full(len(frame), -1, dtype=np.int64)
    if len(refs):
        subj = np.asarray(column.iloc[refs].to_numpy(dtype=object), dtype=object)
        own = np.asarray(digests.take(pa.array(refs)).to_pylist(), dtype=object)
        keep = (subj != "") & (subj != own)
        refs, subj = refs[keep], subj[keep]
        pos[refs] = _positions(repo_code, digests, repo_code[refs], subj)
        for _ in range(8):  # a signature of an SBOM of an image: follow the chain to the root
            deeper = (pos >= 0) & (pos[np.maximum(pos, 0)] >= 0)
            if not deeper.any():
                break
            pos[deeper] = pos[pos[deeper]]
    return pos


def _edge_positions(children: pd.DataFrame | None, repo_code: np.ndarray, repo_keys: list[RepoKey], digests: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Rows of each (manifest list, child) pair present in the same repository."""
    empty = np.zeros(0, dtype=np.int64)
    if children is None or len(children) == 0 or len(repo_code) == 0:
        return empty, empty
    code_of = {key: code for code, key in enumerate(repo_keys)}
    cols = [children[c].to_numpy(dtype=object) if c in children.columns else np.full(len(children), "", dtype=object) for c in KEY_COLUMNS]
    e_repo = np.fromiter((code_of.get(k, -1) for k in zip(*cols)), dtype=np.int64, count=len(children))
    q = np.r_[children["parent_digest"].to_numpy(dtype=object), children["child_digest"].to_numpy(dtype=object)]
    both = _positions(repo_code, digests, np.r_[e_repo, e_repo], q)
    parent, child = both[: len(children)], both[len(children) :]
    ok = (parent >= 0) & (child >= 0)
    return parent[ok], child[ok]


def _hold_manifest_children(parent: np.ndarray, child: np.ndarray, archived: np.ndarray, prio: np.ndarray, act: np.ndarray) -> np.ndarray:
    """Undo actions on images still referenced by a manifest list that is neither acted on nor archived."""
    held = np.zeros(len(prio), dtype=bool)
    while len(child):  # a held child may itself be a list holding its own children
        acted = act >= 0
        blocked = acted[child] & ~(acted[parent] | archived[parent])
        if not blocked.any():
            break
        c = child[blocked]
        act[c], prio[c], held[c] = NONE, 0, True
    return held


def _follow_subjects(subject_pos: np.ndarray, active: np.ndarray, prio: np.ndarray, act: np.ndarray) -> None:
    """Referrers take their subject's outcome; a transition only moves a referrer still ACTIVE."""
    f = np.flatnonzero(subject_pos >= 0)
    if not len(f):
        return
    s = subject_pos[f]
    a = act[s].copy()
    a[(a == TRANSITION) & ~active[f]] = NONE
    act[f] = a
    prio[f] = np.where(a >= 0, prio[s], 0)


def _result(frame: pd.DataFrame, prio: np.ndarray, act: np.ndarray, held: np.ndarray, follower: np.ndarray, in_archive: np.ndarray) -> pd.DataFrame:
    out = frame[[*KEY_COLUMNS, "image_digest", "image_tags", "pushed_at", "size_bytes", "image_status"]]
    return out.assign(
        applied_rule_priority=pd.arrays.IntegerArray(prio, prio == 0),
        action=pd.Categorical.from_codes(act, categories=list(ACTIONS)),
        target_storage_class=pd.Categorical.from_codes(np.where(act == TRANSITION, 0, -1).astype(np.int8), categories=["ARCHIVE"]),
        storage_class=pd.Categorical.from_codes(in_archive.astype(np.int8), categories=["STANDARD", "ARCHIVE"]),
        held_by_manifest_list=held,
        follows_subject=follower,
    )
