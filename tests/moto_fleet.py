"""A small registry created in moto's server with plain boto3 (outside the product), for the tests
that collect it over HTTP: three repositories, three images, a lifecycle policy, a scan rule."""

from __future__ import annotations

import json

import boto3

ACCOUNT = "123456789012"  # moto's default account
REGION = "us-east-1"
POLICY = json.dumps({"rules": [{"rulePriority": 1, "description": "expire untagged after 14 days",
                                "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed",
                                              "countUnit": "days", "countNumber": 14},
                                "action": {"type": "expire"}}]})


def manifest(layer_byte: str, size: int) -> str:
    return json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 100,
                   "digest": "sha256:" + "c" * 64},
        "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": size,
                    "digest": "sha256:" + layer_byte * 64}],
    })


def make_fleet(region: str = REGION) -> dict[str, object]:
    ecr = boto3.client("ecr", region_name=region)
    ecr.create_repository(repositoryName="payments/api", imageTagMutability="IMMUTABLE",
                          imageScanningConfiguration={"scanOnPush": True})
    ecr.create_repository(repositoryName="web/storefront",
                          encryptionConfiguration={"encryptionType": "KMS",
                                                   "kmsKey": f"arn:aws:kms:{region}:{ACCOUNT}:key/1234"})
    ecr.create_repository(repositoryName="ml/trainer")
    ecr.put_lifecycle_policy(repositoryName="payments/api", lifecyclePolicyText=POLICY)
    ecr.put_image(repositoryName="payments/api", imageManifest=manifest("a", 1000), imageTag="v1.0.0")
    ecr.put_image(repositoryName="payments/api", imageManifest=manifest("b", 2000), imageTag="v1.1.0")
    ecr.put_image(repositoryName="web/storefront", imageManifest=manifest("d", 3000), imageTag="latest")
    ecr.put_registry_scanning_configuration(scanType="BASIC", rules=[
        {"scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [{"filter": "payments*", "filterType": "WILDCARD"}]}])
    return {"repositories": 3, "images": 3}
