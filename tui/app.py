"""The war room: the screen's layout and the wiring of the monitor, the store and the
features (`tui/features/`). No probing logic lives here."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import signal
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget

from tui.core.config import Config
from tui.core.logline import LogLine
from tui.core.maintenance import MaintenanceWatch, mark_maintenance
from tui.core.model import State, Transition, utcnow
from tui.core.resources import host_assessments
from tui.core.store import Store
from tui.core.verdict import banner_maintenance, verdict
from tui.core.views import color_view, health_rows
from tui.engine.monitor import Monitor
from tui.features.actions import ActionsMixin
from tui.features.alerts import AlertsMixin
from tui.features.containers_logs import ContainersLogsMixin
from tui.features.escalation import EscalationMixin
from tui.features.heap import SETTLE_AFTER, freeze_startup_heap
from tui.features.help import HelpMixin
from tui.features.incident import IncidentMixin
from tui.features.key_order import KeyOrderMixin
from tui.features.messages import LogLines, StoreChanged
from tui.features.metrics import MetricsMixin
from tui.features.notify import NotifyMixin
from tui.features.panes import PanesMixin
from tui.features.postmortem import PostmortemMixin
from tui.features.runbook import RunbookMixin
from tui.features.screenshot import ScreenshotMixin
from tui.features.swarm import SwarmMixin
from tui.features.toasts import ToastsMixin
from tui.palette import WarroomCommands
from widgets.actions import ActionsPanel
from widgets.band_compositor import band_compositor
from widgets.color import ColorPanel
from widgets.footer import KeysFooter
from widgets.header import Banner
from widgets.health import HealthPanel
from widgets.incident_clock import IncidentClockPanel
from widgets.panebar import PaneBar
from widgets.resources import HostsPanel
from widgets.timeline import TimelinePanel

WIDE = 120
"""From this many columns on, the side panels sit beside the main column."""
TALL = 50
"""From this many rows on (and wide), the health panel lists every dependency, OK or not."""

PANES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("overview", ("ColorPanel", "IncidentClockPanel")),
    ("actions", ("ActionsPanel",)),
    ("containers", ("ContainersPanel",)),
    ("alerts", ("AlertsPanel",)),
    ("metrics", ("MetricsPanel",)),
    ("swarm", ("SwarmPanel",)),
    ("hosts", ("HostsPanel",)),
    ("logs", ("LogsPanel",)),
    ("timeline", ("TimelinePanel",)),
    ("runbook", ("RunbookPanel",)),
)
"""Narrow screens show the health panel and one of these panes (keys 1, 2 ...); wide show all."""
PANE_OF = {kind: name for name, kinds in PANES for kind in kinds}

RESULTS_BURST = 0.04
"""Seconds a probe result waits for the others of its round before the panels are rendered:
checks that share an interval finish within a few ms of each other, and each painted apart
was a frame of its own (three checks: three renders and three frames every round)."""

FIRST_ROUND_HOLD = 1.0
"""At start the panels show their skeleton ("waiting for the first result") and the results of
the first round are held until every scheduled probe has answered once, or this many seconds
have passed: the first data is painted in one pass instead of one layout per result."""


class WarroomScreen(Screen[None]):
    """The war room's own screen. Auto-focus (at start, and when a modal closes with nothing
    focused) goes to the health table: Textual's default, the first focusable widget, was the
    logs filter of a hidden pane, which then swallowed every key typed."""

    AUTO_FOCUS = "HealthPanel"
    _resumed = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._compositor = band_compositor()  # partial updates render only changed lines

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Textual restyles the whole screen on every resume; on the first one every widget
        # has just been styled as it mounted, so that pass (~50 widgets) is skipped.
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False
        super()._on_screen_resume(event)


class WarroomApp(KeyOrderMixin, ToastsMixin, ScreenshotMixin, PanesMixin, HelpMixin,
                 IncidentMixin, RunbookMixin, NotifyMixin, PostmortemMixin, ActionsMixin,
                 ContainersLogsMixin, AlertsMixin, MetricsMixin, EscalationMixin, SwarmMixin):
    """One screen: what is broken, since when, and what have we done about it."""

    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {WarroomCommands}
    TITLE = "warroom"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", id="help"),
        Binding("r", "refresh", "Refresh", id="refresh"),
        Binding("i", "incident", "Incident", id="incident"),
        Binding("n", "note", "Note", id="note"),
        Binding("q", "quit", "Quit", id="quit"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True, id="quit-ctrl-c"),
    ]

    def __init__(
        self,
        config: Config,
        *,
        read_only: bool = False,
        author: str | None = None,
        monitor: Monitor | None = None,
        extra_bindings: Sequence[Any] = (),
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        # NO_COLOR: Textual's default is grayscale (256-color SGR); native ANSI mode makes it
        # drop every color instead, as no-color.org asks.
        super().__init__(ansi_color=True if "NO_COLOR" in os.environ else None)
        # Extra keys (e.g. `warroom demo`'s break/heal): objects with key, id, description and
        # callback() -> str (run in a thread; the sentence it returns is notified).
        self._extra = {b.id: b for b in extra_bindings}
        for b in extra_bindings:
            self.bind(b.key, f"extra({b.id!r})", description=b.description)
        self.config = config
        self.read_only = read_only
        self.author = author
        self.clock = clock
        # the engine: every source watched, and the one SSH pool (one connection per host)
        # that probes, streams and actions share
        self.monitor = monitor or Monitor(config, Store())
        self.monitor.on_log_lines = self._post_log_lines
        self.store = self.monitor.store
        self.actions_init()
        self._dirty = True
        self._maintenance_watch = MaintenanceWatch()  # in/out of maintenance, still failing
        self.title = f"warroom · {config.environment.name}"
        self.panes: list[str] = []  # the panes composed, in PANES order (set by compose)
        self._pane = ""  # the pane shown on a narrow screen (set by action_pane)
        self._holding = False  # the first round's results are held (see FIRST_ROUND_HOLD)
        self._burst: asyncio.TimerHandle | None = None  # a render waiting for RESULTS_BURST
        self._held_lines: list[LogLine] = []
        self._held_dropped = 0

    # -- layout -----------------------------------------------------------------------------
    def get_default_screen(self) -> Screen[None]:
        return WarroomScreen(id="_default")

    def compose(self) -> ComposeResult:
        env = self.config.environment
        found: set[str] = set()

        def pane(widget: Widget) -> Widget:
            """Tag a pane's panel before it mounts: classes added later restyle it again."""
            name = PANE_OF.get(type(widget).__name__)
            if name is not None:
                widget.add_class("pane", f"pane-{name}", update=False)
                found.add(name)
            return widget

        yield Banner(env.name, env.production, self.read_only)
        yield PaneBar()
        with Horizontal(id="body"):
            with Vertical(id="main"):
                if self.config.services:
                    yield HealthPanel()
                if self.config.actions:
                    yield pane(ActionsPanel())
                for widget in self.compose_alerts():
                    yield pane(widget)
                for widget in self.compose_metrics():
                    yield pane(widget)
                for widget in self.compose_swarm():
                    yield pane(widget)
                for widget in self.compose_containers_logs():
                    yield pane(widget)
            with Vertical(id="side"):  # wide: the side column (narrow: panes like the rest)
                if self.config.color:
                    yield pane(ColorPanel())
                yield pane(IncidentClockPanel())
                for widget in self.compose_runbook():  # the steps beside the clock
                    yield pane(widget)
                if self.config.resources is not None:
                    yield pane(HostsPanel())
                yield pane(TimelinePanel())
        yield KeysFooter()
        # The screen's classes, set before its panels mount: each class changed on a mounted
        # screen restyles every widget on it.
        self.panes = [name for name, _kinds in PANES if name in found]
        self._pane = self.panes[0] if self.panes else "overview"
        screen = self.screen
        screen.set_class(self.size.width >= WIDE, "wide", update=False)
        screen.add_class(f"show-{self._pane}", update=False)
        # keys bound before the footer mounts are in its first frame (no recompose)
        for number, name in enumerate(self.panes, 1):
            self.bind(str(number), f"pane({name!r})", description=f"show {name}", show=False)
        self.incident_init()
        self.escalation_init()

    async def on_mount(self) -> None:
        self._trap_sigterm()
        self.store.subscribe(lambda _kind: self.post_message(StoreChanged()))
        self.store.on_transition(self._on_transition)
        self.monitor.start()
        self.action_pane(self._pane)  # keys 1, 2 ... (bound in compose) show or focus a pane
        self.incident_mount()
        self.runbook_mount()
        self.set_interval(1.0, self._tick)
        # once the first data is painted, start-up's heap is frozen (tui/features/heap.py)
        self.set_timer(FIRST_ROUND_HOLD + SETTLE_AFTER, freeze_startup_heap)
        self._layout_for(self.size.width)
        self._tick()
        self._hold_first_round()
        await self.actions_mount()

    def _post_log_lines(self, batch: list[LogLine], dropped: int) -> None:
        if self._holding:  # the tail read at start lands with the first round
            self._held_lines.extend(batch)
            self._held_dropped = dropped
            return
        self.post_message(LogLines(tuple(batch), dropped))

    def on_resize(self, event: events.Resize) -> None:
        self._layout_for(event.size.width)

    def _layout_for(self, width: int) -> None:
        self.screen_stack[0].set_class(width >= WIDE, "wide")
        self._keep_focus_visible()  # wide → narrow hides every pane but one
        self._dirty = True
        self._render_panels()

    async def on_unmount(self) -> None:
        if self._burst is not None:
            self._burst.cancel()
        self._untrap_sigterm()
        await self.actions_close()
        await self.incident_close()
        await self.monitor.close()

    def _trap_sigterm(self) -> None:
        """SIGTERM, and SIGHUP (the terminal or ssh session went away), quit like `q`:
        terminal restored, running actions stopped and recorded as interrupted, journal
        drained — never a local process orphaned silently."""
        self._signals_saved: dict[int, Any] = {}
        for sig, code in ((signal.SIGTERM, 143), (signal.SIGHUP, 129)):
            with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
                previous = signal.getsignal(sig)  # (not on the main thread: nothing to do)
                asyncio.get_running_loop().add_signal_handler(sig, self.exit, code)
                self._signals_saved[sig] = previous

    def _untrap_sigterm(self) -> None:
        saved = getattr(self, "_signals_saved", {})
        for sig, previous in saved.items():
            with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
                asyncio.get_running_loop().remove_signal_handler(sig)
                if previous is not None:
                    signal.signal(sig, previous)  # e.g. `warroom demo`'s own handler
        self._signals_saved = {}

    # -- data flow --------------------------------------------------------------------------
    def _hold_first_round(self) -> None:
        if self.monitor.scheduler.jobs:
            self._holding = True
            self.set_timer(FIRST_ROUND_HOLD, self._release_first_round)

    def _release_first_round(self) -> None:
        """Paint what the first round brought, log lines included, in one pass."""
        if not self._holding:
            return
        self._holding = False
        if self._held_lines:
            self.on_log_lines(LogLines(tuple(self._held_lines), self._held_dropped))
            self._held_lines = []
        self._render_panels()

    def on_store_changed(self, _message: StoreChanged) -> None:
        self._dirty = True
        if self._holding:
            if all(job.rounds for job in self.monitor.scheduler.jobs):
                self._release_first_round()
            return  # until then the skeleton stays
        if self._burst is None:  # the rest of the round lands in the same render
            self._burst = asyncio.get_running_loop().call_later(RESULTS_BURST, self._burst_over)

    def _burst_over(self) -> None:
        self._burst = None
        self._render_panels()

    def _tick(self) -> None:
        now = self.clock()
        self.store.sweep(now)
        for transition in self._maintenance_watch.changes(self.config, self.store, now):
            self._on_transition(transition)
        for banner in self.panels(Banner):  # none while the app is shutting down
            banner.now = now
        self.incident_tick(now)
        self._dirty = True  # ages move on
        self._render_panels(now)
        self.reap_toasts()

    def on_screen_resume(self) -> None:
        self._render_panels()

    def _render_panels(self, now: dt.datetime | None = None) -> None:
        """Re-render the panels, unless a modal covers them (then on resume)."""
        if not self._dirty or len(self.screen_stack) != 1 or self._holding:
            return  # a modal covers the panels (or the app is shutting down, or the first
            # round is held)
        self._dirty = False
        now = now or self.clock()
        with self.batch_update():
            self.containers_flush(now)
            self.alerts_flush(now)
            self.metrics_flush(now)
            self.swarm_flush(now)
            for panel in self.panels(HealthPanel):
                wide = self.screen_stack[0].has_class("wide")
                # every dependency row only when there is room for them (else the failing
                # ones): at 120x40 they pushed the containers panel off the screen
                tall = wide and self.size.height >= TALL
                rows = health_rows(self.config, self.store, now, all_children=tall)
                panel.show(rows, narrow=not wide)
            for panel in self.panels(ColorPanel):
                panel.show(color_view(self.config, self.store, now))
            for panel in self.panels(HostsPanel):
                panel.show(host_assessments(self.config, self.store, now),
                           room=self.screen_stack[0].has_class("wide"))
            result = verdict(self.config, self.store, now)
            for banner in self.panels(Banner):
                banner.verdict = result.word
                banner.maintenance = banner_maintenance(result)

    def _on_transition(self, transition: Transition) -> None:
        transition = mark_maintenance(self.config, self.store, transition)
        # a first OK is journaled only when the journal last said otherwise (it recovered
        # while no war room watched); it is never a toast
        self.incident_record_transition(transition)
        if transition.old is None and transition.new is State.OK:
            return
        severity = "error" if transition.new is State.DOWN else "warning"
        if transition.maintenance:
            severity = "warning"
        if transition.new is State.OK:
            severity = "information"
        self.notify(transition.describe(), severity=severity, markup=False, timeout=6)

    # -- actions ----------------------------------------------------------------------------
    def action_refresh(self) -> None:
        self.monitor.refresh()
        self.notify("refreshing every probe now", timeout=2)

    def action_extra(self, binding_id: str) -> None:
        extra = self._extra.get(binding_id)
        if extra is None:
            return

        def call() -> None:
            try:
                message, severity = extra.callback(), "information"
            except Exception as exc:
                message, severity = f"{extra.description}: failed: {exc}", "error"
            self.call_from_thread(self.notify, message, severity=severity, markup=False)
            self.call_from_thread(self.monitor.refresh)

        self.run_worker(call, thread=True, group="extra", exit_on_error=False)


def run_app(
    config: Config, *, read_only: bool = False, author: str | None = None,
    extra_bindings: Sequence[Any] = (),
) -> int:
    """Run the TUI full screen, without mouse reporting (tmux selection keeps working)."""
    _stack_dumps()
    app = WarroomApp(config, read_only=read_only, author=author, extra_bindings=extra_bindings)
    result = app.run(mouse=False)
    if result is None:  # quit without a result, or a crash (Textual sets return_code 1)
        return int(app.return_code or 0)
    return int(result)


def _stack_dumps() -> None:
    """With `WARROOM_STACKS=FILE`, `kill -USR1 <pid>` appends every thread's stack to FILE:
    how to see where a war room that stopped answering is stuck, without stopping it."""
    path = os.environ.get("WARROOM_STACKS")
    if path:
        import faulthandler

        faulthandler.register(signal.SIGUSR1, file=open(path, "a"), all_threads=True)  # noqa: SIM115
