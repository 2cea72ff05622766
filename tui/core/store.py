"""The single source of truth for the latest result of every probe.

Results carry their time; staleness is computed from it on read, never guessed. Changes of a
check's effective state come out as `Transition`s to subscribers (the timeline records them).
Other probes (containers, logs ...) keep their latest snapshot here too, under a kind name.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .latency import LatencyHistory, SteadyLatency
from .model import CheckResult, ColorResult, State, Transition, utcnow

Listener = Callable[[str], None]
TransitionListener = Callable[[Transition], None]
ColorListener = Callable[[str | None, ColorResult], None]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A generic probe result: any value plus when it was observed and how long it stays fresh."""

    value: Any
    at: dt.datetime
    stale_after: float


class Store:
    """Latest results, keyed by check name; notifies listeners on every change."""

    def __init__(self) -> None:
        self.checks: dict[str, CheckResult] = {}
        self.stale_after: dict[str, float] = {}
        self.color: ColorResult | None = None
        self.color_stale_after: float = 30.0
        self.snapshots: dict[str, Snapshot] = {}
        self._last_effective: dict[str, State] = {}
        self.changed_at: dict[str, dt.datetime] = {}
        """When each check's effective state last changed (its first result included)."""
        self._latencies: dict[str, SteadyLatency] = {}
        self._histories: dict[str, LatencyHistory] = {}
        self._listeners: list[Listener] = []
        self._transition_listeners: list[TransitionListener] = []
        self._color_listeners: list[ColorListener] = []
        self.version = 0
        """Counts changes: a reader that saw the same version has nothing new to read."""

    # -- subscriptions -------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """`listener(kind)` is called after every change; kind is "check", "color" or a name.
        Returns a function that unsubscribes it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return unsubscribe

    def on_transition(self, listener: TransitionListener) -> None:
        self._transition_listeners.append(listener)

    def on_color_change(self, listener: ColorListener) -> None:
        """`listener(old_live, result)` when the live color changes (not on the first reading)."""
        self._color_listeners.append(listener)

    def _changed(self, kind: str) -> None:
        self.version += 1
        for listener in list(self._listeners):
            listener(kind)

    # -- writes ----------------------------------------------------------------------------
    def put_check(self, result: CheckResult, stale_after: float) -> Transition | None:
        self.checks[result.key] = result
        self._latencies.setdefault(result.key, SteadyLatency()).add(result.latency_ms)
        self._histories.setdefault(result.key, LatencyHistory()).add(
            None if result.state is State.DOWN else result.latency_ms)  # DOWN: a failed round
        self.stale_after[result.key] = stale_after
        transition = self._evaluate(result.key, result.at)
        self._changed("check")
        return transition

    def put_color(self, result: ColorResult, stale_after: float) -> None:
        previous = self.color.live if self.color else None
        self.color = result
        self.color_stale_after = stale_after
        if result.live and previous and result.live != previous:
            for listener in list(self._color_listeners):
                listener(previous, result)
        self._changed("color")

    def put(self, kind: str, value: Any, stale_after: float, at: dt.datetime | None = None) -> None:
        self.snapshots[kind] = Snapshot(value, at or utcnow(), stale_after)
        self._changed(kind)

    # -- reads -----------------------------------------------------------------------------
    def age(self, key: str, now: dt.datetime | None = None) -> float | None:
        result = self.checks.get(key)
        if result is None:
            return None
        return ((now or utcnow()) - result.at).total_seconds()

    def typical_latency(self, key: str) -> float | None:
        """The latency the health panel shows (see `tui.core.latency`); None without an
        answer."""
        steady = self._latencies.get(key)
        return steady.shown if steady else None

    def latency_history(self, key: str) -> tuple[float | None, ...]:
        """The last answers' latencies, oldest first (None: a failed round), for the health
        panel's sparkline."""
        history = self._histories.get(key)
        return history.samples if history else ()

    def is_stale(self, key: str, now: dt.datetime | None = None) -> bool:
        age = self.age(key, now)
        return age is None or age > self.stale_after.get(key, 0)

    def effective(self, key: str, now: dt.datetime | None = None) -> State:
        """The state to show: the probe's state, or STALE when the result is too old."""
        result = self.checks.get(key)
        if result is None:
            return State.UNKNOWN
        return State.STALE if self.is_stale(key, now) else result.state

    def color_is_stale(self, now: dt.datetime | None = None) -> bool:
        if self.color is None:
            return True
        return ((now or utcnow()) - self.color.at).total_seconds() > self.color_stale_after

    def snapshot_is_stale(self, kind: str, now: dt.datetime | None = None) -> bool:
        snap = self.snapshots.get(kind)
        if snap is None:
            return True
        return ((now or utcnow()) - snap.at).total_seconds() > snap.stale_after

    # -- staleness sweep ------------------------------------------------------------------
    def sweep(self, now: dt.datetime | None = None) -> list[Transition]:
        """Re-evaluate every check against the clock (results going STALE emit transitions)."""
        now = now or utcnow()
        found = [t for key in list(self.checks) if (t := self._evaluate(key, now)) is not None]
        if found:
            self._changed("check")
        return found

    def _evaluate(self, key: str, now: dt.datetime) -> Transition | None:
        new = self.effective(key, now)
        old = self._last_effective.get(key)
        if old == new:
            return None
        self._last_effective[key] = new
        self.changed_at[key] = now
        result = self.checks[key]
        if new is State.STALE:
            age = self.age(key, now) or 0.0
            reason = f"no fresh result for {age:.0f} s (last: {result.state.value} {result.reason})"
        else:
            reason = result.reason
        transition = Transition(key, old, new, reason, now)
        for listener in list(self._transition_listeners):
            listener(transition)
        return transition
