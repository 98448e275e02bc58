"""Realistic names for the demo fleet: accounts, repositories, upstreams, packages, CVEs.

Pure data, no randomness. ``fleet.py`` draws from these tables with its seeded RNG.
Each repository entry is ``(name, profile, options)`` where ``profile`` selects the push
cadence / size model in ``fleet.py`` and ``options`` pins settings the story needs
(``policy``, ``mutability``, ``kms``, ``legacy_sop``, ``multiarch``, ``signed``, ``os``, ...).
"""

from __future__ import annotations

CALLER_ACCOUNT = "111122223333"
SANDBOX_ACCOUNT = "444455556666"
ACCOUNT_ALIASES = {CALLER_ACCOUNT: "platform-prod", SANDBOX_ACCOUNT: "data-sandbox"}
REGIONS = ("ap-northeast-1", "us-east-1")
READ_ROLE_NAME = "ecr-report-read"
CALLER_ROLE_NAME = "ecr-report-runner"
CALLER_SESSION = "ecr-report-demo"

# ---------------------------------------------------------------- repositories per unit
# Options: policy in {good_count, archive, legacy_prefix, noop, ml, None}; mutability;
# kms in {"cmk", "aws", None}; legacy_sop (repository-level scanOnPush); multiarch; signed;
# sbom; os (overrides the profile's default OS); arm (single-arch arm64 images).
PROD_US = (
    ("payments/api", "service", dict(policy="good_count", mutability="IMMUTABLE", kms="cmk", signed=True, sbom=True, os="amazonlinux 2023")),
    ("payments/worker", "service", dict(policy="good_count", mutability="IMMUTABLE", kms="cmk", signed=True)),
    ("payments/ledger-migrations", "stale", dict(policy=None, kms="cmk")),
    ("payments/fraud-model", "ml", dict(policy="archive", kms="cmk")),
    ("prod-edge/gateway", "service", dict(policy="good_count", mutability="IMMUTABLE_WITH_EXCLUSION", signed=True, multiarch=True)),
    ("prod-edge/waf-sync", "service", dict(policy="noop", os="scratch", tiny=True)),
    ("platform/ingress-nginx", "service", dict(policy="good_count", multiarch=True, signed=True, os="debian 12")),
    ("platform/cert-manager-webhook", "base", dict(policy=None, os="distroless")),
    ("platform/base-python", "base", dict(policy="good_count", multiarch=True, signed=True, sbom=True, os="debian 12")),
    ("platform/distroless-static", "base", dict(policy="legacy_prefix", os="scratch", tiny=True)),
    ("platform/fluent-bit", "service", dict(policy="noop", multiarch=True, os="debian 12")),
    ("platform/windows-build-agent", "stale", dict(policy=None, os="windows", huge=True)),
    ("web/storefront", "service", dict(policy="archive", multiarch=True, busy=True, os="alpine 3.21")),
    ("web/checkout-ui", "service", dict(policy="good_count", mutability="IMMUTABLE", os="alpine 3.21")),
    ("web/cms", "stale", dict(policy=None, os="debian 11")),
    ("web/storybook", "service", dict(policy="noop", os="alpine 3.20")),
    ("data/airflow", "service", dict(policy="archive", big=True, os="debian 12")),
    ("data/dbt-runner", "service", dict(policy="good_count", os="debian 12")),
    ("data/spark-jobs", "ml", dict(policy="archive", os="ubuntu 22.04")),
    ("data/legacy-etl", "stale", dict(policy=None, os="ubuntu 18.04")),
    ("ml/feature-store", "ml", dict(policy="ml", kms="aws", os="ubuntu 22.04")),
    ("ml/training-gpu", "ml", dict(policy=None, huge=True, os="ubuntu 22.04")),
    ("ml/inference-triton", "ml", dict(policy="archive", huge=True, os="ubuntu 24.04")),
    ("search/indexer", "service", dict(policy=None, os="amazonlinux 2")),
    ("search/opensearch-proxy", "stale", dict(policy=None, os="amazonlinux 2")),
    ("identity/auth-service", "service", dict(policy="good_count", mutability="IMMUTABLE", kms="cmk", os="amazonlinux 2023")),
    ("notifications/email-sender", "service", dict(policy="legacy_prefix", os="alpine 3.19")),
    ("internal/admin-portal", "stale", dict(policy=None, os="debian 11")),
    ("tools/ci-runner-image", "base", dict(policy="noop", big=True, os="ubuntu 22.04")),
    ("tools/terraform-runner", "service", dict(policy="legacy_prefix", os="alpine 3.20")),
)
PROD_US_CACHE = (
    ("docker-hub/library/nginx", "cache", dict(upstream="docker-hub", multiarch=True, os="debian 12", tags=("1.27.2", "1.27.3", "1.27-alpine", "1.26.2", "stable", "latest"))),
    ("docker-hub/library/redis", "cache", dict(upstream="docker-hub", multiarch=True, os="debian 12", tags=("7.4.1", "7.4.2", "7.2-alpine", "latest"))),
    ("docker-hub/library/postgres", "cache", dict(upstream="docker-hub", multiarch=True, os="debian 12", tags=("16.4", "16.6", "15.10", "17.2"), big=True, recent=True)),
    ("docker-hub/bitnami/kubectl", "cache", dict(upstream="docker-hub", os="debian 12", tags=("1.29.10", "1.30.6", "1.31.2"), stale_cache=True)),
    ("ecr-public/aws-observability/aws-otel-collector", "cache", dict(upstream="ecr-public", os="distroless", tags=("v0.40.0", "v0.41.1", "v0.42.0", "latest"))),
    ("ecr-public/aws-cli/aws-cli", "cache", dict(upstream="ecr-public", os="amazonlinux 2", tags=("2.17.50", "2.18.12", "2.22.4"))),
    ("quay/prometheus/node-exporter", "cache", dict(upstream="quay", multiarch=True, os="scratch", tags=("v1.8.1", "v1.8.2"))),
    ("quay/jetstack/cert-manager-controller", "cache", dict(upstream="quay", os="distroless", tags=("v1.14.4", "v1.15.3", "v1.16.2"), stale_cache=True)),
    ("ghcr/actions/actions-runner", "cache", dict(upstream="ghcr", os="ubuntu 22.04", tags=("2.319.1", "2.320.0", "2.321.0", "latest"), big=True, quiet=True)),
    ("ghcr/external-secrets/external-secrets", "cache", dict(upstream="ghcr", os="distroless", tags=("v0.10.4", "v0.10.7"), quiet=True)),
)
PROD_JP = (
    ("payments/api-jp", "service", dict(policy="good_count", mutability="IMMUTABLE", kms="cmk", os="amazonlinux 2023")),
    ("payments/settlement-batch", "service", dict(policy="archive", kms="cmk", os="amazonlinux 2023")),
    ("web/storefront-jp", "service", dict(policy="good_count", multiarch=True, os="alpine 3.21")),
    ("web/static-assets", "stale", dict(policy=None, os="alpine 3.19")),
    ("platform/base-python", "base", dict(policy="noop", legacy_sop=True, os="debian 12")),
    ("platform/fluent-bit", "service", dict(policy=None, legacy_sop=True, os="debian 12")),
    ("data/etl-jp", "service", dict(policy="legacy_prefix", legacy_sop=True, os="ubuntu 22.04")),
    ("search/indexer-jp", "service", dict(policy=None, os="amazonlinux 2")),
    ("identity/auth-jp", "service", dict(policy="good_count", mutability="IMMUTABLE", os="amazonlinux 2023")),
    ("ml/recsys-jp", "ml", dict(policy=None, os="ubuntu 22.04")),
    ("tools/ci-runner-image", "base", dict(policy=None, big=True, os="ubuntu 22.04")),
    ("internal/ops-dashboard", "stale", dict(policy=None, os="debian 11")),
)
PROD_JP_CACHE = (
    ("docker-hub/library/nginx", "cache", dict(upstream="docker-hub", multiarch=True, os="debian 12", tags=("1.27.2", "1.27-alpine", "latest"))),
)
SANDBOX_US = (
    ("sandbox/jupyter-lab", "ml", dict(policy=None, legacy_sop=True, os="ubuntu 22.04")),
    ("sandbox/hello-world", "stale", dict(policy=None, os="alpine 3.19", tiny=True)),
    ("ml/experiments", "ml", dict(policy="noop", os="ubuntu 24.04")),
    ("ml/notebook-gpu", "ml", dict(policy=None, huge=True, os="ubuntu 22.04")),
    ("data/scratch-etl", "service", dict(policy=None, os="debian 13")),
    ("data/airflow-dev", "service", dict(policy="noop", big=True, os="debian 12")),
    ("team-alpha/api-prototype", "service", dict(policy=None, os="alpine 3.21")),
    ("team-beta/chatbot", "service", dict(policy=None, os="python-slim debian 12")),
    ("team-gamma/ui-poc", "stale", dict(policy=None, os="alpine 3.19")),
    ("poc/llm-gateway", "service", dict(policy="good_count", os="ubuntu 24.04")),
    ("qa/selenium-grid", "base", dict(policy=None, multiarch=True, os="ubuntu 22.04", big=True)),
    ("loadtest/k6-runner", "stale", dict(policy=None, os="alpine 3.20")),
)

# Upstream images that ECS task definitions pull directly, bypassing the cache:
# family -> references appended to the newest revision (pull-through cache section).
UPSTREAM_SIDECARS = {
    ("111122223333", "us-east-1"): {"search-indexer": ("nginx:1.27-alpine",),
                                    "web-storefront": ("docker.io/library/busybox:1.36",)},
    ("111122223333", "ap-northeast-1"): {
        "web-storefront-jp": ("public.ecr.aws/aws-observability/aws-otel-collector:v0.42.0",)},
    ("444455556666", "us-east-1"): {"data-airflow-dev": ("python:3.12-slim", "redis:7.4-alpine"),
                                    "team-beta-chatbot": ("ollama/ollama:0.4.7",)},
}

UPSTREAMS = {
    # prefix: (upstreamRegistry enum, upstreamRegistryUrl, needs credential)
    "docker-hub": ("docker-hub", "registry-1.docker.io", True),
    "ecr-public": ("ecr-public", "public.ecr.aws", False),
    "quay": ("quay", "quay.io", False),
    "ghcr": ("github-container-registry", "ghcr.io", True),
    "k8s": ("k8s", "registry.k8s.io", False),
}

# ---------------------------------------------------------------- media types
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
COSIGN_SIG = "application/vnd.dev.cosign.artifact.sig.v1+json"
SPDX = "application/spdx+json"
OCI_EMPTY = "application/vnd.oci.empty.v1+json"

# OSes neither engine can scan (basic -> UNSUPPORTED_IMAGE, Inspector -> UNSUPPORTED_OS).
UNSCANNABLE_OS = frozenset({"scratch", "windows"})
# Supported by AWS native basic scanning but not by Clair (src: ecr-basic-scanning).
CLAIR_UNSUPPORTED_OS = frozenset({"ubuntu 24.04", "alpine 3.21", "debian 13", "distroless"})

# ---------------------------------------------------------------- vulnerabilities
PACKAGES_BY_OS = {
    "debian": ("openssl", "libssl3", "zlib1g", "libc6", "curl", "libcurl4", "perl-base", "libxml2", "tar", "libsqlite3-0", "gnutls28", "systemd", "ncurses-base", "expat"),
    "ubuntu": ("openssl", "libc6", "libssh-4", "curl", "python3.10", "libxml2", "linux-libc-dev", "git", "vim", "libgnutls30", "sudo", "libexpat1"),
    "alpine": ("musl", "busybox", "openssl", "libcrypto3", "zlib", "curl", "libexpat", "c-ares", "nghttp2-libs", "sqlite-libs"),
    "amazonlinux": ("openssl-libs", "glibc", "curl", "libcurl", "expat", "python3", "krb5-libs", "libxml2", "sqlite-libs", "vim-minimal"),
    "distroless": ("libc6", "libssl3", "tzdata", "base-files", "netbase"),
}
LANGUAGE_PACKAGES = (
    ("requests", "PIP"), ("urllib3", "PIP"), ("jinja2", "PIP"), ("cryptography", "PIP"), ("setuptools", "PIP"),
    ("golang.org/x/net", "GOMOD"), ("google.golang.org/grpc", "GOMOD"), ("github.com/golang-jwt/jwt/v4", "GOMOD"),
    ("lodash", "NPM"), ("axios", "NPM"), ("express", "NPM"), ("com.fasterxml.jackson.core:jackson-databind", "JAR"),
    ("org.apache.logging.log4j:log4j-core", "JAR"), ("io.netty:netty-codec-http2", "JAR"),
)
SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED")
CVE_YEARS = (2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026)
CVSS_VECTORS = {
    "CRITICAL": ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
    "HIGH": ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5),
    "MEDIUM": ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9),
    "LOW": ("CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:L/I:N/A:N", 2.5),
    "INFORMATIONAL": ("CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N", 0.0),
    "UNDEFINED": ("", 0.0),
}
ADVISORY_URL = {
    "debian": "https://security-tracker.debian.org/tracker/{cve}",
    "ubuntu": "https://ubuntu.com/security/{cve}",
    "alpine": "https://security.alpinelinux.org/vuln/{cve}",
    "amazonlinux": "https://alas.aws.amazon.com/cve/html/{cve}.html",
    "distroless": "https://security-tracker.debian.org/tracker/{cve}",
}


def os_family(os_name: str) -> str:
    """Map an OS label such as ``"debian 12"`` to a key of :data:`PACKAGES_BY_OS`."""
    for family in ("debian", "ubuntu", "alpine", "amazonlinux", "distroless"):
        if family in os_name:
            return family
    return "debian"


def clone_name(name: str, k: int) -> str:
    """Name of the k-th scale copy of a catalogue repository (``team-07/payments-api``)."""
    return f"team-{k:02d}/{name.replace('/', '-')}"
