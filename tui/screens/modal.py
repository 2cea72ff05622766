"""The base of every war-room dialog, and the app actions still allowed above the screen.

Keys apply in the order typed (`tui/features/key_order.py`); while a dialog (any screen above
the main one) is active, Textual stops non-priority key lookups at the modal screen and the
app's `check_action` refuses every war-room action except `GENERIC_ACTIONS`, so no path — a
priority key, `run_action` — reaches beneath. Quitting (ctrl+c) stays possible.

`WarroomModal` is the base of every dialog: single-letter answers (`y`, `n`, `q` ...) listed
in `LETTER_ACTIONS` work only when no text field has focus, so a letter typed into a reason or
a note is text, never an answer.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.screen import ModalScreen
from textual.widgets import Input, TextArea

ResultType = TypeVar("ResultType")

TEXT_FIELDS = (Input, TextArea)

GENERIC_ACTIONS = frozenset({
    "quit", "help_quit", "focus_next", "focus_previous", "bell", "command_palette",
    "copy_text", "notify", "hide_help_panel", "maximize", "minimize", "screenshot",
})
"""App actions that stay allowed while a dialog is active: Textual's own mechanics (Tab
between a dialog's fields, ctrl+c quit, the palette), none of which acts on the war room."""

class WarroomModal(ModalScreen[ResultType]):
    """Base of the war room's dialogs: letter answers only while no text field has focus."""

    LETTER_ACTIONS: ClassVar[frozenset[str]] = frozenset()
    """Actions bound to single printable keys (`y`, `n`, `q` ...)."""

    def text_focused(self) -> bool:
        return isinstance(self.focused, TEXT_FIELDS)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.LETTER_ACTIONS and self.text_focused():
            return False
        return super().check_action(action, parameters)
