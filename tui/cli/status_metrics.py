"""The metrics of `warroom status`: text lines and the `--json` list.

JSON: `[{"name", "query", "state": "OK" | "WARNING" | "CRITICAL" | "UNKNOWN" | "STALE",
"reason", "unit", "value", "text", "series": [{"labels", "value", "text", "state"}],
"warn", "critical", "below", "error", "since", "at", "age_s", "cut"}]` — `value` is the first
series' value (null: none, NaN or ±Inf, whose `text` says which), `text` the value as the
panel writes it with its unit; `error` is Prometheus's message (or the transport's) while it
does not answer, `since` when that started; `age_s` the seconds since the values were read.
"""

from __future__ import annotations

import math
from typing import Any

from rich.console import Console
from rich.text import Text

from tui.core.config import Config
from tui.core.docker_model import human_duration
from tui.core.metrics import MetricState, MetricView, format_value, metric_views
from tui.core.model import utcnow
from tui.core.store import Store

STYLE = {MetricState.CRITICAL: "bold red", MetricState.WARNING: "yellow",
         MetricState.UNKNOWN: "magenta", MetricState.STALE: "dim"}


def _number(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def metrics_json(config: Config, store: Store) -> list[dict[str, Any]] | None:
    if not config.metrics:
        return None
    out = []
    for view in metric_views(config, store, utcnow()):
        row, reading = view.row, view.reading
        series = reading.series if reading else ()
        states = view.series_states or ()
        first = series[0].value if series else None
        out.append({
            "name": row.name, "query": row.query, "state": view.state.value,
            "reason": view.reason, "unit": row.unit, "value": _number(first),
            "text": format_value(row, first) if series else None,
            "series": [{"labels": s.labels, "value": _number(s.value),
                        "text": format_value(row, s.value),
                        "state": states[i].value if i < len(states) else None}
                       for i, s in enumerate(series)],
            "warn": row.warn, "critical": row.critical, "below": row.below,
            "error": reading.error if reading else None,
            "since": reading.since.isoformat() if reading and reading.since else None,
            "at": reading.at.isoformat() if reading else None,
            "age_s": None if view.age is None else round(view.age, 1),
            "cut": reading.cut if reading else 0,
        })
    return out


def render_metrics(console: Console, config: Config, store: Store) -> None:
    """METRIC lines: one per row (per series), its state, value and age; the error if any."""
    if not config.metrics:
        return
    for view in metric_views(config, store, utcnow()):
        console.print(_line(view), overflow="fold")


def _line(view: MetricView) -> Text:
    row, reading = view.row, view.reading
    line = Text("METRIC ")
    line.append(view.state.value, style=STYLE.get(view.state, "green"))
    line.append(f" {row.name}")
    series = reading.series if reading else ()
    if series:
        line.append(": " + ", ".join(f"{s.labels}{' ' if s.labels else ''}"
                                     f"{format_value(row, s.value)}" for s in series))
    if view.age is not None:
        line.append(f" ({human_duration(view.age)} ago)", style="dim")
    if view.state is not MetricState.OK and view.reason:
        line.append(f" — {view.reason}")
    return line
