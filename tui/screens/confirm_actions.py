"""Wiring of actions into the app (a mixin): keys, operator mode, confirmations, the panel.

`WarroomApp(ActionsMixin, App)` gets: one binding per configured action, the arm key, the
cancel key, quit-asks-first while an action runs, the actions panel (mounted into `#main`
unless the app composed one) and the journal recovery at start. The app calls
`self.ssh = self.init_actions(config, read_only)` in `__init__` before building its Monitor,
and passes `remote=self.ssh.command` to it (one SSH connection per host for probes and
actions). The mixin's own `on_mount`/`on_unmount` run after the app's (Textual calls the
handler of every class in the MRO).
"""

from __future__ import annotations

from typing import Any

from textual.message import Message

from probes.ssh import SshPool
from tui.core.actions import Executor, OperatorMode, Run
from tui.core.actions.audit import ActiveJournal
from tui.core.config import Config
from tui.screens.arm import arm_screen, quit_screen
from tui.screens.confirm import ConfirmResult, plan_screen
from widgets.actions import ActionsPanel, LegendRow
from widgets.header import Banner


class ActionUpdate(Message):
    """A run changed (new output or status); bursts for the same run merge."""

    def __init__(self, run: Run) -> None:
        super().__init__()
        self.run = run

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ActionUpdate) and message.run is self.run


class ActionsMixin:
    """Mixed into the App. Uses `self.config`, `self.store`, `self.monitor`, `self.read_only`."""

    config: Config
    ssh: SshPool
    executor: Executor
    operator: OperatorMode

    def init_actions(self, config: Config, read_only: bool, pool: SshPool | None = None
                     ) -> SshPool:
        """Create the SSH pool and operator mode and bind the keys; returns the pool."""
        app: Any = self
        self.ssh = pool or SshPool(config.hosts, config.path)
        self.operator = OperatorMode(read_only, config.operator.arm_minutes * 60)
        self._shown_run: Run | None = None
        self._was_armed = False
        op = config.operator
        app.bind(op.arm_key, "arm", description="Arm / disarm operator mode")
        app.bind(op.cancel_key, "cancel_action", description="Stop the running action")
        for action in config.actions:
            app.bind(action.key, f"run_action({action.name!r})",
                     description=f"{action.name}: {action.description}"[:60])
        return self.ssh

    async def on_mount(self) -> None:
        app: Any = self
        if self.config.actions and not app.query(ActionsPanel):
            parent = app.query("#main").first() if app.query("#main") else app.screen
            await parent.mount(ActionsPanel())
            app.forget_panels()
        self.executor = Executor(
            self.config, app.store, ActiveJournal(self.config), self.ssh,
            operator=self.operator, read_only=self.operator.read_only,
            refresh=app.monitor.refresh,
            listener=lambda run, _event: app.post_message(ActionUpdate(run)),
        )
        try:
            recovered = self.executor.recover()
        except OSError as exc:
            recovered = []
            app.notify(f"cannot read the journal: {exc}", severity="error", markup=False)
        for record in recovered:
            app.notify(f"action {record.get('action')} was interrupted when the app last "
                       f"stopped: {record.get('reason')}", severity="warning", markup=False,
                       timeout=15)
        app.set_interval(1.0, self._actions_tick)
        self._actions_tick()

    async def on_unmount(self) -> None:
        executor = getattr(self, "executor", None)
        if executor is not None:
            await executor.shutdown()
        await self.ssh.close_all()

    # -- rendering --------------------------------------------------------------------------
    def _legend(self) -> list[LegendRow]:
        return [LegendRow(a.key, a.name, a.description, a.host) for a in self.config.actions]

    def _actions_tick(self) -> None:
        app: Any = self
        armed = self.operator.armed
        if self._was_armed and not armed:
            app.notify("operator mode disarmed (time is up)", severity="warning", timeout=6)
        self._was_armed = armed
        mode = self.operator.mode
        banner_text = f" OPERATOR ARMED {self.operator.countdown()} " if armed else ""
        for banner in app.panels(Banner):
            banner.mode = banner_text
            banner.mode_short = f"ARMED {self.operator.countdown()}" if armed else ""
        op = self.config.operator
        for panel in app.panels(ActionsPanel):
            panel.show_legend(self._legend(), mode, self.operator.countdown(),
                              op.cancel_key, op.arm_key)
            if self._shown_run is not None:
                panel.show_run(self._shown_run)

    def on_action_update(self, message: ActionUpdate) -> None:
        app: Any = self
        if message.run.running and self._shown_run is not message.run:
            app.show_pane("actions")  # narrow screens: the running action's output comes forward
        self._shown_run = message.run
        for panel in app.panels(ActionsPanel):
            panel.show_run(message.run)
        run = message.run
        if not run.running and run.status not in ("refused", "blocked"):
            severity = "information" if run.status == "finished" else "error"
            if run.effect_ok is False:
                severity = "warning"
            effect = f" — {run.effect}" if run.effect else ""
            app.notify(f"{run.name}: {run.status.replace('_', ' ')}{effect}",
                       severity=severity, markup=False, timeout=8)

    # -- key actions ------------------------------------------------------------------------
    def action_run_action(self, name: str) -> None:
        app: Any = self
        if len(app.screen_stack) > 1:
            return  # a modal is open: a second key press must not stack another
        executor = self.executor
        action = executor.action(name)
        running = executor.running(name)
        if running is not None:
            self._shown_run = running
            app.post_message(ActionUpdate(running))
            app.notify(f"{name} is already running (single flight)", markup=False)
            return
        refusal = executor.refusal()
        plan = executor.plan(action, getattr(self, "selected_container", None))
        if refusal:
            executor.start(plan)  # records the refused attempt; spawns nothing
            hint = "" if self.operator.read_only else \
                f"; press {self.config.operator.arm_key} to arm"
            app.notify(f"{name}: {refusal}{hint}", severity="warning", markup=False)
            return
        if plan.error:
            problem = executor.record_blocked(plan)
            app.notify(f"{name}: {plan.error}", severity="error", markup=False)
            if problem:
                app.notify(problem, severity="error", markup=False)
            return

        def decided(result: ConfirmResult | None) -> None:
            if result is None:
                record = executor.record_cancelled if plan.passed else executor.record_blocked
                problem = record(plan)
                if problem:
                    app.notify(problem, severity="error", markup=False)
                return
            run = executor.start(plan, result.confirmed, result.override_reason)
            self._shown_run = run
            app.post_message(ActionUpdate(run))

        app.push_screen(plan_screen(plan, executor), decided)

    def action_arm(self) -> None:
        app: Any = self
        if len(app.screen_stack) > 1:
            return
        if self.operator.read_only:
            app.notify("read-only mode: operator mode cannot be armed", severity="warning")
            return
        if self.operator.armed:
            self.operator.disarm()
            app.notify("operator mode disarmed")
            self._actions_tick()
            return
        env = self.config.environment

        def decided(result: ConfirmResult | None) -> None:
            if result is not None:
                self.operator.arm()
                self._actions_tick()

        keys = [(a.key, a.name) for a in self.config.actions]
        app.push_screen(arm_screen(env.name, env.production, self.config.operator.arm_minutes,
                                   keys), decided)

    def action_cancel_action(self) -> None:
        app: Any = self
        runs = [r for r in self.executor.runs.values() if r.running]
        target = self._shown_run if self._shown_run in runs else (runs[0] if runs else None)
        if target is None:
            app.notify("no action is running")
            return
        self.executor.cancel(target.name)
        app.notify(f"stopping {target.name} …", markup=False)

    async def action_quit(self) -> None:
        app: Any = self
        executor = getattr(self, "executor", None)
        running = [r.name for r in executor.runs.values() if r.running] if executor else []
        if not running:
            app.exit()
            return
        if len(app.screen_stack) > 1:
            return

        async def decided(result: ConfirmResult | None) -> None:
            if result is not None:
                await self.executor.shutdown()
                app.exit()

        app.push_screen(quit_screen(running), decided)
