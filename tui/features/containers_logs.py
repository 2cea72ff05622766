"""The containers and logs panels in the app: composed when configured, fed by the monitor.

The monitor (`tui/engine/monitor.py`) runs the containers probe and the logs hub; container
snapshots come through the store (rendered in the app's render pass, `containers_flush`), log
lines as `LogLines` messages. Restart/stop/start asked for on the containers panel go through
the confirmation every action gets and then through the executor: one guard (read-only,
armed) and one audit path for every action.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from textual.widget import Widget

from tui.core.container_events import ContainerWatch
from tui.core.docker_model import STORE_KIND, ContainersSnapshot
from tui.core.logline import LogLine
from tui.core.model import utcnow
from tui.features.base import WarroomBase
from tui.features.messages import LogLines
from tui.screens.confirm import ConfirmResult, ConfirmScreen
from widgets.containers import ContainersPanel
from widgets.logs import LogsPanel


class ContainersLogsMixin(WarroomBase):
    """Mixed into `WarroomApp`: the containers and logs panels."""

    _containers_journaled: ContainersSnapshot | None = None
    """The snapshot the timeline last compared against."""
    _containers_watch: ContainerWatch | None = None

    def compose_containers_logs(self) -> Iterator[Widget]:
        config = self.config
        if config.containers is not None:
            yield ContainersPanel(actions=config.containers.actions)
        if config.logs is not None and config.logs.sources:
            capacity = sum(config.logs.buffer_for(s) for s in config.logs.sources)
            yield LogsPanel(capacity=capacity, max_line=config.logs.max_line, save=self.save_logs)

    def containers_flush(self, now: dt.datetime | None = None) -> None:
        """Render the latest containers snapshot (call inside the app's batch_update)."""
        if self.config.containers is None:
            return
        snap = self.store.snapshots.get(STORE_KIND)
        now = now or utcnow()
        if snap is not None and snap.value is not self._containers_journaled:
            self._journal_container_changes(snap.value)
        for panel in self.panels(ContainersPanel):
            panel.show(snap.value if snap else None, now, stale=bool(snap) and
                       self.store.snapshot_is_stale(STORE_KIND, now))

    def _journal_container_changes(self, snapshot: ContainersSnapshot) -> None:
        """Restarts, exits, health changes and lost engines become timeline entries."""
        if self._containers_watch is None:
            self._containers_watch = ContainerWatch()
        changes = self._containers_watch.changes(snapshot)  # candidates: the journal decides
        self._containers_journaled = snapshot
        writer = getattr(self, "journal_writer", None)  # none before the incident mounts
        if writer is None:
            return
        for data in changes:
            writer.put(partial(self.incident_tracker.record_container, data, snapshot.at))

    def on_log_lines(self, message: LogLines) -> None:
        for panel in self.panels(LogsPanel):
            panel.dropped = message.dropped
            panel.add_lines(list(message.batch))

    # -- container actions ---------------------------------------------------------------------
    def selected_container(self) -> str | None:
        for panel in self.panels(ContainersPanel):
            row = panel.selected()
            if row is not None:
                return row.name
        return None

    def on_containers_panel_action_requested(
            self, message: ContainersPanel.ActionRequested) -> None:
        row, action = message.row, message.action
        if self.dialog_active():
            return
        if self.executor.refusal():  # recorded as refused by the executor, and said
            self.run_worker(self._container_action(row.host, row.name, action),
                            group="container-action", exit_on_error=False)
            return
        screen = ConfirmScreen(
            f"{action.capitalize()} container", f"{action} container {row.name}", row.host,
            ["docker", action, row.name],
            details=[("color", row.color or "(none)"), ("state", row.state)],
            production=self.config.environment.name if self.config.environment.production
            else None,
            confirm_label=action.capitalize(),
        )

        def decided(result: ConfirmResult | None) -> None:
            if result is None:
                self.notify(f"{action} {row.name}: cancelled", markup=False, timeout=3)
                return
            self.run_worker(self._container_action(row.host, row.name, action),
                            group="container-action", exit_on_error=False)

        self.push_screen(screen, decided)

    async def _container_action(self, host: str, name: str, action: str) -> None:
        await self.say_outcome(f"{action} {name}", self.executor.container_action(
            host, name, action, self.monitor.container_action))

    # -- logs ------------------------------------------------------------------------------------
    async def save_logs(self, lines: list[LogLine]) -> str:
        base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
        folder = base / "warroom" / "logs"
        stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
        path = folder / f"logs-{stamp}.log"
        hub = self.monitor.logs

        def write() -> int:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            return hub.save(path, lines) if hub else 0

        count = await asyncio.to_thread(write)
        return f"saved {count} lines to {path}"
