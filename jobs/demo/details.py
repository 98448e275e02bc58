"""Bulky per-image detail generated on demand from each image's seed (never stored).

* vulnerability findings consistent with the stored severity counts (basic and enhanced);
* image manifests (layers sum to ``imageSizeInBytes``; repository base layers are shared);
* daily RepositoryPullCount values.

Everything is a pure function of the fleet's ground truth, so answers are deterministic.
"""

from __future__ import annotations

import json
import random
import threading
import zlib
from datetime import datetime, timedelta
from typing import Iterator

from . import names as N
from .ids import choice, randint
from .model import Image, Repository


def _cve(rng: random.Random) -> str:
    return f"CVE-{choice(rng, N.CVE_YEARS)}-{randint(rng, 1000, 52999)}"


def _version(rng: random.Random) -> str:
    return f"{randint(rng, 0, 9)}.{randint(rng, 0, 30)}.{randint(rng, 0, 20)}-{randint(rng, 1, 9)}"


def basic_findings(image: Image, engine: str) -> list[dict]:
    """``imageScanFindings.findings`` of a COMPLETE basic scan, in severity order."""
    return list(iter_basic_findings(image, engine))


def basic_findings_drawn(image: Image, engine: str) -> "Drawn":
    """`basic_findings`, drawn only as far as a page reads them."""
    return Drawn(iter_basic_findings(image, engine), sum(count for _, count in image.basic_scan.severity_counts))


def iter_basic_findings(image: Image, engine: str) -> Iterator[dict]:
    rng = random.Random(image.seed)
    family = N.os_family(image.os_name)
    clair = engine == "CLAIR"
    for severity, count in image.basic_scan.severity_counts:
        vector, score = N.CVSS_VECTORS[severity]
        for _ in range(count):
            cve, pkg, version = _cve(rng), choice(rng, N.PACKAGES_BY_OS[family]), _version(rng)
            attrs = [{"key": "package_version", "value": version}, {"key": "package_name", "value": pkg}]
            if vector:
                if clair:
                    attrs += [{"key": "CVSS2_VECTOR", "value": "AV:N/AC:L/Au:N/C:P/I:P/A:P"},
                              {"key": "CVSS2_SCORE", "value": f"{min(10.0, score * 0.8):.1f}"}]
                else:
                    attrs += [{"key": "CVSS3_VECTOR", "value": vector}, {"key": "CVSS3_SCORE", "value": f"{score}"}]
            yield ({"name": cve, "description": f"{pkg}: vulnerability in {pkg} {version.split('-')[0]} "
                                                    f"allows a remote attacker to cause a denial of service.",
                        "uri": N.ADVISORY_URL[family].format(cve=cve), "severity": severity, "attributes": attrs})


def enhanced_findings(image: Image, repo: Repository, account: str, region: str) -> list[dict]:
    """``imageScanFindings.enhancedFindings`` (Inspector findings) for an ENHANCED registry image."""
    return list(iter_enhanced_findings(image, repo, account, region))


def enhanced_findings_drawn(image: Image, repo: Repository, account: str, region: str) -> "Drawn":
    """`enhanced_findings`, drawn only as far as a page reads them."""
    return Drawn(iter_enhanced_findings(image, repo, account, region), sum(image.coverage.severity_counts))


def iter_enhanced_findings(image: Image, repo: Repository, account: str, region: str) -> Iterator[dict]:
    rng = random.Random(image.seed ^ 0x5EED)
    cov = image.coverage
    family = N.os_family(image.os_name)
    first = cov.initial_scan_at
    last = cov.last_scanned_at or first
    for severity, count in zip(("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"), cov.severity_counts):
        vector, score = N.CVSS_VECTORS[severity]
        for _ in range(count):
            cve = _cve(rng)
            if rng.random() < 0.35:
                pkg, manager = choice(rng, N.LANGUAGE_PACKAGES)
            else:
                pkg, manager = choice(rng, N.PACKAGES_BY_OS[family]), "OS"
            version = _version(rng)
            fixed = version.split("-")[0] + f"-{randint(rng, 10, 20)}" if rng.random() < 0.7 else "NotAvailable"
            yield ({
                "awsAccountId": account,
                "description": f"A flaw was found in {pkg} that may allow a remote attacker to compromise the service.",
                "findingArn": f"arn:aws:inspector2:{region}:{account}:finding/{rng.getrandbits(128):032x}",
                "firstObservedAt": first, "lastObservedAt": last, "updatedAt": last,
                "packageVulnerabilityDetails": {
                    "cvss": ([{"baseScore": score, "scoringVector": vector, "source": "NVD", "version": "3.1"}]
                             if vector else []),
                    "referenceUrls": [f"https://nvd.nist.gov/vuln/detail/{cve}"],
                    "relatedVulnerabilities": [], "source": "NVD",
                    "sourceUrl": f"https://nvd.nist.gov/vuln/detail/{cve}",
                    "vendorSeverity": severity, "vulnerabilityId": cve,
                    "vulnerablePackages": [{"name": pkg, "version": version, "packageManager": manager,
                                            "arch": image.architecture or "amd64",
                                            **({"fixedInVersion": fixed} if fixed != "NotAvailable" else {})}],
                },
                "remediation": {"recommendation": {"text": f"Upgrade {pkg} to a fixed version."}},
                "resources": [{"type": "AWS_ECR_CONTAINER_IMAGE", "id": resource_id(region, account, repo.name, image.digest),
                               "details": {"awsEcrContainerImage": {
                                   "architecture": image.architecture or "amd64", "imageHash": image.digest,
                                   "imageTags": list(image.tags), "platform": image.os_name.upper().replace(" ", "_"),
                                   "pushedAt": image.pushed_at, "registry": account, "repositoryName": repo.name}}}],
                "score": score, "severity": severity, "status": "ACTIVE",
                "title": f"{cve} - {pkg}", "type": "PACKAGE_VULNERABILITY",
                "fixAvailable": "YES" if fixed != "NotAvailable" else "NO",
                "exploitAvailable": "YES" if severity == "CRITICAL" and rng.random() < 0.3 else "NO",
            })


class Drawn:
    """The items of a generator of known length, drawn only as far as they are read.

    What the emulator memoises for DescribeImageScanFindings: the collector asks for one
    finding (maxResults 1) of ~11k images at scale 40, and every finding of an image was drawn
    for it (~24k). A page reads a slice; the generator runs under a lock (collector threads)."""

    def __init__(self, items: Iterator[dict], length: int) -> None:
        self._items, self._length = items, length
        self._drawn: list[dict] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index: slice) -> tuple[dict, ...]:
        if not isinstance(index, slice):
            raise TypeError("Drawn is read by slices")
        stop = index.indices(self._length)[1]
        with self._lock:
            while len(self._drawn) < stop:
                self._drawn.append(next(self._items))
            return tuple(self._drawn[index])


def resource_id(region: str, account: str, repo_name: str, digest: str | None = None) -> str:
    """Inspector resourceId of an ECR repository or image."""
    base = f"arn:aws:ecr:{region}:{account}:repository/{repo_name}"
    return f"{base}/{digest}" if digest else base


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    if total <= 0:
        return [0] * parts
    cuts = sorted([randint(rng, 0, total) for _ in range(parts - 1)])
    sizes = [b - a for a, b in zip([0] + cuts, cuts + [total])]
    return sizes


def manifest(image: Image, repo: Repository, by_digest: dict) -> str:
    """The manifest text ``BatchGetImage`` returns for ``image``.

    Digests of the manifest itself are synthetic (not the sha256 of this text).
    """
    rng = random.Random(image.seed ^ 0xA11CE)
    oci = image.manifest_media_type in (N.OCI_MANIFEST, N.OCI_INDEX)
    if image.kind == "index":
        entries = []
        for d in image.child_digests:
            child = by_digest.get(d)
            if child is None:
                continue
            arch, _, variant = (child.architecture or "amd64").partition("/")
            platform = {"architecture": arch, "os": "linux", **({"variant": variant} if variant else {})}
            entries.append({"mediaType": child.manifest_media_type, "size": randint(rng, 700, 2400),
                            "digest": child.digest, "platform": platform})
        return json.dumps({"schemaVersion": 2, "mediaType": image.manifest_media_type, "manifests": entries})
    if image.kind in ("signature", "sbom"):
        subject = by_digest.get(image.subject_digest)
        body = {"schemaVersion": 2, "mediaType": N.OCI_MANIFEST, "artifactType": image.artifact_media_type,
                "config": {"mediaType": N.OCI_EMPTY, "size": 2,
                           "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},
                "layers": [{"mediaType": image.artifact_media_type, "size": image.size,
                            "digest": f"sha256:{rng.getrandbits(256):064x}"}]}
        if subject is not None:
            body["subject"] = {"mediaType": subject.manifest_media_type, "digest": subject.digest,
                               "size": randint(rng, 500, 2000)}
        return json.dumps(body)
    layer_type = N.OCI_LAYER if oci else N.DOCKER_LAYER
    base = list(repo.base_layers)
    own_total = image.size - sum(s for _, s in base)
    if own_total < 0:
        base, own_total = [], image.size
    own = [(f"sha256:{rng.getrandbits(256):064x}", s) for s in _split(rng, own_total, randint(rng, 1, 5))]
    config_size, config_digest = randint(rng, 1200, 9000), f"sha256:{rng.getrandbits(256):064x}"
    return _image_manifest(image.manifest_media_type,
                           image.artifact_media_type or (N.OCI_CONFIG if oci else N.DOCKER_CONFIG),
                           config_size, config_digest, layer_type, base + own)


_q = json.encoder.encode_basestring_ascii
"""json.dumps' text of a string (quoted, escaped, ASCII): the function its encoder calls."""


def _image_manifest(media_type: str, config_type: str, config_size: int, config_digest: str, layer_type: str,
                    layers: list[tuple[str, int]]) -> str:
    """`json.dumps` of an image manifest, `{"schemaVersion": 2, "mediaType": ..., "config": {...},
    "layers": [...]}`, written as json writes it (", " and ": ", strings by json's own function,
    integers by int's repr): two thirds of BatchGetImage's time went to building the dicts and
    encoding them (~50k manifests at scale 40). tests/demo/test_shapes.py compares it with json.dumps."""
    layer = '{"mediaType": ' + _q(layer_type) + ', "size": '
    return ('{"schemaVersion": 2, "mediaType": ' + _q(media_type) + ', "config": {"mediaType": ' + _q(config_type)
            + f', "size": {config_size!r}, "digest": ' + _q(config_digest) + '}, "layers": ['
            + ", ".join([f'{layer}{size!r}, "digest": {_q(digest)}}}' for digest, size in layers]) + "]}")


def daily_pull_count(repo: Repository, day: datetime, scale: float) -> float:
    """RepositoryPullCount Sum for the UTC day starting at ``day``."""
    if day < repo.created_at.replace(hour=0, minute=0, second=0, microsecond=0):
        return 0.0
    rng = random.Random(zlib.crc32(f"{scale!r}|{repo.arn}|{day.date().isoformat()}".encode()))
    mean = repo.daily_pulls * (0.45 if day.weekday() >= 5 else 1.0)
    if mean < 1:
        return float(rng.random() < mean)
    return float(max(0, round(mean * rng.uniform(0.7, 1.3))))


def day_starts(start: datetime, end: datetime, period_s: int) -> list[datetime]:
    """Period-aligned bucket starts in ``[start, end)``."""
    epoch = start.timestamp()
    first = epoch - (epoch % period_s)
    if first < epoch:
        first += period_s
    out = []
    t = datetime.fromtimestamp(first, tz=start.tzinfo)
    while t < end:
        out.append(t)
        t += timedelta(seconds=period_s)
    return out
