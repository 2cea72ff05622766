"""What a feature of the war-room app may use of the app, declared once with its types.

Every feature (`tui/features/*.py`) is a mixin of `WarroomApp`, and every war-room feature
mixin subclasses `WarroomBase`: so `self` is typed as the app it runs in (`self.notify`,
`self.store`, `self.monitor` …) without casting `self` and without importing `tui.app`. The
attributes below are set by `WarroomApp.__init__` or by the feature that owns them (named).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from textual.app import App
from textual.screen import SystemModalScreen
from textual.widget import Widget

from tui.core.config import Config
from tui.core.store import Store

if TYPE_CHECKING:
    from tui.core.incident.escalation import Duty
    from tui.core.incident.tracker import ClockView, IncidentTracker, JournalWriter
    from tui.engine.actions import Executor, OperatorMode
    from tui.engine.monitor import Monitor

W = TypeVar("W", bound=Widget)


class WarroomBase(App[int]):
    """The war-room app as its features see it."""

    config: Config
    store: Store
    monitor: Monitor
    read_only: bool
    author: str | None
    clock: Callable[[], dt.datetime]
    # owned by ActionsMixin
    operator: OperatorMode
    executor: Executor
    # owned by IncidentMixin
    incident_tracker: IncidentTracker
    journal_writer: JournalWriter

    _panel_cache: dict[type[Widget], list[Any]]

    def panels(self, kind: type[W]) -> list[W]:
        """The main screen's widgets of `kind`. Looked up once, as the layout is fixed after
        compose (a DOM query on every tick was a sixth of the idle CPU); [] once they are
        gone, while the app shuts down."""
        cache = self.__dict__.setdefault("_panel_cache", {})
        found = cache.get(kind)
        if found is None or not all(w.is_attached for w in found):
            found = list(self.screen_stack[0].query(kind)) if self.screen_stack else []
            if found or self.is_running:  # [] is cached too: a kind not configured stays so
                cache[kind] = found
        return found

    def forget_panels(self) -> None:
        """Call after mounting a panel outside compose."""
        self.__dict__.setdefault("_panel_cache", {}).clear()

    async def say_outcome(self, label: str, call: Awaitable[str]) -> None:
        """Await a guarded action (`Executor.container_action`, `Executor.silence`) and say
        how it went in one toast: its answer, a refusal (with the arm key when arming would
        help) or the failure."""
        try:
            message, severity = await call, "information"
        except PermissionError as exc:
            hint = "" if self.operator.read_only else \
                f"; press {self.config.operator.arm_key} to arm"
            message, severity = f"{label}: {exc}{hint}", "warning"
        except Exception as exc:
            message, severity = f"{label}: {exc}", "error"
        self.notify(message, severity=severity, markup=False)

    def dialog_active(self) -> bool:
        """True while a screen above the main one is active — except Textual's own system
        screens (the command palette lists the main screen's keys and runs the chosen one
        only after it has closed)."""
        stack = self.screen_stack
        return (len(stack) > 1 and self.screen is not stack[0]
                and not isinstance(self.screen, SystemModalScreen))

    def escalation_duty(self, view: ClockView) -> Duty | None:
        """The checklist and escalation timers under the clock (`EscalationMixin`)."""
        return None

    def notify_begin(self, state: Any = None, services: Any = None) -> None:
        """Send a status update to the `[[notify]]` targets, asking first (`NotifyMixin`)."""

    def selected_container(self) -> str | None:
        """The container selected on the containers panel (`{container}` in actions)."""
        return None

    def show_pane(self, name: str) -> None:
        """Bring pane `name` forward on a narrow screen (the app's layout decides)."""

    def _write(self, job: Callable[[], Any], saved: str | None) -> None:
        """Run a journal write in order off the loop, then say `saved` (IncidentMixin)."""

    def postmortem_choice(self, choice: tuple[str, ...], state: Any) -> bool:
        """Handle an incident menu ``pm-…`` choice; False if not one (PostmortemMixin)."""
        return False
