"""Status updates sent from the war room (the incident menu's "send status update").

`notify_begin(state, services)`: refused in read-only mode and without `[[notify]]` targets;
else the kind is picked (`NotifyKindScreen`), then `NotifyScreen` opens at once (no gap in
which a key could reach the war room) and the draft is rendered off the loop and shown in it.
Confirmed, the update goes to every target in a worker (`tui.engine.notify.deliver`: journaled
ahead and per target, each target bounded by its timeout and retries), so a dead target never
blocks the screen; each result is a toast and a timeline entry. The URL is never shown.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from tui.core.incident import IncidentState
from tui.core.journal import Journal
from tui.core.model import utcnow
from tui.core.verdict import Verdict, verdict
from tui.features.base import WarroomBase

if TYPE_CHECKING:  # the dialogs, renderer and sender are imported when first used
    from tui.core.incident.export_status import Update
    from tui.screens.notify import NotifyScreen

Services = Callable[[], list[tuple[str, str, str]]]


class NotifyMixin(WarroomBase):
    """Mixed into `WarroomApp`: send a status update to the `[[notify]]` targets."""

    _notify_sending = 0
    """Sends in flight (a second one waits for the person to see the first's results)."""

    def notify_begin(self, state: IncidentState | None = None,
                     services: Services | None = None) -> None:
        state = state or self.incident_tracker.state
        if state is None:
            return
        if self.read_only or self.operator.read_only:
            self.notify("read-only mode: status updates are not sent", title="Status update",
                        severity="warning", markup=False, timeout=6)
            return
        if not self.config.notify:
            self.notify("no [[notify]] targets configured (README: Status updates sent); "
                        "export the update instead", title="Status update",
                        severity="warning", markup=False, timeout=8)
            return
        if self._notify_sending:
            self.notify("a status update is still being sent; wait for its results",
                        title="Status update", severity="warning", markup=False, timeout=6)
            return
        first = "resolved" if state.resolved else state.status
        from tui.core.incident.export_status import KINDS
        from tui.screens.notify import NotifyKindScreen

        self.push_screen(NotifyKindScreen(KINDS, first, len(self.config.notify)),
                         partial(self._notify_kind, state=state, services=services))

    def _notify_kind(self, kind: str | None, state: IncidentState,
                     services: Services | None) -> None:
        if kind is None:
            return
        env = self.config.environment
        from tui.screens.notify import NotifyScreen

        screen = NotifyScreen(kind, f"{state.id} — {state.title}",
                              [f"{t.name} ({t.kind}) {t.where}" for t in self.config.notify],
                              production=env.name if env.production else None)
        draft: dict[str, Update] = {}
        self.push_screen(screen, partial(self._notify_confirmed, state=state, draft=draft))
        live = services() if services is not None else None
        self.run_worker(self._notify_render(screen, kind, state, live, verdict(
            self.config, self.store), draft), group="notify-render", exit_on_error=False)

    async def _notify_render(self, screen: NotifyScreen, kind: str, state: IncidentState,
                             services: list[tuple[str, str, str]] | None,
                             live: Verdict, draft: dict[str, Update]) -> None:
        try:
            update = await asyncio.to_thread(self._notify_update, kind, state, services, live)
        except Exception as exc:  # a journal that cannot be read: said in the dialog
            if screen.is_attached:
                screen.show_problem(f"cannot render the update: {exc}")
            return
        draft["update"] = update
        if screen.is_attached:
            screen.show_draft(update.text)

    def _notify_update(self, kind: str, state: IncidentState,
                       services: list[tuple[str, str, str]] | None, live: Verdict) -> Update:
        """The update from everything journaled until now (runs in a thread)."""
        incidents = self.incident_tracker.incidents
        state = incidents.load(state.path) or state
        from tui.core.incident.export_status import update_for

        return update_for(kind, state, incidents.policy, utcnow(), incidents.prelude(state),
                          services=services, verdict=live)

    def _notify_confirmed(self, answer: bool | None, state: IncidentState,
                          draft: dict[str, Update]) -> None:
        update = draft.get("update")
        if not answer or update is None:
            self.notify("status update not sent (cancelled)", title="Status update",
                        markup=False, timeout=4)
            return
        self._notify_sending += 1
        names = ", ".join(t.name for t in self.config.notify)
        self.notify(f"sending the {update.kind} update to {names}…", title="Status update",
                    markup=False, timeout=4)
        self.run_worker(self._notify_send(update, state), group="notify", exit_on_error=False)

    async def _notify_send(self, update: Update, state: IncidentState) -> None:
        from tui.engine.notify import deliver

        try:
            results: list[Any] = await deliver(
                Journal(state.path), self.config.notify, update,
                author=self.incident_tracker.author, base_dir=self.config.base_dir)
        except Exception as exc:  # the journal refused the entry ahead: nothing was sent
            self.notify(f"status update NOT sent: {exc}", title="Status update",
                        severity="error", markup=False, timeout=15)
            return
        finally:
            self._notify_sending -= 1
        # one toast naming every target's result (one toast is shown at a time, and an error
        # is never replaced by a milder one: separate toasts would hide results)
        failed = [r for r in results if not r.ok]
        self.notify(f"{update.kind} update: " + "; ".join(r.line() for r in results),
                    title="Status update", severity="error" if failed else "information",
                    markup=False, timeout=20 if failed else 8)
