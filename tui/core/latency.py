"""Latency as a glance needs it: an order of magnitude that moves when the service does.

The health panel shows latency on a 1-2-5 scale ("≤20ms", "≤1s"). Each answer's exact
figure still decides the check's state (`max_latency_ms`) and is in the reasons and in
`warroom status --json`; what is shown is steadied, so a panel at rest is not redrawn for
jitter: the median of the last answers, and a step that changes either at once, when the
median is well past it, or after a few answers in a row in another step.
"""

from __future__ import annotations

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
