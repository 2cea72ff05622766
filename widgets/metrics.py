"""Metrics panel: one line per `[[metrics]]` row (per series when the query gives several):
state, name, current value with its unit, a one-line sparkline of the window, the thresholds
and the age of the value.

Renders `MetricView`s (no I/O). The sparkline is drawn with ▁▂▃▄▅▆▇█, one cell per bucket of
the range (its highest value, so a spike survives), coloured where it crossed a threshold; a
gap (no sample, NaN) is a blank. A row Prometheus did not answer shows its message, sanitized
by the probe, on a second line. Lines are built once per reading, width and age step, and
the panel repaints only when one of them changed. Every value from outside is put in a `Text`
(never markup) and cut to the panel.
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.containers import VerticalScroll
from textual.events import Resize

from tui.core.config.metrics import MetricRow
from tui.core.docker_model import stepped_duration
from tui.core.metrics import MetricState, MetricView, Series, format_value, judge, thresholds_text
from widgets.steady import SteadyStatic, set_border

BARS = "▁▂▃▄▅▆▇█"
STATE_STYLE = {MetricState.OK: "green", MetricState.WARNING: "yellow",
               MetricState.CRITICAL: "bold red", MetricState.UNKNOWN: "magenta",
               MetricState.STALE: "dim"}
SYMBOL = {MetricState.OK: "✓", MetricState.WARNING: "!", MetricState.CRITICAL: "✗",
          MetricState.UNKNOWN: "?", MetricState.STALE: "~"}
SPARK_MIN, SPARK_MAX = 8, 120
FALLBACK_WIDTH = 76


class MetricsPanel(VerticalScroll):
    """`show(views, now)` renders the rows; repaints only when a line changed."""

    def __init__(self, id: str = "metrics") -> None:
        super().__init__(id=id)
        self.border_title = "Metrics"
        self.body = SteadyStatic("waiting for Prometheus…", id="metrics-body", markup=False)
        self._lines: Cache = {}
        """Lines built, by (row, series): (reading, state, width, age, line), reused while
        the same reading is shown at the same width and age step."""
        self._last: tuple[Sequence[MetricView], dt.datetime] | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield self.body

    def on_resize(self, _event: Resize) -> None:
        if self._last is not None:
            self.show(*self._last)

    def show(self, views: Sequence[MetricView], now: dt.datetime) -> None:
        self._last = (views, now)
        cols = columns(views, self.body.content_size.width or FALLBACK_WIDTH)
        lines: Cache = {}
        out = Text(end="")
        for view in views:
            for line in row_lines(view, cols, self._lines, lines):
                if out.plain:
                    out.append("\n")
                out.append_text(line)
        self._lines = lines  # only the lines on screen are kept
        self.body.paint(out if out.plain else Text("no metrics configured", style="dim"))
        bad = [v for v in views if v.state in (MetricState.UNKNOWN, MetricState.STALE)]
        self.set_class(bool(bad), "-stale")
        counts = [f"{n} {word}" for word, n in (
            ("critical", sum(v.state is MetricState.CRITICAL for v in views)),
            ("warning", sum(v.state is MetricState.WARNING for v in views)),
            ("unknown", len(bad))) if n]
        set_border(self, f"Metrics ({', '.join(counts)})" if counts else "Metrics")


Cache = dict[tuple[str, int], tuple[object, ...]]


@dataclass(frozen=True, slots=True)
class Columns:
    """Widths shared by every line, so values, sparklines and thresholds line up."""

    width: int
    name: int
    value: int
    spark: int
    limits: int
    age: int


def _age(view: MetricView) -> str:
    return stepped_duration(view.age)[0] if view.age is not None else "–"


def columns(views: Sequence[MetricView], width: int) -> Columns:
    """Column widths for `width` cells: names cut at a third of the width, the sparkline as
    wide as the room left (at most one cell per point), thresholds only when there is room."""
    names, values, slots = [1], [1], [0]
    for view in views:
        for s in (view.reading.series if view.reading else ()):
            names.append(len(view.row.name) + len(s.labels))
            values.append(len(format_value(view.row, s.value)))
            slots.append(len(s.points))
        names.append(len(view.row.name))
    name_w = min(max(names), max(16, min(40, width // 3)))
    value_w = min(max(values), 16)
    age_w = max(len(_age(v)) for v in views) if views else 1
    limits_w = max((len(thresholds_text(v.row)) for v in views), default=0)
    rest = width - (2 + name_w + 2 + value_w + 2 + 2 + age_w)
    if limits_w and rest - limits_w - 2 >= 10:
        rest -= limits_w + 2
    else:
        limits_w = 0
    return Columns(width, name_w, value_w, max(0, min(rest, SPARK_MAX, max(slots))),
                   limits_w, age_w)


def row_lines(view: MetricView, cols: Columns, cache: Cache | None = None,
              built: Cache | None = None) -> list[Text]:
    """The lines of one row: one per series (at least one), then its message if any. A
    series line found in `cache` for the same reading, state, columns and age is reused;
    every series line is put in `built`."""
    reading = view.reading
    series: tuple[Series, ...] = reading.series if reading else ()
    age = _age(view)
    states = view.series_states or (view.state,)
    out: list[Text] = []
    for i, s in enumerate(series or (None,)):  # type: ignore[arg-type]
        state = view.state if s is None or view.state in (MetricState.UNKNOWN,
                                                          MetricState.STALE) else states[i]
        known = cache.get((view.row.name, i)) if cache is not None else None
        if known is not None and known[0] is reading and known[1:4] == (state, cols, age):
            line = known[4]
        else:
            line = series_line(view.row, s, state, age, cols)
        if built is not None:
            built[(view.row.name, i)] = (reading, state, cols, age, line)
        out.append(line)  # type: ignore[arg-type]
    if view.state in (MetricState.UNKNOWN, MetricState.STALE) and view.reason:
        wrapped = textwrap.wrap(view.reason[:1000], max(10, cols.width - 4), max_lines=3,
                                placeholder=" …", break_on_hyphens=False)
        for i, part in enumerate(wrapped):  # up to three lines, indented
            text = Text("  ↳ " if not i else "    ", style="dim", end="", no_wrap=True)
            text.append(part, style=STATE_STYLE[view.state])
            out.append(text)
    if reading is not None and reading.cut:
        out.append(Text(f"  … {reading.cut} more series not shown (worst {len(series)} kept)",
                        style="dim", end=""))
    return out


def series_line(row: MetricRow, series: Series | None, state: MetricState, age: str,
                cols: Columns) -> Text:
    """`✓ name{labels}  0.42 req/s  ▁▂▃▅▇  warn ≥ 0.5 · crit ≥ 2  30s` in `cols`."""
    name = row.name + (series.labels if series else "")
    value = format_value(row, series.value) if series else "–"
    text = Text(end="", no_wrap=True, overflow="ellipsis")
    text.append(f"{SYMBOL[state]} ", style=STATE_STYLE[state])
    text.append(f"{_cut(name, cols.name):<{cols.name}}  ", style="bold" if state in (
        MetricState.CRITICAL, MetricState.WARNING) else "")
    text.append(f"{_cut(value, cols.value):>{cols.value}}  ", style=STATE_STYLE[state]
                if state is not MetricState.OK else "")
    if cols.spark >= SPARK_MIN:
        points = series.points if series is not None else ()
        text.append_text(sparkline(row, points, cols.spark))
        text.append("  ")
    if cols.limits:
        text.append(f"{thresholds_text(row):<{cols.limits}}  ", style="dim")
    text.append(f"{age:>{cols.age}}", style="dim")
    return text


def sparkline(row: MetricRow, points: Sequence[float | None], width: int) -> Text:
    """`points` in at most `width` cells: each the highest finite value of its bucket scaled
    between the window's lowest and highest (the scale stretched to `warn`, so values well
    inside it stay low), coloured by the row's thresholds; blank where there is no sample.
    Exactly `width` cells wide (padded on the left)."""
    n = len(points)
    cells = min(width, n)
    if not cells:
        return Text(" " * width, end="")
    buckets: list[float | None] = []
    for i in range(cells):
        chunk = points[i * n // cells:(i + 1) * n // cells] or points[i * n // cells:][:1]
        vals = [v for v in chunk if v is not None and not math.isnan(v)]
        buckets.append(max(vals) if vals else None)
    finite = [v for v in buckets if v is not None and math.isfinite(v)]
    if row.warn is not None and finite:  # the scale reaches the warn line: calm looks calm
        finite.append(row.warn)
    low, high = (min(finite), max(finite)) if finite else (0.0, 0.0)
    text = Text(" " * (width - cells), end="")
    for v in buckets:
        if v is None:
            text.append(" ")
            continue
        if math.isinf(v):
            bar = BARS[-1] if v > 0 else BARS[0]
        elif high == low:
            bar = BARS[3]
        else:
            bar = BARS[min(7, int((v - low) / (high - low) * 8))]
        state = judge(row, v)
        text.append(bar, style={MetricState.CRITICAL: "red", MetricState.WARNING: "yellow"}
                    .get(state, "cyan"))
    return text


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"
