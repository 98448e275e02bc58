"""The pull-through cache model against hand-computed figures (reports.pull_through.analysis)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ecr_report.reports.concern import AnalysisContext
from ecr_report.reports.prices import PriceTable
from ecr_report.reports.pull_through import analyse
from ecr_report.reports.pull_through.refs import parse_reference
from ecr_report.reports.pull_through.tables import (
    CONTAINER_IMAGES,
    METRICS,
    NAT_GATEWAYS,
    TEMPLATES,
    VPC_ENDPOINTS,
    VPCS,
)
from ecr_report.reports.schema import SNAPSHOT_TABLES

ACCOUNT, REGION = "111122223333", "us-east-1"
UNIT = (ACCOUNT, REGION)
AS_OF = pd.Timestamp("2026-11-20T00:00:00Z")
GIB = 1024 ** 3
MONTH_DAYS = 730 / 24
REGISTRY = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"


def frame(columns: dict[str, str], rows: list[dict]) -> pd.DataFrame:
    out = pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=list(columns))
    for col, dtype in columns.items():
        if dtype.startswith("datetime"):
            out[col] = pd.to_datetime(out[col], utc=True)
        elif dtype != "object":
            out[col] = out[col].astype(dtype)
    return out


def image(repo: str, digest: str, size: int, tags=("v1",), pulled_days: float | None = 1.0,
          pushed_days: float = 10.0) -> dict:
    return {"account_id": ACCOUNT, "region": REGION, "repository_name": repo, "image_digest": digest,
            "image_tags": tuple(tags), "pushed_at": AS_OF - pd.Timedelta(days=pushed_days), "size_bytes": size,
            "manifest_media_type": "application/vnd.oci.image.manifest.v1+json",
            "artifact_media_type": "application/vnd.oci.image.config.v1+json",
            "last_pull_at": None if pulled_days is None else AS_OF - pd.Timedelta(days=pulled_days),
            "image_status": "ACTIVE"}


def pulls(repo: str, total: float, days: int = 30, status: str = "Complete") -> dict:
    return {"account_id": ACCOUNT, "region": REGION, "namespace": "AWS/ECR", "metric": "RepositoryPullCount",
            "dimension_value": repo, "window_start": AS_OF - pd.Timedelta(days=days), "window_end": AS_OF,
            "value_sum": total, "datapoints": days, "status": status}


def network(kind: str) -> dict[str, pd.DataFrame]:
    """`endpoints`: one VPC, one NAT, ecr.dkr (2 AZs) + S3 gateway; `nat-only`: one VPC, one NAT;
    `mixed`: the endpoints VPC (1 NAT) plus a NAT-only VPC with 3 NAT gateways."""
    vpcs, nats, eps = [], [], []

    def vpc(vid: str, n_nat: int) -> None:
        vpcs.append({"account_id": ACCOUNT, "region": REGION, "vpc_id": vid, "name": vid, "cidr": "10.0.0.0/16",
                     "is_default": False})
        for i in range(n_nat):
            nats.append({"account_id": ACCOUNT, "region": REGION, "nat_gateway_id": f"nat-{vid}-{i}",
                         "vpc_id": vid, "subnet_id": "subnet-1", "state": "available",
                         "connectivity_type": "public", "public_ip_count": 1})

    def endpoints(vid: str) -> None:
        eps.append({"account_id": ACCOUNT, "region": REGION, "endpoint_id": "vpce-dkr", "vpc_id": vid,
                    "service_name": f"com.amazonaws.{REGION}.ecr.dkr", "service": "ecr.dkr",
                    "endpoint_type": "Interface", "state": "available", "subnet_count": 2})
        eps.append({"account_id": ACCOUNT, "region": REGION, "endpoint_id": "vpce-s3", "vpc_id": vid,
                    "service_name": f"com.amazonaws.{REGION}.s3", "service": "s3",
                    "endpoint_type": "Gateway", "state": "available", "subnet_count": 0})

    if kind in ("endpoints", "mixed"):
        vpc("vpc-ep", 1)
        endpoints("vpc-ep")
    if kind == "nat-only":
        vpc("vpc-nat", 1)
    if kind == "mixed":
        vpc("vpc-nat", 3)
    return {"network_vpcs": frame(VPCS, vpcs), "network_nat_gateways": frame(NAT_GATEWAYS, nats),
            "network_vpc_endpoints": frame(VPC_ENDPOINTS, eps)}


def run(kind: str = "endpoints", images=None, metrics=None, containers=(), settings=None, errors=(),
        templates=()) -> tuple[dict[str, pd.DataFrame], dict]:
    repo = "docker-hub/library/nginx"
    images = images if images is not None else [image(repo, "sha256:a", GIB, ("1.27",)),
                                                 image(repo, "sha256:b", GIB, ("1.26",))]
    metrics = metrics if metrics is not None else [pulls(repo, 300)]
    repos = sorted({i["repository_name"] for i in images} | {repo})
    tables = {
        "pull_through_rules": frame(SNAPSHOT_TABLES["pull_through_rules"], [{
            "account_id": ACCOUNT, "region": REGION, "ecr_repository_prefix": "docker-hub",
            "upstream_registry": "docker-hub", "upstream_registry_url": "registry-1.docker.io",
            "upstream_repository_prefix": "ROOT", "has_credential": True, "created_at": AS_OF}]),
        "repositories": frame(SNAPSHOT_TABLES["repositories"], [
            {"account_id": ACCOUNT, "region": REGION, "repository_name": r, "lifecycle_policy_status": "ABSENT"}
            for r in repos]),
        "images": frame(SNAPSHOT_TABLES["images"], images),
        "coverage": pd.DataFrame([{"account_id": ACCOUNT, "region": REGION, "repository_name": r,
                                   "scan_frequency": "MANUAL", "automatically_scanned": False} for r in repos]),
        "pull_through_templates": frame(TEMPLATES, list(templates)),
        "pull_through_metrics": frame(METRICS, metrics),
        "ecs_container_images": frame(CONTAINER_IMAGES, list(containers)),
        **network(kind),
    }
    ctx = AnalysisContext(as_of=AS_OF, tables=tables, prices=PriceTable(),
                          settings={"layer_reuse_fraction": 0.5, "stale_days": 90, **(settings or {})},
                          units=(UNIT,), errors=tuple(errors))
    result = analyse(ctx)
    return dict(result.tables), dict(result.summary)


PULLS_MONTHLY = 300 / 30 * MONTH_DAYS  # 304.1667
PULLED_GB = PULLS_MONTHLY * 1 * 0.5  # 1 GiB images, half the bytes already on the node


def test_with_endpoints_the_cache_avoids_nat_processing():
    tables, summary = run("endpoints")
    row = tables["pull_through"].iloc[0]
    assert row["stored_bytes"] == 2 * GIB and row["images"] == 2
    assert row["storage_monthly_usd"] == pytest.approx(0.20)
    assert row["pulls_monthly"] == pytest.approx(PULLS_MONTHLY)
    assert row["pulled_gb_monthly"] == pytest.approx(PULLED_GB)  # 152.08
    assert row["nat_avoided_monthly_usd"] == pytest.approx(PULLED_GB * 0.045)  # 6.84
    assert row["net_saving_monthly_usd"] == pytest.approx(PULLED_GB * 0.045 - 0.20)  # 6.64
    assert bool(row["pays_for_itself"]) is True
    # One image costs $0.10 a month; one pull of it avoids 0.5 GiB x $0.045 = $0.0225.
    assert row["break_even_pulls_per_image_monthly"] == pytest.approx(0.10 / 0.0225)  # 4.44
    assert summary["storage_monthly_usd"] == 0.2
    assert summary["nat_savings_monthly_usd"] == round(PULLED_GB * 0.045, 2)
    # ecr.dkr in 2 AZs: 2 x 730 h x $0.01, shown apart from the net.
    assert summary["endpoint_fixed_monthly_usd"] == 14.6
    assert summary["net_saving_including_endpoints_monthly_usd"] == round(PULLED_GB * 0.045 - 0.20 - 14.6, 2)
    topo = tables["pull_through_topology"].iloc[0]
    assert (topo["topology"], bool(topo["cache_saves_nat"]), topo["pull_share"]) == ("ENDPOINTS", True, 1.0)


def test_without_endpoints_the_cache_saves_nothing():
    tables, summary = run("nat-only")
    row = tables["pull_through"].iloc[0]
    assert row["nat_avoided_monthly_usd"] == 0.0
    assert row["net_saving_monthly_usd"] == pytest.approx(-0.20)
    assert bool(row["pays_for_itself"]) is False
    assert pd.isna(row["break_even_pulls_per_image_monthly"])  # never
    assert "no VPC here where the cache avoids NAT processing" in row["note"]
    topo = tables["pull_through_topology"].iloc[0]
    assert topo["topology"] == "NAT_ONLY" and not bool(topo["cache_saves_nat"])
    assert "saves no NAT processing" in topo["note"]
    assert summary["rules_not_paying"] == 1 and summary["nat_savings_monthly_usd"] == 0.0


def test_pulls_are_split_over_nat_vpcs_by_nat_count_or_configuration():
    tables, _ = run("mixed")  # endpoints VPC: 1 NAT of 4 -> a quarter of the pulls save
    assert tables["pull_through"].iloc[0]["nat_avoided_monthly_usd"] == pytest.approx(PULLED_GB * 0.045 * 0.25)
    tables, _ = run("mixed", settings={"vpc_pull_shares": {"vpc-ep": 3, "vpc-nat": 1}})
    assert tables["pull_through"].iloc[0]["nat_avoided_monthly_usd"] == pytest.approx(PULLED_GB * 0.045 * 0.75)


def test_break_even_counts_every_stored_architecture_but_one_pulled():
    repo = "docker-hub/library/nginx"
    index = {**image(repo, "sha256:idx", GIB, ("1.27",)),
             "manifest_media_type": "application/vnd.oci.image.index.v1+json", "artifact_media_type": None}
    children = [image(repo, f"sha256:c{i}", GIB, ()) for i in range(4)]
    tables, _ = run("endpoints", images=[index, *children])
    row = tables["pull_through"].iloc[0]
    assert row["stored_bytes"] == 4 * GIB  # the index's size repeats a child's: not counted
    assert row["images"] == 1 and row["bytes_per_pull"] == GIB
    assert row["break_even_pulls_per_image_monthly"] == pytest.approx(0.40 / 0.0225)  # 17.8


def test_unknown_pull_count_is_unknown_not_zero():
    tables, summary = run("endpoints", metrics=[])
    row = tables["pull_through"].iloc[0]
    assert pd.isna(row["pulls_monthly"]) and pd.isna(row["net_saving_monthly_usd"]) and bool(row["partial"])
    assert summary["partial"] is True


def test_failed_topology_makes_savings_unknown():
    errors = [{"account": ACCOUNT, "region": REGION, "operation": "ec2:DescribeVpcEndpoints (page 1)",
               "error": "UnauthorizedOperation: no"}]
    tables, _ = run("endpoints", errors=errors)
    row = tables["pull_through"].iloc[0]
    assert pd.isna(row["nat_avoided_monthly_usd"]) and bool(row["partial"])


def test_stale_entries_and_templates():
    repo = "docker-hub/library/nginx"
    imgs = [image(repo, "sha256:a", GIB, ("1.27",)),
            image(repo, "sha256:old", GIB // 2, ("1.20",), pulled_days=120, pushed_days=300),
            image(repo, "sha256:never", GIB // 2, ("1.19",), pulled_days=None, pushed_days=95)]
    template = {"account_id": ACCOUNT, "region": REGION, "prefix": "docker-hub", "applied_for": "PULL_THROUGH_CACHE",
                "applies_to_pull_through": True, "has_lifecycle_policy": True}
    tables, summary = run("endpoints", images=imgs, templates=[template])
    stale = tables["pull_through_stale"].sort_values("image_digest")
    assert list(stale["image_digest"]) == ["sha256:never", "sha256:old"]
    assert list(stale["days_since_pull"].round(3)) == [95.0, 120.0]
    assert stale["monthly_usd"].sum() == pytest.approx(0.10)
    row = tables["pull_through"].iloc[0]
    assert (row["stale_images"], row["creation_template"], bool(row["template_has_lifecycle_policy"])) == (
        2, "docker-hub", True)
    assert summary["stale_images"] == 2 and summary["stale_monthly_usd"] == 0.1


def test_a_rule_without_cached_repositories_costs_and_saves_nothing():
    tables, summary = run("endpoints", images=[], metrics=[])
    assert summary["rules_without_cached_repositories"] == 0  # the repository exists, empty
    row = tables["pull_through"].iloc[0]
    assert row["stored_bytes"] == 0 and row["storage_monthly_usd"] == 0


def test_uncached_upstream_image_nat_cost_and_rate_limit_exposure():
    containers = [
        {"account_id": ACCOUNT, "region": REGION, "task_definition_arn": "arn:td/web:2", "family": "web",
         "revision": 2, "container_name": c, "image": i}
        for c, i in (("app", f"{REGISTRY}/web/app:1"), ("proxy", "nginx:1.27"),
                     ("cached", f"{REGISTRY}/docker-hub/library/nginx:1.26"))]
    metrics = [pulls("docker-hub/library/nginx", 300), pulls("web/app", 4000)]
    tables, summary = run("endpoints", metrics=metrics, containers=containers)
    un = tables["pull_through_uncached"]
    assert list(un["reference"]) == ["nginx:1.27"]
    row = un.iloc[0]
    per_day = 4000 / 30  # measured pulls of web/app, the private image beside it
    assert row["pulls_per_day"] == pytest.approx(per_day)
    assert row["size_bytes"] == GIB and row["size_source"].startswith("cached copy")
    gb = per_day * MONTH_DAYS * 1 * 0.5
    assert row["nat_monthly_usd"] == pytest.approx(gb * 0.045)
    assert row["saving_if_cached_monthly_usd"] == pytest.approx(gb * 0.045)
    assert row["cached_reference"] == f"{REGISTRY}/docker-hub/library/nginx:1.27"
    assert row["pulls_per_6h"] == pytest.approx(per_day / 4)
    rate = tables["pull_through_rate_limits"].iloc[0]
    assert rate["nat_public_ips"] == 1 and rate["status"] == "WITHIN"  # 33 of 100 per 6 h
    use = tables["pull_through_in_use"].set_index("reference")
    assert use.loc[f"{REGISTRY}/docker-hub/library/nginx:1.26", "kind"] == "CACHED"
    assert bool(use.loc[f"{REGISTRY}/docker-hub/library/nginx:1.26", "served_if_upstream_down"]) is True
    assert bool(use.loc["nginx:1.27", "served_if_upstream_down"]) is False
    assert use.loc[f"{REGISTRY}/web/app:1", "kind"] == "PRIVATE"
    assert summary["in_use_references"] == 2 and summary["in_use_served_if_upstream_down"] == 1


def test_images_in_use_file_counts_containers_and_flags_rate_limits():
    refs = ["busybox"] * 60 + ["quay.io/prometheus/node-exporter:v1.8.2"]
    tables, summary = run("nat-only", settings={"images_in_use": refs, "uncached_pulls_per_day": 8})
    un = tables["pull_through_uncached"].set_index("reference")
    assert un.loc["busybox", "containers"] == 60 and un.loc["busybox", "pulls_per_day"] == 480
    assert un.loc["busybox", "size_source"].startswith("assumed")
    assert un.loc["busybox", "saving_if_cached_monthly_usd"] == 0.0  # no endpoints: a cache saves no NAT
    rate = tables["pull_through_rate_limits"].iloc[0]
    assert rate["pulls_per_6h_per_ip"] == 120 and rate["status"] == "OVER_UNAUTHENTICATED"
    assert summary["docker_hub_max_pulls_per_6h_per_ip"] == 120


@pytest.mark.parametrize("text,host,repo,tag,digest,upstream", [
    ("nginx", "docker.io", "library/nginx", "latest", None, "docker-hub"),
    ("bitnami/kubectl:1.31", "docker.io", "bitnami/kubectl", "1.31", None, "docker-hub"),
    ("registry-1.docker.io/library/redis:7", "docker.io", "library/redis", "7", None, "docker-hub"),
    ("quay.io/jetstack/cert-manager-controller:v1.16.2", "quay.io", "jetstack/cert-manager-controller",
     "v1.16.2", None, "quay"),
    ("ghcr.io/actions/actions-runner@sha256:" + "a" * 64, "ghcr.io", "actions/actions-runner", None,
     "sha256:" + "a" * 64, "github-container-registry"),
    ("localhost:5000/x/y:1", "localhost:5000", "x/y", "1", None, "other"),
    ("public.ecr.aws/aws-cli/aws-cli:2.22.4", "public.ecr.aws", "aws-cli/aws-cli", "2.22.4", None, "ecr-public"),
])
def test_parse_reference(text, host, repo, tag, digest, upstream):
    ref = parse_reference(text)
    assert (ref.host, ref.repository, ref.tag, ref.digest, ref.upstream_registry) == (
        host, repo, tag, digest, upstream)


def test_parse_ecr_reference():
    ref = parse_reference(f"{REGISTRY}/docker-hub/library/nginx:1.27")
    assert (ref.registry_kind, ref.ecr_account, ref.ecr_region, ref.repository) == (
        "ecr", ACCOUNT, REGION, "docker-hub/library/nginx")
    assert not math.isnan(0.0)
