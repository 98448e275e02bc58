"""The lifecycle section's tables and chart: fleet totals per scenario, the repositories that
reclaim the most, the repositories without a policy, and every lint warning (capped), each from
the lifecycle concern's result tables. Unknown figures read "unknown", never 0, NaN or None.

Lint warnings are said from the facts the `lifecycle_lint` table keeps beside the English
(`message_id`, `message_params`: `reports.text.from_fact`), so they translate like any `msg`.
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from ..render import charts
from ..render.blocks import Cell, Chart, Column, Table
from ..render.filters import MISSING, fmt_bytes, fmt_int, fmt_text, fmt_usd, is_missing, plural
from ..render.viewmodel import block, registry_label
from ..text import from_fact, join, msg

UNKNOWN = "unknown"
NOT_READ = "not read"
TOP_ROWS = 6
WITHOUT_POLICY_ROWS = 6
LINT_ROWS = 8
GROUPED_LINT = ("no-op-today", "pull-through-cache-no-policy")
CHART_BARS = 8
REGISTRY_NAMES = 6
"""Registries named beside a proposed-policy warning before "and N more" (all in data/lifecycle_lint.csv)."""
STATUS_TEXT = {"PRESENT": ("policy", ""), "ABSENT": ("none", "warn"), "UNKNOWN": ("UNKNOWN", "unknown"),
               "INVALID": ("not evaluable", "fail"), "PROPOSED": ("proposed", "info"), "KEPT": ("own policy", "")}
LINT_BADGE = {"pull-through-cache-no-policy": "warn", "multi-entry-tag-list": "warn", "shadowed-rule": "warn",
              "claimed-today": "warn", "pulled-without-exclusions": "warn", "prefix-wildcard": "warn",
              "no-op-today": "info", "not-evaluated": "fail"}


def _best(rec: Mapping[str, Any], kind: str = "expiring") -> Any:
    """Exact bytes where the manifests were read, naive otherwise; None when unknown."""
    exact, naive = rec.get(f"bytes_{kind}_exact"), rec.get(f"bytes_{kind}")
    if rec.get("exact_available") is True and not is_missing(exact):
        return exact
    return None if is_missing(naive) else naive


def _count(value: Any) -> str:
    """A count for a sentence: the number, or "unknown" (translatable)."""
    return msg("unknown") if is_missing(value) else fmt_int(value)


def is_one(count: Any) -> bool:
    """Is `count` exactly 1 (the singular sentence), as `plural` decides?"""
    return not is_missing(count) and int(count) == 1


def num(value: Any) -> float:
    return 0.0 if is_missing(value) else float(value)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts with pandas' missing markers turned into None."""
    return [{k: (None if is_missing(v) else v) for k, v in rec.items()} for rec in frame.to_dict("records")]


def images_text(count: Any, missing: str = UNKNOWN) -> str:
    """"12 images" (a cell note or figure detail; the ja catalog's pattern translates it), or
    "unknown images" / "n/a images" (catalog entries)."""
    return f"{fmt_int(count, missing)} images"


def totals_table(summary: Mapping[str, Any]) -> Table:
    rows = []
    for name, part in (("Current policies", summary), ("Proposed", block(summary, "proposed"))):
        if name == "Proposed" and part.get("status") != "evaluated":
            continue
        unknown = part.get("repositories_unknown") or 0
        note = ""
        if unknown:
            note = (msg("{n} repository unknown, not counted", n=fmt_int(unknown)) if is_one(unknown) else
                    msg("{n} repositories unknown, not counted", n=fmt_int(unknown)))
        rows.append((
            Cell(name, note=note),
            Cell(fmt_int(part.get("repositories_acted_on"), UNKNOWN), True),
            Cell(fmt_int(part.get("images_expiring"), UNKNOWN), True),
            Cell(fmt_bytes(part.get("reclaimable_bytes_naive"), missing=UNKNOWN), True),
            Cell(fmt_bytes(part.get("reclaimable_bytes_exact"), missing=NOT_READ), True),
            Cell(fmt_bytes(part.get("bytes_to_archive"), missing=UNKNOWN), True,
                 note=images_text(part.get("images_transitioning"), UNKNOWN)),
            Cell(fmt_usd(part.get("reclaimable_monthly_usd"), 2, UNKNOWN), True),
            Cell(fmt_usd(part.get("archive_commitment_usd"), 2, UNKNOWN), True),
        ))
    return Table(
        id="lifecycle-totals",
        caption="Fleet totals: what the policies would expire or archive at the next lifecycle run",
        columns=(Column("Scenario", width="18%"), Column("Repos acting", True), Column("Images expiring", True),
                 Column("Bytes (naive)", True), Column("Bytes (exact)", True), Column("To archive", True),
                 Column("Saved / month", True), Column("Archive 90-day min.", True)),
        rows=tuple(rows), empty_text="No scenario was evaluated.", compact=True)


def reclaim_chart(cur: pd.DataFrame, prop: pd.DataFrame | None) -> Chart | None:
    keys = ["account_id", "region", "repository_name"]
    frame = cur.assign(_now=[num(_best(r)) for r in _records(cur)])[keys + ["_now"]]
    if prop is not None and len(prop):
        p = prop.assign(_prop=[num(_best(r)) for r in _records(prop)])[keys + ["_prop"]]
        frame = frame.merge(p, on=keys, how="outer")
    else:
        frame["_prop"] = 0.0
    frame = frame.fillna({"_now": 0.0, "_prop": 0.0})
    frame["_added"] = (frame["_prop"] - frame["_now"]).clip(lower=0)
    frame["_top"] = frame[["_now", "_prop"]].max(axis=1)
    frame = frame[frame["_top"] > 0].sort_values(["_top"] + keys, ascending=[False, True, True, True], kind="mergesort")
    if frame.empty:
        return None
    shown = frame.head(CHART_BARS)
    unit, div = ("GiB", 1024 ** 3) if shown["_top"].max() >= 10 * 1024 ** 3 else ("MiB", 1024 ** 2)
    series = [charts.Series("Current policy", [v / div for v in shown["_now"]], "#1f4e79")]
    if shown["_added"].sum() > 0:
        series.append(charts.Series("Added by the proposed policy", [v / div for v in shown["_added"]], "#e3a33b"))
    title = msg("Reclaimable storage by repository ({unit}), top {n}", unit=unit, n=len(shown))
    svg = charts.bar_chart([str(n) for n in shown["repository_name"]], series, title=title,
                               chart_id="chart-lifecycle", unit=unit, label_width=230)
    more = len(frame) - len(shown)
    note = msg("Exact bytes where manifests were read, naive otherwise.")
    if more:  # "N more repositories in data/lifecycle.csv.": the ja catalog's pattern
        note = join([note, f"{plural(more, 'more repository', 'more repositories')} in data/lifecycle.csv."])
    return Chart("chart-lifecycle", title, svg, note=note)


def top_table(cur: pd.DataFrame, prop: pd.DataFrame | None, apply_all: bool) -> Table:
    """Repositories whose own policy acts today, most bytes first (and the proposal, when it replaces theirs)."""
    keys = ["account_id", "region", "repository_name"]
    p = {tuple(str(r[k]) for k in keys): r for r in _records(prop)} if (prop is not None and apply_all) else {}
    scored = []
    for c in _records(cur[cur["policy_status"] != "ABSENT"]):
        key = tuple(str(c[k]) for k in keys)
        q = p.get(key) or {}
        score = max(num(_best(c)), num(_best(c, "transitioning")), num(_best(q)), num(_best(q, "transitioning")))
        if score > 0 or c.get("policy_status") in ("UNKNOWN", "INVALID"):
            scored.append((-score, c.get("policy_status") not in ("UNKNOWN", "INVALID"), key, c, q))
    scored.sort(key=lambda t: t[:3])
    rows = []
    for *_, key, c, q in scored[:TOP_ROWS]:
        text, badge = STATUS_TEXT.get(str(c.get("policy_status")), (fmt_text(c.get("policy_status"), UNKNOWN), "unknown"))
        notes = [n for n, on in ((msg("upper bound"), c.get("upper_bound")), (msg("partial"), c.get("partial"))) if on]
        exact = fmt_bytes(c.get("bytes_expiring_exact"), missing=NOT_READ) if c.get("exact_available") else NOT_READ
        where = registry_label(key[0], key[1])
        row = [
            Cell(key[2], code=True, note=msg("{where} · {notes}", where=where, notes=join(notes, "; "))
                 if notes else where),
            Cell(text, badge=badge),
            Cell(msg("{expiring} / {total}", expiring=_count(c.get("images_expiring")), total=_count(c.get("images_total"))),
                 True),
            Cell(fmt_bytes(c.get("bytes_expiring"), missing=UNKNOWN), True),
            Cell(exact if c.get("images_expiring") is not None else UNKNOWN, True),
            Cell(fmt_bytes(_best(c, "transitioning"), missing=UNKNOWN), True),
            Cell(fmt_usd(c.get("monthly_usd_saved"), 2, UNKNOWN), True),
        ]
        if apply_all:
            row.append(Cell(fmt_int(q.get("images_expiring"), "n/a"), True, note=fmt_bytes(_best(q), missing="")))
            row.append(Cell(fmt_usd(q.get("monthly_usd_saved"), 2, "n/a"), True))
        rows.append(tuple(row))
    more = len(scored) - len(rows)
    columns = [Column("Repository", width="30%"), Column("Policy"), Column("Expiring / images", True),
               Column("Bytes (naive)", True), Column("Bytes (exact)", True), Column("To archive", True),
               Column("Saved / month", True)]
    if apply_all:
        columns += [Column("Proposed: expiring", True), Column("Proposed / month", True)]
    return Table(
        id="lifecycle-top",
        caption="Repositories whose own policy would reclaim the most at its next run",
        columns=tuple(columns), rows=tuple(rows), compact=True,
        empty_text="No repository's own lifecycle policy expires or archives any image today.",
        more_text=(f"{plural(more, 'more repository', 'more repositories')} in data/lifecycle.csv." if more else ""),
    )


def without_policy_table(cur: pd.DataFrame, prop: pd.DataFrame | None) -> Table:
    keys = ["account_id", "region", "repository_name"]
    absent = cur[cur["policy_status"] == "ABSENT"]
    p = {tuple(str(r[k]) for k in keys): r for r in _records(prop)} if prop is not None else {}
    recs = []
    for r in _records(absent):
        q = p.get(tuple(str(r[k]) for k in keys)) or {}
        recs.append((-num(_best(q)), -num(_best(q, "transitioning")), -num(r.get("stored_bytes")), str(r["repository_name"]), r, q))
    recs.sort(key=lambda t: t[:4])
    rows = []
    for *_, r, q in recs[:WITHOUT_POLICY_ROWS]:
        applied = q.get("policy_status") == "PROPOSED"
        rows.append((
            Cell(str(r["repository_name"]), code=True,
                 note=msg("{where} · pull-through cache", where=registry_label(r["account_id"], r["region"]))
                 if r.get("created_by_pull_through_cache") else registry_label(r["account_id"], r["region"])),
            Cell(fmt_int(r.get("images_total"), UNKNOWN), True, note=fmt_bytes(r.get("stored_bytes"), missing="")),
            Cell(fmt_int(q.get("images_expiring"), UNKNOWN) if applied else "n/a", True,
                 note=fmt_bytes(_best(q), missing="") if applied else ""),
            Cell(fmt_bytes(_best(q, "transitioning"), missing=UNKNOWN) if applied else "n/a", True,
                 note=images_text(q.get("images_transitioning"), MISSING) if applied else ""),
            Cell(fmt_usd(q.get("monthly_usd_saved"), 2, UNKNOWN) if applied else "n/a", True),
        ))
    more = len(recs) - len(rows)
    return Table(
        id="lifecycle-without-policy",
        caption=f"Repositories without a lifecycle policy ({fmt_int(len(recs))}) and what the proposed policy would do there",
        columns=(Column("Repository", width="34%"), Column("Images / stored", True), Column("Would expire", True),
                 Column("To archive", True), Column("Saved / month", True)),
        rows=tuple(rows), compact=True, empty_text="Every repository has a lifecycle policy.",
        more_text=(f"{plural(more, 'more repository', 'more repositories')} in data/lifecycle.csv." if more else ""),
    )


def _names(names: list[str], limit: int = 12) -> str:
    if len(names) <= limit:
        return ", ".join(names)
    return msg("{names} and {n} more", names=", ".join(names[:limit]), n=len(names) - limit)


def _lint_detail(rec: Mapping[str, Any]) -> str:
    """A `lifecycle_lint` row's message, said again from its fact (the English `message` when the
    row has no message id)."""
    if is_missing(rec.get("message_id")):
        return "" if is_missing(rec.get("message")) else str(rec["message"])
    return from_fact(str(rec["message_id"]), rec.get("message_params"))


def lint_table(lint: pd.DataFrame) -> Table:
    """Every warning with its repository; the two per-repository verdicts are grouped, one row each."""
    order = {"not-evaluated": 0, "pull-through-cache-no-policy": 1, "multi-entry-tag-list": 2, "shadowed-rule": 3,
             "claimed-today": 4, "pulled-without-exclusions": 5, "prefix-wildcard": 6, "no-op-today": 7}
    generic = {"no-op-today": msg("the policy expires or archives nothing among the repository's images today; it "
                                  "still passes Security Hub ECR.3"),
               "pull-through-cache-no-policy": msg("created by a pull-through cache rule and has no lifecycle policy: "
                                                   "cached images accumulate (and are billed) until deleted by hand")}
    recs = _records(lint)
    recs.sort(key=lambda r: (r.get("scenario") != "current", order.get(str(r.get("code")), 9), str(r.get("account_id") or ""),
                             str(r.get("region") or ""), str(r.get("repository_name") or ""), num(r.get("rule_priority"))))
    rows, grouped_done = [], set()
    for r in recs:
        code = str(r.get("code"))
        badge = Cell(code, badge=LINT_BADGE.get(code, "warn"))
        if code in GROUPED_LINT and r.get("scenario") == "current" and r.get("repository_name"):
            if code in grouped_done:
                continue
            grouped_done.add(code)
            same = [x for x in recs if x.get("code") == code and x.get("scenario") == "current" and x.get("repository_name")]
            rows.append((Cell(plural(len(same), "repository", "repositories")), badge,
                         Cell(msg("{warning}: {repositories}.", warning=generic[code],
                                  repositories=_names([str(x["repository_name"]) for x in same])))))
            continue
        if r.get("repository_name"):
            where = Cell(str(r["repository_name"]), code=True, note=registry_label(r.get("account_id"), r.get("region")))
        elif r.get("account_id"):
            key = ("proposed-registries", code, r.get("message"))
            if key in grouped_done:
                continue
            grouped_done.add(key)
            regs = [registry_label(x.get("account_id"), x.get("region")) for x in recs if x.get("code") == code
                    and x.get("scenario") == r.get("scenario") and not x.get("repository_name")
                    and x.get("account_id") and x.get("message") == r.get("message")]
            where = Cell("proposed policy", note=_names(regs, REGISTRY_NAMES))
        else:
            where = Cell("proposed policy")
        rows.append((where, badge, Cell(_lint_detail(r))))
    shown = rows[:LINT_ROWS]
    more = len(rows) - len(shown)
    return Table(
        id="lifecycle-lint", caption=f"Lint warnings ({fmt_int(len(recs))}): accepted by ECR, but probably not what was meant",
        columns=(Column("Repository", width="26%"), Column("Warning", width="18%"), Column("Detail", width="56%")),
        rows=tuple(shown), compact=True, empty_text="No lint warnings.",
        more_text=((msg("{n} more row of warnings in data/lifecycle_lint.csv.", n=fmt_int(more)) if more == 1 else
                    msg("{n} more rows of warnings in data/lifecycle_lint.csv.", n=fmt_int(more))) if more else ""),
    )
