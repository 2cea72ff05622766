"""The drill-down on one Swarm service: the generic `DetailScreen` (sections and logs) with the
service's U/R/C actions and their progress.

U rollback, R restart (`update --force`), C scale post the swarm panel's own `ActionRequested`
(the app guards, confirms, runs and audits it like the panel's keys); once confirmed, the
progress line shows "rolling back… 3 s" until the manager's listing confirms it
(`rollback_completed`, the new ForceUpdate settled, the replicas reached) or says why not.
No I/O here: the app fetches the inspect summary, the tasks and the logs and hands them in.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from tui.core.container_detail import Section
from tui.core.swarm import SwarmService
from tui.core.swarm_detail import ServiceProgress, live_section
from tui.screens.container_detail import DetailScreen
from widgets.logs import Save
from widgets.swarm import SwarmPanel


class ServiceDetailScreen(DetailScreen):
    """The detail of one swarm service, with U/R/C and their progress."""

    progress_kind = ServiceProgress

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("U", "service('rollback')", "Roll back", id="detail-rollback"),
        Binding("R", "service('restart')", "Restart (update --force)", id="detail-srestart"),
        Binding("C", "service('scale')", "Scale", id="detail-scale"),
    ]
    LETTER_ACTIONS = frozenset({"service"})
    ACTIONS_HINT = "U rollback  R restart  C scale"
    GONE = "this service is no longer listed"

    def __init__(self, service: SwarmService, lookup: Callable[[], SwarmService | None], *,
                 actions: bool = True, capacity: int = 10_000, max_line: int = 2_000,
                 save: Save | None = None, log_tags: Sequence[str] = (),
                 pull: Callable[[], None] | None = None,
                 refetch: Callable[[], None] | None = None) -> None:
        self.pull = pull
        """Called every half second while open (new lines of a followed logs source)."""
        self.refetch = refetch
        """Called once an action is confirmed or failed (the summary is read again)."""
        self.service: SwarmService | None = service
        self.key = service.key
        self.lookup = lookup
        self.actions_enabled = actions
        super().__init__(f"Swarm service {service.name} on manager {service.host} · "
                         f"{service.id[:12]}", self._live, capacity=capacity,
                         max_line=max_line, save=save, log_tags=log_tags)

    def on_mount(self) -> None:
        super().on_mount()
        if self.pull is not None:
            self.set_interval(0.5, self.pull)

    def _live(self, now: dt.datetime) -> Section:
        self.service = self.lookup()
        return live_section(self.service, now)

    # -- actions ----------------------------------------------------------------------------
    def action_service(self, action: str) -> None:
        service = self.lookup()
        if self.may_act(service, "swarm actions are disabled in the config"):
            self.post_message(SwarmPanel.ActionRequested(service, action))

    def begin_action(self, action: str, replicas: int | None = None,
                     clock: Callable[[], float] = time.monotonic) -> None:
        """Confirmed and under way: show its progress until the manager confirms it."""
        self.show_progress(ServiceProgress(action, clock(), self.lookup(), replicas))

    def progress_line(self) -> Text:
        shown, done = self.progress_text(self.service)
        if done and self.refetch is not None and self.progress.failed is None:
            self.refetch()  # confirmed: the summary is read again
        return shown
