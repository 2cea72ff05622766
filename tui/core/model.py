"""Plain data shared by probes, the store, the CLI and the widgets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC (the only clock the core uses)."""
    return dt.datetime.now(dt.UTC)


class State(StrEnum):
    """Health of a check. STALE is computed by the store, never produced by a probe."""

    OK = "OK"
    DEGRADED = "DEGRADED"
    DOWN = "DOWN"
    UNKNOWN = "UNKNOWN"
    STALE = "STALE"

    @property
    def severity(self) -> int:
        """Higher is worse; used to pick the overall state and exit codes."""
        return _SEVERITY[self]

    @property
    def symbol(self) -> str:
        """A glyph readable without color."""
        return _SYMBOL[self]


_SEVERITY = {State.OK: 0, State.DEGRADED: 1, State.UNKNOWN: 2, State.STALE: 2, State.DOWN: 3}
_SYMBOL = {
    State.OK: "✓", State.DEGRADED: "!", State.DOWN: "✗", State.UNKNOWN: "?", State.STALE: "~",
}


def worst(states: list[State] | tuple[State, ...]) -> State:
    """The worst of several states (OK when there are none)."""
    return max(states, key=lambda s: s.severity, default=State.OK)


@dataclass(frozen=True, slots=True)
class SubResult:
    """One dependency inside a health JSON (database, redis, queue ...)."""

    name: str
    state: State
    reason: str


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The outcome of one probe round for one check. Text fields are already sanitized."""

    key: str
    state: State
    reason: str
    at: dt.datetime
    latency_ms: float | None = None
    children: tuple[SubResult, ...] = ()
    details: tuple[tuple[str, str], ...] = ()
    """Captured facts shown beside the row, e.g. (("x-build", "abc123"), ("tls", "12 days"))."""
    cold_ms: float | None = None
    """The latency of a request that had to open its connection (TCP and TLS handshakes
    included), when this round opened one; `latency_ms` is then the warm request that followed
    on the kept connection, or the same cold figure when none answered (`warm_ms` is None)."""

    @property
    def warm_ms(self) -> float | None:
        """The latency on a kept connection; None when only a cold request answered."""
        if self.cold_ms is not None and self.latency_ms == self.cold_ms:
            return None
        return self.latency_ms

    def detail(self, name: str) -> str | None:
        for key, value in self.details:
            if key == name:
                return value
        return None


@dataclass(frozen=True, slots=True)
class ColorReading:
    """What one active-color source said."""

    source: str
    color: str | None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ColorResult:
    """The live blue/green color, as agreed (or not) by every configured source."""

    live: str | None
    idle: str | None
    readings: tuple[ColorReading, ...]
    at: dt.datetime
    deploy_state: tuple[tuple[str, str], ...] = ()
    """Last deploy facts from a key=value state file (status, phase, updated_at ...)."""

    @property
    def disagreement(self) -> bool:
        colors = {r.color for r in self.readings if r.color}
        return len(colors) > 1


@dataclass(frozen=True, slots=True)
class Transition:
    """A change of effective state of one check, for the timeline."""

    key: str
    old: State | None
    new: State
    reason: str
    at: dt.datetime = field(default_factory=utcnow)
    maintenance: bool = False
    """The new state is planned maintenance (see `tui.core.maintenance`), not an outage."""

    def describe(self) -> str:
        if self.maintenance:  # planned: a state of its own, not an outage
            return f"{self.key}: in maintenance ({self.reason})"
        if self.old is self.new:  # out of maintenance (`MaintenanceWatch`), still failing
            return f"{self.key}: maintenance over, still {self.new.value} ({self.reason})"
        before = self.old.value if self.old else "(first result)"
        return f"{self.key}: {before} → {self.new.value} ({self.reason})"
