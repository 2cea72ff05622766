"""Latency as a glance needs it: an order of magnitude that moves when the service does.

The health panel shows latency on a 1-2-5 scale ("≤20ms", "≤1s"). Each answer's exact
figure still decides the check's state (`max_latency_ms`) and is in the reasons and in
`warroom status --json`; what is shown is steadied, so a panel at rest is not redrawn for
jitter: the median of the last answers, and a step that changes either at once, when the
median is well past it, or after a few answers in a row in another step.
"""

from __future__ import annotations

import math
from collections import deque

STEPS = (10, 20, 50, 100, 200, 500, 1000, 2000, 5000)
SAMPLES = 3
"""The median of this many answers is what is shown (one slow answer is jitter)."""
MARGIN = 1.3
"""A median this far past the shown step's edges (30 %) changes the step at once ..."""
PATIENCE = 2
"""... nearer the edge, once the median has been in another step this many answers in a row
(9–11 ms jitter around the 10 ms edge keeps its step; a steady 12.9 ms after 9.5 ms shows
"≤20ms" on its third answer)."""


def step_of(ms: float) -> int:
    """Index of the step `ms` falls in (len(STEPS) beyond the last)."""
    return next((i for i, step in enumerate(STEPS) if ms <= step), len(STEPS))


def latency_text(ms: float | None) -> str:
    if ms is None:
        return "-"
    index = step_of(ms)
    if index == len(STEPS):
        return f"{ms / 1000:.0f}s"
    step = STEPS[index]
    return f"≤{step}ms" if step < 1000 else f"≤{step // 1000}s"


class SteadyLatency:
    """The shown latency of one check, fed every answer's latency (None: no answer)."""

    def __init__(self) -> None:
        self._recent: deque[float] = deque(maxlen=SAMPLES)
        self._away = 0
        self.shown: float | None = None

    def add(self, ms: float | None) -> None:
        if ms is None:  # no answer: "-", and the next answers start a new series
            self._recent.clear()
            self.shown, self._away = None, 0
            return
        self._recent.append(ms)
        median = sorted(self._recent)[(len(self._recent) - 1) // 2]
        shown = self.shown
        if shown is None or step_of(median) == step_of(shown):
            self.shown, self._away = median, 0
            return
        index = step_of(shown)
        low = STEPS[index - 1] if index > 0 else 0.0
        high = STEPS[index] if index < len(STEPS) else float("inf")
        self._away += 1
        if median > high * MARGIN or median < low / MARGIN or self._away >= PATIENCE:
            self.shown, self._away = median, 0


HISTORY = 60
"""Answers kept per check for the health panel's sparkline (5 min at a 5 s interval)."""
BARS = "▁▂▃▄▅▆▇█"
FAILED = "×"
"""A round that failed (no answer, or the check DOWN) in a sparkline."""
MIN_SPAN = 4.0
"""The sparkline's full height spans at least this ratio of latencies (log scale): a steady
9–11 ms stays on the lowest bars instead of filling the height with jitter."""


class LatencyHistory:
    """The last `size` answers of one check, oldest first: the latency in ms, or None for a
    failed round. Bounded; `samples` is a tuple built once per answer (cheap to compare)."""

    def __init__(self, size: int = HISTORY) -> None:
        self._recent: deque[float | None] = deque(maxlen=size)
        self.samples: tuple[float | None, ...] = ()

    def add(self, ms: float | None) -> None:
        self._recent.append(ms)
        self.samples = tuple(self._recent)


def sparkline(samples: tuple[float | None, ...], width: int) -> str:
    """The last `width` samples as bars (log scale between the lowest shown and at least
    MIN_SPAN times it; FAILED for a failed round), right-aligned in `width` cells."""
    if width <= 0:
        return ""
    shown = samples[-width:]
    values = [ms for ms in shown if ms is not None]
    low = max(min(values), 0.1) if values else 1.0
    span = math.log(max(max(values, default=low), low * MIN_SPAN) / low)
    top = len(BARS) - 1
    bars = "".join(
        FAILED if ms is None
        else BARS[min(top, max(0, round(math.log(max(ms, low) / low) / span * top)))]
        for ms in shown)
    return bars.rjust(width)
