"""Once collection is over, the demo emulator lets go of its fleet, so reference counting frees
the fleet at once: the botocore clients that reference the emulator sit in reference cycles that
only the cyclic garbage collector would free, and it would walk the whole fleet to do so."""

from __future__ import annotations

import gc
import weakref
from datetime import datetime, timezone

from ecr_report.jobs.collect import CollectOptions, collect_fleet
from ecr_report.jobs.config import Config
from ecr_report.jobs.demo_options import DemoOptions
from ecr_report.jobs.evidence import EvidenceRecorder
from ecr_report.jobs.plugins import collectors
from ecr_report.jobs.scope import setup_collection
from ecr_report.reports.coverage import BasicFindingsScope

AS_OF = datetime(2026, 11, 30, tzinfo=timezone.utc)


def _collected_setup():
    setup = setup_collection(EvidenceRecorder(), Config(), DemoOptions(), AS_OF)
    options = CollectOptions(as_of=AS_OF, scope=BasicFindingsScope(), collectors=collectors())
    collect_fleet(setup.factory, setup.units, options, max_workers=2)
    return setup


def test_released_fleet_is_freed_without_the_cyclic_collector():
    setup = _collected_setup()
    fleet = weakref.ref(setup.factory.backend.fleet)
    gc.disable()
    try:
        assert fleet() is not None  # the clients' cycles keep it while the emulator holds it
        setup.release()
        assert fleet() is None
    finally:
        gc.enable()


def test_without_release_only_the_cyclic_collector_frees_the_fleet():
    """The premise: what `release` saves the collector from (if this fails, release is moot)."""
    setup = _collected_setup()
    fleet = weakref.ref(setup.factory.backend.fleet)
    gc.disable()
    try:
        del setup
        assert fleet() is not None
    finally:
        gc.enable()
    gc.collect()
    assert fleet() is None
