"""The plain script a user would compare `ecr-report lifecycle preview` with (benchmark baseline).

json.load the describe-images output, evaluate the policy image by image with the simple
reference evaluator (tests/lifecycle/reference.py, the fast evaluator's test oracle), json.dump
the images acted on in preview order. Run by benchmarks/lifecycle.py beside the product:

    python benchmarks/preview_plain.py POLICY IMAGES AS_OF > preview.json
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def main(policy_path: str, images_path: str, as_of: str) -> int:
    spec = importlib.util.spec_from_file_location("reference", ROOT / "tests" / "lifecycle" / "reference.py")
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    policy = Path(policy_path).read_text(encoding="utf-8")
    with open(images_path, encoding="utf-8") as fh:
        details = json.load(fh)["imageDetails"]

    def when(value):
        return None if value is None else pd.Timestamp(value).tz_convert("UTC")

    images = [{"account_id": d.get("registryId") or "", "region": "", "repository_name": d.get("repositoryName") or "",
               "image_digest": d["imageDigest"], "image_tags": d.get("imageTags") or [],
               "pushed_at": when(d["imagePushedAt"]), "last_pull_at": when(d.get("lastRecordedPullTime")),
               "image_status": d.get("imageStatus") or "ACTIVE", "last_archived_at": when(d.get("lastArchivedAt")),
               "last_activated_at": when(d.get("lastActivatedAt")), "subject_digest": d.get("subjectManifestDigest"),
               "size_bytes": d.get("imageSizeInBytes", 0)} for d in details]
    acted = reference.reference_evaluate(policy, images, pd.Timestamp(as_of))
    by_digest = {i["image_digest"]: i for i in images}
    order = sorted(acted, key=lambda k: (acted[k][0], by_digest[k[3]]["pushed_at"], k[3]))
    results = [{"imageTags": by_digest[k[3]]["image_tags"], "imageDigest": k[3],
                "imagePushedAt": by_digest[k[3]]["pushed_at"].isoformat(),
                "action": {"type": acted[k][1]}, "appliedRulePriority": acted[k][0]} for k in order]
    json.dump({"previewResults": results, "summary": {"expiringImageTotalCount": sum(
        1 for v in acted.values() if v[1] == "EXPIRE")}}, sys.stdout, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
