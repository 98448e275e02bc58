"""The Inspector concern's FinOps cost lines: initial scans and rescans, per repository."""

from __future__ import annotations

from ..finops import INSPECTOR, LineSink, number


def cost_lines(sink: LineSink) -> None:
    frame = sink.tables.get("inspector")
    if frame is None or not len(frame):
        return
    for rec in frame.to_dict("records"):
        common = dict(concern="inspector", kind="Cost", account=rec["account_id"], region=rec["region"],
                      service=INSPECTOR,
                      resource_id=sink.repository_arn(rec["account_id"], rec["region"], rec["repository_name"]),
                      resource_name=rec["repository_name"], resource_type="ECR repository",
                      partial=rec.get("partial"), source_table="inspector")
        sink.add(**common, component="initial_scan", item="inspector.ecr.initial_scan",
                 description="Amazon Inspector initial scans of images pushed (projected, per 30 days)",
                 quantity=number(rec["initial_scans_month"]), cost=number(rec["initial_scan_monthly_usd"]),
                 unit_price=number(rec["initial_scan_price_usd"]))
        sink.add(**common, component="rescan", item="inspector.ecr.rescan",
                 description="Amazon Inspector continuous-scan rescans of monitored images (projected, per 30 days)",
                 quantity=number(rec["rescans_month"]), cost=number(rec["rescan_monthly_usd"]),
                 unit_price=number(rec["rescan_price_usd"]))
