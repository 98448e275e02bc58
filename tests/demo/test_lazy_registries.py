"""The demo's registries are built on first use (jobs/demo/org.py `LazyRegistries`): once per
registry however many threads ask at once, others meanwhile; the story fleet's registries are
those built in one go (its fingerprint test), whichever is built first."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from ecr_report.jobs.demo import build_fleet
from ecr_report.jobs.demo.org import LazyRegistries

AS_OF = datetime(2026, 11, 30, tzinfo=timezone.utc)


def test_a_registry_asked_for_at_once_is_built_once_and_others_meanwhile():
    built: list[tuple[str, str]] = []
    lock = threading.Lock()
    slow_started = threading.Event()

    def build(key):
        with lock:
            built.append(key)
        if key == ("1", "slow"):
            slow_started.set()
            time.sleep(0.3)
        return f"registry {key}"

    registries = LazyRegistries((("1", "slow"), ("2", "fast")), build)
    with ThreadPoolExecutor(8) as pool:
        slow = [pool.submit(registries.__getitem__, ("1", "slow")) for _ in range(6)]
        slow_started.wait(5)
        started = time.monotonic()
        assert registries[("2", "fast")] == "registry ('2', 'fast')"
        assert time.monotonic() - started < 0.2  # not held up by the slow one
        assert {f.result() for f in slow} == {"registry ('1', 'slow')"}
    assert sorted(built) == [("1", "slow"), ("2", "fast")]


def test_story_registries_do_not_depend_on_the_order_they_are_built_in():
    in_order = build_fleet(scale=1, as_of=AS_OF)
    backwards = build_fleet(scale=1, as_of=AS_OF)
    for unit in reversed(backwards.units):
        backwards.registries[unit]
    assert [repr(backwards.registries[u]) for u in in_order.units] == [repr(in_order.registries[u]) for u in in_order.units]
    assert list(backwards.registries) == list(in_order.registries)
