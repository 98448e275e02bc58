"""The weekly email's words: the view its templates see, its two bodies, and its subject line.

Summary figures in, strings out, in the run's report language (built in English with `msg`,
then said in `lang` with the report's catalog; English is never touched). The PNG charts are
in `email_charts`; the message itself (MIME parts, Content-IDs, headers) and sending it are
`jobs.deliver.email`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping, Sequence

from ..concern import Concern
from ..summary import block
from ..text import Text, join, msg
from .environment import environment
from .filters import fmt_datetime, fmt_int, fmt_pct
from .i18n import catalog_for, t

NOT_COMPUTED_YET = "not computed yet"


def _get(doc: Mapping[str, Any], *path: str) -> Any:
    """`doc[path[0]][path[1]]...`, None where a step is missing or not a mapping."""
    for key in path:
        if not isinstance(doc, Mapping):
            return None
        doc = doc.get(key)  # type: ignore[assignment]
    return doc


def email_view(summary: Mapping[str, Any], concerns: Sequence[Concern], *, has_pdf: bool,
               lang: str = "en") -> dict[str, Any]:
    """What the templates see: display strings, prepared here (never raw summary access).

    Built in English (the sentences with `msg`), then said in `lang` with the report's catalog
    (the foundation's and `concerns`'); English is never touched."""
    catalog = catalog_for(concerns)
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
                       regions=len(regions), names=", ".join(regions)), lang, catalog),
        "figures": [(t(label, lang, catalog), t(value, lang, catalog))
                    for label, value in _figures(summary, concerns)],
        "errors": len(errors),
        "incomplete": t(msg("{n} API call(s) failed. The attached report marks what is missing; "
                            "figures below may be understated.", n=len(errors)), lang, catalog),
        "demo": bool(summary.get("demo")),
        "has_pdf": has_pdf,
    }


def _figures(summary: Mapping[str, Any], concerns: Sequence[Concern]) -> list[tuple[str, Any]]:
    """The headline figures table, in English: (label, value) rows, the foundation's then each
    concern's (`Presentation.email_figures`); a concern not computed says so on each of its rows."""
    cov = summary.get("coverage") or {}
    figures: list[tuple[str, Any]] = [
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
    ]
    not_computed = set(summary.get("sections_not_computed") or ())
    for concern in concerns:
        if concern.presentation.email_figures is None:
            continue
        rows = concern.presentation.email_figures(block(summary, concern.key))
        figures.extend((label, NOT_COMPUTED_YET if concern.key in not_computed else value)
                       for label, value in rows)
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
    return t(subject, lang) if lang != "en" else str(subject)  # the foundation's words only


def email_bodies(view: Mapping[str, Any]) -> tuple[str, str]:
    """(plain text, HTML) of the email for `view` (`email_view`'s, with the charts' Content-IDs)."""
    env = environment()
    return (env.get_template("email.txt.j2").render(email=view),
            env.get_template("email.html.j2").render(email=view))
