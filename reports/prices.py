"""Every price the report uses, as data: item, region, unit, amount, source, date, status.

Each default price names its public source by id in the registry (reports/sources.py): the
official pricing pages could not be retrieved, so most figures are derived from the AWS Price
List via Infracost's golden test outputs or come from dated third-party pages, and say so in
`status`. Configuration can override any row (`[[prices]]` in the config file); an override names
its own source in free text.

A lookup for a region the table does not have falls back to us-east-1 and marks the result
`region_fallback`, so the methodology section can say "us-east-1 price used for eu-west-1".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Mapping, Sequence

import pandas as pd

from .sources import cite
from .sources import source as registry_source

DEFAULT_REGION = "us-east-1"
HOURS_PER_MONTH = 730  # as Infracost and the AWS pricing calculator use
GB = 1024 ** 3  # ECR bills storage per GB-month; we count bytes and divide by 2^30 (stated)

OFFICIAL, DERIVED, UNCONFIRMED = "official", "derived from the AWS Price List", "UNCONFIRMED"


@dataclass(frozen=True)
class Price:
    item: str
    """Stable key, e.g. `ecr.storage.standard`."""
    region: str
    unit: str
    """What one `amount` buys, e.g. `GB-month`, `image`, `hour`, `GB`."""
    amount: float
    """USD."""
    source: str
    date: str
    """The date the source itself carries (ISO date; a price list's date), empty when undated."""
    status: str
    """official | derived from the AWS Price List | UNCONFIRMED | config override"""
    region_fallback: bool = False
    """True when this is another region's price used because the region had none."""
    source_id: str = ""
    """The registry entry (reports/sources.py) `source` is the label of; empty for an override."""

    @property
    def source_url(self) -> str:
        return registry_source(self.source_id).url if self.source_id else ""

    @property
    def read_on(self) -> str:
        return registry_source(self.source_id).read_on if self.source_id else ""


def citation(price: Price) -> str:
    """How prose cites the price's source: its number in "Sources" ("[16]"), or an override's own
    words."""
    return cite(price.source_id) if price.source_id else price.source


def _sourced(item: str, region: str, unit: str, amount: float, source_id: str, date: str,
             status: str) -> Price:
    """A default price whose `source` is the registry entry's label."""
    return Price(item, region, unit, amount, registry_source(source_id).label, date, status,
                 source_id=source_id)


DEFAULT_PRICES: tuple[Price, ...] = (
    _sourced("ecr.storage.standard", DEFAULT_REGION, "GB-month", 0.10, "infracost-ecr-repository", "2024-07-01",
             DERIVED),
    _sourced("ecr.storage.archive", DEFAULT_REGION, "GB-month", 0.10, "pointfive-ecr-archive", "2026-03-01",
             UNCONFIRMED),
    _sourced("ecr.archive.retrieval", "ap-northeast-1", "GB", 0.03, "devjapan-ecr-archive", "2026-03-22",
             UNCONFIRMED),
    _sourced("ecr.archive.minimum_days", DEFAULT_REGION, "days", 90.0, "ecr-lifecycle-examples", "",
             OFFICIAL),
    _sourced("inspector.ecr.initial_scan", DEFAULT_REGION, "image", 0.09, "cloudburn-ecr-pricing", "2026-03-01",
             UNCONFIRMED),
    _sourced("inspector.ecr.rescan", DEFAULT_REGION, "rescan", 0.01, "cloudburn-ecr-pricing", "2026-03-01",
             UNCONFIRMED),
    _sourced("inspector.ecr.initial_scan", "ap-northeast-1", "image", 0.11, "qiita-ecr-scanning", "2026-03-01",
             UNCONFIRMED),
    _sourced("inspector.ecr.rescan", "ap-northeast-1", "rescan", 0.01, "qiita-ecr-scanning", "2026-03-01",
             UNCONFIRMED),
    _sourced("nat.hour", DEFAULT_REGION, "NAT gateway-hour", 0.045, "infracost-nat-gateway", "2024-07-01", DERIVED),
    _sourced("nat.data", DEFAULT_REGION, "GB processed", 0.045, "infracost-nat-gateway", "2024-07-01", DERIVED),
    _sourced("vpce.interface.hour", DEFAULT_REGION, "endpoint-AZ-hour", 0.01, "infracost-vpc-endpoint",
             "2024-10-18", DERIVED),
    _sourced("vpce.interface.data", DEFAULT_REGION, "GB processed (first 1 PB)", 0.01, "infracost-vpc-endpoint",
             "2024-10-18", DERIVED),
    _sourced("vpce.gateway.s3", DEFAULT_REGION, "any", 0.0, "vpc-gateway-endpoints", "", OFFICIAL),
    _sourced("transfer.out.internet", DEFAULT_REGION, "GB (first 10 TB)", 0.09, "infracost-data-transfer",
             "2024-09-25", DERIVED),
)


PRICE_COLUMNS = ["item", "region", "unit", "amount_usd", "source", "date", "status", "region_fallback",
                 "source_url", "source_read_on", "source_id"]
"""data/prices.csv: `date` is the date the source carries (a price list's date), `source_read_on`
the date the source was read; `source_id` is the entry in the report's "Sources" list."""


class PriceTable:
    """Lookup over the default prices plus configured overrides."""

    def __init__(self, prices: Iterable[Price] = DEFAULT_PRICES, overrides: Iterable[Price] = ()) -> None:
        self._rows: dict[tuple[str, str], Price] = {(p.item, p.region): p for p in prices}
        for p in overrides:
            self._rows[(p.item, p.region)] = p
        self._used: dict[tuple[str, str], Price] = {}

    @classmethod
    def from_settings(cls, overrides: Sequence[Mapping[str, object]] = ()) -> "PriceTable":
        """Overrides as stored in the snapshot: [{item, region, amount, source?, date?}]."""
        parsed = [Price(str(o["item"]), str(o.get("region", DEFAULT_REGION)), str(o.get("unit", "")),
                        float(o["amount"]),  # type: ignore[arg-type]
                        str(o.get("source", "configuration")), str(o.get("date", "")), "config override")
                  for o in overrides]
        table = cls()
        for p in parsed:  # keep the default's unit when the override does not name one
            base = table._rows.get((p.item, p.region)) or table._rows.get((p.item, DEFAULT_REGION))
            table._rows[(p.item, p.region)] = replace(p, unit=p.unit or (base.unit if base else ""))
        return table

    def get(self, item: str, region: str) -> Price:
        """The price of `item` in `region` (us-east-1's, flagged, when the region has none)."""
        found = self._rows.get((item, region))
        if found is None:
            base = self._rows.get((item, DEFAULT_REGION))
            if base is None:
                raise KeyError(f"no price for {item!r}")
            found = replace(base, region=region, region_fallback=True)
        self._used[(item, region)] = found
        return found

    def amount(self, item: str, region: str) -> float:
        return self.get(item, region).amount

    def used(self) -> pd.DataFrame:
        """Every price looked up so far: the methodology section's price table."""
        rows = [{"item": p.item, "region": p.region, "unit": p.unit, "amount_usd": p.amount,
                 "source": p.source, "date": p.date, "status": p.status,
                 "region_fallback": p.region_fallback, "source_url": p.source_url,
                 "source_read_on": p.read_on, "source_id": p.source_id}
                for _, p in sorted(self._used.items())]
        return pd.DataFrame(rows, columns=PRICE_COLUMNS)
