"""What one war-room process knows about the incident, kept current from the journals.

UI-free. The app calls `poll()` every 0.5 s (a stat, and a read from the last offset when
something was appended — by this process, another TUI or the CLI), `clock(now)` every second,
and hands writes to `JournalWriter`, which runs them in order off the event loop.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from ..auto_events import amended, decide_check, decide_color, decide_container
from ..journal import Entry, Journal, transition_data
from ..model import ColorResult, Transition
from .clock import Reminder, Reminders, TargetView, UpdateDue, targets, update_due
from .files import Incidents
from .marks import apply_pins
from .model import IncidentState, Suggestion, fold


@dataclass(frozen=True)
class ClockView:
    """Everything the clock panel shows, computed for one instant."""

    now: dt.datetime
    state: IncidentState | None
    targets: list[TargetView] = field(default_factory=list)
    update: UpdateDue | None = None
    suggestions: list[Suggestion] = field(default_factory=list)
    last_resolved: IncidentState | None = None


class IncidentTracker:
    """The incident as this process knows it, kept in step with the active journal (the open
    incident's, else the standing audit journal): its entries and folded state."""

    def __init__(self, incidents: Incidents, author: str | None = None) -> None:
        self.incidents = incidents
        self.author = author
        self.reminders = Reminders()
        self.state: IncidentState | None = None
        self.journal = Journal(incidents.audit_path)
        self.entries: list[Entry] = []
        self.prelude: list[Entry] = []
        self.color_history: list[Entry] = []
        """The audit journal's color entries up to the declaration (the live color then)."""
        self.warnings: list[str] = []
        self.last_resolved: IncidentState | None = None
        self._marker: tuple[int, int] | None = None
        self._suggestions: list[Suggestion] = []

    # -- reading -----------------------------------------------------------------------------
    def load(self) -> None:
        """(Re)choose the active journal and read it whole."""
        self._marker = self.incidents.changed_marker()
        self.state = self.incidents.current()
        self.journal = self.incidents.journal_for(self.state)
        result = self.journal.load()
        self.entries = result.entries
        self.warnings = list(result.skipped)
        if self.state is not None:
            self.state = fold(self.entries, self.state.path, result.skipped)
            self.prelude, self.color_history = (self.incidents.audit_before(self.state)
                                                if self.state else ([], []))
        else:
            self.prelude, self.color_history = [], []
            done = [s for s in self.incidents.all() if s.resolved]
            self.last_resolved = max(done, key=lambda s: s.declared_at) if done else None
        self._refresh_suggestions()

    def poll(self) -> list[Entry]:
        """New entries since the last poll ([] when nothing changed). Switches journals when an
        incident is declared (by anyone) or the open one is resolved."""
        marker = self.incidents.changed_marker()
        if marker != self._marker and self.state is None:
            if self.incidents.current() is not None:
                self.load()
                return list(self.entries)
            if not any(p.stat().st_size == 0 for p in self.incidents.paths()):
                self._marker = marker  # else: a declaration is being written, look again
        new = self.journal.read_new()
        if self.journal.warnings:
            self.warnings += self.journal.warnings
            self.journal.warnings.clear()
        if not new:
            return []
        self.entries.extend(new)
        if self.state is not None:
            self.state = fold(self.entries, self.state.path, self.warnings)
            if self.state is None or self.state.resolved:
                resolved = self.state
                self.load()  # back to the audit journal (or another open incident)
                self.last_resolved = resolved or self.last_resolved
                return new
            self._refresh_suggestions()
        return new

    def _refresh_suggestions(self) -> None:
        self._suggestions = (self.incidents.suggestions(self.state, self.prelude,
                                                        self.color_history)
                             if self.state else [])

    def timeline(self, limit: int) -> list[tuple[Entry, str]]:
        """The last `limit` entries with their marks: "" or "before declaration", newest
        written last. The prelude (start … declaration) comes first, then the incident's
        journal, which opens with the declaration — shown at the time it was declared
        (`export_postmortem.row_time`), so it follows the first signals it was declared on."""
        prelude, entries = apply_pins(self.prelude), apply_pins(self.entries)  # pins: marks
        hidden = amended(prelude + entries)
        rows = [(e, "before declaration") for e in prelude if e.id not in hidden]
        rows += [(e, "") for e in entries if e.id not in hidden]  # a crash loop: one row
        return rows[-limit:]

    def superseded(self) -> dict[str, str]:
        return {e.supersedes: e.id for e in apply_pins(self.entries) if e.supersedes}

    def clock(self, now: dt.datetime) -> ClockView:
        state, policy = self.state, self.incidents.policy
        if state is None:
            return ClockView(now, None, last_resolved=self.last_resolved)
        return ClockView(now, state, targets(state, policy, now), update_due(state, policy, now),
                         list(self._suggestions))

    def due_reminders(self, now: dt.datetime) -> list[Reminder]:
        if self.state is None:
            return []
        return self.reminders.due(self.state, self.incidents.policy, now)

    # -- writing (call from a worker thread: each append fsyncs) -----------------------------
    def record(self, kind: str, data: dict[str, Any], event_time: dt.datetime | None = None
               ) -> Entry:
        """Append an automatic entry to whichever journal is active now."""
        return self.journal.append(kind, data, author=self.author, event_time=event_time)

    def record_transition(self, transition: Transition) -> Entry | None:
        """Journal a check transition unless the journal already says this check is in this
        state — written by another war room on the same journal (two engineers pairing, each
        with a TUI, see the same change), or by this one before a restart (the same outage is
        not recorded twice; a new one is, however soon after). A first result after a restart
        is written against what the journal last said ("OK → DOWN", not "(first result)")."""
        data = transition_data(transition)
        return self._record_once("check", data.get("key"),
                                 partial(decide_check, data, transition.at), transition.at)

    def record_container(self, data: dict[str, Any], at: dt.datetime) -> Entry | None:
        """Journal a container candidate from `ContainerWatch` (restart, exit, health, the
        start summary ...) once across war rooms and restarts; a crash loop amends its row."""
        return self._record_once("container", data.get("key"),
                                 partial(decide_container, data, at), at)

    def record_alert(self, data: dict[str, Any], at: dt.datetime) -> Entry | None:
        """Journal an alert newly firing or resolved (`AlertWatch`), once across war rooms
        and restarts: not when the journal already says this alert is in this state."""
        from ..alerts import decide_alert

        return self._record_once("alert", data.get("key"), partial(decide_alert, data, at), at)

    def record_color(self, previous: str | None, result: ColorResult) -> Entry | None:
        data = {"live": result.live, "idle": result.idle, "previous": previous,
                "disagreement": result.disagreement}
        return self._record_once("color", None, partial(decide_color, data, result.at),
                                 result.at)

    def _record_once(self, kind: str, key: Any,
                     decide: Callable[[Entry | None], dict[str, Any] | None],
                     at: dt.datetime) -> Entry | None:
        """Append to the active journal if `decide`, run under its lock with the newest entry
        about the same subject (this journal's, else the audit journal's), says so."""
        return self.journal.append_unless_known(
            kind, key if isinstance(key, str) else None, decide, author=self.author,
            event_time=at, fallback=self.incidents.audit_path)


class JournalWriter:
    """Runs journal writes one after another in a thread, in submission order."""

    def __init__(self, on_error: Callable[[Exception], None]) -> None:
        self._queue: asyncio.Queue[Callable[[], Any]] = asyncio.Queue()
        self._on_error = on_error

    def put(self, job: Callable[[], Any]) -> None:
        self._queue.put_nowait(job)

    async def run(self) -> None:
        """The worker loop (start it as an async worker)."""
        while True:
            job = await self._queue.get()
            try:
                await asyncio.to_thread(job)
            except Exception as exc:  # report, keep writing the rest
                self._on_error(exc)
            finally:
                self._queue.task_done()

    def drain(self) -> None:
        """Run whatever is still queued, synchronously (at exit)."""
        while not self._queue.empty():
            job = self._queue.get_nowait()
            try:
                job()
            except Exception as exc:
                self._on_error(exc)
