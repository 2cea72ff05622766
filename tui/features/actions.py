"""Actions in the app: keys, operator mode, confirmations, the actions panel.

The app calls `actions_init()` in `__init__` (one binding per configured action, the arm and
cancel keys), `await actions_mount()` in on_mount (the executor on the monitor's SSH pool, the
actions panel mounted into `#main` unless composed, the journal recovery) and
`await actions_close()` on unmount (running actions stopped and recorded). Quit asks first
while an action runs. Run updates arrive as immutable `ActionUpdate` messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.core.attempts import Run
from tui.core.incident import ActiveJournal
from tui.engine.actions import Executor
from tui.engine.actions.operator import OperatorMode
from tui.features.base import WarroomBase
from tui.features.messages import ActionUpdate
from widgets.actions import ActionsPanel, LegendRow
from widgets.header import Banner

if TYPE_CHECKING:  # the dialogs are imported when first opened (start-up time)
    from tui.screens.confirm import ConfirmResult


class ActionsMixin(WarroomBase):
    """Mixed into `WarroomApp`: configured actions, operator mode, the actions panel."""

    _shown_run: Run | None = None
    """The attempt the actions panel shows (the newest started, or the one asked about)."""
    _was_armed = False

    def actions_init(self) -> None:
        """Operator mode and the keys (called in `__init__`, before the screen exists)."""
        config = self.config
        self.operator = OperatorMode(self.read_only, config.operator.arm_minutes * 60)
        op = config.operator
        self.bind(op.arm_key, "arm", description="Arm / disarm operator mode")
        self.bind(op.cancel_key, "cancel_action", description="Stop the running action")
        for action in config.actions:
            self.bind(action.key, f"run_action({action.name!r})",
                      description=f"{action.name}: {action.description}"[:60])

    async def actions_mount(self) -> None:
        if self.config.actions and not self.query(ActionsPanel):
            parent = self.query("#main").first() if self.query("#main") else self.screen
            await parent.mount(ActionsPanel())
            self.forget_panels()
        self.executor = Executor(
            self.config, self.store, ActiveJournal(self.config), self.monitor.ssh,
            operator=self.operator, read_only=self.operator.read_only,
            refresh=self.monitor.refresh, author=self.author,
            listener=lambda run, _event: self.post_message(ActionUpdate(run.view())),
        )
        try:
            recovered = self.executor.recover()
        except OSError as exc:
            recovered = []
            self.notify(f"cannot read the journal: {exc}", severity="error", markup=False)
        for record in recovered:
            self.notify(f"action {record.get('action')} was interrupted when the app last "
                       f"stopped: {record.get('reason')}", severity="warning", markup=False,
                       timeout=15)
        self.set_interval(1.0, self._actions_tick)
        self._actions_tick()

    async def actions_close(self) -> None:
        """Stop running actions (recorded as interrupted); the monitor closes the SSH pool."""
        executor = self.__dict__.get("executor")
        if executor is not None:
            await executor.shutdown()

    # -- rendering --------------------------------------------------------------------------
    def _legend(self) -> list[LegendRow]:
        return [LegendRow(a.key, a.name, a.description, a.host) for a in self.config.actions]

    def _actions_tick(self) -> None:
        armed = self.operator.armed
        if self._was_armed and not armed:
            self.notify("operator mode disarmed (time is up)", severity="warning", timeout=6)
        self._was_armed = armed
        mode = self.operator.mode
        banner_text = f" OPERATOR ARMED {self.operator.countdown()} " if armed else ""
        for banner in self.panels(Banner):
            banner.mode = banner_text
            banner.mode_short = f"ARMED {self.operator.countdown()}" if armed else ""
        op = self.config.operator
        for panel in self.panels(ActionsPanel):
            panel.show_legend(self._legend(), mode, self.operator.countdown(),
                              op.cancel_key, op.arm_key)
            if self._shown_run is not None:
                panel.show_run(self._shown_run.view())

    def on_action_update(self, message: ActionUpdate) -> None:
        run = message.view
        shown = self._shown_run
        if run.running and (shown is None or shown.attempt != run.attempt):
            self.show_pane("actions")  # narrow screens: the running action's output comes forward
        self._shown_run = self.executor.attempt(run.attempt) or self._shown_run
        for panel in self.panels(ActionsPanel):
            panel.show_run(run)
        if not run.running and run.status not in ("refused", "blocked"):
            severity = "information" if run.status == "finished" else "error"
            if run.effect_ok is False:
                severity = "warning"
            effect = f" — {run.effect}" if run.effect else ""
            self.notify(f"{run.name}: {run.status.replace('_', ' ')}{effect}",
                       severity=severity, markup=False, timeout=8)

    # -- key actions ------------------------------------------------------------------------
    def action_run_action(self, name: str) -> None:
        if len(self.screen_stack) > 1:
            return  # a modal is open: a second key press must not stack another
        executor = self.executor
        action = executor.action(name)
        running = executor.running(name)
        if running is not None:
            self._shown_run = running
            self.post_message(ActionUpdate(running.view()))
            self.notify(f"{name} is already running (single flight)", markup=False)
            return
        refusal = executor.refusal()
        plan = executor.plan(action, self.selected_container())
        if refusal:
            executor.start(plan)  # records the refused attempt; spawns nothing
            hint = "" if self.operator.read_only else \
                f"; press {self.config.operator.arm_key} to arm"
            self.notify(f"{name}: {refusal}{hint}", severity="warning", markup=False)
            return
        if plan.error:
            problem = executor.record_blocked(plan)
            self.notify(f"{name}: {plan.error}", severity="error", markup=False)
            if problem:
                self.notify(problem, severity="error", markup=False)
            return

        def decided(result: ConfirmResult | None) -> None:
            if result is None:
                record = executor.record_cancelled if plan.passed else executor.record_blocked
                problem = record(plan)
                if problem:
                    self.notify(problem, severity="error", markup=False)
                return
            run = executor.start(plan, result.confirmed, result.override_reason)
            self._shown_run = run
            self.post_message(ActionUpdate(run.view()))

        from tui.screens.confirm import plan_screen

        self.push_screen(plan_screen(plan, executor), decided)

    def action_arm(self) -> None:
        if len(self.screen_stack) > 1:
            return
        if self.operator.read_only:
            self.notify("read-only mode: operator mode cannot be armed", severity="warning")
            return
        if self.operator.armed:
            self.operator.disarm()
            self.notify("operator mode disarmed")
            self._actions_tick()
            return
        env = self.config.environment

        def decided(result: ConfirmResult | None) -> None:
            if result is not None:
                self.operator.arm()
                self._actions_tick()

        keys = [(a.key, a.name) for a in self.config.actions]
        from tui.screens.arm import arm_screen

        self.push_screen(arm_screen(env.name, env.production, self.config.operator.arm_minutes,
                                   keys), decided)

    def action_cancel_action(self) -> None:
        runs = [r for r in self.executor.runs.values() if r.running]
        target = self._shown_run if self._shown_run in runs else (runs[0] if runs else None)
        if target is None:
            self.notify("no action is running")
            return
        self.executor.cancel(target.name)
        self.notify(f"stopping {target.name} …", markup=False)

    async def action_quit(self) -> None:
        executor = self.__dict__.get("executor")
        running = [r.name for r in executor.runs.values() if r.running] if executor else []
        if not running:
            self.exit()
            return
        if len(self.screen_stack) > 1:
            return

        async def decided(result: ConfirmResult | None) -> None:
            if result is not None:
                await self.executor.shutdown()
                self.exit()

        from tui.screens.arm import quit_screen

        self.push_screen(quit_screen(running), decided)
