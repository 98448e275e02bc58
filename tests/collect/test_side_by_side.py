"""A unit's independent steps run side by side (jobs/collect `collect_unit`), in the rounds the
composition root gives the concern steps (jobs/plugins.py `collectors`).

That a side-by-side run writes the bytes of a one-thread run is tested in
tests/shards/test_stable_order.py; here: the rounds, and that a step giving the unit up stops
the steps running beside it.
"""

from __future__ import annotations

import threading

import pytest

from ecr_report.jobs.aws_session import Account
from ecr_report.jobs.collect.context import UnitAborted, UnitContext
from ecr_report.jobs.plugins import PLUGINS, Plugin, collectors
from ecr_report.reports.concern import CompositionError


def _step(name):
    def step(ctx, state, options):
        return name
    step.__name__ = name
    return step


def test_the_shipped_concerns_collect_in_one_round():
    assert len(collectors()) == 1
    assert sorted(s.__name__ for s in collectors()[0]) == sorted(p.collect.__name__ for p in PLUGINS)


def test_a_step_reading_another_concerns_calls_runs_in_the_round_after_it():
    inspector, pull_through, lifecycle = (p.concern for p in PLUGINS)
    plugins = (Plugin(inspector, _step("a"), collect_after=("lifecycle",)),
               Plugin(pull_through, _step("b")),
               Plugin(lifecycle, _step("c"), collect_after=("pull_through",)))
    assert [[s.__name__ for s in r] for r in collectors(plugins)] == [["b"], ["c"], ["a"]]


def test_a_cycle_or_an_unknown_concern_is_refused_by_name():
    inspector, pull_through, lifecycle = (p.concern for p in PLUGINS)
    with pytest.raises(CompositionError, match="cycle"):
        collectors((Plugin(inspector, _step("a"), collect_after=("pull_through",)),
                    Plugin(pull_through, _step("b"), collect_after=("inspector",)), Plugin(lifecycle)))
    with pytest.raises(CompositionError, match="'nope'"):
        collectors((Plugin(inspector, _step("a"), collect_after=("nope",)), Plugin(pull_through), Plugin(lifecycle)))


def test_a_step_giving_the_unit_up_stops_the_steps_beside_it():
    ctx = UnitContext(factory=None, account=Account("1"), account_id="1", region="r")  # type: ignore[arg-type]
    given_up = threading.Event()
    later_calls = []

    def fails():
        try:
            ctx._file("ecr", "DescribeRegistry", "", "ExpiredToken: gone", fatal=True)
        finally:
            given_up.set()

    def keeps_going():
        given_up.wait(5)
        later_calls.append("asked")
        ctx.call("ecr", "DescribeImages")  # must not reach a client: the unit is given up

    with pytest.raises(UnitAborted):
        ctx.side_by_side([keeps_going, fails], workers=4)
    assert later_calls == ["asked"]
    assert ctx.abort_reason == "ExpiredToken: gone"
    assert [e.operation for e in ctx.errors] == ["ecr:DescribeRegistry"]
