"""Server side of the Amazon ECR operations the collectors call, over one ``Registry``.

Each handler is ``handler(emu, registry, params) -> dict`` (botocore's parsed output shape).
"""

from __future__ import annotations

from . import details
from .errors import DemoServiceError
from .paging import paginate

ENHANCED_STATUS = {  # Inspector coverage reason -> ECR imageScanStatus
    "SUCCESSFUL": ("ACTIVE", "Continuous scan is selected for image."),
    "SCAN_FREQUENCY_SCAN_ON_PUSH": ("COMPLETE", "The scan was completed successfully."),
    "PENDING_INITIAL_SCAN": ("PENDING", "Image scan is pending."),
    "SCAN_ELIGIBILITY_EXPIRED": ("SCAN_ELIGIBILITY_EXPIRED", "The scan duration for this image has expired."),
    "UNSUPPORTED_OS": ("UNSUPPORTED_IMAGE", "The operating system of this image is not supported."),
    "UNSUPPORTED_MEDIA_TYPE": ("UNSUPPORTED_IMAGE", "The media type of this image is not supported."),
    "IMAGE_ARCHIVED": ("IMAGE_ARCHIVED", "The image is archived and cannot be scanned."),
}
ACCOUNT_SETTINGS = {"BASIC_SCAN_TYPE_VERSION": "basic_scan_version", "REGISTRY_POLICY_SCOPE": "registry_policy_scope",
                    "BLOB_MOUNTING": "blob_mounting"}


def _check_registry_id(reg, params):
    rid = params.get("registryId")
    if rid is not None and rid != reg.account_id:
        raise DemoServiceError("AccessDeniedException",
                               f"User is not authorized to access registry '{rid}' from account '{reg.account_id}'.")


def _repository(reg, params):
    _check_registry_id(reg, params)
    name = params.get("repositoryName")
    repo = reg.repository(name)
    if repo is None:
        raise DemoServiceError("RepositoryNotFoundException",
                               f"The repository with name '{name}' does not exist in the registry with id "
                               f"'{reg.account_id}'")
    return repo


def _image_id_text(image_id: dict) -> str:
    return (f"{{imageDigest:'{image_id.get('imageDigest', 'null')}', "
            f"imageTag:'{image_id.get('imageTag', 'null')}'}}")


def _find_image(emu, reg, repo, image_id: dict):
    idx = emu.repo_index(reg, repo)
    digest, tag = image_id.get("imageDigest"), image_id.get("imageTag")
    image = idx["digest"].get(digest) if digest else idx["tag"].get(tag) if tag else None
    if image is not None and digest and tag and tag not in image.tags:
        image = None
    return image


# ------------------------------------------------------------------ registry level
def describe_registry(emu, reg, params):
    rules = []
    if reg.replication_destinations:
        rules.append({"destinations": [{"region": r, "registryId": a} for r, a in reg.replication_destinations],
                      "repositoryFilters": [{"filter": p, "filterType": "PREFIX_MATCH"}
                                            for p in reg.replication_prefixes]})
    return {"registryId": reg.account_id, "replicationConfiguration": {"rules": rules}}


def get_registry_scanning_configuration(emu, reg, params):
    return {"registryId": reg.account_id, "scanningConfiguration": {
        "scanType": reg.scan_type,
        "rules": [{"scanFrequency": r.frequency,
                   "repositoryFilters": [{"filter": f, "filterType": "WILDCARD"} for f in r.filters]}
                  for r in reg.scan_rules]}}


def get_account_setting(emu, reg, params):
    name = params.get("name")
    if name not in ACCOUNT_SETTINGS:
        raise DemoServiceError("ValidationException", f"Invalid account setting name '{name}'.")
    return {"name": name, "value": getattr(reg, ACCOUNT_SETTINGS[name])}


def list_pull_time_update_exclusions(emu, reg, params):
    page, extra = paginate("ecr", "ListPullTimeUpdateExclusions", params, reg.pull_time_exclusions)
    return {"pullTimeUpdateExclusions": list(page), **extra}


# ------------------------------------------------------------------ repositories
def _repo_dict(repo, account):
    out = {"repositoryArn": repo.arn, "registryId": account, "repositoryName": repo.name,
           "repositoryUri": repo.uri, "createdAt": repo.created_at, "imageTagMutability": repo.tag_mutability,
           "imageScanningConfiguration": {"scanOnPush": repo.legacy_scan_on_push},
           "encryptionConfiguration": {"encryptionType": repo.encryption_type}}
    if repo.kms_key:
        out["encryptionConfiguration"]["kmsKey"] = repo.kms_key
    if repo.mutability_exclusions:
        out["imageTagMutabilityExclusionFilters"] = [{"filterType": "WILDCARD", "filter": f}
                                                     for f in repo.mutability_exclusions]
    return out


def describe_repositories(emu, reg, params):
    _check_registry_id(reg, params)
    names = params.get("repositoryNames")
    if names:
        repos = []
        for name in names:
            repo = reg.repository(name)
            if repo is None:
                raise DemoServiceError("RepositoryNotFoundException",
                                       f"The repository with name '{name}' does not exist in the registry with id "
                                       f"'{reg.account_id}'")
            repos.append(repo)
    else:
        repos = reg.repositories
    page, extra = paginate("ecr", "DescribeRepositories", params, repos)
    return {"repositories": [_repo_dict(r, reg.account_id) for r in page], **extra}


def batch_get_repository_scanning_configuration(emu, reg, params):
    names = params.get("repositoryNames") or []
    if not 1 <= len(names) <= 25:
        raise DemoServiceError("ValidationException", "repositoryNames must contain between 1 and 25 names.")
    configs, failures = [], []
    for name in names:
        repo = reg.repository(name)
        if repo is None:
            failures.append({"repositoryName": name, "failureCode": "REPOSITORY_NOT_FOUND",
                             "failureReason": "REPOSITORY_NOT_FOUND"})
            continue
        configs.append({"repositoryArn": repo.arn, "repositoryName": repo.name, "scanOnPush": repo.scan_on_push,
                        "scanFrequency": repo.scan_frequency,
                        "appliedScanFilters": [{"filter": f, "filterType": "WILDCARD"} for f in repo.applied_filters]})
    return {"scanningConfigurations": configs, "failures": failures}


def get_lifecycle_policy(emu, reg, params):
    repo = _repository(reg, params)
    if repo.lifecycle is None:
        raise DemoServiceError("LifecyclePolicyNotFoundException",
                               f"Lifecycle policy does not exist for the repository with name '{repo.name}' "
                               f"in the registry with id '{reg.account_id}'")
    return {"registryId": reg.account_id, "repositoryName": repo.name,
            "lifecyclePolicyText": repo.lifecycle.text, "lastEvaluatedAt": repo.lifecycle.last_evaluated_at}


def describe_repository_creation_templates(emu, reg, params):
    templates = reg.creation_templates
    prefixes = params.get("prefixes")
    if prefixes:
        known = {t.prefix: t for t in reg.creation_templates}
        missing = [p for p in prefixes if p not in known]
        if missing:
            raise DemoServiceError("TemplateNotFoundException", f"The specified template '{missing[0]}' does not exist.")
        templates = [known[p] for p in prefixes]
    page, extra = paginate("ecr", "DescribeRepositoryCreationTemplates", params, templates)
    out = []
    for t in page:
        item = {"prefix": t.prefix, "description": t.description, "appliedFor": list(t.applied_for),
                "imageTagMutability": t.tag_mutability, "encryptionConfiguration": {"encryptionType": t.encryption_type},
                "resourceTags": [], "createdAt": t.created_at, "updatedAt": t.updated_at}
        if t.kms_key:
            item["encryptionConfiguration"]["kmsKey"] = t.kms_key
        if t.lifecycle_policy:
            item["lifecyclePolicy"] = t.lifecycle_policy
        out.append(item)
    return {"registryId": reg.account_id, "repositoryCreationTemplates": out, **extra}


def describe_pull_through_cache_rules(emu, reg, params):
    _check_registry_id(reg, params)
    rules = reg.pull_through_rules
    prefixes = params.get("ecrRepositoryPrefixes")
    if prefixes:
        known = {r.prefix: r for r in rules}
        missing = [p for p in prefixes if p not in known]
        if missing:
            raise DemoServiceError("PullThroughCacheRuleNotFoundException",
                                   f"The pull through cache rule with prefix '{missing[0]}' does not exist in the "
                                   f"registry with id '{reg.account_id}'")
        rules = [known[p] for p in prefixes]
    page, extra = paginate("ecr", "DescribePullThroughCacheRules", params, rules)
    out = []
    for r in page:
        item = {"ecrRepositoryPrefix": r.prefix, "upstreamRegistryUrl": r.upstream_url, "createdAt": r.created_at,
                "registryId": reg.account_id, "upstreamRegistry": r.upstream_registry, "updatedAt": r.updated_at,
                "upstreamRepositoryPrefix": "ROOT"}
        if r.credential_arn:
            item["credentialArn"] = r.credential_arn
        out.append(item)
    return {"pullThroughCacheRules": out, **extra}


# ------------------------------------------------------------------ images
def _scan_status(reg, image):
    """(imageScanStatus, imageScanFindingsSummary) as DescribeImages shows them, or (None, None)."""
    if reg.scan_type == "ENHANCED":
        cov = image.coverage
        if cov is None or cov.reason not in ENHANCED_STATUS:
            return None, None
        status, desc = ENHANCED_STATUS[cov.reason]
        summary = None
        if cov.last_scanned_at is not None and cov.reason in ("SUCCESSFUL", "SCAN_FREQUENCY_SCAN_ON_PUSH"):
            counts = {s: c for s, c in zip(("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"),
                                           cov.severity_counts) if c}
            summary = {"imageScanCompletedAt": cov.last_scanned_at, "vulnerabilitySourceUpdatedAt": cov.last_scanned_at,
                       "findingSeverityCounts": counts}
        return {"status": status, "description": desc}, summary
    scan = image.basic_scan
    if scan is None:
        return None, None
    summary = None
    if scan.status == "COMPLETE":
        summary = {"imageScanCompletedAt": scan.completed_at, "vulnerabilitySourceUpdatedAt": scan.source_updated_at,
                   "findingSeverityCounts": dict(scan.severity_counts)}
    return {"status": scan.status, "description": scan.description}, summary


def image_detail(reg, repo, image):
    out = {"registryId": reg.account_id, "repositoryName": repo.name, "imageDigest": image.digest,
           "imageSizeInBytes": image.size, "imagePushedAt": image.pushed_at,
           "imageManifestMediaType": image.manifest_media_type, "imageStatus": image.status}
    if image.tags:
        out["imageTags"] = list(image.tags)
    if image.artifact_media_type:
        out["artifactMediaType"] = image.artifact_media_type
    if image.last_pull is not None:
        out["lastRecordedPullTime"] = image.last_pull
    if image.subject_digest:
        out["subjectManifestDigest"] = image.subject_digest
    if image.last_archived_at is not None:
        out["lastArchivedAt"] = image.last_archived_at
    if image.last_activated_at is not None:
        out["lastActivatedAt"] = image.last_activated_at
    # AWS_NATIVE basic scanning no longer fills these (src: ecr-basic-scanning); CLAIR and enhanced do.
    if reg.scan_type == "ENHANCED" or reg.basic_scan_version == "CLAIR":
        status, summary = _scan_status(reg, image)
        if status:
            out["imageScanStatus"] = status
        if summary:
            out["imageScanFindingsSummary"] = summary
    return out


def describe_images(emu, reg, params):
    repo = _repository(reg, params)
    flt = params.get("filter") or {}
    tag_status = flt.get("tagStatus", "ANY")
    image_status = flt.get("imageStatus")
    ids = params.get("imageIds")
    if ids:
        if "maxResults" in params:
            raise DemoServiceError("InvalidParameterException",
                                   "maxResults cannot be used when imageIds are specified.")
        found, seen = [], set()
        for image_id in ids:
            image = _find_image(emu, reg, repo, image_id)
            if image is None:
                raise DemoServiceError("ImageNotFoundException",
                                       f"The image with imageId {_image_id_text(image_id)} does not exist within "
                                       f"the repository with name '{repo.name}' in the registry with id "
                                       f"'{reg.account_id}'")
            if image.digest not in seen and _matches(image, tag_status, image_status or "ANY"):
                seen.add(image.digest)
                found.append(image)
        return {"imageDetails": [image_detail(reg, repo, i) for i in found]}
    images = emu.cached(("images", reg.account_id, reg.region, repo.name, tag_status, image_status or "ACTIVE"),
                        lambda: tuple(i for i in repo.images if _matches(i, tag_status, image_status or "ACTIVE")))
    page, extra = paginate("ecr", "DescribeImages", params, images)
    return {"imageDetails": [image_detail(reg, repo, i) for i in page], **extra}


def _matches(image, tag_status, image_status):
    if tag_status == "TAGGED" and not image.tags or tag_status == "UNTAGGED" and image.tags:
        return False
    return image_status == "ANY" or image.status == image_status


def describe_image_scan_findings(emu, reg, params):
    repo = _repository(reg, params)
    image_id = params.get("imageId") or {}
    image = _find_image(emu, reg, repo, image_id)
    if image is None:
        raise DemoServiceError("ImageNotFoundException",
                               f"The image with imageId {_image_id_text(image_id)} does not exist within the "
                               f"repository with name '{repo.name}' in the registry with id '{reg.account_id}'")
    not_found = DemoServiceError(
        "ScanNotFoundException",
        f"Image scan does not exist for the image with '{_image_id_text(image_id)}' in the repository with name "
        f"'{repo.name}' in the registry with id '{reg.account_id}'")
    status, summary = _scan_status(reg, image)
    if status is None:
        raise not_found
    out = {"registryId": reg.account_id, "repositoryName": repo.name,
           "imageId": {"imageDigest": image.digest, **({"imageTag": image_id["imageTag"]} if "imageTag" in image_id else {})},
           "imageScanStatus": status}
    if summary is None:
        return out
    enhanced = reg.scan_type == "ENHANCED"
    key = "enhancedFindings" if enhanced else "findings"
    findings = emu.cached(("findings", reg.account_id, reg.region, repo.name, image.digest), lambda: (
        details.enhanced_findings_drawn(image, repo, reg.account_id, reg.region) if enhanced
        else details.basic_findings_drawn(image, reg.basic_scan_version)))
    page, extra = paginate("ecr", "DescribeImageScanFindings", params, findings)
    out["imageScanFindings"] = {**summary, key: list(page)}
    return {**out, **extra}


def batch_get_image(emu, reg, params):
    repo = _repository(reg, params)
    ids = params.get("imageIds") or []
    if not 1 <= len(ids) <= 100:
        raise DemoServiceError("InvalidParameterException", "imageIds must contain between 1 and 100 entries.")
    idx = emu.repo_index(reg, repo)
    images, failures = [], []
    for image_id in ids:
        if not image_id.get("imageDigest") and not image_id.get("imageTag"):
            failures.append({"imageId": image_id, "failureCode": "MissingDigestAndTag",
                             "failureReason": "Invalid request parameters: both tag and digest cannot be null"})
            continue
        image = _find_image(emu, reg, repo, image_id)
        if image is None:
            failures.append({"imageId": image_id, "failureCode": "ImageNotFound",
                             "failureReason": "Requested image not found"})
            continue
        text = emu.cached(("manifest", reg.account_id, reg.region, repo.name, image.digest),
                          lambda image=image: details.manifest(image, repo, idx["digest"]))
        images.append({"registryId": reg.account_id, "repositoryName": repo.name,
                       "imageId": {"imageDigest": image.digest,
                                   **({"imageTag": image_id["imageTag"]} if image_id.get("imageTag") else {})},
                       "imageManifest": text, "imageManifestMediaType": image.manifest_media_type})
    return {"images": images, "failures": failures}


HANDLERS = {
    ("ecr", "DescribeRegistry"): describe_registry,
    ("ecr", "GetRegistryScanningConfiguration"): get_registry_scanning_configuration,
    ("ecr", "GetAccountSetting"): get_account_setting,
    ("ecr", "DescribeRepositories"): describe_repositories,
    ("ecr", "BatchGetRepositoryScanningConfiguration"): batch_get_repository_scanning_configuration,
    ("ecr", "GetLifecyclePolicy"): get_lifecycle_policy,
    ("ecr", "DescribeImages"): describe_images,
    ("ecr", "DescribeImageScanFindings"): describe_image_scan_findings,
    ("ecr", "DescribePullThroughCacheRules"): describe_pull_through_cache_rules,
    ("ecr", "DescribeRepositoryCreationTemplates"): describe_repository_creation_templates,
    ("ecr", "ListPullTimeUpdateExclusions"): list_pull_time_update_exclusions,
    ("ecr", "BatchGetImage"): batch_get_image,
}
