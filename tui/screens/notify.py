"""Sending a status update: pick its kind, read the draft and the targets, send or cancel.

`NotifyKindScreen` lists the update kinds (the one matching the incident's status first).
`NotifyScreen` shows the draft exactly as it will be sent, and the targets by name, kind and
``scheme://host/…`` only (the caller never hands it a URL). The draft is rendered by the app
after the screen opens (`show_draft`): until then, and if rendering failed, Send is disabled.
Cancel has focus; `y` sends, `n` or Escape cancels. Every string is shown as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.core.sanitize import one_line, sanitize
from tui.screens.modal import WarroomModal

KIND_HELP = {
    "internal": "the war-room update (status, services, actions taken, next update)",
    "investigating": "status page: we are investigating",
    "identified": "status page: the cause is identified, a fix is being applied",
    "monitoring": "status page: a fix is applied, we are watching",
    "resolved": "status page: resolved (with the root cause and duration)",
}


class NotifyKindScreen(WarroomModal[str | None]):
    """Which update to send (Enter picks, Escape closes)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="notify-kind-cancel"),
    ]

    def __init__(self, kinds: Sequence[str], first: str, targets: int) -> None:
        super().__init__()
        self.kinds = sorted(kinds, key=lambda k: k != first)
        self.targets = targets

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"Send a status update to {self.targets} target(s): which one?",
                             style="bold"))
            yield OptionList(*(Option(Text(f"{k:<14} {KIND_HELP.get(k, '')}"), id=k)
                               for k in self.kinds), markup=False)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NotifyScreen(WarroomModal[bool | None]):
    """Confirm one status update: the draft, the targets; Cancel has focus."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="notify-cancel"),
        Binding("n", "no", "No", show=False),
        Binding("y", "yes", "Send", show=False),
    ]
    LETTER_ACTIONS = frozenset({"yes", "no"})

    def __init__(self, kind: str, incident: str, targets: Sequence[str],
                 production: str | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.incident = incident
        self.targets = list(targets)
        self.production = production
        self.draft: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"Send status update: {self.kind}"
            if self.production:
                yield Static(Text(f"▲ PRODUCTION: {one_line(self.production)}",
                                  style="bold white on red"))
            yield Static(Text(f"incident {one_line(self.incident)[:80]}"), id="notify-incident")
            yield Static(self._targets_text(), id="notify-targets")
            with VerticalScroll(id="notify-draft-box"):
                yield Static(Text("rendering the update…", style="italic"), id="notify-draft")
            yield Static("", id="notify-problem", markup=False)
            with Horizontal(id="notify-buttons"):
                yield Button("Cancel (n)", id="cancel", variant="primary")
                yield Button("Send (y)", id="send", variant="error", disabled=True)

    def _targets_text(self) -> Text:
        text = Text("to: ", style="bold")
        text.append("\n".join(f"  {one_line(t)}" for t in self.targets).lstrip())
        return text

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def show_draft(self, text: str) -> None:
        """The update as it will be sent; Send is enabled."""
        self.draft = text
        self.query_one("#notify-draft", Static).update(Text(sanitize(text).rstrip("\n")))
        self.query_one("#send", Button).disabled = False

    def show_problem(self, message: str) -> None:
        """Rendering failed: say why; nothing can be sent."""
        self.query_one("#notify-draft", Static).update(Text(""))
        self.query_one("#notify-problem", Static).update(Text(one_line(message),
                                                              style="bold red"))

    def plain(self) -> str:
        """What the dialog says, as plain text (tests)."""
        return "\n".join([f"incident {self.incident}", "to:", *self.targets, self.draft or ""])

    def action_yes(self) -> None:
        if self.draft is not None:
            self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "send":
            self.action_yes()
        else:
            self.dismiss(None)
