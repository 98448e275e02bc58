"""The demo fleet and the detail drawn from it are what they were before they were made faster.

The fleet build and the emulator's details (manifests, findings) draw from seeded generators in a
fixed order: a speed-up that draws one number more, or in another order, changes every figure
of the demo. The fingerprints below are those of the code before (main at 0f17ba0, session 8);
a deliberate change of the demo story updates them.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from ecr_report.jobs.demo import DemoEmulator, DemoServiceError, build_fleet, details
from ecr_report.jobs.demo.ids import choice, randint, uniform

AS_OF = datetime(2026, 11, 30, tzinfo=timezone.utc)
FINGERPRINTS = {
    1: ("2dc129cf0b7e2f9276408600260a4acc338c60e0743b03c3133b294659c39ab6",
        "9493239f31fee4febf582448056a2345bf9e1d0e5fb71fdeccc31f44196533c4"),
    2.5: ("3c97d1b832c25424d5be5818e97952ad207766e6ad117d8388ea308ce8b1d6c0",
          "9835b2f90e9443c21765462fc2fc02fb46d94976f19bf9165324919fa2ccb812"),
}


def _details_digest(fleet) -> str:
    digest = hashlib.sha256()
    for reg in fleet.registries.values():
        for repo in reg.repositories:
            index = {i.digest: i for i in repo.images}
            for img in repo.images:
                digest.update(details.manifest(img, repo, index).encode())
                if img.basic_scan is not None and img.basic_scan.status == "COMPLETE":
                    digest.update(repr(details.basic_findings(img, reg.basic_scan_version)).encode())
                if img.coverage is not None:
                    digest.update(repr(details.enhanced_findings(img, repo, reg.account_id, reg.region)).encode())
    return digest.hexdigest()


@pytest.mark.parametrize("scale", sorted(FINGERPRINTS))
def test_fleet_and_details_are_unchanged(scale):
    fleet = build_fleet(scale=scale, as_of=AS_OF)
    built = replace(fleet, registries=dict(fleet.registries))  # each registry is built on first use
    assert (hashlib.sha256(repr(built).encode()).hexdigest(), _details_digest(fleet)) == FINGERPRINTS[scale]


def test_manifest_text_is_json_dumps_text(fleet):
    for reg in fleet.registries.values():
        for repo in reg.repositories:
            index = {i.digest: i for i in repo.images}
            for img in repo.images:
                text = details.manifest(img, repo, index)
                assert text == json.dumps(json.loads(text))


def test_draws_are_randoms_own():
    """ids.randint/uniform give Random.randint/uniform's numbers and leave the same state."""
    for seed in range(40):
        ours, theirs = random.Random(seed), random.Random(seed)
        for a, b in ((0, 0), (1, 5), (0, 1), (700, 2400), (0, 2**40), (-3, 3), (1000, 52999), (0, 255), (0, 256)):
            assert [randint(ours, a, b) for _ in range(50)] == [theirs.randint(a, b) for _ in range(50)]
            assert [uniform(ours, a, b) for _ in range(5)] == [theirs.uniform(a, b) for _ in range(5)]
            assert [choice(ours, "abcdefg"[:a % 7 + 1]) for _ in range(5)] == [
                theirs.choice("abcdefg"[:a % 7 + 1]) for _ in range(5)]
        assert ours.getstate() == theirs.getstate()
    with pytest.raises(ValueError):
        randint(random.Random(0), 5, 4)


def test_findings_drawn_page_by_page_are_the_findings(fleet, emu):
    """DescribeImageScanFindings draws an image's findings only as far as a page reads them
    (details.Drawn): every page size gives the findings drawn at once, in order."""
    from .conftest import PROD, TOKYO
    checked = 0
    for unit in (PROD, TOKYO):
        reg = fleet.registries[unit]
        for repo in reg.repositories[:6]:
            for img in repo.images:
                enhanced = reg.scan_type == "ENHANCED"
                if enhanced and (img.coverage is None or not sum(img.coverage.severity_counts)
                                 or img.coverage.last_scanned_at is None):
                    continue
                if not enhanced and (img.basic_scan is None or img.basic_scan.status != "COMPLETE"):
                    continue
                want = (details.enhanced_findings(img, repo, *unit) if enhanced
                        else details.basic_findings(img, reg.basic_scan_version))
                for size in (1, 3, 1000):
                    got, token = [], None
                    while True:
                        params = {"repositoryName": repo.name, "imageId": {"imageDigest": img.digest},
                                  "maxResults": size, **({"nextToken": token} if token else {})}
                        try:
                            answer = DemoEmulator(fleet).handle("ecr", "DescribeImageScanFindings", params, *unit) \
                                if size == 1000 else emu.handle("ecr", "DescribeImageScanFindings", params, *unit)
                        except DemoServiceError:
                            break
                        got += answer["imageScanFindings"]["enhancedFindings" if enhanced else "findings"]
                        token = answer.get("nextToken")
                        if not token:
                            break
                    assert got == want, (repo.name, img.digest, size)
                checked += 1
    assert checked > 20
