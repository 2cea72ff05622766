"""`n`: a multi-line note, optionally backdated, pinned, correcting another, with evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from tui.core.incident.ops import MAX_NOTE
from tui.core.incident.timeparse import parse_when
from tui.core.journal import Entry
from tui.core.model import utcnow
from tui.core.sanitize import one_line
from tui.screens.modal import WarroomModal


@dataclass(frozen=True)
class NoteRequest:
    text: str
    at: object  # datetime | None (None = now)
    pinned: bool
    evidence: bool
    supersedes: str | None
    log_source: str | None = None


class NoteScreen(WarroomModal[NoteRequest | None]):
    """Escape cancels; ctrl+s saves (Enter is a newline in the text). ctrl+s is an ordinary
    binding: it bubbles up from the text area after every key typed before it was applied
    there (and the app applies keys one at a time, `tui.screens.modal`)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="note-cancel"),
        Binding("ctrl+s", "save", "Save note", id="note-save"),
    ]

    def __init__(self, target: str, correcting: Entry | None = None, text: str = "",
                 pinned: bool = False, log_sources: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.log_sources = log_sources
        self.target = target
        self.correcting = correcting
        self.initial_text = text
        self.initial_pinned = pinned

    def compose(self) -> ComposeResult:
        with Vertical():
            verb = "Correction" if self.correcting else "Note"
            yield Label(Text(f"{verb} → {one_line(self.target)}  (ctrl+s saves, Esc cancels)",
                             style="bold"))
            if self.correcting is not None:
                old = one_line(self.correcting.text())[:200]
                yield Static(Text(f"supersedes {self.correcting.id}: {old}", style="dim"),
                             markup=False)
            yield TextArea(self.initial_text, id="text", soft_wrap=True)
            with Horizontal():
                yield Input(placeholder="when it happened: blank = now, 10m, 06:40 (UTC), ISO",
                            id="when")
                yield Checkbox("pin (key event)", self.initial_pinned, id="pin")
                yield Checkbox("attach evidence", False, id="evidence")
            if self.log_sources:
                yield Select([(Text(one_line(s)[:60]), s) for s in self.log_sources],
                             prompt="evidence: no log lines", id="logsrc")
            yield Static("", id="error", markup=False)
            with Horizontal():
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#text", TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        text = self.query_one("#text", TextArea).text.strip("\n")
        error = self.query_one("#error", Static)
        if not text.strip():
            error.update("the note is empty")
            return
        if len(text) > MAX_NOTE:
            error.update(f"too long: {len(text)} characters (max {MAX_NOTE})")
            return
        when = self.query_one("#when", Input).value.strip()
        try:
            at = parse_when(when, utcnow()) if when else None
        except ValueError as exc:
            error.update(str(exc))
            return
        source = None
        for select in self.query("#logsrc").results(Select):
            source = select.value if isinstance(select.value, str) else None
        self.dismiss(NoteRequest(
            text, at, self.query_one("#pin", Checkbox).value,
            self.query_one("#evidence", Checkbox).value or source is not None,
            self.correcting.id if self.correcting else None, source))
