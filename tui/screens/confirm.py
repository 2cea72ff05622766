"""A reusable confirmation modal: exactly what will run, where, and what the checks said.

`ConfirmScreen(title, what, where, command)` is the simple form (e.g. a container restart):
Cancel has focus, Escape cancels, Enter on Cancel cancels, `y` / `n` answer (shown on the
buttons). Options add a typed confirmation
(the user types the target, e.g. `green`), preflight results (any failure requires a typed
override reason), a production warning and more detail rows. Dismisses with a
`ConfirmResult` (truthy) or None. Every string is shown as plain text, never as markup.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Static

from tui.core.attempts import PreflightResult
from tui.screens.modal import WarroomModal


@dataclass(frozen=True)
class ConfirmResult:
    """How the user confirmed: "simple" or "typed", and the override reason if any."""

    confirmed: str
    override_reason: str | None = None


class ConfirmScreen(WarroomModal[ConfirmResult | None]):
    """Confirm one operation. The safe choice has focus: Cancel for a simple y/N confirmation
    (`y` confirms, `n` or Escape cancels, both shown on the buttons); when text is asked for
    (the target to type, or the reason to override a failed preflight), the empty field, and
    no single letter answers: every letter typed is text (Enter there confirms only when the
    text is complete)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("n", "no", "No", show=False),
        Binding("y", "yes", "Yes", show=False),
    ]
    LETTER_ACTIONS = frozenset({"yes", "no"})

    def __init__(
        self, title: str, what: str, where: str, command: Sequence[str] | str = "", *,
        details: Sequence[tuple[str, str]] = (), typed: str | None = None,
        checks: Sequence[PreflightResult] = (), data_age: float | None = None,
        production: str | None = None, warnings: Sequence[str] = (),
        confirm_label: str = "Run",
    ) -> None:
        super().__init__()
        self.title_text, self.what, self.where = title, what, where
        self.command = command
        self.details = list(details)
        self.typed = typed
        self.checks = list(checks)
        self.data_age = data_age
        self.production = production
        self.warnings = list(warnings)
        self.needs_reason = any(not c.ok for c in self.checks)
        self.confirm_label = "Override and run" if self.needs_reason else confirm_label
        self.letters = typed is None and not self.needs_reason
        """`y` / `n` answer only in a dialog that asks for no text."""
        self.set_class(production is not None, "production")

    # -- layout --------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            with VerticalScroll():
                yield Static(self._summary(), id="confirm-summary")
            if self.typed is not None:
                yield Static(Text(f"Type {self.typed!r} to confirm:", style="bold"))
                yield Input(placeholder=self.typed, id="confirm-typed")
            if self.needs_reason:
                yield Static(Text("Preflight FAILED. To run anyway, type the reason "
                                  "(it is recorded in the journal):", style="bold red"))
                yield Input(placeholder="why it is safe to run anyway", id="confirm-reason")
            yield Static("", id="confirm-problem")
            with Horizontal():
                no, yes = ("Cancel (n)", f"{self.confirm_label} (y)") if self.letters else \
                    ("Cancel (Esc)", f"{self.confirm_label} (Enter)")
                yield Button(no, id="cancel", variant="primary")
                yield Button(yes, id="run", variant="error")

    def on_mount(self) -> None:
        if self.typed is not None:
            self.query_one("#confirm-typed", Input).focus()
        elif self.needs_reason:
            self.query_one("#confirm-reason", Input).focus()
        else:
            self.query_one("#cancel", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.LETTER_ACTIONS and not self.letters:
            return False  # a dialog asking for text takes letters as text, even after Tab
        return super().check_action(action, parameters)

    def action_yes(self) -> None:
        """`y` on a simple confirmation."""
        self._try_confirm()

    def action_no(self) -> None:
        """`n` on a simple confirmation."""
        self.dismiss(None)

    def _summary(self) -> Table:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        if self.production:
            grid.add_row(Text("▲", style="bold white on red"),
                         Text(f"PRODUCTION: {self.production}", style="bold white on red"))
        grid.add_row("what", Text(self.what))
        grid.add_row("where", Text(self.where))
        if self.command:
            shown = self.command if isinstance(self.command, str) else _argv(self.command)
            grid.add_row("argv", Text(shown))
        for label, value in self.details:
            grid.add_row(Text(label), Text(value))
        for warning in self.warnings:
            grid.add_row(Text("!", style="bold yellow"), Text(warning, style="bold yellow"))
        if self.checks:
            age = "" if self.data_age is None else f" (data {self.data_age:.0f} s old)"
            grid.add_row("preflight", Text(("PASS" if not self.needs_reason else "FAIL") + age,
                                           style="bold green" if not self.needs_reason
                                           else "bold red"))
            for check in self.checks:
                mark = Text("✓" if check.ok else "✗", style="green" if check.ok else "bold red")
                line = Text(check.label, style="bold")
                line.append(f": {check.reason}")
                if check.age is not None:
                    line.append(f" ({check.age:.0f} s ago)", style="dim")
                grid.add_row(mark, line)
        return grid

    def plain(self, width: int = 76) -> str:
        """The summary as plain text (what the user reads), e.g. for tests and copying."""
        from rich.console import Console

        console = Console(width=width, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
        console.print(self._summary())
        return console.export_text()

    # -- behaviour ------------------------------------------------------------------------
    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "cancel":
            self.dismiss(None)
        else:
            self._try_confirm()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._try_confirm()

    def _try_confirm(self) -> None:
        problem = self.query_one("#confirm-problem", Static)
        if self.typed is not None:
            typed = self.query_one("#confirm-typed", Input).value.strip()
            if typed != self.typed:
                problem.update(Text(f"type exactly {self.typed!r} to confirm"))
                self.query_one("#confirm-typed", Input).focus()
                return
        reason = None
        if self.needs_reason:
            reason = self.query_one("#confirm-reason", Input).value.strip()
            if len(reason) < 3:
                problem.update(Text("a failing preflight needs a reason to override"))
                self.query_one("#confirm-reason", Input).focus()
                return
        self.dismiss(ConfirmResult("typed" if self.typed is not None else "simple", reason))


def _argv(argv: Sequence[str]) -> str:
    import shlex

    return " ".join(shlex.quote(a) for a in argv)


def plan_screen(plan: Any, executor: Any) -> ConfirmScreen:
    """The confirmation for an actions `Plan` (argv, env, host, user, cwd, timeout, checks)."""
    action = plan.action
    details = [("user", plan.user), ("timeout", f"{action.timeout:g} s")]
    cwd = plan.expanded.cwd if plan.expanded and plan.expanded.cwd else None
    details.append(("cwd", executor.redact(cwd) if cwd else
                    ("(login directory)" if plan.where != "local" else executor.config.base_dir)))
    env = executor.display_env(plan)
    if env:
        details.append(("env", " ".join(env)))
    if plan.expanded and plan.expanded.expected_color:
        details.append(("expect", f"live color becomes {plan.expanded.expected_color}"))
    warnings = []
    if action.shell:
        warnings.append("shell = true: the script runs through sh -c")
    if plan.error:
        warnings.append(plan.error)
    checks = [replace(p, reason=executor.redact(p.reason)) for p in plan.preflight]
    if plan.error:
        checks.append(PreflightResult("command", False, plan.error))
    env_name = executor.config.environment.name
    return ConfirmScreen(
        f"Run {action.name}?", action.description or action.name, plan.target,
        executor.display_argv(plan), details=details,
        typed=plan.expanded.typed_target if plan.expanded else None,
        checks=checks, data_age=plan.data_age,
        production=env_name if plan.production else None, warnings=warnings,
    )
