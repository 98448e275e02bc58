"""The demo's lifecycle policy preview (svc_preview): AWS's output shape, paging, its errors, and
answers that are the product's own offline preview of the repository's policy."""

from __future__ import annotations

import pytest

from ecr_report.jobs.demo import DemoEmulator, DemoServiceError
from ecr_report.reports.lifecycle import images_from_describe
from ecr_report.reports.lifecycle.preview import preview

from .conftest import AS_OF, PROD, call


def _with_policy(fleet):
    reg = fleet.registries[PROD]
    return next(r for r in reg.repositories if r.lifecycle is not None and r.images)


def _without_policy(fleet):
    reg = fleet.registries[PROD]
    return next(r for r in reg.repositories if r.lifecycle is None)


def test_a_started_preview_completes_and_pages_like_aws(fleet):
    emu = DemoEmulator(fleet)
    repo = _with_policy(fleet)
    started = call(emu, "ecr", "StartLifecyclePolicyPreview", {"repositoryName": repo.name})
    assert started["status"] == "IN_PROGRESS" and started["lifecyclePolicyText"] == repo.lifecycle.text
    results, params = [], {"repositoryName": repo.name, "maxResults": 2}
    while True:
        page = call(emu, "ecr", "GetLifecyclePolicyPreview", params)
        assert page["status"] == "COMPLETE"
        results += page["previewResults"]
        if "nextToken" not in page:
            break
        params["nextToken"] = page["nextToken"]
    details = [d for d in _describe_all(emu, repo.name)]
    expected = preview(repo.lifecycle.text, images_from_describe(details), AS_OF)
    assert results == expected["previewResults"]
    assert page["summary"] == expected["summary"]


def _describe_all(emu, name):
    params = {"repositoryName": name, "filter": {"imageStatus": "ANY"}, "maxResults": 1000}
    out = []
    while True:
        page = call(emu, "ecr", "DescribeImages", params)
        out += [{**d, "repositoryName": name} for d in page["imageDetails"]]
        if "nextToken" not in page:
            return out
        params["nextToken"] = page["nextToken"]


def test_no_preview_without_a_start_and_no_start_without_a_policy(fleet):
    emu = DemoEmulator(fleet)
    with pytest.raises(DemoServiceError) as raised:
        emu.handle("ecr", "GetLifecyclePolicyPreview", {"repositoryName": _with_policy(fleet).name}, *PROD)
    assert raised.value.code == "LifecyclePolicyPreviewNotFoundException"
    with pytest.raises(DemoServiceError) as raised:
        emu.handle("ecr", "StartLifecyclePolicyPreview", {"repositoryName": _without_policy(fleet).name}, *PROD)
    assert raised.value.code == "LifecyclePolicyNotFoundException"
