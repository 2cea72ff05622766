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
from collections.abc import Awaitable, Iterator
from functools import partial
from pathlib import Path

from textual.widget import Widget

from tui.core.config.logs import LogsConfig
from tui.core.container_detail import TAIL_LINES
from tui.core.container_events import ContainerWatch
from tui.core.docker_model import STORE_KIND, ContainerRow, ContainersSnapshot
from tui.core.logline import LogLine
from tui.core.model import utcnow
from tui.features.base import WarroomBase
from tui.features.detail_tail import show_tail
from tui.features.messages import LogLines
from tui.screens.confirm import ConfirmResult, ConfirmScreen
from tui.screens.container_detail import ContainerDetailScreen
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
            yield ContainersPanel(actions=config.containers.actions,  # "<Ns": a fresh answer
                                  fresh=config.containers.reconcile_interval
                                  + config.containers.timeout)
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
        for screen in self._detail_screens():
            mine = [line for line in message.batch if line.source in screen.log_tags]
            if mine:
                screen.add_log_lines(mine)

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
        if self.dialog_active() and not isinstance(self.screen, ContainerDetailScreen):
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
            for detail in self._detail_screens(row.key):
                detail.begin_action(action)
            self.run_worker(self._container_action(row.host, row.name, action),
                            group="container-action", exit_on_error=False)

        self.push_screen(screen, decided)

    async def _container_action(self, host: str, name: str, action: str) -> None:
        await self.say_outcome(f"{action} {name}", self._told_detail(
            f"{host}/{name}", action, self.executor.container_action(
                host, name, action, self.monitor.container_action)))

    async def _told_detail(self, key: str, action: str, call: Awaitable[str]) -> str:
        """`call`, and a refusal or failure also said on the container's open detail."""
        try:
            answer = await call
        except Exception as exc:
            for detail in self._detail_screens(key):
                detail.fail_action(action, str(exc))
            raise
        for detail in self._detail_screens(key):  # its inspect summary, as it is now
            host, _, name = key.partition("/")
            self.run_worker(self._inspect_into(detail, host, name), group="container-detail",
                            exit_on_error=False)
        return answer

    # -- the drill-down on one container -------------------------------------------------------
    def _detail_screens(self, key: str | None = None) -> list[ContainerDetailScreen]:
        return [s for s in self.screen_stack if isinstance(s, ContainerDetailScreen)
                and (key is None or s.key == key)]

    def _container_row(self, key: str) -> ContainerRow | None:
        snap = self.store.snapshots.get(STORE_KIND)
        value: ContainersSnapshot | None = snap.value if snap else None
        return next((r for r in value.rows if r.key == key), None) if value else None

    def _log_tags(self, row: ContainerRow) -> list[str]:
        """The logs tail's sources that follow this container."""
        logs = self.config.logs
        return [s.tag for s in (logs.sources if logs else ())
                if s.kind == "docker" and s.host == row.host
                and s.container in (row.name, row.id)]

    def on_containers_panel_detail_requested(
            self, message: ContainersPanel.DetailRequested) -> None:
        """Enter on a container row: its detail, filled off the event loop."""
        if self.dialog_active():
            return
        row = message.row
        logs = self.config.logs or LogsConfig()
        tags = self._log_tags(row)
        screen = ContainerDetailScreen(
            row, partial(self._container_row, row.key),
            actions=bool(self.config.containers and self.config.containers.actions),
            capacity=max(TAIL_LINES, sum(logs.buffer_for(s) for s in logs.sources
                                         if s.tag in tags)),
            max_line=logs.max_line, save=self.save_logs, log_tags=tags)
        hub = self.monitor.logs
        if tags and hub is not None:  # what the tail holds now; the rest as it comes
            screen.add_log_lines([line for line in hub.merged() if line.source in tags],
                                 note=f"following {', '.join(tags)}")
        self.push_screen(screen)
        self.run_worker(self._fill_detail(screen, row, bool(tags and hub)),
                        group="container-detail", exit_on_error=False)

    async def _inspect_into(self, screen: ContainerDetailScreen, host: str, name: str
                            ) -> None:
        probe = self.monitor.containers
        if probe is None:
            screen.show_error("no containers are watched")
            return
        try:
            detail = await probe.inspect(host, name)
        except Exception as exc:
            screen.show_error(str(exc))
        else:
            screen.show_sections(detail.sections)

    async def _fill_detail(self, screen: ContainerDetailScreen, row: ContainerRow,
                           followed: bool) -> None:
        probe = self.monitor.containers
        await self._inspect_into(screen, row.host, row.name)
        if followed or probe is None:
            return
        await show_tail(screen, self.config.logs, probe.tail(row.host, row.name, TAIL_LINES),
                        lambda text: (row.name[:32], text),
                        "{} (not followed: no [[logs.sources]])")

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
