"""Region names, checked against botocore's endpoint data (no network).

A misspelt region (`xx-fake-9`, `us-east1`) would otherwise reach AWS as one failed call per
operation; checked here it is one line and exit 2, before anything is collected or written.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

SERVICE = "ecr"


@lru_cache(maxsize=1)
def known_regions() -> dict[str, str]:
    """{region: partition} for every region where botocore knows an ECR endpoint."""
    import boto3

    session = boto3.session.Session()
    return {region: partition
            for partition in session.get_available_partitions()
            for region in session.get_available_regions(SERVICE, partition_name=partition)}


def region_problem(regions: tuple[str, ...] | list[str]) -> str | None:
    """One line saying what is wrong with `regions`, or None: each must be an ECR region that
    botocore knows, all in one partition (one run uses one set of credentials)."""
    known = known_regions()
    for region in regions:
        if region not in known:
            close = closest_region(region)
            hint = f"; did you mean {close!r}?" if close else ""
            return (f"unknown AWS region {region!r} (not an ECR region in botocore "
                    f"{_botocore_version()}'s endpoint data){hint}")
    partitions = sorted({known[region] for region in regions})
    if len(partitions) > 1:
        return (f"regions {', '.join(regions)} span the partitions {', '.join(partitions)}; "
                "one run reads one partition")
    return None


def closest_region(name: str) -> str | None:
    """The known region `name` most likely meant, if any is close."""
    known = sorted(known_regions())
    squeezed = {_squeeze(region): region for region in known}
    if _squeeze(name) in squeezed:  # us-east1, US_EAST_1, useast1
        return squeezed[_squeeze(name)]
    close = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.75)
    return close[0] if close else None


def _squeeze(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _botocore_version() -> str:
    import botocore

    return botocore.__version__
