"""The lifecycle concern's FinOps cost lines: the storage each policy (current, proposed) frees."""

from __future__ import annotations

from typing import Any

from ..finops import ECR, LineSink, whole
from ..prices import GB


def cost_lines(sink: LineSink) -> None:
    frame = sink.tables.get("lifecycle")
    if frame is None or not len(frame):
        return
    for rec in frame[frame["monthly_usd_saved"].notna()].to_dict("records"):
        _repository_lines(sink, rec)


def _repository_lines(sink: LineSink, rec: dict[str, Any]) -> None:
    scenario = str(rec["scenario"])
    exact = rec.get("bytes_basis") == "exact"
    expiring = whole(rec["bytes_expiring_exact"] if exact else rec["bytes_expiring"])
    transitioning = whole(rec["bytes_transitioning_exact"] if exact else rec["bytes_transitioning"])
    from_archive = min(whole(rec["bytes_expiring_from_archive"]), expiring)
    std = sink.prices.amount("ecr.storage.standard", rec["region"])
    arch = sink.prices.amount("ecr.storage.archive", rec["region"])
    kind = "Saving" if scenario == "current" else "PotentialSaving"
    policy = "the current lifecycle policy" if scenario == "current" else "the proposed lifecycle policy"
    common = dict(concern="lifecycle", kind=kind, account=rec["account_id"], region=rec["region"],
                  service=ECR, resource_id=sink.repository_arn(rec["account_id"], rec["region"], rec["repository_name"]),
                  resource_name=rec["repository_name"], resource_type="ECR repository", scenario=scenario,
                  partial=rec.get("partial"), source_table="lifecycle")
    for component, item, gb, price, words in (
            ("storage_expired", "ecr.storage.standard", -(expiring - from_archive) / GB, std,
             f"Standard storage freed by images {policy} expires"),
            ("archive_storage_expired", "ecr.storage.archive", -from_archive / GB, arch,
             f"Archive storage freed by archived images {policy} expires"),
            ("storage_transitioned", "ecr.storage.standard", -transitioning / GB, std,
             f"Standard storage freed by images {policy} moves to the archive tier"),
            ("archive_storage_transitioned", "ecr.storage.archive", transitioning / GB, arch,
             f"Archive storage paid for images {policy} moves to the archive tier "
             "(90-day minimum per image)")):
        sink.add(**common, component=component, item=item, quantity=gb, cost=gb * price, description=words)
