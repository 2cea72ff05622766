"""The runbook pane: pick a runbook's scenario, then work its steps as a checklist.

Renders what it is given (no I/O): in the picker, one row per scenario of every configured
runbook; in a scenario, one row per step — a tick box, the step, who ticked it and when, a
linked action's key and preflight state, its commands (shown, never run) and context. Keys
while focused: up/down move, Enter opens a scenario (picker) or starts the linked action's
arm/confirm flow (step), space ticks/unticks, `c` copies the step's commands, left/backspace
goes back to the picker. The app does the journaling, the copying and the actions (messages).
Every text is sanitized by the parser and drawn as `Text` (never markup).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message

from widgets.steady import SteadyStatic, set_border


@dataclass(frozen=True)
class PickRow:
    runbook: str
    scenario: str
    label: str
    steps: int
    ticked: int = 0
    error: str = ""


@dataclass(frozen=True)
class StepRow:
    text: str
    ticked: bool = False
    by: str = ""
    """"ann 04:12:03" when ticked."""
    commands: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    action: str | None = None
    key: str = ""
    preflight: str = ""
    """"ready", "preflight fails: …", "unknown action" …"""
    ready: bool | None = None
    warning: str = ""
    """Shown under the step in yellow: "marker names 'rollbak': no such action — …"."""


@dataclass(frozen=True)
class StepsView:
    runbook: str
    scenario: str
    title: str
    rows: tuple[StepRow, ...]
    notes: tuple[str, ...] = ()
    status: str = ""
    """A line above the steps: "file changed: reloaded", "no incident open …"."""


STEP_INDENT = 6
"""Columns before a step's text ("› [x] "); its wrapped lines start there too."""


class RunbookPanel(VerticalScroll):
    """`show_picker(rows)` / `show_steps(view)`; the cursor is kept by index."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("down", "move(1)", "Next", show=False),
        Binding("home", "move(-100000)", "First", show=False),
        Binding("end", "move(100000)", "Last", show=False),
        Binding("space", "tick", "Tick step", id="runbook-tick"),
        Binding("enter", "enter", "Open / run linked action", id="runbook-enter"),
        Binding("c", "copy", "Copy commands", id="runbook-copy"),
        Binding("left,backspace", "back", "Scenarios", id="runbook-back"),
    ]

    class Picked(Message):
        def __init__(self, row: PickRow) -> None:
            super().__init__()
            self.row = row

    class StepKey(Message):
        """`what` is "tick", "run" or "copy"; `index` the step's row."""

        def __init__(self, what: str, index: int, row: StepRow) -> None:
            super().__init__()
            self.what, self.index, self.row = what, index, row

    class Back(Message):
        pass

    def __init__(self, id: str = "runbook") -> None:
        super().__init__(id=id)
        self.border_title = "Runbook"
        self.body = SteadyStatic("no runbook loaded yet…", id="runbook-body", markup=False)
        self.mode = "picker"
        self.cursor = 0
        self.picks: tuple[PickRow, ...] = ()
        self.view: StepsView | None = None
        self._starts: list[int] = []  # the first body line of each row

    def compose(self):  # type: ignore[no-untyped-def]
        yield self.body

    # -- data ----------------------------------------------------------------------------------
    def show_picker(self, rows: list[PickRow], status: str = "") -> None:
        if self.mode != "picker":
            self.cursor = 0
        self.mode, self.picks = "picker", tuple(rows)
        set_border(self, "Runbook · choose a scenario", "Enter opens")  # redrawn every second
        self._draw(status)

    def show_steps(self, view: StepsView) -> None:
        same = self.view is not None and (self.view.runbook, self.view.scenario) == (
            view.runbook, view.scenario)
        if self.mode != "steps" or not same:
            self.cursor = 0
        self.mode, self.view = "steps", view
        done = sum(r.ticked for r in view.rows)
        set_border(self, f"Runbook · {view.title}",
                   f"{done}/{len(view.rows)} · space ticks · ← scenarios")
        self._draw(view.status)

    def _count(self) -> int:
        return len(self.picks) if self.mode == "picker" else len(self.view.rows if self.view
                                                                 else ())

    # -- keys ----------------------------------------------------------------------------------
    def action_move(self, step: int) -> None:
        count = self._count()
        if count:
            self.cursor = max(0, min(count - 1, self.cursor + step))
            self._draw(self.view.status if self.mode == "steps" and self.view else "")

    def action_enter(self) -> None:
        if self.mode == "picker":
            if self.picks:
                self.post_message(self.Picked(self.picks[min(self.cursor, len(self.picks) - 1)]))
        else:
            self._step("run")

    def action_tick(self) -> None:
        self._step("tick")

    def action_copy(self) -> None:
        self._step("copy")

    def action_back(self) -> None:
        if self.mode == "steps":
            self.post_message(self.Back())

    def _step(self, what: str) -> None:
        if self.mode == "steps" and self.view and self.view.rows:
            index = min(self.cursor, len(self.view.rows) - 1)
            self.post_message(self.StepKey(what, index, self.view.rows[index]))

    # -- drawing -------------------------------------------------------------------------------
    def on_resize(self) -> None:
        if self.mode != "picker" and self.view is not None:
            self._draw(self._status)

    def _hanging(self, out: Text, body: Text, indent: int, width: int) -> int:
        """Append `body` (its first line already preceded by `indent` columns) wrapped to
        `width` with continuation lines indented the same; the lines it took."""
        lines = body.wrap(self.app.console, max(10, width - indent))
        for n, piece in enumerate(lines):
            if n:
                out.append(" " * indent)
            out.append_text(piece)
            out.append("\n")
        return max(1, len(lines))

    _status = ""

    def _draw(self, status: str = "") -> None:
        self._status = status
        text = Text(no_wrap=False, overflow="fold")
        self._starts = []
        line = 0
        if status:
            text.append(status + "\n", style="bold yellow")
            line += 1
        if self.mode == "picker":
            if not self.picks:
                text.append("no runbooks: set [runbooks] paths in the config", style="dim")
            runbook = None
            for i, row in enumerate(self.picks):
                if row.runbook != runbook:
                    runbook = row.runbook
                    text.append(f"{row.runbook}\n", style="bold")
                    line += 1
                self._starts.append(line)
                mark = "›" if i == self.cursor else " "
                style = "reverse" if i == self.cursor else ""
                if row.error:
                    text.append(f"{mark} {row.error}\n", style="red")
                else:
                    done = f" {row.ticked}/{row.steps}" if row.ticked else f" {row.steps} steps"
                    text.append(f"{mark} {row.label}", style=style)
                    text.append(f"  ·{done}\n", style="dim")
                line += 1
        else:
            view = self.view
            assert view is not None
            for note in view.notes[:2]:
                text.append(note + "\n", style="dim")
                line += 1
            width = max(20, self.scrollable_content_region.width or 78)
            for i, row in enumerate(view.rows):
                self._starts.append(line)
                here = i == self.cursor
                text.append("›" if here else " ")
                text.append(" [x] " if row.ticked else " [ ] ",
                            style="bold green" if row.ticked else "")
                step = Text(row.text, style=("reverse " if here else "") +
                            ("dim" if row.ticked else ""))
                if row.ticked and row.by:
                    step.append(f"  ✓ {row.by}", style="green")
                if row.action:
                    step.append(f"  [{row.key or '?'}] {row.action}", style="bold cyan")
                    if row.preflight:
                        step.append(f" · {row.preflight}",
                                    style="green" if row.ready else "yellow")
                line += self._hanging(text, step, STEP_INDENT, width)
                if row.warning:
                    text.append(" " * (STEP_INDENT + 2))
                    line += self._hanging(text, Text(f"⚠ {row.warning}", style="yellow"),
                                          STEP_INDENT + 2, width)
                extra = [*row.context[:3]] if here else []
                extra += [f"$ {c}" for c in row.commands[: 8 if here else 2]]
                if not here and len(row.commands) > 2:
                    extra.append(f"… {len(row.commands) - 2} more command(s)")
                for item in extra:
                    text.append(" " * (STEP_INDENT + 2))
                    style = "yellow" if item.startswith("$ ") else "dim"
                    line += self._hanging(text, Text(item, style=style), STEP_INDENT + 2,
                                          width)
            if not view.rows:
                text.append("this scenario has no steps", style="dim")
        self.body.paint(text)
        if self._starts and self.cursor < len(self._starts):
            y = self._starts[self.cursor]
            height = max(1, self.scrollable_content_region.height)
            if not (self.scroll_y <= y < self.scroll_y + height - 2):
                self.scroll_to(y=max(0, y - height // 3), animate=False)
