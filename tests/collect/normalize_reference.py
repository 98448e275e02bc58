"""The snapshot row builders as they were before they gave row tuples (reports.normalize at
0f17ba0): one dict per row, the plain definition the tuple builders must agree with."""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Mapping

from ecr_report.reports.normalize import _severity_counts as severity_counts  # unchanged: shared
from ecr_report.reports.normalize import parse_ecr_resource_id


def images(index: Any, unit: tuple[str, str]) -> Iterator[dict[str, Any]]:
    for call in index.each(unit, "ecr", "DescribeImages"):
        if call.ok:
            repo = call.params.get("repositoryName")
            yield from image_rows(unit[0], unit[1], repo, call.response.get("imageDetails", []),
                                  call.relative_path())


def image_rows(account_id: str, region: str, repository: str, details: Iterable[Mapping[str, Any]],
               source_file: str | None) -> Iterator[dict[str, Any]]:
    for i, d in enumerate(details):
        status = d.get("imageScanStatus") or {}
        summary = d.get("imageScanFindingsSummary") or {}
        yield {
            "account_id": account_id,
            "region": region,
            "repository_name": d.get("repositoryName", repository),
            "image_digest": d["imageDigest"],
            "image_tags": tuple(sorted(d.get("imageTags") or ())),
            "pushed_at": d.get("imagePushedAt"),
            "size_bytes": int(d.get("imageSizeInBytes") or 0),
            "manifest_media_type": d.get("imageManifestMediaType"),
            "artifact_media_type": d.get("artifactMediaType"),
            "last_pull_at": d.get("lastRecordedPullTime"),
            "image_status": d.get("imageStatus") or "ACTIVE",
            "last_archived_at": d.get("lastArchivedAt"),
            "last_activated_at": d.get("lastActivatedAt"),
            "subject_digest": d.get("subjectManifestDigest"),
            "scan_status": status.get("status"),
            "scan_completed_at": summary.get("imageScanCompletedAt"),
            **severity_counts(summary.get("findingSeverityCounts") if summary else None),
            "source_file": source_file,
            "source_pointer": f"/imageDetails/{i}" if source_file else None,
        }


def basic_findings(index: Any, unit: tuple[str, str]) -> list[dict[str, Any]]:
    rows = []
    for call in index.each(unit, "ecr", "DescribeImageScanFindings"):
        row = {"account_id": unit[0], "region": unit[1],
               "repository_name": call.params.get("repositoryName"),
               "image_digest": (call.params.get("imageId") or {}).get("imageDigest"),
               "source_file": call.relative_path(),
               "source_pointer": "/imageScanStatus/status" if call.ok else "/Error/Code"}
        if call.ok:
            findings = call.response.get("imageScanFindings") or {}
            status = call.response.get("imageScanStatus") or {}
            row.update({
                "scan_status": status.get("status"),
                "scan_status_description": status.get("description"),
                "scan_completed_at": findings.get("imageScanCompletedAt"),
                "vulnerability_source_updated_at": findings.get("vulnerabilitySourceUpdatedAt"),
                **severity_counts(findings.get("findingSeverityCounts") if findings else None),
            })
        else:
            not_found = call.error_code == "ScanNotFoundException"
            row.update({"scan_status": "NOT_SCANNED" if not_found else "ERROR",
                        "scan_status_description": None if not_found else
                        f"{call.error_code}: {call.response['Error'].get('Message')}",
                        "scan_completed_at": None, "vulnerability_source_updated_at": None,
                        **severity_counts(None)})
        rows.append(row)
    return rows


def inspector_coverage(index: Any, unit: tuple[str, str]) -> list[dict[str, Any]]:
    rows = []
    for call in index.each(unit, "inspector2", "ListCoverage"):
        if not call.ok:
            continue
        for i, res in enumerate(call.response.get("coveredResources", [])):
            if res.get("resourceType") not in ("AWS_ECR_CONTAINER_IMAGE", "AWS_ECR_REPOSITORY"):
                continue
            meta = res.get("resourceMetadata") or {}
            repo_meta, image_meta = meta.get("ecrRepository") or {}, meta.get("ecrImage") or {}
            repository, digest = parse_ecr_resource_id(res.get("resourceId", ""))
            status = res.get("scanStatus") or {}
            rows.append({
                "account_id": res.get("accountId") or unit[0],
                "region": unit[1],
                "resource_type": res.get("resourceType"),
                "resource_id": res.get("resourceId"),
                "repository_name": repo_meta.get("name") or repository,
                "image_digest": digest,
                "scan_status_code": status.get("statusCode"),
                "scan_status_reason": status.get("reason"),
                "scan_frequency": repo_meta.get("scanFrequency"),
                "last_scanned_at": res.get("lastScannedAt"),
                "image_pulled_at": image_meta.get("imagePulledAt"),
                "last_in_use_at": image_meta.get("lastInUseAt"),
                "source_file": call.relative_path(),
                "source_pointer": f"/coveredResources/{i}",
            })
    return rows


def inspector_findings(index: Any, unit: tuple[str, str]) -> list[dict[str, Any]]:
    rows = []
    for call in index.each(unit, "inspector2", "ListFindingAggregations"):
        if not call.ok:
            continue
        for i, item in enumerate(call.response.get("responses", [])):
            agg = item.get("awsEcrContainerAggregation")
            if not agg:
                continue
            digest = agg.get("imageSha") or parse_ecr_resource_id(agg.get("resourceId", ""))[1]
            if digest and not digest.startswith("sha256:"):
                digest = "sha256:" + digest
            counts = agg.get("severityCounts") or {}
            rows.append({"account_id": agg.get("accountId") or unit[0], "region": unit[1],
                         "repository_name": agg.get("repository"), "image_digest": digest,
                         "critical": counts.get("critical"), "high": counts.get("high"),
                         "medium": counts.get("medium"), "all": counts.get("all"),
                         "source_file": call.relative_path(),
                         "source_pointer": f"/responses/{i}/awsEcrContainerAggregation"})
    return rows


BUILDERS = {"images": images, "basic_findings": basic_findings,
            "inspector_coverage": inspector_coverage, "inspector_findings": inspector_findings}
"""The foundation's builders that now give `Tuples`, by table."""
