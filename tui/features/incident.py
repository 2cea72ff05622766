"""The incident in the app: clock, timeline, notes, pins, declare, history and exports.

The app calls `incident_init()` before the screen mounts (binds `I`), `incident_mount()` on mount,
`incident_tick(now)` every second, `incident_record_transition(t)` for each check transition
and `await incident_close()` on unmount; it binds `i` → action_incident, `n` → action_note,
`c` → action_correct, `p` → action_pin. Every journal write runs in order off the event
loop (`JournalWriter`); "saved" is only shown once the entry is fsynced. The journal is polled
every 0.5 s, so entries from other TUIs and the CLI appear within a second.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from tui.core.alerts import alerts_view
from tui.core.incident import Declaration, IncidentError, Incidents, IncidentState, ops
from tui.core.incident.export_common import action_result
from tui.core.incident.signal import FIRING, failing_checks, first_signal
from tui.core.incident.tracker import ClockView, IncidentTracker, JournalWriter
from tui.core.journal import Entry
from tui.core.maintenance import in_maintenance
from tui.core.model import ColorResult, Transition, utcnow
from tui.core.verdict import Verdict, verdict
from tui.features.base import WarroomBase
from widgets.incident_clock import IncidentClockPanel
from widgets.timeline import TimelinePanel

if TYPE_CHECKING:  # the dialogs and exports are imported when first used (start-up time)
    from tui.screens.incident import FirstSignal
    from tui.screens.note import NoteRequest

POLL = 0.5
EVIDENCE_LOG_LINES = 20


class IncidentMixin(WarroomBase):
    """Mixed into `WarroomApp`: the incident clock, the timeline, notes and exports."""

    # -- lifecycle ---------------------------------------------------------------------------
    def incident_init(self) -> None:
        """The keys (called before the screen mounts: keys bound then are in the footer's
        first frame)."""
        self.bind("I", "incident_history", description="Incident history")

    def incident_mount(self) -> None:
        self.incident_tracker = IncidentTracker(Incidents.from_config(self.config), self.author)
        self.journal_writer = JournalWriter(self._journal_error)
        self.incident_tracker.load()
        if self.incident_tracker.warnings:
            skipped = len(self.incident_tracker.warnings)
            self.notify(f"journal: {skipped} unreadable line(s) skipped — "
                       "`warroom incident status` lists them", severity="warning",
                       markup=False, timeout=10)
        self.run_worker(self.journal_writer.run(), group="journal", exit_on_error=False)
        self.store.on_color_change(self.incident_record_color)
        self.set_interval(POLL, self.incident_poll)
        self._incident_render()

    async def incident_close(self) -> None:
        writer = getattr(self, "journal_writer", None)  # absent if mount failed early
        if writer is not None:
            writer.drain()

    def incident_tick(self, now: dt.datetime) -> None:
        view = self.incident_tracker.clock(now)
        rank = self.config.incident.rank(view.state.severity) if view.state else None
        duty = self.escalation_duty(view)  # checklist, escalation timers (features/escalation)
        for panel in self.panels(IncidentClockPanel):
            panel.show(view, rank, duty)
        for reminder in self.incident_tracker.due_reminders(now):
            if ":escalate:" in reminder.key:
                continue  # journaled once and toasted by the escalation timers
            self.notify(reminder.message, title="Incident", severity="warning", markup=False,
                       timeout=20)

    def incident_poll(self) -> None:
        new = self.incident_tracker.poll()
        if new:
            if any(action_result(e) for e in new):  # this war room's or a pairing one's:
                self.monitor.scheduler.refresh_now()  # what it changed is read again now
            self._incident_render()

    def _incident_render(self) -> None:
        state = self.incident_tracker.state
        title = (f"Timeline · {state.id}" if state else "Timeline · audit (no incident)")
        limit = self.config.incident.timeline_limit
        tracker = self.incident_tracker
        for panel in self.panels(TimelinePanel):
            panel.show(tracker.timeline(limit), tracker.superseded(), title)
        self.incident_tick(self.clock())

    # -- automatic entries ---------------------------------------------------------------------
    def incident_record_transition(self, transition: Transition) -> None:
        self.journal_writer.put(partial(self.incident_tracker.record_transition, transition))

    def incident_record_color(self, previous: str | None, result: ColorResult) -> None:
        self.journal_writer.put(partial(self.incident_tracker.record_color, previous, result))

    def _journal_error(self, exc: Exception) -> None:
        message = f"journal write FAILED (not saved): {exc}"
        try:
            self.call_from_thread(self.notify, message, severity="error", markup=False)
        except RuntimeError:  # already on the event loop thread
            self.notify(message, severity="error", markup=False)

    def _write(self, job: Callable[[], Any], saved: str | None) -> None:
        """Run `job` in order off the loop; notify `saved` once it returned (fsynced); a job
        that says where its result went itself (an export) passes None."""

        def run() -> None:
            try:
                job()  # other errors → reported as not saved by JournalWriter
            except IncidentError as exc:  # refused (out of order, already resolved ...)
                self.call_from_thread(self.notify, f"not saved: {exc}", severity="error",
                                     markup=False, timeout=10)
                return
            try:
                if saved:
                    self.call_from_thread(self.notify, saved, markup=False, timeout=3)
                self.call_from_thread(self.incident_poll)
            except RuntimeError:
                pass  # drained on the loop thread at exit: saved, nothing left to show

        self.journal_writer.put(run)

    # -- keys ----------------------------------------------------------------------------------
    def action_note(self) -> None:
        state = self.incident_tracker.state
        target = state.id if state else "audit journal (no incident open)"
        sources = tuple(sorted({line.source for line in self._log_lines()}))
        from tui.screens.note import NoteScreen

        self.push_screen(NoteScreen(target, log_sources=sources), self._note_done)

    def action_correct(self) -> None:
        """Correct the selected note: a new note linked to it (credited to whoever corrects),
        at the original's time unless another is typed."""
        entry = self._selected_note()
        if entry is not None:
            state = self.incident_tracker.state
            target = state.id if state else "audit journal"
            from tui.screens.note import NoteScreen

            screen = NoteScreen(target, correcting=entry, text=entry.text(), pinned=entry.pinned)
            self.push_screen(screen, partial(self._note_done, original=entry))

    def action_pin(self) -> None:
        """Pin or unpin the selected note: a mark on it; its author and time stay."""
        entry = self._selected_note()
        if entry is not None:
            journal = self.incident_tracker.journal
            self._write(partial(ops.pin, journal, entry.id, not entry.pinned,
                                author=self.incident_tracker.author),
                        "pinned (saved)" if not entry.pinned else "unpinned (saved)")

    def _selected_note(self) -> Entry | None:
        panels = list(self.query(TimelinePanel))
        entry = panels[0].selected_entry() if panels else None
        if entry is None or entry.kind != "note":
            self.notify("select a note in the timeline first (Tab to focus it)",
                       severity="warning", timeout=4)
            return None
        return entry

    def _note_done(self, request: NoteRequest | None, original: Entry | None = None) -> None:
        if request is None:
            return
        evidence = self.evidence(request.log_source) if request.evidence else None
        journal = self.incident_tracker.journal
        at = request.at or (original.event_time if original is not None else None)
        self._write(partial(ops.note, journal, request.text, author=self.incident_tracker.author,
                            at=at, pinned=request.pinned,  # type: ignore[arg-type]
                            supersedes=request.supersedes, evidence=evidence),
                    f"note saved to {journal.path.stem}")

    def _log_lines(self) -> list[Any]:
        """The log panel's buffered (already sanitized) lines, if the panel exists."""
        views = list(self.query("#log-view"))
        return list(getattr(views[0], "lines", [])) if views else []

    def evidence(self, log_source: str | None = None) -> dict[str, Any]:
        """A snapshot of what the war room shows now: check states, live color, and the last
        EVIDENCE_LOG_LINES lines of one log source."""
        now = utcnow()
        checks = {key: {"state": self.store.effective(key, now).value,
                        "reason": result.reason[:200]}
                  for key, result in self.store.checks.items()}
        color = self.store.color
        snapshot: dict[str, Any] = {
            "at": now.isoformat(), "checks": checks,
            "color": {"live": color.live, "idle": color.idle} if color else None}
        if log_source:
            lines = [line.plain[:300] for line in self._log_lines() if line.source == log_source]
            snapshot["logs"] = {"source": log_source, "lines": lines[-EVIDENCE_LOG_LINES:]}
        return snapshot

    def action_incident_history(self) -> None:
        """`I`: past incidents; Enter on one offers its exports (post-mortem, updates)."""
        from tui.screens.incident_history import HistoryScreen

        if not isinstance(self.screen, HistoryScreen):
            self.push_screen(HistoryScreen(self.incident_tracker.incidents), self._history_pick)

    def _history_pick(self, ident: str | None) -> None:
        if not ident:
            return
        try:
            state = self.incident_tracker.incidents.get(ident)
        except LookupError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        view = ClockView(utcnow(), state)
        from tui.screens.incident import IncidentScreen

        self.push_screen(IncidentScreen(view, self.config.incident),
                        partial(self._incident_choice, target=state))

    def current_states(self) -> dict[str, str]:
        """Check key → state now (planned maintenance is not a failure)."""
        now = utcnow()
        paused = in_maintenance(self.config, self.store, now)
        return {key: "MAINTENANCE" if key in paused else self.store.effective(key, now).value
                for key in self.store.checks}

    def first_signal(self) -> FirstSignal | None:
        """The default start when declaring: `signal.first_signal` over the journal's check
        transitions and alert events (the audit journal while no incident is open), with the
        store's states and the alerts firing now deciding what is failing now."""
        # read what the journal got since the last poll (every 0.5 s): pressed just after a
        # check went DOWN, the form said "no failing check now" and started the incident at
        # the declaration instead of the first signal
        self.incident_poll()
        current = self.current_states()
        if self.config.alerts:
            view = alerts_view(self.config, self.store, utcnow())
            current.update({f"alert:{a.fingerprint}": FIRING
                            for a in view.alerts if a.state == "firing"})
        entry = first_signal(self.incident_tracker.entries, current)
        from tui.core.incident.export_common import describe
        from tui.screens.incident import FirstSignal

        return FirstSignal(entry.event_time, describe(entry)) if entry is not None else None

    def action_incident(self) -> None:
        from tui.screens.incident import DeclareScreen, IncidentScreen

        if self.incident_tracker.state is None:
            commander = self.incident_tracker.author or os.environ.get("USER", "")
            self.push_screen(DeclareScreen(self.config.incident, commander, self.first_signal()),
                            self._declared)
        else:
            self.push_screen(IncidentScreen(self.incident_tracker.clock(utcnow()),
                                            self.config.incident), self._incident_choice)

    def _declared(self, declaration: Declaration | None) -> None:
        if declaration is None:
            return
        incidents = self.incident_tracker.incidents
        failing = failing_checks(self.incident_tracker.entries, self.current_states())
        self._write(partial(ops.declare, incidents, declaration,
                            author=self.incident_tracker.author, failing=failing),
                    f"incident declared: {declaration.title} ({declaration.severity})")

    def _incident_choice(self, choice: tuple[str, ...] | None,
                         target: IncidentState | None = None) -> None:
        state, author = target or self.incident_tracker.state, self.incident_tracker.author
        if choice is None or state is None:
            return
        what = choice[0]
        if self.postmortem_choice(choice, state):  # edit, action items, copy (postmortem.py)
            return
        if what in ("milestone", "resolve"):
            name = choice[1] if what == "milestone" else "resolved"
            at = dt.datetime.fromisoformat(choice[2]) if what == "milestone" and choice[2] \
                else None
            try:
                ops.check_order(state, name, at or utcnow())
            except IncidentError as exc:  # e.g. "mitigated 04:55:00 is before detected …"
                self.notify(f"not saved: {exc}", title="Incident", severity="error",
                           markup=False, timeout=10)
                return
        if what == "milestone":
            reason = choice[3] if len(choice) > 3 else ""  # why at that time, if not now
            self._write(partial(ops.set_milestone, state, choice[1], author=author, at=at,
                                reason=reason), f"milestone {choice[1]} saved")
        elif what == "status":
            self._write(partial(ops.set_status, state, choice[1], author=author),
                        f"status {choice[1]} saved")
        elif what == "resolve":
            self._write(partial(ops.resolve, state, author=author),
                        "incident resolved — I, then Enter, exports its post-mortem")
        elif what == "severity":
            self._write(partial(ops.set_severity, self.incident_tracker.incidents, state, choice[1],
                                author=author), f"severity {choice[1]} saved")
        elif what == "notify":  # send a status update (features/notify.py)
            self.notify_begin(state, self._live_services)
        elif what == "update-sent":
            self._write(partial(ops.update_sent, state, channel="tui", kind="internal",
                                author=author), "status update recorded")
        elif what == "export":
            live_verdict = verdict(self.config, self.store)
            self._write(partial(self._export, choice[1], live_verdict, state,
                                self._live_services()), None)

    def _live_services(self) -> list[tuple[str, str, str]]:
        """(service, state, reason) of every configured service now, for status updates
        (the journal only knows the services that changed)."""
        now = utcnow()
        out = []
        for service in self.config.services:
            result = self.store.checks.get(service.name)
            out.append((service.name, self.store.effective(service.name, now).value,
                        result.reason if result else "no result yet"))
        return out

    def _export(self, kind: str, live_verdict: Verdict | None = None,
                target: IncidentState | None = None,
                services: list[tuple[str, str, str]] | None = None) -> None:
        """Write the export of `target` (default: the open incident; a resolved one from `I`)
        beside its journal (0600); copy it via OSC 52 if allowed."""
        incidents = self.incident_tracker.incidents
        state, policy = target or self.incident_tracker.state, incidents.policy
        if state is None:
            return
        state = incidents.load(state.path) or state  # everything written until now
        prelude, now = incidents.prelude(state), utcnow()
        from tui.core.incident.export_postmortem import postmortem
        from tui.core.incident.export_status import status_update

        text = (postmortem(state, policy, now, prelude) if kind == "postmortem"
                else status_update(kind, state, policy, now, prelude, services=services,
                                   verdict=live_verdict))
        suffix = "postmortem.md" if kind == "postmortem" else f"update-{kind}.txt"
        path = state.path.with_name(f"{state.id}.{suffix}")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        message = f"wrote {path}"
        if policy.osc52:
            if len(text.encode()) * 4 // 3 + 16 <= policy.osc52_max_bytes:
                self.call_from_thread(self.copy_to_clipboard, text)
                message += " (copied to the clipboard)"
            else:
                message += " (too large for the clipboard)"
        self.call_from_thread(self.notify, message, markup=False, timeout=8)
