"""Metrics from Prometheus: the readings, a row's state from its thresholds, what the verdict
counts and how a value is written with its unit.

The probe (`probes/prometheus.py`) puts one `MetricReading` per `[[metrics]]` row into the store
under `store_kind(name)`, sanitized and bounded. Everything here is pure: the panel,
`warroom status` and the verdict read `metric_views(config, store, now)`.

A row's state: CRITICAL or WARNING when a value is at or beyond its threshold (at or below
with `below = true`), OK otherwise; UNKNOWN when Prometheus did not answer (its message kept),
answered no data or NaN; STALE when no reading arrived within `stale_after`. With several
series (a vector by color, by instance) the row takes the worst.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from enum import StrEnum

from tui.core.config.metrics import MetricRow
from tui.core.config.schema import Config
from tui.core.docker_model import human_duration
from tui.core.model import utcnow
from tui.core.store import Store

KIND_PREFIX = "metrics:"


def store_kind(name: str) -> str:
    """The store snapshot kind of one row's latest reading."""
    return KIND_PREFIX + name


class MetricState(StrEnum):
    OK = "OK"
    WARNING = "WARNING"
    CRITICAL = "CRITICAL"
    UNKNOWN = "UNKNOWN"
    STALE = "STALE"

    @property
    def rank(self) -> int:
        return {"OK": 0, "STALE": 1, "UNKNOWN": 2, "WARNING": 3, "CRITICAL": 4}[self.value]


@dataclass(frozen=True, slots=True)
class Series:
    """One series of a row: its labels in PromQL form (`{color="blue"}`, "" for a scalar or a
    series without labels), the instant value (None: none now) and the range, one slot per
    step (None: no sample there). Values may be NaN or ±Inf."""

    labels: str
    value: float | None
    points: tuple[float | None, ...] = ()


@dataclass(frozen=True, slots=True)
class MetricReading:
    """What Prometheus said for one row. `error` set: no fresh values (`since` = first failure);
    `series` then keeps the last values read, at `good_at`."""

    name: str
    at: dt.datetime
    series: tuple[Series, ...] = ()
    error: str | None = None
    since: dt.datetime | None = None
    good_at: dt.datetime | None = None
    cut: int = 0
    """Series beyond the per-row bound, not kept (said in the panel)."""


@dataclass(frozen=True, slots=True)
class MetricView:
    """A row as the panel, `warroom status` and the verdict see it."""

    row: MetricRow
    state: MetricState
    reason: str
    """Why the row is in its state, in words ("" when OK)."""
    reading: MetricReading | None
    series_states: tuple[MetricState, ...] = ()
    age: float | None = None
    """Seconds since the values shown were read (None: never)."""


def judge(row: MetricRow, value: float | None) -> MetricState:
    """One value against the row's thresholds."""
    if value is None or math.isnan(value):
        return MetricState.UNKNOWN
    for level, threshold in ((MetricState.CRITICAL, row.critical), (MetricState.WARNING,
                                                                     row.warn)):
        if threshold is not None and (value <= threshold if row.below else value >= threshold):
            return level
    return MetricState.OK


def severity_key(row: MetricRow, value: float | None) -> float:
    """Higher is worse: for keeping the worst series when a vector is cut."""
    if value is None or math.isnan(value):
        return -math.inf
    return -value if row.below else value


def metric_view(row: MetricRow, reading: MetricReading | None, stale: bool,
                now: dt.datetime) -> MetricView:
    if reading is None:
        return MetricView(row, MetricState.UNKNOWN, "no answer yet", None)
    good_at = reading.good_at if reading.error is not None else reading.at
    age = (now - good_at).total_seconds() if good_at else None
    states = tuple(judge(row, s.value) for s in reading.series)
    if reading.error is not None:
        since = reading.since or reading.at
        return MetricView(row, MetricState.UNKNOWN, f"{reading.error} (since {since:%H:%M:%S} "
                          f"UTC, {human_duration((now - since).total_seconds())})", reading,
                          states, age)
    if stale:
        return MetricView(row, MetricState.STALE, f"no fresh value for "
                          f"{human_duration((now - reading.at).total_seconds())}", reading,
                          states, age)
    if not reading.series:
        return MetricView(row, MetricState.UNKNOWN, "no data (the query returned nothing)",
                          reading, states, age)
    worst = max(states, key=lambda s: s.rank)
    if worst is MetricState.OK:
        return MetricView(row, worst, "", reading, states, age)
    bad = [(s, st) for s, st in zip(reading.series, states, strict=True) if st is worst]
    series, _ = bad[0]
    if worst is MetricState.UNKNOWN:
        reason = "no value" if series.value is None else "value is NaN"
    else:
        limit = row.critical if worst is MetricState.CRITICAL else row.warn
        side = "≤" if row.below else "≥"
        reason = f"{format_value(row, series.value)} {side} {format_value(row, limit)}"
    where = f" {series.labels}" if series.labels else ""
    more = f" (+{len(bad) - 1} more)" if len(bad) > 1 else ""
    return MetricView(row, worst, f"{reason}{where}{more}", reading, states, age)


def metric_views(config: Config, store: Store, now: dt.datetime | None = None
                 ) -> tuple[MetricView, ...]:
    now = now or utcnow()
    out = []
    for row in config.metrics:
        kind = store_kind(row.name)
        snap = store.snapshots.get(kind)
        reading = snap.value if snap and isinstance(snap.value, MetricReading) else None
        out.append(metric_view(row, reading, store.snapshot_is_stale(kind, now), now))
    return tuple(out)


def metric_problems(config: Config, store: Store, now: dt.datetime | None = None,
                    live: str | None = None) -> tuple[list[str], list[str], list[str]]:
    """(critical, warning, unknown) lines for the verdict. A CRITICAL row with
    `critical_in_verdict = false`, or measuring a `color` that is not the `live` one (the
    idle color serves no traffic), counts as WARNING; STALE counts as UNKNOWN."""
    critical: list[str] = []
    warning: list[str] = []
    unknown: list[str] = []
    for view in metric_views(config, store, now):
        line = f"metric {view.row.name} {view.state.value}: {view.reason}"
        idle = view.row.color is not None and live is not None and view.row.color != live
        if idle:
            line += f" (idle {view.row.color})"
        if view.state is MetricState.CRITICAL:
            pages = view.row.critical_in_verdict and not idle
            (critical if pages else warning).append(line)
        elif view.state is MetricState.WARNING:
            warning.append(line)
        elif view.state is not MetricState.OK:
            unknown.append(line)
    return critical, warning, unknown


def format_value(row: MetricRow, value: float | None, unit: bool = True) -> str:
    """A value as the row's format spec writes it, with its unit ("0.42 req/s", "95%")."""
    if value is None:
        return "–"
    if math.isnan(value):
        text = "NaN"
    elif math.isinf(value):
        text = "+Inf" if value > 0 else "-Inf"
    else:
        try:
            text = format(value, row.format)
        except (ValueError, OverflowError):
            text = f"{value:.3g}"
    if not unit or not row.unit:
        return text
    return f"{text}{row.unit}" if row.unit in ("%", "°") else f"{text} {row.unit}"


def thresholds_text(row: MetricRow) -> str:
    """"warn ≥ 0.5 · crit ≥ 2" (≤ with `below`), "" without thresholds."""
    side = "≤" if row.below else "≥"
    parts = [f"{label} {side} {format_value(row, limit, unit=False)}"
             for label, limit in (("warn", row.warn), ("crit", row.critical))
             if limit is not None]
    return " · ".join(parts)
