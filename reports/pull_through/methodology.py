"""The methodology paragraphs of the pull-through cache section, in plain words.

Each paragraph is a `msg` so the report's language pass can translate it (the Japanese is in
reports/pull_through/ja.py)."""

from __future__ import annotations

from typing import Any, Mapping

from ..sources import cite
from ..text import Text, msg

_PTC = cite("ecr-pull-through-cache")


def methodology(settings: Any, summary: Mapping[str, Any]) -> tuple[Text, ...]:
    """The section's methodology paragraphs (`summary` is the concern's headline figures)."""
    return (*_economics(settings), *_stale_in_use_and_prices(settings))


def _economics(settings: Any) -> tuple[Text, ...]:
    """What the cache costs, what it saves, where, and the net."""
    reuse = f"{settings.layer_reuse_fraction:.0%}"
    return (
        msg("What a pull-through cache costs: the cached images are ordinary private ECR storage, "
            "billed per GB-month at the standard storage price (manifest lists are not counted twice; "
            "a multi-architecture image stores every architecture, because the cache pulls the manifest "
            "list and each image it references). That AWS bills cached images exactly like pushed ones "
            "is INFERRED: the official pricing page could not be retrieved {ptc}.", ptc=_PTC),
        msg("What it saves: pulls are the CloudWatch metric AWS/ECR RepositoryPullCount, daily sums over "
            "the last {metrics_days} whole days before the snapshot, scaled to a 730-hour "
            "month. Each pull is counted at the mean compressed size of the repository's single-platform "
            "images pulled in that window (all of them when none was), less the layers already on the "
            "node: {reuse} of the bytes are assumed to be there already (pull_through.layer_reuse_fraction). "
            "Without the cache those bytes would come from the upstream registry over the internet, "
            "through the NAT gateway, and pay NAT data processing per GB.",
            metrics_days=settings.metrics_days, reuse=reuse),
        msg("Where it saves: a cached image still has to reach the node. ECR stores layers in Amazon S3, "
            "so a VPC with an S3 gateway endpoint fetches them off the NAT gateway for free (with an ecr.dkr "
            "interface endpoint the manifests and API calls stay off it too; without one they are a few "
            "KB per pull through NAT). A VPC with no S3 endpoint, with or without ecr.dkr, sends the layers "
            "of an ECR pull through the NAT gateway as well, so the cache moves the same bytes through the "
            "same NAT gateway and saves no NAT processing there. With an S3 interface endpoint instead of "
            "the gateway, layers pay the interface endpoint's per-GB charge. VPCs without a NAT gateway are "
            "left out. Which VPC a pull comes from is not recorded by ECR, so a registry's pulls are split "
            "over its NAT-routed VPCs by NAT gateway count unless pull_through.vpc_pull_shares says otherwise."),
        msg("Net saving is NAT processing avoided minus interface-endpoint data charges minus storage. "
            "The interface endpoints' hourly charge (per endpoint per Availability Zone, 730 hours) is shown "
            "separately and left out of the net: the endpoints serve all ECR traffic, not only the cache. "
            "The net including them is the conservative figure for VPCs whose endpoints exist only for the "
            "cache. The break-even is the number of pulls per cached image per month at which one image's "
            "storage equals the NAT processing its pulls avoid; it does not depend on the image's size "
            "unless the image stores more architectures than a pull fetches."),
    )


def _stale_in_use_and_prices(settings: Any) -> tuple[Text, ...]:
    """Stale entries, images in use, Docker Hub's limits and the prices."""
    return (
        msg("Stale cache entries are cached images whose last recorded pull (or push, if never pulled) is "
            "more than {stale_days} days before the snapshot (pull_through.stale_days). A cached "
            "repository gets no lifecycle policy unless a repository creation template for the rule's "
            "prefix (applied for PULL_THROUGH_CACHE) gives it one when it is created; templates do not change "
            "repositories that already exist {ptc}.",
            stale_days=settings.stale_days, ptc=_PTC),
        msg("Images in use are the container images of the newest ACTIVE revision of each ECS task "
            "definition, plus the optional list given with --images-in-use. A reference through a cache "
            "rule whose tag or digest is in the cache would still be served if the upstream were down: ECR "
            "serves the last cached image when it cannot reach the upstream {ptc}. A direct "
            "upstream reference would not. For direct references the pulls per day are the CloudWatch pulls "
            "of the private ECR image in the same task definition when there is one, else "
            "pull_through.uncached_pulls_per_day per container; the size is the cached copy's when the "
            "registry caches the same image, else pull_through.uncached_image_size_mib (an assumption).",
            ptc=_PTC),
        msg("Docker Hub rate limits: 100 pulls per 6 hours per IPv4 address (or IPv6 /64) unauthenticated, "
            "200 per 6 hours for an authenticated Personal account, unlimited for Pro, Team and Business "
            "{docker}. Which version of these limits is live today is UNCONFIRMED: an "
            "earlier page gave hourly limits (10 unauthenticated, 40 Personal). All pulls from private "
            "subnets leave through the NAT gateways' public addresses, so they share the unauthenticated "
            "limit of those few addresses; the exposure shown spreads pulls evenly over them. Pulls made "
            "by a cache rule use the rule's credential or AWS addresses and happen at most about once a "
            "day per tag, so a cache removes this exposure (INFERRED from {ptc}).",
            docker=cite("docker-hub-pulls"), ptc=_PTC),
        msg("Prices: ECR standard storage $0.10 per GB-month, NAT gateway data processing $0.045 per GB, "
            "interface endpoint $0.01 per AZ-hour and $0.01 per GB, S3 gateway endpoint free (us-east-1; "
            "derived from the AWS Price List via Infracost, 2024 {infracost}; the official pricing pages could not be "
            "retrieved, so the NAT per-GB amount is UNCONFIRMED-official). Data transfer in from the internet "
            "is taken as free (UNCONFIRMED). The price table lists every price used with its source and date.",
            infracost=cite("infracost-ecr-repository", "infracost-nat-gateway", "infracost-vpc-endpoint",
                           "vpc-gateway-endpoints")),
    )
