"""`S` on the alerts panel: silence the selected alert in Alertmanager.

Shows exactly what will be sent — the matchers (every label of the alert), the Alertmanagers
asked, the author — and asks for the duration and a comment (required: a silence without a
reason is a trap for the next on-call). Enter in the comment or `Silence` confirms; Escape
cancels. Every letter typed is text (no single-letter answers here).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from tui.core.silences import parse_duration
from tui.screens.modal import WarroomModal

MAX_COMMENT = 1000


@dataclass(frozen=True)
class SilenceAnswer:
    duration_s: float
    comment: str


class SilenceScreen(WarroomModal[SilenceAnswer | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="silence-cancel"),
    ]

    def __init__(self, alert_name: str, matchers: tuple[tuple[str, str], ...],
                 sources: tuple[str, ...], author: str, production: str | None = None,
                 duration: str = "2h") -> None:
        super().__init__()
        self.alert_name = alert_name
        self.matchers = matchers
        self.sources = sources
        self.author = author
        self.production = production
        self.duration = duration

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"Silence alert {self.alert_name[:60]}", style="bold"))
            if self.production:
                yield Static(Text(f"PRODUCTION: {self.production}", style="bold white on red"),
                             markup=False)
            lines = Text()
            lines.append("matchers  ", style="dim")
            lines.append(", ".join(f'{k}="{v[:80]}"' for k, v in self.matchers)[:600])
            lines.append("\nsent to   ", style="dim")
            lines.append(", ".join(self.sources) + " (the first that accepts it)")
            lines.append("\nauthor    ", style="dim")
            lines.append(self.author)
            yield Static(lines, id="silence-what", markup=False)
            with Horizontal():
                yield Label("duration ")
                yield Input(self.duration, placeholder="2h, 90m, 1d", id="duration")
            yield Input(placeholder="comment (required): why, and who follows up", id="comment",
                        max_length=MAX_COMMENT)
            yield Static("", id="error", markup=False)
            with Horizontal():
                yield Button("Silence", variant="warning", id="silence")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#comment", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "silence":
            self.action_confirm()
        else:
            self.action_cancel()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.action_confirm()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_confirm(self) -> None:
        error = self.query_one("#error", Static)
        duration = parse_duration(self.query_one("#duration", Input).value)
        comment = self.query_one("#comment", Input).value.strip()
        if duration is None or not 60 <= duration <= 30 * 86400:
            error.update("duration: 1m to 30d, e.g. 2h, 90m, 1d")
            return
        if not comment:
            error.update("a comment is required")
            return
        self.dismiss(SilenceAnswer(duration, comment))
