"""Server side of the Amazon Inspector (inspector2) operations for ECR.

Where Inspector's ECR scanning is not enabled for the unit, coverage and aggregations are
empty lists (HTTP 200), and usage totals carry no ECR lines.  ``BatchGetAccountStatus``
answers for the calling account; the caller account (acting as Inspector delegated
administrator) may also read the other fleet accounts, anyone else gets ``failedAccounts``.
"""

from __future__ import annotations

from .details import resource_id
from .errors import DemoServiceError
from .paging import paginate

INITIAL_SCAN_USD = 0.09   # src: cloudburn-ecr-pricing (UNCONFIRMED, us-east-1)
RESCAN_USD = 0.01
EC2_HOUR_USD = 0.00172    # ~$1.258 per instance-month; only for the EC2 usage line
FINDING_REASONS = ("SUCCESSFUL", "SCAN_FREQUENCY_SCAN_ON_PUSH")
SEVERITY_NAMES = ("critical", "high", "medium", "low", "informational")


def _resource_state(status: str) -> dict:
    if status == "ENABLED":
        return {"status": status, "errorCode": "ALREADY_ENABLED",
                "errorMessage": "Amazon Inspector scanning is enabled for this resource type."}
    return {"status": status, "errorCode": "RESOURCE_NOT_FOUND",
            "errorMessage": "Amazon Inspector scanning is not enabled for this resource type."}


def batch_get_account_status(emu, reg, params):
    ids = params.get("accountIds") or [reg.account_id]
    accounts, failed = [], []
    for acct in ids:
        visible = acct == reg.account_id or (reg.account_id == emu.fleet.caller_account and acct in emu.fleet.accounts)
        if not visible:
            failed.append({"accountId": acct, "errorCode": "ACCESS_DENIED",
                           "errorMessage": "The calling account is not the delegated administrator for this account."})
            continue
        ins = emu.registry(acct, reg.region).inspector
        accounts.append({"accountId": acct, "state": _resource_state(ins.account_status), "resourceState": {
            "ec2": _resource_state(ins.ec2_status), "ecr": _resource_state(ins.ecr_status),
            "lambda": _resource_state(ins.lambda_status), "lambdaCode": _resource_state("DISABLED")}})
    return {"accounts": accounts, "failedAccounts": failed}


def get_configuration(emu, reg, params):
    ins = reg.inspector
    return {"ecrConfiguration": {"rescanDurationState": {
        "rescanDuration": ins.rescan_duration, "status": "SUCCESS", "updatedAt": ins.config_updated_at,
        "pullDateRescanDuration": ins.pull_date_rescan_duration, "pullDateRescanMode": ins.pull_date_rescan_mode}},
        "ec2Configuration": {"scanModeState": {"scanMode": "EC2_HYBRID", "scanModeStatus": "SUCCESS"}}}


def _ecr_enabled(reg) -> bool:
    return reg.inspector.account_status == "ENABLED" and reg.inspector.ecr_status == "ENABLED"


# ------------------------------------------------------------------ coverage
def _coverage_rows(emu, reg):
    def build():
        rows = []
        if not _ecr_enabled(reg):
            return rows
        for repo in reg.repositories:
            rows.append((repo, None))
            rows.extend((repo, img) for img in repo.images if img.coverage is not None)
        return rows
    return emu.cached(("coverage-rows", reg.account_id, reg.region), build)


def _status(repo, img) -> tuple[str, str]:
    """(scanStatusCode, scanStatusReason) of a coverage row (img None: the repository's row)."""
    if img is None:
        return ("INACTIVE", "SCAN_FREQUENCY_MANUAL") if repo.scan_frequency == "MANUAL" else ("ACTIVE", "SUCCESSFUL")
    return img.coverage.status_code, img.coverage.reason


FIELDS = {  # what a ListCoverage filter reads of a row, by filter key (img None: the repository's row)
    "resourceType": lambda reg, repo, img: "AWS_ECR_REPOSITORY" if img is None else "AWS_ECR_CONTAINER_IMAGE",
    "resourceId": lambda reg, repo, img: resource_id(reg.region, reg.account_id, repo.name,
                                                     None if img is None else img.digest),
    "accountId": lambda reg, repo, img: reg.account_id,
    "scanType": lambda reg, repo, img: "PACKAGE",
    "scanStatusCode": lambda reg, repo, img: _status(repo, img)[0],
    "scanStatusReason": lambda reg, repo, img: _status(repo, img)[1],
    "ecrRepositoryName": lambda reg, repo, img: repo.name,
    "ecrImageTags": lambda reg, repo, img: () if img is None else img.tags,
    "lastScannedAt": lambda reg, repo, img: None if img is None else img.coverage.last_scanned_at,
    "imagePulledAt": lambda reg, repo, img: None if img is None else img.last_pull,
    "ecrImageLastInUseAt": lambda reg, repo, img: None if img is None else img.last_in_use_at,
    "ecrImageInUseCount": lambda reg, repo, img: None if img is None else img.in_use_count,
}


STRING_KEYS = ("scanStatusCode", "scanStatusReason", "accountId", "resourceId", "resourceType", "scanType",
               "ecrRepositoryName")
DATE_KEYS = ("lastScannedAt", "imagePulledAt", "ecrImageLastInUseAt")


def _string_ok(value, filters) -> bool:
    """AWS string filters: EQUALS/PREFIX entries are OR-ed, NOT_EQUALS entries AND-ed."""
    values = value if isinstance(value, tuple) else (value,)
    pos = [f for f in filters if f["comparison"] in ("EQUALS", "PREFIX")]
    neg = [f for f in filters if f["comparison"] == "NOT_EQUALS"]
    if pos and not any((v == f["value"]) if f["comparison"] == "EQUALS" else str(v).startswith(f["value"])
                       for f in pos for v in values):
        return False
    return not any(v == f["value"] for f in neg for v in values)


def _date_ok(value, filters) -> bool:
    if value is None:
        return False
    return any((f.get("startInclusive") is None or value >= f["startInclusive"])
               and (f.get("endInclusive") is None or value <= f["endInclusive"]) for f in filters)


def _number_ok(value, filters, lo="lowerInclusive", hi="upperInclusive") -> bool:
    if value is None:
        return False
    return any((f.get(lo) is None or value >= f[lo]) and (f.get(hi) is None or value <= f[hi]) for f in filters)


def _field_ok(key, value, filters) -> bool:
    """Whether a row's field `key` (its value) passes the filters of that key."""
    if key in STRING_KEYS:
        return _string_ok(value, filters)
    if key == "ecrImageTags":
        return bool(value) and _string_ok(value, filters)
    if key in DATE_KEYS:
        return _date_ok(value, filters)
    if key == "ecrImageInUseCount":
        return _number_ok(value, filters)
    return False  # EC2, Lambda, code-repository and multi-cloud filters select nothing in ECR


def _coverage_filter(reg, criteria):
    """Whether a row passes every filter of `criteria`, as a test of the row that computes only
    the fields the criteria name (one, resourceType, when the collector lists coverage)."""
    tests = [(FIELDS.get(key), key, filters) for key, filters in criteria.items()]

    def matches(row) -> bool:
        repo, img = row
        return all(field is not None and _field_ok(key, field(reg, repo, img), filters)
                   for field, key, filters in tests)
    return matches


def _covered_resource(reg, repo, img):
    code, reason = _status(repo, img)
    out = {"resourceType": FIELDS["resourceType"](reg, repo, img), "resourceId": FIELDS["resourceId"](reg, repo, img),
           "accountId": reg.account_id, "scanType": "PACKAGE", "scanStatus": {"statusCode": code, "reason": reason},
           "resourceMetadata": {"ecrRepository": {"name": repo.name, "scanFrequency": repo.scan_frequency}}}
    if img is not None:
        meta = {"tags": list(img.tags)}
        if img.last_pull is not None:
            meta["imagePulledAt"] = img.last_pull
        if img.last_in_use_at is not None:
            meta["lastInUseAt"] = img.last_in_use_at
        meta["inUseCount"] = img.in_use_count
        out["resourceMetadata"]["ecrImage"] = meta
        if img.coverage.last_scanned_at is not None:
            out["lastScannedAt"] = img.coverage.last_scanned_at
    return out


def list_coverage(emu, reg, params):
    criteria = params.get("filterCriteria") or {}
    rows = _coverage_rows(emu, reg)
    if criteria:
        key = ("coverage", reg.account_id, reg.region, repr(sorted((k, repr(v)) for k, v in criteria.items())))
        rows = emu.cached(key, lambda: list(filter(_coverage_filter(reg, criteria), rows)))
    page, extra = paginate("inspector2", "ListCoverage", params, rows)
    return {"coveredResources": [_covered_resource(reg, repo, img) for repo, img in page], **extra}


# ------------------------------------------------------------------ finding aggregations
def _aggregation_rows(emu, reg, request, account_filters):
    sort_by = request.get("sortBy", "CRITICAL")
    order = request.get("sortOrder", "DESC")
    key = ("aggregations", reg.account_id, reg.region, repr(sorted((k, repr(v)) for k, v in request.items())),
           repr(account_filters))

    def build():
        if not _ecr_enabled(reg):
            return []
        if account_filters and not _string_ok(reg.account_id, account_filters):
            return []
        rows = []
        for repo in reg.repositories:
            for img in repo.images:
                cov = img.coverage
                if cov is None or cov.reason not in FINDING_REASONS or not sum(cov.severity_counts):
                    continue
                if not request or _aggregation_match(reg, repo, img, request):
                    rows.append((repo, img))
        index = {"CRITICAL": 0, "HIGH": 1}.get(sort_by)

        def sort_key(row):
            counts = row[1].coverage.severity_counts
            return counts[index] if index is not None else sum(counts)
        rows.sort(key=lambda r: r[1].digest)
        rows.sort(key=sort_key, reverse=order == "DESC")
        return rows
    return emu.cached(key, build)


def _aggregation_match(reg, repo, img, request) -> bool:
    """Whether an image passes the aggregation request's filters (none: every image does)."""
    fields = {"resourceIds": resource_id(reg.region, reg.account_id, repo.name, img.digest),
              "imageShas": img.digest, "repositories": repo.name,
              "architectures": img.architecture or "amd64", "imageTags": img.tags}
    for name, filters in request.items():
        ok = True
        if name in fields:
            value = fields[name]
            ok = (bool(value) if name == "imageTags" else True) and _string_ok(value, filters)
        elif name == "lastInUseAt":
            ok = _date_ok(img.last_in_use_at, filters)
        elif name == "inUseCount":
            ok = _number_ok(img.in_use_count, filters)
        if not ok:
            return False
    return True


def list_finding_aggregations(emu, reg, params):
    agg_type = params.get("aggregationType")
    request = (params.get("aggregationRequest") or {}).get("awsEcrContainerAggregation", {})
    if agg_type != "AWS_ECR_CONTAINER":
        page, extra = paginate("inspector2", "ListFindingAggregations", params, [])
        return {"aggregationType": agg_type, "responses": [], **extra}
    rows = _aggregation_rows(emu, reg, request, params.get("accountIds"))
    page, extra = paginate("inspector2", "ListFindingAggregations", params, rows)
    out = []
    for repo, img in page:
        counts = dict(zip(SEVERITY_NAMES, img.coverage.severity_counts))
        item = {"resourceId": resource_id(reg.region, reg.account_id, repo.name, img.digest), "imageSha": img.digest,
                "repository": repo.name, "architecture": img.architecture or "amd64", "imageTags": list(img.tags),
                "accountId": reg.account_id, "severityCounts": {"all": sum(counts.values()), **counts},
                "inUseCount": img.in_use_count}
        if img.last_in_use_at is not None:
            item["lastInUseAt"] = img.last_in_use_at
        out.append({"awsEcrContainerAggregation": item})
    return {"aggregationType": agg_type, "responses": out, **extra}


# ------------------------------------------------------------------ usage
def usage_figures(reg, as_of):
    """(initial scans, rescans) in the 30 days before ``as_of`` for one registry."""
    if not _ecr_enabled(reg):
        return 0, 0
    start = as_of.timestamp() - 30 * 86400
    initial = rescans = 0
    for img in reg.images:
        cov = img.coverage
        if cov is None:
            continue
        if cov.initial_scan_at is not None and cov.initial_scan_at.timestamp() >= start:
            initial += 1
        rescans += cov.rescans_30d
    return initial, rescans


def list_usage_totals(emu, reg, params):
    ids = params.get("accountIds")
    if ids and reg.account_id not in ids:
        totals = []
    else:
        initial, rescans = emu.cached(("usage", reg.account_id, reg.region), lambda: usage_figures(reg, emu.fleet.as_of))
        usage = []
        if _ecr_enabled(reg):
            usage += [{"type": "ECR_INITIAL_SCAN", "total": float(initial),
                       "estimatedMonthlyCost": round(initial * INITIAL_SCAN_USD, 2), "currency": "USD"},
                      {"type": "ECR_RESCAN", "total": float(rescans),
                       "estimatedMonthlyCost": round(rescans * RESCAN_USD, 2), "currency": "USD"}]
        if reg.inspector.account_status == "ENABLED" and reg.inspector.ec2_status == "ENABLED":
            hours = reg.inspector.ec2_instance_hours_30d
            usage.append({"type": "EC2_INSTANCE_HOURS", "total": hours,
                          "estimatedMonthlyCost": round(hours * EC2_HOUR_USD, 2), "currency": "USD"})
        totals = [{"accountId": reg.account_id, "usage": usage}] if usage else []
    if "nextToken" in params and not params["nextToken"]:
        raise DemoServiceError("ValidationException", "nextToken must not be empty.")
    page, extra = paginate("inspector2", "ListUsageTotals", params, totals)
    return {"totals": list(page), **extra}


HANDLERS = {
    ("inspector2", "BatchGetAccountStatus"): batch_get_account_status,
    ("inspector2", "GetConfiguration"): get_configuration,
    ("inspector2", "ListCoverage"): list_coverage,
    ("inspector2", "ListFindingAggregations"): list_finding_aggregations,
    ("inspector2", "ListUsageTotals"): list_usage_totals,
}
