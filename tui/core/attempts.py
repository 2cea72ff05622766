"""The data of one attempt to run an action, shared by every floor.

The engine (`tui/engine/actions/`) makes them: a `Plan` is what would run, where, and how its
preflight went (what the confirmation shows); a `Run` is one attempt as it goes; a
`RunResult` is how a process ended, locally or over SSH (`probes/`). Widgets read them.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from tui.core.config.actions import Action

MAX_LINES = 1000
"""Output lines a run keeps (the newest)."""
VIEW_LINES = 200
"""Output lines a `RunView` carries (the newest): more than the actions panel shows."""


@dataclass(frozen=True)
class Expanded:
    """An action with every placeholder replaced: exactly what will be run."""

    argv: tuple[str, ...]
    env: dict[str, str]
    cwd: str | None
    expected_color: str | None
    typed_target: str | None
    uses_color: bool



@dataclass(frozen=True)
class PreflightResult:
    """One condition's verdict; `age` is the age in seconds of the oldest datum it used."""

    label: str
    ok: bool
    reason: str
    age: float | None = None

    def as_dict(self) -> dict[str, object]:
        age = None if self.age is None else round(self.age, 1)
        return {"check": self.label, "ok": self.ok, "reason": self.reason, "age_s": age}

@dataclass(frozen=True)
class Plan:
    """What would run, where, and whether the preflight passes — as shown for confirmation."""

    action: Action
    expanded: Expanded | None
    error: str | None
    where: str
    target: str
    user: str
    preflight: tuple[PreflightResult, ...]
    production: bool
    container: str | None = None

    @property
    def argv(self) -> tuple[str, ...]:
        return self.expanded.argv if self.expanded else tuple(self.action.argv)

    @property
    def passed(self) -> bool:
        return self.error is None and all(p.ok for p in self.preflight)

    @property
    def failures(self) -> list[PreflightResult]:
        return [p for p in self.preflight if not p.ok]

    @property
    def data_age(self) -> float | None:
        ages = [p.age for p in self.preflight if p.age is not None]
        return max(ages) if ages else None

class JournalUnwritable(RuntimeError):
    """The audit record could not be written (the attempt is refused or the gap is shown)."""


@dataclass(eq=False)
class Run:
    """One attempt of an action (also the terminal states of refused/blocked attempts)."""

    attempt: str
    plan: Plan
    status: str = "pending"
    reason: str = ""
    lines: deque[tuple[str, str]] = field(default_factory=lambda: deque(maxlen=MAX_LINES))
    line_count: int = 0
    """Lines produced so far (more than `lines` holds once the oldest are dropped)."""
    exit_status: int | None = None
    signal: str | None = None
    duration: float | None = None
    pid: int | None = None
    effect: str | None = None
    effect_ok: bool | None = None
    cancel_event: asyncio.Event = field(default_factory=asyncio.Event)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    started_at: float = field(default_factory=time.monotonic)
    journal: Any = None
    """Where this attempt's records go, chosen once: every record of one attempt stays in one
    journal even if an incident is declared or resolved while it runs."""

    @property
    def name(self) -> str:
        return self.plan.action.name

    @property
    def running(self) -> bool:
        return self.status in ("pending", "running")

    def elapsed(self) -> float:
        return self.duration if self.duration is not None else time.monotonic() - self.started_at

    def view(self) -> RunView:
        """This run as it stands now, immutable (what is posted to the UI)."""
        tail = tuple(self.lines)[-VIEW_LINES:] if self.lines else ()
        return RunView(self.attempt, self.name, self.plan.where, self.status, self.reason, tail,
                       self.line_count, self.exit_status, self.signal, self.effect,
                       self.effect_ok, self.started_at, self.duration)


@dataclass(frozen=True)
class RunView:
    """One attempt as it stood at one moment: what the actions panel shows."""

    attempt: str
    name: str
    where: str
    status: str
    reason: str
    tail: tuple[tuple[str, str], ...]
    """The newest output lines, (stream, text), at most VIEW_LINES."""
    line_count: int
    exit_status: int | None
    signal: str | None
    effect: str | None
    effect_ok: bool | None
    started_at: float
    duration: float | None

    @property
    def running(self) -> bool:
        return self.status in ("pending", "running")

    def elapsed(self) -> float:
        return self.duration if self.duration is not None else time.monotonic() - self.started_at



@dataclass
class RunResult:
    """How a streamed run (an action, locally or over SSH) ended.

    `exit_status` is None when it was killed or never started."""

    exit_status: int | None
    signal: str | None = None
    timed_out: bool = False
    cancelled: bool = False
    pid: int | None = None
    duration: float = 0.0


