'''How the offline lifecycle evaluator decides, and every choice made where AWS is silent; and
the lifecycle concern's methodology paragraphs (scenarios, dollar model, prices, exact bytes).

The report includes `METHODOLOGY` with its citations filled in: `{policies}`, `{examples}` and
`{archive}` are the numbers of the public pages in the report's "Sources" list (reports/sources.py).
"INFERRED" means derived from the official text, "UNCONFIRMED" that no official source says it.
'''

from __future__ import annotations

import re
from typing import Any, Mapping

import pandas as pd

from ..prices import DERIVED, OFFICIAL, PriceTable, citation
from ..sources import cite
from ..text import Text, join, msg
from .baseline import proposed_source, source_text

METHODOLOGY = """\
Lifecycle policy evaluation (offline)

What is followed exactly. Rules are evaluated in rulePriority order (lowest number first). For
each rule the evaluator computes its candidates (tagStatus, tag lists, storage class), then its
hits (imageCountMoreThan: all candidates after the N youngest; the age types: candidates older
than N days), and marks every hit not already matched by a higher-priority rule's selection.
Protection comes from matching, not from being marked, and counts include protected images
(the two points forced by the official examples {examples}). Multi-entry tagPatternList and
tagPrefixList mean ALL: every entry must match at least one of the image's tags {policies}. All six
official outcomes {examples} are reproduced by the tests.

Choices where the documentation is silent (each pinned by a test):
1. Day boundary. "Older than N days" is strict and exact: an image acts only when
   as_of - time > N x 24 h, measured to the nanosecond with no rounding to whole days. An
   image pushed exactly N days ago is kept; one second more and it is acted on. This matches
   the official example (pushed "1 day ago" is not expired by sinceImagePushed 1). Whether AWS
   rounds ages to whole days is UNCONFIRMED; its own runs happen "within 24 hours" {policies}.
2. Ties in push time. For imageCountMoreThan, images with identical order times are ordered by
   image digest: the smaller digest counts as the younger one (kept first). AWS's tie-break is
   UNCONFIRMED; ours is deterministic and independent of input order.
3. Restored images. After a restore (lastActivatedAt set), lastActivatedAt replaces the push
   time both for ordering (imageCountMoreThan) and for sinceImagePushed ages (INFERRED from
   "restored images behave like newly pushed images" {archive}). sinceImagePulled uses the last
   recorded pull, else the push time; for a restored image, the later of the last pull and
   lastActivatedAt {policies}. sinceImageTransitioned uses lastArchivedAt; an archived image without
   lastArchivedAt is never acted on by it.
4. Storage classes. storageClass standard selects ACTIVE images, archive selects ARCHIVED
   images. ACTIVATING images (a restore in flight) are selected, counted and acted on by no rule;
   they are reported with storage class ARCHIVE.
5. Manifest lists. An image referenced by a manifest list present in the same repository is
   acted on only if every such list is acted on in the same evaluation or is already archived
   ("cannot be expired or archived without the manifest list being deleted or archived first" {policies}).
   Otherwise its action is withheld (held_by_manifest_list) and no lower-priority rule takes it
   (it still matched the higher rule's selection). Held lists cascade to their own children.
   Lists are known only from --manifests (batch-get-image); without them no image is held.
6. Referrers. An image whose subjectManifestDigest names an image present in the same
   repository (signatures, SBOMs; chains followed to the root subject) is not a candidate of
   any rule, is not counted, and takes its subject's outcome (same action and applied rule
   priority) in the same evaluation, where AWS would act "within 24 hours" after the subject. A
   transition is applied to a referrer only if it is ACTIVE. A referrer whose subject is absent
   is evaluated as an ordinary image.
7. Validation. Beyond the documented rules: rulePriority must be a JSON integer >= 1 (booleans
   and 1.0 are refused); enum values are case-sensitive as documented; unknown keys anywhere are
   refused; an empty rules list is refused; targetStorageClass on an expire action is refused;
   the API's 100-character minimum of lifecycle policy text is enforced. "any must be last" is
   applied per storage class (INFERRED from the official "combining archive and expire" example
   {examples}), which also allows at most one any rule per storage class. "Unique set of prefixes" is
   read as: no two rules selecting the same storage class may have the same tag list (same
   entries in any order, same list kind); UNCONFIRMED. The four-wildcard limit applies to
   tagPatternList entries; a "*" in tagPrefixList is a literal character (lint warns). No limit
   on the number of list entries is enforced (none documented).
8. Time. Every age is measured from the evaluation's as_of (the snapshot time), never the wall
   clock; naive times are taken as UTC.

Reclaimable bytes. "Naive" sums imageSizeInBytes (the compressed size ECR reports) of the images
acted on. It over-counts: layers shared with images that stay are not freed, and a manifest
list's size is its largest child's, counted again with each child. "Exact" needs every image's
manifest (batch-get-image) and counts each blob (layers and config) once per repository: bytes
expired are blobs referenced by an expiring image and by no image that stays (an image
transitioned to archive stays); bytes moved to archive are blobs referenced by a transitioning
image and by no image staying in standard storage. Manifest documents themselves (a few KB) are
not counted. How ECR bills blobs shared between standard and archive storage is UNCONFIRMED.

Lint. Warnings (the policy is still valid): a multi-entry tag list (AND, not OR); a "*" in a
tag prefix; a rule whose every possible candidate is provably also selected by a higher rule
(same storage class; a conservative check: "not proven" never warns); a rule all of whose
candidates are claimed by higher rules today; a policy that expires or archives nothing today
(it still passes Security Hub ECR.3); a pull-through cache repository with no policy; and
sinceImagePulled in a registry with no pull-time update exclusion registered.
"""


#: The citations `METHODOLOGY` names, as numbers in the report's "Sources" list.
CITATIONS: dict[str, str] = {
    "policies": cite("ecr-lifecycle-policies"),
    "examples": cite("ecr-lifecycle-examples"),
    "archive": cite("ecr-archive-restore"),
}


def methodology_paragraphs(text: str = METHODOLOGY) -> list[str]:
    """`METHODOLOGY` as report paragraphs: blank-line blocks, numbered items on their own; a
    paragraph that cites a source is a `msg` whose parameters are the citations."""
    out: list[str] = []
    for block in text.strip().split("\n\n"):
        items: list[list[str]] = [[]]
        for line in block.splitlines():
            if re.match(r"^\d+\. ", line):
                items.append([])
            items[-1].append(line.strip())
        for item in items:
            if item:
                paragraph = " ".join(item)
                # A `Text` (not `msg`: the template is read from METHODOLOGY, not a literal) whose
                # template is the catalog key and whose parameters are the citations.
                out.append(Text(paragraph, CITATIONS) if "{" in paragraph else paragraph)
    return out


#: A price's status (prices.py: official | derived from the AWS Price List | UNCONFIRMED | config
#: override) as a translatable word: the same catalog entry as the "Prices used" table's status
#: (prices' units and sources too are looked up whole, as that table's cells are).
PRICE_STATUS: dict[str, str] = {status: Text(status) for status in (OFFICIAL, DERIVED, "config override")}


def _describe(prices: list) -> str:
    """One storage price with its source, date and status, and the regions that fall back to us-east-1."""
    p = prices[0]
    fallback = [x.region for x in prices if x.region_fallback]
    text = msg("${amount} per {unit} ({source}, {date}; status: {status})", amount=f"{p.amount:.2f}",
               unit=Text(p.unit), source=_cited(p), date=p.date or msg("undated"), status=PRICE_STATUS.get(p.status, p.status))
    if fallback:
        text = msg("{price}; the us-east-1 price is used for {regions}", price=text, regions=", ".join(fallback))
    return text


def _cited(price: Any) -> str:
    """A default price cites its registry number; an override's free-text source is translatable."""
    return citation(price) if price.source_id else Text(price.source)


def _prices_paragraph(prices: PriceTable, regions: list[str]) -> str:
    std = [prices.get("ecr.storage.standard", r) for r in regions]
    arch = [prices.get("ecr.storage.archive", r) for r in regions]
    mind = prices.get("ecr.archive.minimum_days", regions[0])
    unconfirmed = sorted({p.item for p in (*std, *arch, mind) if p.status == "UNCONFIRMED"})
    paragraph = msg(
        "Prices: standard storage {standard}; archive storage {archive}. Archived images are billed for at least "
        "{days} days ({source}): archive_commitment_usd is that minimum for the bytes a policy would move to "
        "archive, the least it costs even if those images are deleted early. With the archive price equal to the "
        "standard one below 150 TB, archiving saves no storage money at that scale; it only keeps images "
        "restorable at the same price.", standard=_describe(std), archive=_describe(arch), days=f"{mind.amount:.0f}",
        source=_cited(mind))
    if unconfirmed:
        paragraph = join([paragraph, msg("UNCONFIRMED prices (no official source could be retrieved): {items}.",
                                         items=", ".join(unconfirmed))])
    return paragraph


def _scenarios_paragraph(settings: Mapping[str, Any]) -> str:
    source = proposed_source(settings)
    return join([
        msg("Scenarios."),
        msg("'Current' evaluates each repository's own lifecycle policy as collected."),
        msg("A repository whose policy could not be read (UNKNOWN) or that ecr-report's validator refuses "
            "(INVALID) has unknown figures and is left out of the totals, never counted as reclaiming nothing."),
        msg("'Proposed' is the fleet after the proposed policy ({source}) is put on {where}.",
            source=source_text(source, msg("none configured")),
            where=msg("every repository") if settings.get("apply_proposed_to") == "all" else
            msg("the repositories without a policy; the others keep their own (KEPT)"))])


DOLLAR_MODEL = msg(
    "Dollar model. Monthly saving = GiB expired from standard storage x the standard storage price + GiB "
    "expired from archive x the archive price + GiB moved to archive x (standard - archive price). Bytes are "
    "the exact figure where every manifest of the repository was read, the naive one otherwise (the "
    "bytes_basis column says which); 1 GiB = 2^30 bytes. The saving is a monthly run rate from the next "
    "lifecycle run on; ECR acts within 24 hours of an image meeting a rule.")
EXACT_BYTES_READ = msg(
    "Exact bytes. Manifests were read with BatchGetImage for the repositories where some policy acts today, "
    "whole repositories, largest reclaim first, up to [lifecycle] exact_bytes_max_images per registry; "
    "elsewhere only naive bytes are shown.")
EXACT_BYTES_NOT_READ = msg(
    "Exact bytes. Manifests were not read in this run ([lifecycle] exact_bytes = false), so only naive bytes "
    "are shown; naive bytes overstate what is freed when expiring images share layers with images that stay. "
    "Without manifests, the child images of a multi-architecture manifest list cannot be recognised either: "
    "AWS keeps them while their list stays, the offline evaluation may count them, so a repository holding "
    "manifest lists has figures that are an upper bound (upper_bound column).")


def methodology(prices: PriceTable, lifecycle: pd.DataFrame, settings: Mapping[str, Any], exact: bool) -> list[str]:
    """The concern's methodology: `METHODOLOGY`, then scenarios, dollar model, prices and exact bytes."""
    regions = sorted(set(lifecycle["region"].dropna().astype(str))) or ["us-east-1"]
    prices_paragraph = _prices_paragraph(prices, regions)
    return [*methodology_paragraphs(), _scenarios_paragraph(settings), DOLLAR_MODEL, prices_paragraph,
            EXACT_BYTES_READ if exact else EXACT_BYTES_NOT_READ]
