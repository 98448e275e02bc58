"""Container image references: which registry an image is pulled from. Pure.

Follows the Docker reference grammar: a first path component containing `.` or `:` (or
`localhost`) is a registry host, otherwise the image is on Docker Hub, where a one-component name
lives under `library/`. The host decides the upstream, by the `upstreamRegistryUrl` list of
botocore ECR model, CreatePullThroughCacheRule; `<account>.dkr.ecr.<region>.amazonaws.com` is a private ECR registry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ECR_HOST = re.compile(r"^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$")
DOCKER_HUB_HOSTS = frozenset({"docker.io", "registry-1.docker.io", "index.docker.io", "registry.hub.docker.com"})
UPSTREAM_HOSTS = {
    "public.ecr.aws": "ecr-public",
    "registry.k8s.io": "k8s",
    "k8s.gcr.io": "k8s",
    "quay.io": "quay",
    "ghcr.io": "github-container-registry",
    "registry.gitlab.com": "gitlab-container-registry",
    "cgr.dev": "chainguard",  # URL UNCONFIRMED (botocore ECR model, CreatePullThroughCacheRule)
}
UPSTREAM_LABELS = {
    "docker-hub": "Docker Hub",
    "ecr-public": "ECR Public",
    "k8s": "Kubernetes registry",
    "quay": "Quay",
    "github-container-registry": "GitHub Container Registry",
    "gitlab-container-registry": "GitLab Container Registry",
    "azure-container-registry": "Azure Container Registry",
    "chainguard": "Chainguard",
    "ecr": "Amazon ECR (other registry)",
    "other": "other registry",
}


@dataclass(frozen=True)
class ImageRef:
    raw: str
    host: str
    repository: str
    """Path within the registry, e.g. `library/nginx`."""
    tag: str | None
    digest: str | None
    registry_kind: str
    """`ecr` (a private ECR registry) or `upstream` (anything else)."""
    upstream_registry: str | None
    """The `upstreamRegistry` enum value for upstream hosts (`other` when no rule type fits)."""
    ecr_account: str | None = None
    ecr_region: str | None = None


def parse_reference(text: str) -> ImageRef:
    raw = text.strip()
    name, digest = raw, None
    if "@" in name:
        name, digest = name.split("@", 1)
    tag = None
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        name, tag = name.rsplit(":", 1)
    parts = name.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        host, path = parts[0].lower(), "/".join(parts[1:])
    else:
        host, path = "docker.io", name
    if host in DOCKER_HUB_HOSTS:
        host = "docker.io"
        if "/" not in path:
            path = "library/" + path
    if tag is None and digest is None:
        tag = "latest"
    ecr = _ECR_HOST.match(host)
    if ecr:
        return ImageRef(raw, host, path, tag, digest, "ecr", None, ecr.group(1), ecr.group(2))
    if host == "docker.io":
        upstream = "docker-hub"
    elif host.endswith(".azurecr.io"):
        upstream = "azure-container-registry"
    else:
        upstream = UPSTREAM_HOSTS.get(host, "other")
    return ImageRef(raw, host, path, tag, digest, "upstream", upstream)
