"""The runbook pane in the app: composed when `[runbooks]` is configured.

Files are stat'ed (and re-read when one changed) in a thread: at mount and every RELOAD s (a
file that changes or disappears while shown is reloaded — ticks are matched by step text, so
they stay; a file gone keeps its last version on screen, said in the status line).
`space` journals a tick or untick (kind "step") in the open incident's journal through the
app's JournalWriter — written ahead and fsynced like a note. With no incident open nothing
is journaled: the pane says to declare first (`i`), as a checklist outside an incident has
no timeline to belong to. Ticks written by another war room reach this one through the
incident tracker's poll (0.5 s); the pane re-folds them when the tracker's entries grow.
Enter on a step linked to an action runs that action's key (`run_action`: the usual
arm/confirm/preflight flow); `c` copies a step's commands (OSC 52, when `[incident] osc52`
allows). Nothing written in a runbook is ever run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

from textual.widget import Widget

from tui.core.runbook import Library, Runbook, Scenario, fold_ticks, tick_data
from tui.core.runbook.ticks import KIND, Tick, TickKey
from tui.core.sanitize import one_line
from tui.features.base import WarroomBase
from widgets.runbook import PickRow, RunbookPanel, StepRow, StepsView

RELOAD = 1.0
"""Seconds between stats of the runbook files (and re-evaluations of linked preflights)."""
MAX_NAME = 64
"""Characters of an unknown marker name shown (the parser already bounds and filters it)."""
REPAINT = 5.0
"""Seconds after which the pane is re-rendered on a reload though neither its files nor the
store changed (linked preflights that look at the age of a result)."""
TICKS_POLL = 0.25
"""Seconds between checks of the tracker's entries for ticks from other war rooms."""


def marker_warning(name: str | None) -> str:
    """The line under a step whose marker names no configured action ("" when none)."""
    if not name:
        return ""
    return f"marker names {one_line(name)[:MAX_NAME]!r}: no such action — check the runbook"


class RunbookMixin(WarroomBase):
    """Mixed into `WarroomApp`: the runbook pane, its ticks and its links to actions."""

    _runbook_library: Library | None = None
    _runbook_choice: tuple[str, str] | None = None
    _runbook_good: dict[str, Runbook]
    _runbook_status: str = ""
    _runbook_seen: tuple[object, ...] = ()
    _runbook_pending: dict[TickKey, bool]
    _runbook_loading = False
    _runbook_task: asyncio.Task[None] | None = None
    _runbook_drawn: tuple[int, float] = (-1, 0.0)
    """(store version, monotonic time) of the last render after a reload."""

    def compose_runbook(self) -> Iterator[Widget]:
        if self.config.runbooks is not None:
            yield RunbookPanel()

    def runbook_mount(self) -> None:
        if self.config.runbooks is None:
            return
        self._runbook_library = Library.from_config(self.config)
        self._runbook_good, self._runbook_pending = {}, {}
        self.set_interval(RELOAD, self._runbook_reload)
        self.set_interval(TICKS_POLL, self._runbook_ticks_poll)
        self._runbook_reload()

    # -- loading -------------------------------------------------------------------------------
    def _runbook_reload(self) -> None:
        if self._runbook_loading or self._runbook_library is None:
            return
        self._runbook_loading = True
        # a plain task and thread, not a Textual worker: once a second, its state messages
        # cost more than the stats themselves
        self._runbook_task = asyncio.create_task(self._runbook_load())

    async def _runbook_load(self) -> None:
        library = self._runbook_library
        try:
            changed = await asyncio.to_thread(library.refresh) if library is not None else False
        except Exception as exc:  # an unexpected read error: said, never fatal
            self.notify(f"runbooks: {exc}", severity="error", markup=False)
            changed = False
        finally:
            self._runbook_loading = False
        self._runbook_loaded(changed)

    def _runbook_loaded(self, changed: bool) -> None:
        if changed and self._runbook_library is not None:
            now = self.clock().astimezone(dt.UTC).strftime("%H:%M:%S")
            for rb in self._runbook_library.runbooks:
                old = self._runbook_good.get(rb.name)
                if rb.error is None:
                    if old is not None and old is not rb and self._is_shown(rb.name):
                        self._runbook_status = f"{Path(rb.path).name} changed: reloaded at " \
                                               f"{now} (ticks kept by step text)"
                    self._runbook_good[rb.name] = rb
                elif self._is_shown(rb.name):
                    self._runbook_status = f"⚠ {rb.error} — showing the version read before"
            names = {rb.name for rb in self._runbook_library.runbooks}
            choice = self._runbook_choice
            if choice is not None and choice[0] not in names:
                self._runbook_status = (f"⚠ {choice[0]} is gone from the runbook paths — "
                                        "showing the version read before")
        # linked preflights move with the store (and with time: every REPAINT s at most)
        drawn_version, drawn_at = self._runbook_drawn
        now = time.monotonic()
        if changed or self.store.version != drawn_version or now - drawn_at >= REPAINT:
            self._runbook_drawn = (self.store.version, now)
            self.runbook_render()

    def _is_shown(self, name: str) -> bool:
        return self._runbook_choice is not None and self._runbook_choice[0] == name

    # -- ticks ---------------------------------------------------------------------------------
    def _runbook_ticks_poll(self) -> None:
        tracker = getattr(self, "incident_tracker", None)
        if tracker is None:
            return
        entries = tracker.entries
        seen = (tracker.state.id if tracker.state else None, len(entries),
                entries[-1].id if entries else None)
        if seen != self._runbook_seen:
            self._runbook_seen = seen
            self.runbook_render()

    def _ticks(self) -> dict[TickKey, Tick]:
        tracker = getattr(self, "incident_tracker", None)
        if tracker is None or tracker.state is None:
            return {}
        return fold_ticks(e for e in tracker.entries if e.kind == KIND)

    # -- rendering -----------------------------------------------------------------------------
    def runbook_render(self) -> None:
        panels = self.panels(RunbookPanel)
        if not panels or self._runbook_library is None:
            return
        ticks = self._ticks()
        for key, value in list(self._runbook_pending.items()):
            if key in ticks and ticks[key].ticked == value:
                del self._runbook_pending[key]
        found = self._chosen()
        for panel in panels:
            if found is None:
                panel.show_picker(self._pick_rows(ticks))
            else:
                panel.show_steps(self._steps_view(*found, ticks))

    def _chosen(self) -> tuple[Runbook, Scenario] | None:
        if self._runbook_choice is None:
            return None
        name, title = self._runbook_choice
        runbook = self._runbook_good.get(name)
        scenario = next((s for s in runbook.scenarios if s.title == title), None) \
            if runbook else None
        if runbook is None or scenario is None:
            return None
        return runbook, scenario

    def _pick_rows(self, ticks: dict[TickKey, Tick]) -> list[PickRow]:
        rows = []
        assert self._runbook_library is not None
        for rb in self._runbook_library.runbooks:
            if rb.error and rb.name not in self._runbook_good:
                rows.append(PickRow(rb.name, "", "", 0, error=rb.error))
                continue
            rb = self._runbook_good.get(rb.name, rb)
            for s in rb.scenarios:
                done = sum(1 for st in s.steps if (t := ticks.get((rb.name, s.title, st.text)))
                           and t.ticked)
                rows.append(PickRow(rb.name, s.title, s.label, len(s.steps), done))
        return rows

    def _steps_view(self, runbook: Runbook, scenario: Scenario,
                    ticks: dict[TickKey, Tick]) -> StepsView:
        actions = {a.name: a for a in self.config.actions}
        rows = []
        for step in scenario.steps:
            key = (runbook.name, scenario.title, step.text)
            tick = ticks.get(key)
            pending = self._runbook_pending.get(key)
            ticked = pending if pending is not None else bool(tick and tick.ticked)
            by = "saving…" if pending is not None else (
                f"{tick.author} {tick.at.astimezone(dt.UTC):%H:%M:%S}"
                if tick and tick.ticked else "")
            action = actions.get(step.action or "")
            preflight, ready, key_name = "", None, ""
            if action is not None:
                key_name = action.key
                preflight, ready = self._preflight(action)
            rows.append(StepRow(step.text, ticked, by, step.commands, step.context,
                                step.action, key_name, preflight, ready,
                                marker_warning(step.unknown_action)))
        status = self._runbook_status
        tracker = getattr(self, "incident_tracker", None)
        if tracker is not None and tracker.state is None:
            status = (status + " · " if status else "") + \
                "no incident open: declare one (i) to tick steps"
        return StepsView(runbook.name, scenario.title, scenario.label, tuple(rows),
                         scenario.notes, status)

    def _preflight(self, action) -> tuple[str, bool | None]:  # type: ignore[no-untyped-def]
        executor = getattr(self, "executor", None)
        if executor is None:
            return "", None
        if self.operator.read_only:
            return "read-only", False
        plan = executor.plan(action, self.selected_container())
        if plan.error:
            return plan.error[:80], False
        if plan.passed:
            return "preflight OK", True
        failed = plan.failures
        return f"preflight fails: {failed[0].label}" if failed else "preflight fails", False

    # -- keys ----------------------------------------------------------------------------------
    def on_runbook_panel_picked(self, message: RunbookPanel.Picked) -> None:
        if message.row.scenario:
            self._runbook_choice = (message.row.runbook, message.row.scenario)
            self._runbook_status = ""
            self.runbook_render()

    def on_runbook_panel_back(self, _message: RunbookPanel.Back) -> None:
        self._runbook_choice, self._runbook_status = None, ""
        self.runbook_render()

    async def on_runbook_panel_step_key(self, message: RunbookPanel.StepKey) -> None:
        found = self._chosen()
        if found is None:
            return
        runbook, scenario = found
        step = scenario.steps[message.index] if message.index < len(scenario.steps) else None
        if step is None or step.text != message.row.text:
            return  # the file changed under the key press
        if message.what == "tick":
            self._runbook_tick(runbook, scenario, step.text, step.action)
        elif message.what == "copy":
            self._runbook_copy(step.commands)
        elif message.what == "run":
            if step.action and any(a.name == step.action for a in self.config.actions):
                await self.run_action(f"run_action({step.action!r})")
            else:
                self.notify("this step is not linked to an action — runbook commands are "
                            "never run from warroom (c copies them)", markup=False, timeout=5)

    def _runbook_tick(self, runbook: Runbook, scenario: Scenario, text: str,
                      action: str | None) -> None:
        tracker = self.incident_tracker
        if tracker.state is None:
            self.notify("no incident open: declare one first (i) — runbook ticks are journaled "
                        "with the incident", severity="warning", markup=False, timeout=6)
            return
        key = (runbook.name, scenario.title, text)
        current = self._runbook_pending.get(key)
        if current is None:
            tick = self._ticks().get(key)
            current = bool(tick and tick.ticked)
        ticked = not current
        data = tick_data(runbook.name, scenario.title, text, ticked, action)
        journal, author = tracker.journal, tracker.author
        self._runbook_pending[key] = ticked
        self.journal_writer.put(lambda: journal.append(KIND, data, author=author))
        self.runbook_render()

    def _runbook_copy(self, commands: tuple[str, ...]) -> None:
        if not commands:
            self.notify("this step has no commands to copy", timeout=3)
            return
        text = "\n".join(commands)
        policy = self.config.incident
        if not policy.osc52:
            self.notify("clipboard copy is off (set [incident] osc52 = true); the commands "
                        "are shown under the step", severity="warning", markup=False, timeout=6)
        elif len(text.encode()) * 4 // 3 + 16 > policy.osc52_max_bytes:
            self.notify("too large for the clipboard (osc52_max_bytes)", severity="warning",
                        timeout=5)
        else:
            self.copy_to_clipboard(text)
            self.notify(f"copied {len(commands)} command line(s) to the clipboard — not run",
                        markup=False, timeout=4)
