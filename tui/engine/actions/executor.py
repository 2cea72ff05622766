"""Plan, guard, run and audit actions. UI-free: the app shows plans and runs, nothing more.

`plan()` expands the action against live values and evaluates its preflight; the confirm
screen shows that plan. `start()` re-checks everything (read-only, armed, single flight, the
plan still expands to the same argv, preflight or an override reason), writes the `started`
record, then spawns. Every attempt ends in one journal record: refused, cancelled, blocked,
or started followed by finished / failed / timed_out / cancelled / interrupted / error, and
then an `effect` record when the action declares an expected color.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import secrets
import time
from collections.abc import Callable
from typing import Any

from probes.command import stream_local
from probes.ssh import SshError, SshPool, known_hosts_name
from tui.core.attempts import JournalUnwritable, Plan, Run
from tui.core.config.actions import Action
from tui.core.config.schema import Config
from tui.core.sanitize import sanitize
from tui.core.silences import Silence, SilenceRequest
from tui.core.store import Store

from .audit import (
    JournalLike,
    Redactor,
    attempt_record,
    close_unfinished,
    display_env,
    tail,
    write_action,
)
from .containers import ContainerAct, container_action
from .operator import OperatorMode
from .preflight import evaluate
from .silences import ExpireSilence, PostSilence, expire_action, silence_action
from .values import Expanded, LiveValues, TemplateError, expand_action

Listener = Callable[["Run", str], Any]
"""`listener(run, event)`: event is "output" (a new line) or "status" (state changed)."""
Refresh = Callable[[set[str] | None], Any]


class Executor:
    """Runs configured actions locally or through `pool`, auditing to `journal`."""

    def __init__(
        self, config: Config, store: Store, journal: JournalLike, pool: SshPool | None = None,
        *, operator: OperatorMode | None = None, read_only: bool = False,
        refresh: Refresh | None = None, listener: Listener | None = None,
        redactor: Redactor | None = None, effect_wait: float = 10.0,
        author: str | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.journal = journal
        self.pool = pool
        self.read_only = read_only
        self.operator = operator or OperatorMode(read_only, config.operator.arm_minutes * 60)
        self.refresh = refresh
        self.listener = listener
        self.redact = redactor or Redactor.for_config(config)
        self.effect_wait = effect_wait
        self.author = author
        self.runs: dict[str, Run] = {}

    # -- planning ------------------------------------------------------------------------
    def action(self, name: str) -> Action:
        return next(a for a in self.config.actions if a.name == name)

    def plan(self, action: Action, container: str | None = None) -> Plan:
        values = LiveValues.from_store(self.config, self.store, container)
        try:
            expanded: Expanded | None = expand_action(action, values)
            error = None
        except TemplateError as exc:
            expanded, error = None, f"cannot build the command: {exc}"
        uses_color = expanded.uses_color if expanded else True
        results = evaluate(action, self.config, self.store, values, uses_color)
        where, target, user = self._target(action)
        return Plan(action, expanded, error, where, target, user, results,
                    self.config.environment.production, container)

    def _target(self, action: Action) -> tuple[str, str, str]:
        local_user = _local_user()
        if action.host == "local":
            return "local", f"local ({local_user}@this machine)", local_user
        host = self.config.hosts[action.host]
        user = host.user or local_user
        where = f"{action.host}: {user}@{known_hosts_name(host.address, host.port)}"
        return action.host, self.redact(where), self.redact(user)

    def display_argv(self, plan: Plan) -> list[str]:
        return self.redact.seq(plan.argv)

    def display_env(self, plan: Plan) -> list[str]:
        return display_env(plan, self.redact)

    # -- guards ----------------------------------------------------------------------------
    def refusal(self) -> str | None:
        """Why nothing can run right now (read-only, not armed), or None."""
        if self.read_only or self.operator.read_only:
            return "read-only mode: actions are disabled"
        if not self.operator.armed:
            return "operator mode is not armed"
        return None

    def attempt(self, attempt: str) -> Run | None:
        """The newest run of an action, if it is attempt `attempt`."""
        return next((r for r in self.runs.values() if r.attempt == attempt), None)

    def running(self, name: str) -> Run | None:
        run = self.runs.get(name)
        return run if run is not None and run.running else None

    # -- attempts that never run -----------------------------------------------------------
    def record_cancelled(self, plan: Plan) -> str | None:
        """The user dismissed the confirmation. Returns a problem to show, or None."""
        return self._record_only(plan, "cancelled", "dismissed at confirmation")

    def record_blocked(self, plan: Plan) -> str | None:
        """The preflight failed and the user did not override. Returns a problem, or None."""
        return self._record_only(plan, "blocked", _failures(plan))

    def _record_only(self, plan: Plan, outcome: str, reason: str) -> str | None:
        try:
            self._audit(self._new_run(plan), outcome, reason=reason)
        except JournalUnwritable as exc:
            return str(exc)
        return None

    def _new_run(self, plan: Plan) -> Run:
        return Run(attempt=secrets.token_hex(6), plan=plan, journal=self.pinned_journal())

    def _finish_early(self, run: Run, status: str, reason: str) -> Run:
        run.status, run.reason = status, reason
        run.done.set()
        with contextlib.suppress(JournalUnwritable):  # already said on screen via the run
            self._audit(run, status, reason=reason)
        self._notify(run, "status")
        return run

    # -- running -----------------------------------------------------------------------------
    def start(self, plan: Plan, confirmed: str = "simple", override_reason: str | None = None
              ) -> Run:
        """Start the confirmed plan. Returns the running Run (the existing one if in flight)."""
        existing = self.running(plan.action.name)
        if existing is not None:
            return existing
        run = self._new_run(plan)
        refusal = self.refusal()
        if refusal:
            return self._finish_early(run, "refused", refusal)
        fresh = self.plan(plan.action, plan.container)
        if fresh.error:
            return self._finish_early(run, "refused", fresh.error)
        if (fresh.argv, fresh.expanded and fresh.expanded.env, fresh.where) != (
            plan.argv, plan.expanded and plan.expanded.env, plan.where
        ):
            return self._finish_early(
                run, "refused", "the live state changed since confirmation; review it again")
        run.plan = fresh
        override = (override_reason or "").strip()
        if not fresh.passed and not override:
            return self._finish_early(run, "blocked", _failures(fresh))
        try:  # write-ahead: nothing spawns unless the attempt is on disk first
            self._audit(run, "started", confirmed=confirmed, overridden=not fresh.passed,
                        override_reason=self.redact(override) if not fresh.passed else None)
        except JournalUnwritable as exc:
            return self._finish_early(run, "refused", str(exc))
        self.runs[fresh.action.name] = run
        run.status = "running"
        self._notify(run, "status")
        run.task = asyncio.create_task(self._execute(run), name=f"action:{run.name}")
        return run

    async def run(self, plan: Plan, confirmed: str = "simple",
                  override_reason: str | None = None) -> Run:
        """`start()` and wait for the outcome (and the effect check)."""
        run = self.start(plan, confirmed, override_reason)
        await run.done.wait()
        return run

    def cancel(self, name: str) -> bool:
        """Stop a running action (TERM→KILL locally; channel + process group remotely)."""
        run = self.running(name)
        if run is None:
            return False
        run.cancel_event.set()
        return True

    async def _execute(self, run: Run) -> None:
        plan, expanded = run.plan, run.plan.expanded
        assert expanded is not None
        outcome, error = "error", None
        try:
            if self.read_only:  # independent second guard, right before anything spawns
                raise PermissionError("read-only mode: refusing to spawn")
            result = await self._spawn(run, expanded)
            run.exit_status, run.signal = result.exit_status, result.signal
            if result.timed_out:
                outcome = "timed_out"
            elif result.cancelled:
                outcome = "cancelled"
            elif result.exit_status == 0:
                outcome = "finished"
            else:
                outcome = "failed"
        except asyncio.CancelledError:
            run.status = "interrupted"
            self._close(run, "interrupted", "the app stopped while the action ran")
            run.done.set()
            self._notify(run, "status")
            raise
        except (OSError, SshError, ValueError) as exc:
            error = str(exc)
        run.status = outcome
        self._close(run, outcome, error)
        if outcome == "finished" and (expanded.expected_color or plan.action.refresh):
            await self._check_effect(run, expanded.expected_color)
        run.done.set()
        self._notify(run, "status")

    async def _spawn(self, run: Run, expanded: Expanded) -> Any:
        action = run.plan.action
        timeout = action.timeout

        def out(stream: str, text: str) -> None:
            for line in self.redact(sanitize(text)).split("\n"):  # secrets never on screen
                if line or not text.endswith("\n"):
                    run.lines.append((stream, line))
                    run.line_count += 1
                    self._notify(run, "output")

        def pid(value: int) -> None:
            run.pid = value
            with contextlib.suppress(JournalUnwritable):  # the started record is on disk
                write_action(run.journal, {"attempt": run.attempt, "action": run.name,
                                           "outcome": "running", "pid": value,
                                           "where": run.plan.where}, self.author, "pid")

        if action.host == "local":
            cwd = str(self.config.path(expanded.cwd)) if expanded.cwd else self.config.base_dir
            return await stream_local(expanded.argv, expanded.env, timeout, out, cwd,
                                   run.cancel_event, pid)
        if self.pool is None:
            raise SshError(f"no SSH pool to reach host {action.host!r}")
        return await self.pool.run(action.host, expanded.argv, expanded.env, timeout, out,
                                   expanded.cwd, run.cancel_event, pid)

    def _close(self, run: Run, outcome: str, error: str | None) -> None:
        run.duration = time.monotonic() - run.started_at
        run.reason = self.redact(error or "")
        try:
            self._close_record(run, outcome)
        except JournalUnwritable as exc:
            run.reason = f"{run.reason}; {exc}" if run.reason else str(exc)

    def _close_record(self, run: Run, outcome: str) -> None:
        self._audit(run, outcome, error=run.reason or None, exit_code=run.exit_status,
                    signal=run.signal, duration_s=round(run.duration, 3), pid=run.pid,
                    output_tail=tail((line + "\n" for _, line in run.lines), self.redact))

    async def _check_effect(self, run: Run, expected: str | None) -> None:
        """Probe the refresh targets at once; for an expected color, wait (listening to the
        store, asking again every second) until a reading newer than the run shows it."""
        finished = self.store.color.at if self.store.color else None
        targets = _refresh_names(run.plan.action.refresh, self.config)
        if expected and targets is not None:
            targets.add("color")
        if self.refresh is not None:
            self.refresh(targets)
        if expected is None:
            return
        reading = asyncio.Event()
        unsubscribe = self.store.subscribe(lambda kind: reading.set() if kind == "color" else None)
        deadline = time.monotonic() + self.effect_wait
        observed = None
        try:
            while (left := deadline - time.monotonic()) > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(reading.wait(), min(1.0, left))
                if not reading.is_set():  # a second without a reading: ask again
                    if self.refresh is not None:
                        self.refresh(targets)
                    continue
                reading.clear()
                color = self.store.color
                if color is not None and (finished is None or color.at > finished):
                    observed = color.live
                    if observed == expected:
                        break
        finally:
            unsubscribe()
        run.effect_ok = observed == expected
        run.effect = (f"live color is now {observed}" if run.effect_ok else
                      f"expected live color {expected}, observed {observed or 'no new reading'}")
        try:
            self._audit(run, "effect", expected=expected, observed=observed, ok=run.effect_ok)
        except JournalUnwritable as exc:
            run.effect = f"{run.effect} ({exc})"

    async def shutdown(self) -> None:
        """Stop every running action, recording each as interrupted."""
        for run in list(self.runs.values()):
            if run.running and run.task is not None:
                run.task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await run.task

    def recover(self) -> list[dict[str, Any]]:
        """Close the attempts a killed app left open (call once at startup)."""
        journals = getattr(self.journal, "open_journals", None)
        if journals is not None:
            return [record for j in journals() for record in close_unfinished(j)]
        return close_unfinished(self.journal) if hasattr(self.journal, "load") else []

    # -- audit -------------------------------------------------------------------------------
    def _audit(self, run: Run, outcome: str, **extra: Any) -> None:
        write_action(run.journal or self.journal, attempt_record(run, outcome, self.redact, extra),
                     self.author, f"{outcome} of {run.name}")

    def pinned_journal(self) -> JournalLike:
        """The journal an attempt starting now writes all its records to (the active one)."""
        pin = getattr(self.journal, "current", None)
        return pin() if pin is not None else self.journal

    async def container_action(self, host: str, name: str, action: str,
                               act: ContainerAct) -> str:
        """Restart, stop or start one container (`containers.container_action`)."""
        return await container_action(self, host, name, action, act)

    async def silence(self, request: SilenceRequest, post: PostSilence) -> str:
        """Silence alerts in Alertmanager (`silences.silence_action`): guarded, audited."""
        return await silence_action(self, request, post)

    async def expire_silence(self, silence: Silence, author: str, expire: ExpireSilence
                             ) -> str:
        """Expire `author`'s own silence (`silences.expire_action`): guarded, audited."""
        return await expire_action(self, silence, author, expire)

    def _notify(self, run: Run, event: str) -> None:
        if self.listener is not None:
            self.listener(run, event)


def _failures(plan: Plan) -> str:
    parts = [plan.error] if plan.error else []
    parts += [f"{p.label}: {p.reason}" for p in plan.failures]
    return "; ".join(parts) or "preflight failed"


def _refresh_names(targets: tuple[str, ...], config: Config) -> set[str] | None:
    names: set[str] = set()
    for target in targets:
        if target == "all":
            return None
        if target == "services":
            names.update(s.name for s in config.services)
        else:
            names.add(target)
    return names


def _local_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "?"
