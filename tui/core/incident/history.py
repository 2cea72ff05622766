"""Past incidents and the monthly review, computed from the same journal files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..config.incident import IncidentPolicy
from .export_common import duration, utc
from .model import IncidentState


@dataclass(frozen=True)
class HistoryRow:
    id: str
    title: str
    severity: str
    status: str
    start: dt.datetime
    resolved_at: dt.datetime | None
    duration: dt.timedelta | None
    mttr: dt.timedelta | None


def rows(states: list[IncidentState], now: dt.datetime) -> list[HistoryRow]:
    """One row per incident, newest first."""
    out = [HistoryRow(s.id, s.title, s.severity, s.status, s.start, s.resolved_at,
                      s.elapsed(now), s.metrics()["MTTR"]) for s in states]
    return sorted(out, key=lambda r: r.start, reverse=True)


def render_rows(items: list[HistoryRow]) -> str:
    """A plain-text table (titles are sanitized by the caller's terminal output path)."""
    if not items:
        return "no incidents recorded\n"
    head = f"{'START (UTC)':19}  {'SEV':6} {'STATUS':13} {'DURATION':>11} {'MTTR':>11}  TITLE"
    lines = [head]
    for r in items:
        lines.append(f"{utc(r.start):19}  {r.severity[:6]:6} {r.status[:13]:13} "
                     f"{duration(r.duration):>11} {duration(r.mttr):>11}  {r.title}  [{r.id}]")
    return "\n".join(lines) + "\n"


def monthly(states: list[IncidentState], policy: IncidentPolicy, month: str) -> str:
    """The runbook's monthly summary (``month`` = ``YYYY-MM``): count and average MTTR by
    severity, against the MTTR targets."""
    year, mon = (int(x) for x in month.split("-"))
    chosen = [s for s in states if (s.start.year, s.start.month) == (year, mon)]
    label = dt.date(year, mon, 1).strftime("%B %Y")
    lines = [f"INCIDENT SUMMARY - {label}", "", f"Total Incidents: {len(chosen)}"]
    names = [lv.name for lv in policy.levels]
    names += sorted({s.severity for s in chosen} - set(names))
    for name in names:
        lines.append(f"- {name}: {sum(1 for s in chosen if s.severity == name)}")
    lines += ["", "Average MTTR by Priority:"]
    for name in names:
        values = [s.metrics()["MTTR"] for s in chosen if s.severity == name]
        known = [v for v in values if v is not None]
        level = policy.level(name)
        target = level.target("mttr") if level else None
        goal = f" (target: <{duration(dt.timedelta(minutes=target))})" if target else ""
        if known:
            avg = sum(known, dt.timedelta()) / len(known)
            extra = f", {len(values) - len(known)} unresolved" if len(known) < len(values) else ""
            lines.append(f"- {name}: {duration(avg)} over {len(known)}{extra}{goal}")
        elif values:
            lines.append(f"- {name}: — ({len(values)} unresolved){goal}")
    everything = [m for s in chosen if (m := s.metrics()["MTTR"]) is not None]
    if everything:
        overall = sum(everything, dt.timedelta()) / len(everything)
        lines += ["", f"Average MTTR overall: {duration(overall)}"]
    return "\n".join(lines) + "\n"
