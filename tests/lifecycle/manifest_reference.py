"""BatchGetImage manifests read as before they gave row tuples (reports/lifecycle at 0f17ba0):
json.loads and one dict per record, the plain definition `manifest_refs` and `_manifest_rows`
must agree with."""

from __future__ import annotations

import json
from typing import Any

from ecr_report.reports.lifecycle.awsjson import LIST_MEDIA_TYPES, AwsJsonError


def manifest_records(item: Any, where: str = "image") -> tuple[list[dict], list[dict], list[dict]]:
    """One BatchGetImage `images[]` entry -> (blob rows, child rows, known-image rows).

    Plain records, no DataFrames: the fleet-wide normaliser calls this once per image.
    Raises AwsJsonError for an entry that is not a readable manifest.
    """
    if not isinstance(item, dict):
        raise AwsJsonError(f"{where}: expected an object")
    digest = (item.get("imageId") or {}).get("imageDigest")
    if not isinstance(digest, str):
        raise AwsJsonError(f"{where}: imageId.imageDigest is required")
    try:
        manifest = json.loads(item.get("imageManifest") or "")
    except (json.JSONDecodeError, TypeError):
        raise AwsJsonError(f"{where}: imageManifest is not a JSON document") from None
    if not isinstance(manifest, dict):
        raise AwsJsonError(f"{where}: imageManifest is not a JSON object")
    key = {"account_id": str(item.get("registryId") or ""), "region": "",
           "repository_name": str(item.get("repositoryName") or "")}
    media = manifest.get("mediaType") or item.get("imageManifestMediaType")
    if "manifests" in manifest or media in LIST_MEDIA_TYPES:
        children = [{**key, "parent_digest": digest, "child_digest": child["digest"]}
                    for child in manifest.get("manifests") or []
                    if isinstance(child, dict) and isinstance(child.get("digest"), str)]
        return [], children, [{**key, "image_digest": digest}]
    entries = [manifest.get("config")] + list(manifest.get("layers") or []) + list(manifest.get("blobs") or [])
    sized = [e for e in entries if isinstance(e, dict) and isinstance(e.get("digest"), str)]
    if any(not isinstance(e.get("size"), int) for e in sized) or (not sized and "fsLayers" in manifest):
        return [], [], []  # schema 1 or sizes missing: this image's bytes stay unknown
    blobs = [{**key, "image_digest": digest, "blob_digest": e["digest"], "blob_size": int(e["size"])}
             for e in sized]
    return blobs, [], [{**key, "image_digest": digest}]



def manifest_rows(index: Any, unit: tuple[str, str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for call in index.get(unit, "ecr", "BatchGetImage"):
        if not call.ok:
            continue
        repo = call.params.get("repositoryName")
        for item in call.response.get("images") or []:
            try:
                blobs, children, known = manifest_records(
                    {**item, "repositoryName": item.get("repositoryName") or repo})
            except AwsJsonError:
                continue  # unreadable manifest: the image stays unknown, exact bytes unavailable
            key = {"account_id": unit[0], "region": unit[1]}
            for rec in known:
                if (rec["repository_name"], rec["image_digest"]) in seen:
                    break
                seen.add((rec["repository_name"], rec["image_digest"]))
                rows.append({**key, "repository_name": rec["repository_name"], "image_digest": rec["image_digest"],
                             "kind": "READ", "ref_digest": None, "size_bytes": None})
                for blob in blobs:
                    rows.append({**key, "repository_name": blob["repository_name"], "image_digest": blob["image_digest"],
                                 "kind": "BLOB", "ref_digest": blob["blob_digest"], "size_bytes": int(blob["blob_size"])})
                for child in children:
                    rows.append({**key, "repository_name": child["repository_name"], "image_digest": child["parent_digest"],
                                 "kind": "CHILD", "ref_digest": child["child_digest"], "size_bytes": None})
    return rows

