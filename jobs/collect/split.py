"""Collecting a fleet in several processes, an account's registries in one of them.

Why: one collecting process is bound by its CPU well before the network. botocore decodes and
parses every response in Python, and the demo's emulated AWS answers in the same process; all
of a process's threads share one interpreter lock. The scale-40 demo's collection kept one
core busy for ~20 s while the machine's second core had little to do. With one process per
core (`[aws] collect_processes`), the parts run side by side.

What keeps the evidence that of one process (tests/collect/test_split.py compares the raw/
trees):
* An account's registries stay in one process, so each member role is assumed once, as in one
  process (two processes would each assume it: an extra call, other evidence).
* Every unit keeps its position in the whole list, so its calls are numbered in the order a
  one-thread run makes them, whichever process collects it; each unit's files are written by
  the process that collects it.
* What was recorded before the split (the caller's identity, discovery) is written before it:
  no process holds it twice.
* A call filed under a registry another process collects (an `AssumeRole` under the caller's
  own registry) is handed back to this process when its part ends
  (`EvidenceRecorder.hand_over`) and numbered with this process's own at the end, in one-thread
  order.
* The processes share `max_workers`: no more registries are collected at once than configured
  (the API's rate limits are per account and region, not per process).

The first part is collected in this process, the others in forked children (jobs/apart.py:
their logs are handled here, their exceptions raised here, and they die with this process).
"""

from __future__ import annotations

import gc
from typing import Callable, Sequence

from .. import apart, forked
from ..evidence import EvidenceRecorder, HandedOver
from .context import CollectionError
from .unit import Unit

CollectPart = Callable[..., list[CollectionError]]
"""`collect_units` with everything but (units, max_workers, bar=, part=) given."""


def can_split(recorder: EvidenceRecorder) -> bool:
    """Whether a collection into `recorder` may be split: it keeps no calls in memory (else
    they would have to come back from each process), and fork() and a second core exist."""
    return not recorder.retains and forked.can_fork(cores=2)


def processes_for(configured: int) -> int:
    """`[aws] collect_processes`: as configured, or with 0 one per core this process may use."""
    return configured or forked.usable_cores()


def account_parts(units: Sequence[Unit], processes: int, max_workers: int) -> list[list[Unit]]:
    """`units` in at most `processes` parts (and no more than `max_workers` or the accounts),
    an account's units in one part: the account with the most units first onto the part with
    the fewest (ties: the account seen first, the lower part). Each part keeps the units' order."""
    by_account: dict[str, list[Unit]] = {}
    for unit in units:
        by_account.setdefault(unit.account_id, []).append(unit)
    count = max(1, min(processes, max_workers, len(by_account)))
    sizes = [0] * count
    part_of: dict[str, int] = {}
    for account in sorted(by_account, key=lambda a: -len(by_account[a])):  # stable: first seen first
        k = min(range(count), key=lambda i: (sizes[i], i))
        part_of[account] = k
        sizes[k] += len(by_account[account])
    parts: list[list[Unit]] = [[] for _ in range(count)]
    for unit in units:
        parts[part_of[unit.account_id]].append(unit)
    return parts


def shares(max_workers: int, count: int) -> list[int]:
    """`max_workers` shared by `count` processes (the first ones take the remainder)."""
    return [max_workers // count + (1 if k < max_workers % count else 0) for k in range(count)]


def collect_in_processes(recorder: EvidenceRecorder, parts: Sequence[Sequence[Unit]], collect: CollectPart,
                         max_workers: int) -> list[CollectionError]:
    """`collect(part, workers)` of every part: the first here, the others in forked children;
    their held calls taken over by `recorder`. Returns every part's collection errors."""
    recorder.flush()  # what was recorded before the split is written once, here
    count = len(parts)
    workers = shares(max_workers, count)
    # Objects made so far are moved out of the collector's sight before forking: a child's first
    # collection would otherwise write into every one of them, copying the pages it shares
    # with this process (jobs/gcpause.py unfreezes them when the collection ends).
    gc.freeze()
    children = [apart.start_apart(_collect_part, recorder, collect, part, share, f"process {k + 1} of {count}",
                                  what=f"collection part {k + 1} of {count}", name=f"ecr-report-col{k + 1}")
                for k, (part, share) in enumerate(zip(parts, workers)) if k > 0]
    try:
        errors = collect(parts[0], workers[0], part=f"process 1 of {count}")
        for child in children:
            child_errors, handed = child.result()
            errors.extend(child_errors)
            recorder.take_over(handed)
    except BaseException:
        for child in children:
            child.cancel()
        raise
    return errors


def _collect_part(recorder: EvidenceRecorder, collect: CollectPart, units: Sequence[Unit],
                  workers: int, which: str) -> tuple[list[CollectionError], HandedOver]:
    """A child's part: its units collected, then what its recorder still holds handed back.
    Its progress goes to the log (the first process's bar is the terminal's)."""
    before = recorder.operation_counts()
    errors = collect(units, workers, bar=False, part=which)
    return errors, recorder.hand_over(counted_since=before)
