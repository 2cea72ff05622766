"""The swarm panel in the app: composed when `[swarm]` is configured, rendered from the store in
the app's render pass (`swarm_flush`). `U` rolls the selected service back, `R` restarts it
(`update --force`), `C` scales it (the number asked first): refused (and recorded) in
read-only mode or when not armed, else confirmed in the shared `ConfirmScreen` (the service,
its manager host, the current and previous spec images), then run through the executor's
guard and audit (`tui/engine/actions/swarm.py`) and the monitor's swarm probe."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from textual.widget import Widget

from tui.core.model import utcnow
from tui.core.swarm import STORE_KIND, SwarmService, service_views, snapshot
from tui.engine.actions.swarm import swarm_action, swarm_argv
from tui.features.base import WarroomBase
from tui.features.swarm_detail import SwarmDetailMixin
from tui.screens.confirm import ConfirmResult, ConfirmScreen
from tui.screens.swarm_detail import ServiceDetailScreen
from tui.screens.swarm_scale import ScaleScreen
from widgets.swarm import SwarmPanel

TITLES = {"rollback": "Roll back service", "restart": "Restart service (update --force)",
          "scale": "Scale service"}


class SwarmMixin(SwarmDetailMixin, WarroomBase):
    """Mixed into `WarroomApp`: the swarm panel and its service actions."""

    _swarm_shown: object = None

    def compose_swarm(self) -> Iterator[Widget]:
        if self.config.swarm is not None:
            yield SwarmPanel(actions=self.config.swarm.actions)

    def swarm_flush(self, now: dt.datetime | None = None) -> None:
        """Render the services (call inside the app's batch_update)."""
        if self.config.swarm is None:
            return
        now = now or utcnow()
        snap = snapshot(self.store)
        views = service_views(self.config, snap, now)
        for panel in self.panels(SwarmPanel):
            panel.show(views, snap.managers if snap else (), now)
            panel.set_class(self.store.snapshot_is_stale(STORE_KIND, now) or
                            panel.has_class("-stale"), "-stale")

    def on_swarm_panel_action_requested(self, message: SwarmPanel.ActionRequested) -> None:
        service, action = message.service, message.action
        if self.dialog_active() and not isinstance(self.screen, ServiceDetailScreen):
            return
        if self.executor.refusal():  # recorded as refused by the executor, and said
            self.run_worker(self._swarm_action(service, action), group="swarm-action",
                            exit_on_error=False)
            return
        if action == "rollback" and not service.previous_image:
            self.notify(f"rollback {service.name}: no previous spec to roll back to",
                        severity="warning", markup=False)
            return
        if action != "scale":
            self._swarm_confirm(service, action)
            return

        def asked(replicas: int | None) -> None:
            if replicas is None:
                self.notify(f"scale {service.name}: cancelled", markup=False, timeout=3)
                return
            self._swarm_confirm(service, action, replicas)

        self.push_screen(ScaleScreen(service.name, service.host, service.desired), asked)

    def _swarm_confirm(self, service: SwarmService, action: str,
                       replicas: int | None = None) -> None:
        details = [("manager", service.host), ("replicas", f"{service.running} running / "
                                                           f"{service.desired} desired"),
                   ("image now", service.image_text),
                   ("previous spec image", service.previous_image or "(no previous spec)")]
        if service.update_state:
            details.append(("update", f"{service.update_state}: {service.update_message}"))
        if replicas is not None:
            details.append(("new replicas", str(replicas)))
        env = self.config.environment
        screen = ConfirmScreen(
            TITLES[action], f"{action} swarm service {service.name}", service.host,
            swarm_argv(service, action, replicas), details=details,
            production=env.name if env.production else None,
            confirm_label=action.capitalize(),
        )

        def decided(result: ConfirmResult | None) -> None:
            if result is None:
                self.notify(f"{action} {service.name}: cancelled", markup=False, timeout=3)
                return
            for detail in self._service_details(service.key):
                detail.begin_action(action, replicas)
            self.run_worker(self._swarm_action(service, action, replicas),
                            group="swarm-action", exit_on_error=False)

        self.push_screen(screen, decided)

    async def _swarm_action(self, service: SwarmService, action: str,
                            replicas: int | None = None) -> None:
        await self.say_outcome(f"{action} {service.name}", self._told_service(
            service, action, swarm_action(self.executor, service, action,
                                          self.monitor.swarm_action, replicas)))
