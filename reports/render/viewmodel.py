"""What every section builder shares: the context it reads (`SectionContext`), the header and
banner, and small display helpers (registry labels, capped lists, control order).

All judgement about what to show lives in the view model (this module and the section_*.py
builders: sorting by risk, capping long lists, how an unknown value reads); the templates only
lay it out. `view.build_view` puts the sections in report order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import pandas as pd

from ..summary import block
from ..text import Joined, Text, counted, join, msg
from .blocks import (
    Banner,
    Meta,
    Paragraph,
)
from .filters import (
    fmt_datetime,
    fmt_int,
    fmt_iso,
    fmt_text,
    is_missing,
    plural,
)
from .model import ReportInput

TITLE = "ECR cost & compliance report"
UNKNOWN = "unknown"
LISTED_REGISTRIES = 8
"""Account ids a methodology paragraph or note may list before the rest is cut (cap_registry_list)."""
CLAIR_RETIREMENT = datetime(2026, 2, 2, tzinfo=timezone.utc)  # aws-facts.md §2.2 [SCAN-BASIC]

CONTROL_ORDER = ("ECR.1", "ECR.2", "ECR.3", "ECR.5", "Inspector.2")
FREQUENCY_TEXT = {
    "CONTINUOUS_SCAN": "Continuous",
    "SCAN_ON_PUSH": "On push",
    "MANUAL": "Manual only",
}


# --- small helpers ---------------------------------------------------------------------------



def known_bool(value: Any) -> bool | None:
    return None if is_missing(value) else bool(value)


def sort_number(value: Any) -> float:
    """For sorting and summing: unknown counts as 0 (never for display)."""
    return 0.0 if is_missing(value) else float(value)


def known_str(value: Any) -> str | None:
    return None if is_missing(value) else str(value)


def registry_label(account: Any, region: Any) -> str:
    return f"{fmt_text(account)} · {fmt_text(region)}"


def frequency_text(value: Any) -> str:
    text = known_str(value)
    return FREQUENCY_TEXT.get(text, text) if text else UNKNOWN


def api_calls_text(n: int) -> Text:
    return msg("{n} API call", n=fmt_int(n)) if n == 1 else msg("{n} API calls", n=fmt_int(n))


_ACCOUNT_ID = re.compile(r"(?<!\d)\d{12}(?!\d)")


def _more_registries(head: str, more: int) -> Text:
    return msg("{head} … and {n} more (every registry's value is in the run's data/ tables)",
               head=head, n=fmt_int(more))


def _cut(text: str, limit: int) -> tuple[str, int] | None:
    """Where cap_registry_list cuts `text`: (the part kept, how many ids are left out)."""
    found = list(_ACCOUNT_ID.finditer(text))
    if len(found) <= limit:
        return None
    start = found[limit].start()
    cut = max(text.rfind("; ", 0, start), text.rfind(", ", 0, start))
    head = text[:cut if cut > found[limit - 1].end() else start].rstrip(" ,;")
    return head, len(found) - limit


def capped_list(items: Iterable[str], limit: int = LISTED_REGISTRIES, separator: str = ", ") -> str:
    """Registries (or anything naming them) listed with `separator`, cut after `limit` items with
    "… and N more (every registry's value is in the run's data/ tables)".

    For a builder that puts a list of registries into a `msg` sentence: give it this as the
    parameter, so the sentence is cut the same way in every language. The items may be `Text`;
    the list is then a `join` and each item is translated. (This cuts on items, not on account
    ids; `cap_registry_list` on the finished sentence leaves a sentence with at most `limit` ids
    unchanged.)"""
    items = list(items)
    shown = items[:limit]
    listed = (join(shown, separator) if any(isinstance(i, Text) for i in shown)
              else separator.join(shown))
    if len(items) <= limit:
        return listed
    return _more_registries(listed, len(items) - limit)


class _CappedText(Text):
    """A cut sentence: its English is the old character cut (below), its `template` and
    `params` are the sentence with each registry-list parameter capped, for translation."""

    __slots__ = ()

    def __reduce__(self):  # noqa: ANN204 - keep the English cut through a copy
        return (_with_english, (str(self), Text(self.template, self.params)))


class _CappedJoined(Joined):
    __slots__ = ()

    def __reduce__(self):  # noqa: ANN204
        return (_with_english, (str(self), Joined(tuple(self.params.values()), self.separator)))


def _with_english(english: str, translated: Text) -> Text:
    """`translated`'s template and parameters, with `english` as its English."""
    if isinstance(translated, Joined):
        out: Text = str.__new__(_CappedJoined, english)
        out.separator = translated.separator  # type: ignore[attr-defined]
    else:
        out = str.__new__(_CappedText, english)
    out.template, out.params = translated.template, translated.params
    return out


def _cap_params(text: str, limit: int) -> str:
    """`text` with every registry list in it cut after `limit` account ids, for translation:
    a plain string is cut like cap_registry_list does; a `Text` has its parameters capped one
    by one (each keeps up to `limit` ids), a `join`ed paragraph keeps its first parts."""
    if not isinstance(text, Text) or not text.params:
        cut = _cut(str(text), limit)
        if cut is None:
            return text
        return _more_registries(cut[0], cut[1])
    if len(_ACCOUNT_ID.findall(text)) <= limit:
        return text
    if isinstance(text, Joined):
        parts = list(text.params.values())
        kept: list[str] = []
        seen = 0
        for part in parts:
            ids = len(_ACCOUNT_ID.findall(part)) if isinstance(part, str) else 0
            if seen + ids > limit and kept:
                dropped = sum(len(_ACCOUNT_ID.findall(p)) for p in parts[len(kept):]
                              if isinstance(p, str))
                return _more_registries(join(kept, text.separator), dropped)
            kept.append(_cap_params(part, limit) if isinstance(part, str) else part)
            seen += ids
        return join(kept, text.separator)
    params = {name: (_cap_params(value, limit) if isinstance(value, str) else value)
              for name, value in text.params.items()}
    if all(params[name] is value for name, value in text.params.items()):
        return text
    return Text(text.template, params)


def cap_registry_list(text: str, limit: int = LISTED_REGISTRIES) -> str:
    """Cut a sentence that lists registries (12-digit account ids) after `limit` of them.

    Analysis notes and methodology paragraphs name registries ("Calibrated in: ...", "Rescan
    settings per registry: ..."); for a large fleet that list would run for pages. The cut falls
    on the list separator before the next account id, and the rest of the sentence is replaced
    by "… and N more (every registry's value is in the run's data/ tables)".

    Languages: a sentence with at most `limit` ids is returned unchanged (a `Text` stays a
    `Text`). A cut `Text` keeps its English exactly as above, but is translated as the whole
    sentence with each registry-list *parameter* cut after `limit` ids (`_cap_params`), so the
    translated sentence keeps its grammar and its end. Only a plain string (no template) is
    translated as the English head plus the translated "… and N more"; builders avoid that by
    making the sentence a `msg` with the list as a parameter, best built with `capped_list`."""
    cut = _cut(str(text), limit)
    if cut is None:
        return text
    english = str(_more_registries(*cut))
    if isinstance(text, Text) and text.params:
        return _with_english(english, _cap_params(text, limit))
    return _more_registries(*cut)


def list_text(items: Iterable[str], limit: int = 6) -> str:
    items = list(items)
    if not items:
        return msg("none")
    if len(items) <= limit:
        return ", ".join(items)
    return msg("{items} and {n} more", items=", ".join(items[:limit]), n=str(len(items) - limit))


@dataclass(frozen=True)
class SectionContext:
    """What every section builder may read."""

    report: ReportInput
    error_units: frozenset[tuple[str, str]]
    """(account, region) pairs with at least one failed call."""

    def table(self, name: str) -> pd.DataFrame | None:
        frame = self.report.tables.get(name)
        return frame if isinstance(frame, pd.DataFrame) else None

    @property
    def summary(self) -> Mapping[str, Any]:
        return self.report.summary

    def not_computed(self, key: str) -> bool:
        return key in self.report.sections_not_computed

    def partial(self, account: Any, region: Any) -> bool:
        return (str(account), str(region)) in self.error_units


def missing_table_notice(name: Text) -> Paragraph:
    return Paragraph(msg("The {name} table is not available for this run, so this part of the "
                         "report could not be produced. It is not evidence that there is nothing "
                         "to report.", name=name), tone="alert")


def registry_units(frame: pd.DataFrame) -> list[tuple[str, str]]:
    units = frame[["account_id", "region"]].astype(str).drop_duplicates()
    return sorted(map(tuple, units.to_numpy().tolist()))


# --- header and banner ---------------------------------------------------------------------


def report_meta(report: ReportInput) -> Meta:
    accounts = [str(a) for a in (report.summary.get("accounts") or [])]
    regions = [str(r) for r in (report.summary.get("regions") or [])]
    return Meta(
        title=TITLE,
        as_of=fmt_datetime(report.as_of),
        as_of_iso=fmt_iso(report.as_of),
        run_id=report.run_id,
        tool_version=report.tool_version,
        scope=f"{plural(len(accounts), 'account')} × {plural(len(regions), 'region')}",
        accounts=list_text(accounts),
        regions=list_text(regions),
        demo=report.demo,
        organization=organization_line(report.summary),
    )


def organization_line(summary: Any) -> str:
    """The header's scope line of a run whose accounts were discovered; "" otherwise."""
    org = block(summary, "organization")
    if not org:
        return ""
    left = list(org.get("accounts_left_out") or [])
    reasons: dict[str, int] = {}
    for a in left:
        reasons[str(a.get("reason"))] = reasons.get(str(a.get("reason")), 0) + 1
    if not left:
        return msg("{n} accounts from organization {org}", n=fmt_int(org.get("accounts_included")),
                   org=str(org.get("id")))
    return msg("{n} accounts from organization {org} ({m} left out: {reasons})",
               n=fmt_int(org.get("accounts_included")), org=str(org.get("id")), m=fmt_int(len(left)),
               reasons=", ".join(f"{n} {r}" for r, n in sorted(reasons.items())))


def banner(ctx: SectionContext) -> Banner | None:
    errors = ctx.report.errors
    if not errors:
        return None
    units = len(ctx.error_units)
    calls = block(ctx.summary, "completeness").get("calls")
    failed = api_calls_text(len(errors))
    if not is_missing(calls) and calls:
        failed = msg("{calls} of {total}", calls=failed, total=fmt_int(calls))
    return Banner(
        title="Incomplete data",
        text=msg("{calls} failed in {registries} (account × region). Figures that depend on "
                 "them are marked unknown or partial; a missing value is not a zero. See Data "
                 "completeness for the list.", calls=failed, registries=counted(units, "registry")),
    )


# --- 1. executive summary ------------------------------------------------------------------


# The executive summary (headline figures with trends, ranked actions, key points) is
# built in section_summary.py; the control helpers below are shared with it.


def control_key(control: str) -> tuple[int, str]:
    return (CONTROL_ORDER.index(control) if control in CONTROL_ORDER else len(CONTROL_ORDER),
            control)


def control_title(comp: pd.DataFrame, control: str) -> str:
    titles = comp.loc[comp["control_id"] == control, "title"].dropna()
    return str(titles.iloc[0]) if len(titles) else control
