"""The incident checklist and escalation timers in the app (under the incident clock).

`IncidentMixin.incident_tick` asks `duty(view)` every second (and after each journal poll)
for what the clock panel shows under the clock. The journal's ``checklist`` and
``escalation`` entries are folded only when the tracker's state changed (a poll found new
entries), so a quiet tick costs a few comparisons. A timer that became due is journaled once
(`escalation.fire` decides under the journal's lock, so two war rooms on one journal write
it once); every war room toasts an escalation when it sees it fired in the journal. `K` opens
the checklist, `E` the due escalations (`DutyScreen`): space ticks or acknowledges, credited
to this war room's author.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from tui.core.incident import IncidentState
from tui.core.incident import checklist as checklists
from tui.core.incident import escalation as esc
from tui.core.incident.tracker import ClockView
from tui.core.journal import Entry, Journal
from tui.features.base import WarroomBase
from tui.screens.checklist import DutyScreen


class EscalationMixin(WarroomBase):
    """Mixed into `WarroomApp`: checklist ticks, escalation timers, firing and acks."""

    _duty_of: IncidentState | None = None
    """The state the fold below was made from (the tracker replaces it on every change)."""
    _duty_ticks: dict[str, Entry]
    _duty_records: dict[str, esc.Record]
    _duty_seen: tuple[str, set[str]] | None = None
    """(incident id, escalation keys seen fired): a key new to it is toasted."""
    _duty_firing: set[str]
    _duty_last: esc.Duty | None = None
    _duty_key: object = None

    def escalation_init(self) -> None:
        """The keys (bound before the footer mounts)."""
        self.bind("K", "checklist", description="Checklist", show=False)
        self.bind("E", "escalations", description="Ack escalation", show=False)

    # -- every tick ----------------------------------------------------------------------------
    def escalation_duty(self, view: ClockView) -> esc.Duty | None:
        """The timers and checklist of the open incident now (None without one); fires due
        timers and toasts newly fired ones."""
        state = view.state
        if state is None:
            self._duty_last = self._duty_key = None
            return None
        policy = self.config.incident
        if state is not self._duty_of:
            self._duty_refold(state)
        views = esc.escalations(state, policy, view.now, self._duty_records)
        for due in esc.to_fire(views):
            self._duty_fire(state, due, view.now)
        result = esc.Duty(tuple(views),
                          tuple(checklists.checklist(state, policy, self._duty_ticks)))
        self._duty_last = result
        key = (tuple((v.key, v.state, v.acked_by) for v in views), result.checklist)
        if key != self._duty_key:  # the dialog: states and ticks, not the seconds
            self._duty_key = key
            if isinstance(self.screen, DutyScreen):
                self.screen.show_duty(result)
        return result

    def _duty_refold(self, state: IncidentState) -> None:
        self._duty_of = state
        self._duty_ticks = checklists.fold_ticks(state.entries)
        self._duty_records = esc.fold_escalations(state.entries)
        fired = {k: r for k, r in self._duty_records.items() if r.fired is not None}
        seen = self._duty_seen
        if seen is None or seen[0] != state.id:  # at start: what fired before is no news
            self._duty_seen = (state.id, set(fired))
            return
        for key, record in fired.items():
            if key not in seen[1]:
                seen[1].add(key)
                if record.acked is None and record.fired is not None:
                    text = esc.escalation_text(record.fired.data)
                    self.notify(f"{text} — E acknowledges", title=f"Incident {state.severity}",
                                severity="error", markup=False, timeout=30)

    def _duty_fire(self, state: IncidentState, view: esc.EscalationView,
                   now: dt.datetime) -> None:
        firing = self.__dict__.setdefault("_duty_firing", set())
        if view.key in firing:
            return  # queued already; the journal will say it fired
        firing.add(view.key)
        tracker = self.incident_tracker

        def job() -> None:
            try:
                journal = tracker.journal if tracker.journal.path == state.path \
                    else Journal(state.path)
                esc.fire(journal, state, view, author=tracker.author, now=now)
            finally:
                try:
                    self.call_from_thread(self._duty_fired, view.key)
                except RuntimeError:  # drained at exit, on the loop thread
                    firing.discard(view.key)

        self.journal_writer.put(job)

    def _duty_fired(self, key: str) -> None:
        """Read what was written (the toast comes from the fold), then allow a retry of a
        write that failed."""
        self.incident_poll()
        self.__dict__.setdefault("_duty_firing", set()).discard(key)

    # -- keys ----------------------------------------------------------------------------------
    def action_checklist(self) -> None:
        self._duty_open(escalations_first=False)

    def action_escalations(self) -> None:
        self._duty_open(escalations_first=True)

    def _duty_open(self, escalations_first: bool) -> None:
        state = self.incident_tracker.state
        duty = self.escalation_duty(self.incident_tracker.clock(self.clock()))
        if state is None or duty is None:
            self.notify("no incident open: the checklist and escalation timers start with "
                        "one (i declares)", severity="warning", timeout=4)
            return
        if escalations_first and not esc.due(duty.escalations):
            self.notify("no escalation is due", timeout=3)
            return
        title = f"{state.severity} {state.id} — checklist and escalations"
        self.push_screen(DutyScreen(title, duty, partial(self._duty_choice, state),
                                    escalations_first=escalations_first))

    def _duty_choice(self, state: IncidentState, kind: str, key: str, value: bool) -> None:
        tracker = self.incident_tracker
        journal = Journal(state.path)
        if kind == "ack":
            view = next((v for v in self._duty_last.escalations if v.key == key), None) \
                if self._duty_last else None
            if view is None:
                return
            job = partial(esc.acknowledge, journal, view, author=tracker.author)
            saved = f"escalation to {view.to} acknowledged"
            self._duty_unnotify(view.to)
        else:
            job = partial(checklists.tick, journal, key, value, author=tracker.author)
            saved = None  # the tick shows on the screen and the clock
        self._duty_write(job, saved)

    def _duty_unnotify(self, to: str) -> None:
        """The fired escalation's toast asks for E: acknowledged, it goes (an error toast keeps
        every milder one off screen for its 30 s — this acknowledgement's included)."""
        for toast in list(self._notifications):
            if f"ESCALATE to {to} (" in toast.message and \
                    toast.message.endswith("E acknowledges"):
                self._unnotify(toast)

    def _duty_write(self, job: partial[object], saved: str | None) -> None:
        def run() -> None:
            job()  # an error → "journal write FAILED" (JournalWriter)
            try:
                if saved:
                    self.call_from_thread(self.notify, saved, markup=False, timeout=3)
                self.call_from_thread(self.incident_poll)
            except RuntimeError:
                pass  # drained at exit: saved, nothing left to show

        self.journal_writer.put(run)
