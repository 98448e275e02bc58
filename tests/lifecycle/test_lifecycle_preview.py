"""Preview output: GetLifecyclePolicyPreview's shape (checked against botocore's model), inputs as the CLI prints them."""

import copy
import json
from datetime import datetime

import botocore.session
import pytest
from botocore.validate import validate_parameters

from ecr_report.reports.lifecycle import AwsJsonError, images_from_describe, manifests_from_batch_get, preview

from ecr_lifecycle_support import AS_OF, policy, rule

TEXT = policy(
    rule(1, tagStatus="untagged", countType="sinceImagePushed", countUnit="days", countNumber=7),
    rule(2, "transition", tagStatus="tagged", tagPatternList=["v*"], countType="imageCountMoreThan", countNumber=1),
    rule(3, tagStatus="any", storageClass="archive", countType="sinceImageTransitioned", countUnit="days", countNumber=365),
)

DESCRIBE = {
    "imageDetails": [
        {"registryId": "111122223333", "repositoryName": "web", "imageDigest": "sha256:old", "imageTags": ["v1"], "imageSizeInBytes": 300, "imagePushedAt": "2025-01-01T00:00:00+00:00"},
        {"registryId": "111122223333", "repositoryName": "web", "imageDigest": "sha256:new", "imageTags": ["v2"], "imageSizeInBytes": 200, "imagePushedAt": 1748736000.0, "lastRecordedPullTime": "2025-06-29T00:00:00.123000+00:00"},
        {"registryId": "111122223333", "repositoryName": "web", "imageDigest": "sha256:dangling", "imageSizeInBytes": 100, "imagePushedAt": 1735689600},
        {"registryId": "111122223333", "repositoryName": "web", "imageDigest": "sha256:cold", "imageTags": ["v0"], "imageSizeInBytes": 50, "imagePushedAt": "2023-01-01T00:00:00Z", "imageStatus": "ARCHIVED", "lastArchivedAt": "2024-01-01T00:00:00Z"},
    ]
}


def manifest(layers):
    return json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": {"digest": "sha256:cfg", "size": 10}, "layers": [{"digest": d, "size": s} for d, s in layers]})


BATCH = {
    "images": [
        {"registryId": "111122223333", "repositoryName": "web", "imageId": {"imageDigest": "sha256:old", "imageTag": "v1"}, "imageManifest": manifest([("sha256:base", 150), ("sha256:o", 140)])},
        {"registryId": "111122223333", "repositoryName": "web", "imageId": {"imageDigest": "sha256:new", "imageTag": "v2"}, "imageManifest": manifest([("sha256:base", 150), ("sha256:n", 40)])},
        {"registryId": "111122223333", "repositoryName": "web", "imageId": {"imageDigest": "sha256:dangling"}, "imageManifest": manifest([("sha256:d", 90)])},
        {"registryId": "111122223333", "repositoryName": "web", "imageId": {"imageDigest": "sha256:cold"}, "imageManifest": manifest([("sha256:c", 40)])},
    ],
    "failures": [],
}


def output_shape():
    return botocore.session.get_session().get_service_model("ecr").operation_model("GetLifecyclePolicyPreview").output_shape


def for_botocore(doc):
    doc = copy.deepcopy(doc)
    doc.pop("reclaimableBytes")
    for r in doc["previewResults"]:
        r["imagePushedAt"] = datetime.fromisoformat(r["imagePushedAt"])
    return doc


def test_shape_validates_against_botocore_model():
    out = preview(TEXT, images_from_describe(DESCRIBE), AS_OF, manifests_from_batch_get(BATCH))
    validate_parameters(for_botocore(out), output_shape())  # raises ParamValidationError on mismatch
    assert out["repositoryName"] == "web" and out["registryId"] == "111122223333" and out["status"] == "COMPLETE"
    results = {r["imageDigest"]: r for r in out["previewResults"]}
    assert set(results) == {"sha256:old", "sha256:dangling", "sha256:cold"}
    assert results["sha256:old"]["action"] == {"type": "TRANSITION", "targetStorageClass": "ARCHIVE"}
    assert results["sha256:dangling"]["action"] == {"type": "EXPIRE"} and results["sha256:dangling"]["imageTags"] == []
    assert results["sha256:cold"]["storageClass"] == "ARCHIVE" and results["sha256:cold"]["appliedRulePriority"] == 3
    assert results["sha256:old"]["imagePushedAt"] == "2025-01-01T00:00:00+00:00"
    assert [r["appliedRulePriority"] for r in out["previewResults"]] == [1, 2, 3]
    assert out["summary"] == {"expiringImageTotalCount": 2, "transitioningImageTotalCounts": [{"targetStorageClass": "ARCHIVE", "imageTotalCount": 1}]}
    assert out["reclaimableBytes"] == {
        "expiringNaive": 150,
        "expiringExact": 90 + 40,  # d and c; cfg is still referenced by the images that stay
        "transitioningNaive": 300,
        "transitioningExact": 140,  # base and cfg stay with "new" in standard storage
        "exactAvailable": True,
    }


def test_summary_omits_transitions_when_none_and_bare_list_input():
    text = policy(rule(1, tagStatus="any", countType="imageCountMoreThan", countNumber=5))
    out = preview(text, images_from_describe(DESCRIBE["imageDetails"]), AS_OF)
    validate_parameters(for_botocore(out), output_shape())
    assert out["previewResults"] == [] and out["summary"] == {"expiringImageTotalCount": 0}
    assert out["reclaimableBytes"]["expiringExact"] is None and not out["reclaimableBytes"]["exactAvailable"]


def test_manifest_list_parsing_holds_children():
    index = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [{"digest": "sha256:child", "size": 1}]})
    batch = {"images": [{"repositoryName": "web", "imageId": {"imageDigest": "sha256:idx"}, "imageManifest": index}]}
    m = manifests_from_batch_get(batch)
    assert m.children[["parent_digest", "child_digest"]].values.tolist() == [["sha256:idx", "sha256:child"]]
    images = images_from_describe([
        {"repositoryName": "web", "imageDigest": "sha256:idx", "imageTags": ["v1"], "imagePushedAt": 0, "imageSizeInBytes": 5},
        {"repositoryName": "web", "imageDigest": "sha256:child", "imagePushedAt": 0, "imageSizeInBytes": 5},
    ])
    text = policy(rule(1, tagStatus="untagged", countType="sinceImagePushed", countUnit="days", countNumber=1))
    assert preview(text, images, AS_OF, m)["previewResults"] == []


@pytest.mark.parametrize("doc", [{"imageDetails": "x"}, [{"imagePushedAt": 0}], [{"imageDigest": "sha256:a"}], [{"imageDigest": "sha256:a", "imagePushedAt": "yesterday"}], [{"imageDigest": "sha256:a", "imagePushedAt": 0, "imageTags": "v1"}]])
def test_bad_describe_images(doc):
    with pytest.raises(AwsJsonError):
        images_from_describe(doc)


def test_bad_batch_get_image():
    with pytest.raises(AwsJsonError):
        manifests_from_batch_get({"images": [{"imageId": {"imageDigest": "sha256:a"}, "imageManifest": "{nope"}]})


def _leaves(node):
    if isinstance(node, dict):
        node = list(node.values())
    if isinstance(node, list):
        return [leaf for value in node for leaf in _leaves(value)]
    return [node]


@pytest.mark.parametrize("size", [300, 300.0, 2.5e16])
@pytest.mark.parametrize("with_manifests", [True, False])
def test_every_number_in_a_preview_is_an_int(size, with_manifests):
    # `lifecycle preview` writes the document without looking for floats (jobs/lifecycle_cmd.py):
    # float sizes and epoch-float times in, ints out.
    doc = copy.deepcopy(DESCRIBE)
    for detail in doc["imageDetails"]:
        detail["imageSizeInBytes"] = size
    out = preview(TEXT, images_from_describe(doc), AS_OF, manifests_from_batch_get(BATCH) if with_manifests else None)
    assert out["previewResults"] and out["reclaimableBytes"]["expiringNaive"] > 0
    numbers = [v for v in _leaves(out) if isinstance(v, (int, float)) and not isinstance(v, bool)]
    assert numbers and all(type(v) is int for v in numbers)
