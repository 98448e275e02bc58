"""Server side of ECR's lifecycle policy preview (StartLifecyclePolicyPreview, GetLifecyclePolicyPreview).

So that `run --demo` with `[lifecycle] cross_check_aws = true` runs the cross-check's real code
path (start, poll, page) instead of failing on an operation the demo does not know. AWS's
evaluation is not available here, so the demo answers with the product's own offline evaluator
(`reports.lifecycle.preview`, the `lifecycle preview` command): on the demo the cross-check
therefore always agrees with the analysis. A preview completes as soon as it is started.
"""

from __future__ import annotations

from ...reports.lifecycle import images_from_describe
from ...reports.lifecycle.preview import preview
from .errors import DemoServiceError
from .paging import paginate
from .svc_ecr import _repository, image_detail


def start_lifecycle_policy_preview(emu, reg, params):
    repo = _repository(reg, params)
    text = params.get("lifecyclePolicyText") or (repo.lifecycle.text if repo.lifecycle else None)
    if text is None:
        raise DemoServiceError("LifecyclePolicyNotFoundException",
                               f"Lifecycle policy does not exist for the repository with name '{repo.name}' "
                               f"in the registry with id '{reg.account_id}'")
    emu.started_previews[(reg.account_id, reg.region, repo.name)] = text
    return {"registryId": reg.account_id, "repositoryName": repo.name, "lifecyclePolicyText": text,
            "status": "IN_PROGRESS"}


def get_lifecycle_policy_preview(emu, reg, params):
    repo = _repository(reg, params)
    text = emu.started_previews.get((reg.account_id, reg.region, repo.name))
    if text is None:
        raise DemoServiceError("LifecyclePolicyPreviewNotFoundException",
                               f"There is no dry run for the repository with name '{repo.name}' in the "
                               f"registry with id '{reg.account_id}'")
    result = emu.cached(("preview", reg.account_id, reg.region, repo.name, text),
                        lambda: _evaluate(emu, reg, repo, text))
    page, extra = paginate("ecr", "GetLifecyclePolicyPreview", params, result["previewResults"])
    return {"registryId": reg.account_id, "repositoryName": repo.name, "lifecyclePolicyText": text,
            "status": "COMPLETE", "previewResults": list(page), "summary": result["summary"], **extra}


def _evaluate(emu, reg, repo, text):
    details = [{**image_detail(reg, repo, image), "repositoryName": repo.name} for image in repo.images]
    out = preview(text, images_from_describe(details), emu.fleet.as_of)
    return {"previewResults": tuple(out["previewResults"]), "summary": out["summary"]}


HANDLERS = {
    ("ecr", "StartLifecyclePolicyPreview"): start_lifecycle_policy_preview,
    ("ecr", "GetLifecyclePolicyPreview"): get_lifecycle_policy_preview,
}
