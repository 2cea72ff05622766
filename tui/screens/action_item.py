"""A post-mortem action item: text, owner, due date (validated here, journaled by the app).
Given an open `item`, the form is prefilled to edit it (its unchanged due date is kept even
when past; a due date cannot be cleared, only moved).

ctrl+s (or Enter in the last field) saves; Escape cancels. The due date takes what the CLI
takes (YYYY-MM-DD, today, tomorrow, 7d, 2w); a bad one is said under the form, nothing closes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from tui.core.incident.items import MAX_OWNER, MAX_TEXT, ActionItem, parse_due
from tui.core.model import utcnow
from tui.core.sanitize import one_line
from tui.screens.modal import WarroomModal


def shown(text: str, limit: int) -> str:
    """A journaled text as the form shows it: one inert line, stripped, bounded."""
    return one_line(text).strip()[:limit]


@dataclass(frozen=True)
class ActionItemRequest:
    text: str
    owner: str
    due: dt.date | None


class ActionItemScreen(WarroomModal[ActionItemRequest | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="item-cancel"),
        Binding("ctrl+s", "save", "Save", id="item-save"),
    ]

    def __init__(self, incident: str, owner: str = "", item: ActionItem | None = None) -> None:
        super().__init__()
        self.incident = incident
        self.owner = shown(item.owner, MAX_OWNER) if item else owner
        self.item = item
        self.text = shown(item.text, MAX_TEXT) if item else ""
        self.due = item.due.isoformat() if item and item.due else ""

    def compose(self) -> ComposeResult:
        with Vertical():
            what = f"Edit action item {self.item.id}" if self.item else "Action item"
            yield Label(Text(f"{what} → {one_line(self.incident)[:50]}  (ctrl+s saves, "
                             "Esc cancels)", style="bold"))
            yield Input(self.text, placeholder="what to do, e.g. add an alarm on the 503 rate",
                        id="text", max_length=MAX_TEXT)
            with Horizontal():
                yield Input(self.owner, placeholder="owner", id="owner", max_length=MAX_OWNER)
                yield Input(self.due, placeholder="due: YYYY-MM-DD, 7d, 2w (blank: none)",
                            id="due")
            yield Static("", id="error", markup=False)
            with Horizontal():
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#text", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "due":
            self.action_save()
        else:
            self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        error = self.query_one("#error", Static)
        text = self.query_one("#text", Input).value.strip()
        if not text:
            error.update("say what is to be done")
            self.query_one("#text", Input).focus()
            return
        due_text = self.query_one("#due", Input).value.strip()
        if self.item is not None and self.item.due and not due_text:
            error.update("a due date cannot be removed: set another one")
            self.query_one("#due", Input).focus()
            return
        try:
            if self.item is not None and self.item.due and due_text == self.due:
                due: dt.date | None = self.item.due  # unchanged, even if past by now
            else:
                due = parse_due(due_text, utcnow().date()) if due_text else None
        except ValueError as exc:
            error.update(str(exc))
            self.query_one("#due", Input).focus()
            return
        self.dismiss(ActionItemRequest(text, self.query_one("#owner", Input).value.strip(), due))
