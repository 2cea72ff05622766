"""The drill-down on one Swarm service in the app (mixed into `SwarmMixin`).

Enter on a service row opens `ServiceDetailScreen`, filled off the event loop on demand through
the swarm probe's watcher of that manager (its own connection and pool: `inspect_service`,
then a bounded `docker service logs` tail — or, when a `[[logs.sources]] kind =
"swarm-service"` follows the service, the tail's own buffered lines and then its new ones).
The service's actions come back through the swarm panel's `ActionRequested` path; a refusal
or failure is also said on the open detail's progress line.
"""

from __future__ import annotations

from collections.abc import Awaitable
from functools import partial

from tui.core.config.logs import LogsConfig
from tui.core.swarm import SwarmService, snapshot
from tui.core.swarm_detail import TAIL_LINES
from tui.features.base import WarroomBase
from tui.features.detail_tail import show_tail
from tui.screens.swarm_detail import ServiceDetailScreen
from widgets.swarm import SwarmPanel


class SwarmDetailMixin(WarroomBase):
    """Enter on a swarm service: its detail (sections, tasks, logs, U/R/C)."""

    def _service_details(self, key: str | None = None) -> list[ServiceDetailScreen]:
        return [s for s in self.screen_stack if isinstance(s, ServiceDetailScreen)
                and (key is None or s.key == key)]

    def _swarm_row(self, key: str) -> SwarmService | None:
        snap = snapshot(self.store)
        return next((s for s in snap.services if s.key == key), None) if snap else None

    def _service_log_tags(self, service: SwarmService) -> list[str]:
        logs = self.config.logs
        return [s.tag for s in (logs.sources if logs else ())
                if s.kind == "swarm-service" and s.host == service.host
                and s.service in (service.name, service.id)]

    def on_swarm_panel_detail_requested(self, message: SwarmPanel.DetailRequested) -> None:
        if self.dialog_active():
            return
        service = message.service
        logs = self.config.logs or LogsConfig()
        tags = self._service_log_tags(service)
        hub = self.monitor.logs
        followed = bool(tags and hub is not None)
        pull = None
        if followed and hub is not None:  # what the tail holds now; the rest as it comes
            buffers = [hub.buffers[t] for t in tags if t in hub.buffers]
            last = [0]

            def pull() -> None:
                new = sorted((line for b in buffers for line in b.lines
                              if line.seq > last[0]), key=lambda x: x.seq)
                if new:
                    last[0] = new[-1].seq
                    screen.add_log_lines(new)

        screen = ServiceDetailScreen(
            service, partial(self._swarm_row, service.key),
            actions=bool(self.config.swarm and self.config.swarm.actions),
            capacity=max(TAIL_LINES, sum(logs.buffer_for(s) for s in logs.sources
                                         if s.tag in tags)),
            max_line=logs.max_line, save=self.save_logs, log_tags=tags, pull=pull,
            refetch=lambda: self.run_worker(self._inspect_service_into(screen, service),
                                            group="swarm-detail", exit_on_error=False))
        if pull is not None:
            screen.add_log_lines([], note=f"following {', '.join(tags)}")
            pull()
        self.push_screen(screen)
        self.run_worker(self._fill_service(screen, service, followed),
                        group="swarm-detail", exit_on_error=False)

    async def _inspect_service_into(self, screen: ServiceDetailScreen, service: SwarmService
                                    ) -> None:
        probe = self.monitor.swarm
        if probe is None:
            screen.show_error("no swarm is watched")
            return
        try:
            detail = await probe.inspect_service(service.host, service.name)
        except Exception as exc:
            screen.show_error(str(exc))
        else:
            screen.show_sections(detail.sections)

    async def _fill_service(self, screen: ServiceDetailScreen, service: SwarmService,
                            followed: bool) -> None:
        await self._inspect_service_into(screen, service)
        probe = self.monitor.swarm
        if followed or probe is None:
            return

        def task(text: str) -> tuple[str, str]:  # "web.2 text": the task is its source
            name, _, rest = text.partition(" ")
            return name[:40], rest

        await show_tail(screen, self.config.logs,
                        probe.service_tail(service.host, service.name, TAIL_LINES), task,
                        "service logs: {} (not followed)")

    async def _told_service(self, service: SwarmService, action: str, call: Awaitable[str]
                            ) -> str:
        """`call`, and a refusal or failure also said on the service's open detail; once
        done, the detail's summary is read again."""
        try:
            answer = await call
        except Exception as exc:
            for detail in self._service_details(service.key):
                detail.fail_action(action, str(exc))
            raise
        for detail in self._service_details(service.key):
            self.run_worker(self._inspect_service_into(detail, service),
                            group="swarm-detail", exit_on_error=False)
        return answer
