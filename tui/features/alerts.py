"""The alerts panel in the app: composed when `[[alerts]]` is configured, rendered from the
store in the app's render pass (`alerts_flush`), and a newly firing or resolved alert journaled
once (the incident tracker decides against the journal, like container events). `S` silences
the selected alert: refused (and recorded) in read-only mode or when not armed, else confirmed
in `SilenceScreen` (matchers, Alertmanagers, author, duration, required comment), then created
through the executor (guard + audit) and the monitor (`POST /api/v2/silences`). `X` expires
one of the operator's own active silences the same way (`ExpireSilenceScreen`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.widget import Widget

from tui.core.alerts import Alert, AlertsView, AlertWatch, alerts_view
from tui.core.model import utcnow
from tui.core.silences import Silence, SilenceRequest
from tui.features.base import WarroomBase
from widgets.alerts import AlertsPanel

if TYPE_CHECKING:  # the dialogs are imported when first opened (start-up time)
    from tui.screens.silence import SilenceAnswer


class AlertsMixin(WarroomBase):
    """Mixed into `WarroomApp`: the alerts panel and its timeline entries."""

    _alerts_watch: AlertWatch | None = None
    _alerts_seen: tuple[object, ...] = ()
    """The store snapshots the timeline last compared against."""

    def compose_alerts(self) -> Iterator[Widget]:
        if self.config.alerts:
            yield AlertsPanel()

    def alerts_flush(self, now: dt.datetime | None = None) -> None:
        """Render the alerts (call inside the app's batch_update); journal what changed."""
        if not self.config.alerts:
            return
        now = now or utcnow()
        view = alerts_view(self.config, self.store, now)
        seen = tuple(self.store.snapshots.get(f"alerts:{s.name}") for s in self.config.alerts)
        if len(seen) != len(self._alerts_seen) or any(
                a is not b for a, b in zip(seen, self._alerts_seen, strict=True)):
            self._alerts_seen = seen
            self._journal_alert_changes(view, now)
        for panel in self.panels(AlertsPanel):
            panel.show(view, now)

    def _journal_alert_changes(self, view: AlertsView, now: dt.datetime) -> None:
        if all(s.at is None for s in view.sources):
            return  # no answer yet
        if self._alerts_watch is None:
            self._alerts_watch = AlertWatch()
        changes = self._alerts_watch.changes(view)
        writer = getattr(self, "journal_writer", None)  # none before the incident mounts
        if writer is None:
            return
        for data in changes:
            writer.put(partial(self.incident_tracker.record_alert, data, now))

    # -- silences ------------------------------------------------------------------------------
    def _silence_author(self) -> str:
        import getpass

        if self.author:
            return self.author
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return "warroom"

    def on_alerts_panel_silence_requested(self, message: AlertsPanel.SilenceRequested) -> None:
        alert = message.alert
        if self.dialog_active():
            return
        author = self._silence_author()
        if self.executor.refusal():  # recorded as refused by the executor, and said
            request = SilenceRequest(alert.labels, 7200, author, "(refused before asking)",
                                     alert.sources)
            self.run_worker(self._silence(alert, request), group="alert-silence",
                            exit_on_error=False)
            return
        env = self.config.environment
        from tui.screens.silence import SilenceScreen

        screen = SilenceScreen(alert.name, alert.labels, alert.sources, author,
                               production=env.name if env.production else None)

        def decided(answer: SilenceAnswer | None) -> None:
            if answer is None:
                self.notify(f"silence {alert.name}: cancelled", markup=False, timeout=3)
                return
            request = SilenceRequest(alert.labels, answer.duration_s, author, answer.comment,
                                     alert.sources)
            self.run_worker(self._silence(alert, request), group="alert-silence",
                            exit_on_error=False)

        self.push_screen(screen, decided)

    async def _silence(self, alert: Alert, request: SilenceRequest) -> None:
        await self.say_outcome(f"silence {alert.name}",
                               self.executor.silence(request, self.monitor.silence))

    # -- expiring one's own silence ---------------------------------------------------------
    def on_alerts_panel_expire_requested(self, _message: AlertsPanel.ExpireRequested) -> None:
        if self.dialog_active():
            return
        author = self._silence_author()
        if self.executor.refusal():  # recorded as refused by the executor, and said
            nobody = Silence("(not chosen)", (), author, "(refused before asking)", None, None,
                             "active", ())
            self.run_worker(self._expire(nobody, author, "expire silence"),
                            group="alert-silence", exit_on_error=False)
            return
        self.run_worker(self._offer_expire(author), group="alert-silence", exit_on_error=False)

    async def _offer_expire(self, author: str) -> None:
        silences, unanswered = await self.monitor.silences()
        active = [s for s in silences if s.state == "active"]
        own = [s for s in active if s.is_own(author)]
        if not own:
            said = f"no active silence of yours ({author})"
            if len(active) > len(own):
                said += f"; {len(active) - len(own)} by others"
            if unanswered:
                said += "; " + "; ".join(unanswered)
            self.notify(said, markup=False, timeout=6,
                        severity="warning" if unanswered else "information")
            return
        if self.dialog_active():
            return  # another dialog opened while Alertmanager answered
        env = self.config.environment
        from tui.screens.silences import ExpireSilenceScreen

        screen = ExpireSilenceScreen(own, len(active) - len(own), author, utcnow(),
                                     production=env.name if env.production else None,
                                     unanswered=tuple(unanswered))

        def decided(silence: Silence | None) -> None:
            if silence is None:
                self.notify("expire silence: cancelled", markup=False, timeout=3)
                return
            self.run_worker(self._expire(silence, author), group="alert-silence",
                            exit_on_error=False)

        self.push_screen(screen, decided)

    async def _expire(self, silence: Silence, author: str, label: str = "") -> None:
        await self.say_outcome(
            label or f"expire silence {silence.id}",
            self.executor.expire_silence(silence, author, self.monitor.expire_silence))
