"""Swarm panel: one row per watched Docker Swarm service, its failing tasks folded under it.

Renders `ServiceView`s (no I/O): state (colour), name, replicas running/desired (or
"global n/m"), image (tag and digest prefix), the update state (updating, paused,
rollback_started …) with its message; under a service, its tasks that are not running (slot,
node, state, error, age; the first 3, then a count). A manager that does not answer is a line
in an alarm colour with its age, and its services are UNKNOWN. Up/down select a service
(`›`); `U` asks to roll it back, `R` to restart it (update --force), `C` to scale it
(`ActionRequested`: the app confirms, guards and audits); Enter opens its detail
(`DetailRequested`). Every value is already sanitized by
the probe; it is put in a `Text`, never markup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message

from tui.core.docker_model import EngineStatus, stepped_duration
from tui.core.model import State
from tui.core.swarm import ServiceView, SwarmService
from widgets.steady import SteadyStatic, set_border

STYLE = {State.OK: "green", State.DEGRADED: "yellow", State.DOWN: "bold red",
         State.UNKNOWN: "magenta", State.STALE: "dim"}
SYMBOL = {State.OK: "✓", State.DEGRADED: "!", State.DOWN: "✗", State.UNKNOWN: "?",
          State.STALE: "~"}
UPDATE_STYLE = {"updating": "cyan", "paused": "bold yellow", "completed": "dim",
                "rollback_started": "bold yellow", "rollback_paused": "bold red",
                "rollback_completed": "yellow"}
TASKS_SHOWN = 3


class SwarmPanel(VerticalScroll):
    """`show(views, managers, now)` renders the services; repaints only when text changes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Previous service", show=False),
        Binding("down", "move(1)", "Next service", show=False),
        Binding("U", "service('rollback')", "Roll back service", id="swarm-rollback"),
        Binding("R", "service('restart')", "Restart service", id="swarm-restart"),
        Binding("C", "service('scale')", "Scale service (replica count)", id="swarm-scale"),
        Binding("enter", "detail", "Service detail", show=False),
    ]

    class ActionRequested(Message):
        def __init__(self, service: SwarmService, action: str) -> None:
            super().__init__()
            self.service = service
            self.action = action

    class DetailRequested(Message):
        """Enter on a service row: the app opens its detail (inspect, tasks, logs, actions)."""

        def __init__(self, service: SwarmService) -> None:
            super().__init__()
            self.service = service

    def __init__(self, id: str = "swarm", actions: bool = True) -> None:
        super().__init__(id=id)
        self.border_title = "Swarm"
        self.actions_enabled = actions
        self.body = SteadyStatic("waiting for the swarm managers…", id="swarm-body",
                                 markup=False)
        self.rows: list[ServiceView] = []
        self.selected_key: str | None = None
        self._last: tuple[Sequence[ServiceView], Sequence[EngineStatus], dt.datetime] | None \
            = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield self.body

    def selected(self) -> SwarmService | None:
        return next((v.service for v in self.rows if v.service.key == self.selected_key), None)

    def action_move(self, step: int) -> None:
        keys = [v.service.key for v in self.rows]
        if not keys:
            return
        index = keys.index(self.selected_key) if self.selected_key in keys else 0
        self.selected_key = keys[max(0, min(len(keys) - 1, index + step))]
        if self._last is not None:
            self.show(*self._last)

    def action_service(self, action: str) -> None:
        service = self.selected()
        if service is not None and self.actions_enabled:
            self.post_message(self.ActionRequested(service, action))

    def action_detail(self) -> None:
        service = self.selected()
        if service is not None:
            self.post_message(self.DetailRequested(service))

    def show(self, views: Sequence[ServiceView], managers: Sequence[EngineStatus],
             now: dt.datetime) -> None:
        self._last = (views, managers, now)
        self.rows = list(views)
        if self.rows and self.selected() is None:
            self.selected_key = self.rows[0].service.key
        self.body.paint(render(views, managers, now, self.selected_key))
        bad = [v for v in views if v.state is not State.OK]
        self.set_class(any(not m.reachable for m in managers), "-stale")
        down = sum(v.state is State.DOWN for v in views)
        counts = [f"{n} {w}" for n, w in ((down, "down"), (len(bad) - down, "not ok")) if n]
        set_border(self, f"Swarm ({', '.join(counts)})" if counts else "Swarm")


def render(views: Sequence[ServiceView], managers: Sequence[EngineStatus], now: dt.datetime,
           selected: str | None = None) -> Text:
    out = Text(end="")
    for manager in managers:
        if not manager.reachable:
            if out.plain:
                out.append("\n")
            said = manager.describe(now).replace(": docker ", ": manager ")
            out.append(said, style="bold magenta")
    if not views:
        if not out.plain:
            out.append("no watched service" if managers and all(m.reachable for m in managers)
                       else "waiting for the swarm managers…", style="dim")
        return out
    multi = len(managers) > 1
    name_w = min(32, max(len(v.service.name) for v in views) + (12 if multi else 0))
    for view in views:
        s = view.service
        if out.plain:
            out.append("\n")
        out.append("› " if s.key == selected else "  ", style="bold")
        out.append(f"{SYMBOL[view.state]} ", style=STYLE[view.state])
        name = f"{s.host}/{s.name}" if multi else s.name
        out.append(f"{name[:name_w]:<{name_w}} ", style="bold" if view.state is not State.OK
                   else "")
        out.append(f"{s.replicas:>7} ", style=STYLE[view.state])
        out.append(s.image_text[:60], style="dim")
        if s.update_state:
            out.append(f"  {s.update_state}", style=UPDATE_STYLE.get(s.update_state, "yellow"))
            if s.update_message:
                out.append(f": {s.update_message[:120]}", style="dim")
        if view.state is State.UNKNOWN:
            out.append(f"  ({view.why})", style="magenta")
        for task in s.tasks[:TASKS_SHOWN]:
            out.append("\n")
            out.append(f"      └ {task.slot} {task.node}: {task.state}", style="yellow")
            age = stepped_duration((now - task.at).total_seconds())[0] if task.at else "?"
            out.append(f" (→{task.desired}) {age}", style="dim")
            if task.error:
                out.append(f"  {task.error[:120]}", style="red")
        if len(s.tasks) > TASKS_SHOWN:
            out.append(f"\n      … {len(s.tasks) - TASKS_SHOWN} more not running", style="dim")
    return out
