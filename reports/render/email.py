"""The weekly email's words: the view its templates see, its two bodies, and its subject line.

Summary figures in, strings out, in the run's report language (built in English with `msg`,
then said in `lang` with the report's catalog; English is never touched). The PNG charts are
in `email_charts`; the message itself (MIME parts, Content-IDs, headers) and sending it are
`jobs.deliver.email`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from ..text import Text, join, msg
from .environment import environment
from .filters import fmt_bytes, fmt_datetime, fmt_int, fmt_pct, fmt_usd
from .i18n import t


def _get(doc: Mapping[str, Any], *path: str) -> Any:
    """`doc[path[0]][path[1]]...`, None where a step is missing or not a mapping."""
    for key in path:
        if not isinstance(doc, Mapping):
            return None
        doc = doc.get(key)  # type: ignore[assignment]
    return doc


def email_view(summary: Mapping[str, Any], *, has_pdf: bool, lang: str = "en") -> dict[str, Any]:
    """What the templates see: display strings, prepared here (never raw summary access).

    Built in English (the sentences with `msg`), then said in `lang` with the report's catalog;
    English is never touched."""
    errors = _get(summary, "completeness", "errors") or []
    accounts, regions = summary.get("accounts") or [], summary.get("regions") or []
    as_of = summary.get("as_of", "")
    if lang != "en":
        moment = _parse_time(as_of)
        as_of = fmt_datetime(moment, lang=lang) if moment is not None else as_of
    return {
        "lang": lang,
        "run_id": summary.get("run_id", ""),
        "as_of": as_of,
        "scope": t(msg("{accounts} account(s), {regions} region(s): {names}", accounts=len(accounts),
                       regions=len(regions), names=", ".join(regions)), lang),
        "figures": [(t(label, lang), t(value, lang)) for label, value in _figures(summary)],
        "errors": len(errors),
        "incomplete": t(msg("{n} API call(s) failed. The attached report marks what is missing; "
                            "figures below may be understated.", n=len(errors)), lang),
        "demo": bool(summary.get("demo")),
        "has_pdf": has_pdf,
    }


def _figures(summary: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The headline figures table, in English: (label, value) rows."""
    not_computed = set(summary.get("sections_not_computed") or ())

    def money(section: str, *path: str) -> str:
        return "not computed yet" if section in not_computed else fmt_usd(_get(summary, section, *path))

    cov = summary.get("coverage") or {}
    figures = [
        ("Repositories scanned", msg("{part} of {whole} ({pct})",
                                     part=fmt_int(cov.get("repositories_scanned")),
                                     whole=fmt_int(cov.get("repositories_total")),
                                     pct=fmt_pct(cov.get("repositories_pct")))),
        ("Images scanned", msg("{part} of {whole} scannable ({pct})",
                               part=fmt_int(cov.get("images_scanned")),
                               whole=fmt_int(cov.get("images_scannable")),
                               pct=fmt_pct(cov.get("images_pct")))),
        ("Open critical / high findings", f"{fmt_int(_get(cov, 'open_findings', 'critical'))} / "
                                          f"{fmt_int(_get(cov, 'open_findings', 'high'))}"),
        ("Failing control checks", fmt_int(_get(summary, "compliance", "controls_failing"))),
        ("Inspector enhanced scanning (est. per month)", money("inspector", "estimated_monthly_usd")),
        ("Pull-through cache storage (per month)", money("pull_through", "storage_monthly_usd")),
        ("NAT egress saved by pull-through (per month)", money("pull_through", "nat_savings_monthly_usd")),
    ]
    if "lifecycle" in not_computed:
        figures.append(("Lifecycle: reclaimable now", "not computed yet"))
    else:
        figures.append(("Lifecycle: reclaimable now", msg(
            "{images} images, {size} ({usd} per month)",
            images=fmt_int(_get(summary, "lifecycle", "images_expiring")),
            size=fmt_bytes(_get(summary, "lifecycle", "reclaimable_bytes")),
            usd=fmt_usd(_get(summary, "lifecycle", "reclaimable_monthly_usd")))))
    return figures


def _parse_time(text: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None


def email_subject(prefix: str, summary: Mapping[str, Any], lang: str = "en") -> str:
    """The subject line: demo / incomplete flags, the prefix, the date, and two headline figures."""
    cov = summary.get("coverage") or {}
    flags = ([Text("[DEMO] ")] if summary.get("demo") else []) + \
            ([Text("[INCOMPLETE] ")] if _get(summary, "completeness", "errors") else [])
    subject = msg("{flags}{prefix} {date}: {scanned}/{total} repositories scanned, {failing} failing "
                  "control checks",
                  flags=join(flags, "") if flags else "", prefix=Text(prefix) if prefix else "",
                  date=Text(str(summary.get("as_of", ""))[:10]),
                  scanned=cov.get("repositories_scanned", 0), total=cov.get("repositories_total", 0),
                  failing=_get(summary, "compliance", "controls_failing") or 0)
    return t(subject, lang) if lang != "en" else str(subject)


def email_bodies(view: Mapping[str, Any]) -> tuple[str, str]:
    """(plain text, HTML) of the email for `view` (`email_view`'s, with the charts' Content-IDs)."""
    env = environment()
    return (env.get_template("email.txt.j2").render(email=view),
            env.get_template("email.html.j2").render(email=view))
