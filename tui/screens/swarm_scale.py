"""`C` on a swarm service: how many replicas? (then the usual confirmation)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from tui.core.sanitize import one_line
from tui.screens.modal import WarroomModal

MAX_REPLICAS = 10_000


class ScaleScreen(WarroomModal[int | None]):
    """A number of replicas (0-10000); Enter asks, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, service: str, host: str, current: int) -> None:
        super().__init__()
        self.service, self.host, self.current = service, host, current

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Scale service"
            yield Label(Text(f"{one_line(self.service)} on {one_line(self.host)}: "
                             f"{self.current} desired now. Replicas (Enter, Esc cancels):"))
            yield Input(str(self.current), restrict=r"[0-9]*", max_length=5, id="replicas")
            yield Static("", id="error", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if not value.isdigit() or int(value) > MAX_REPLICAS:
            self.query_one("#error", Static).update(f"a number from 0 to {MAX_REPLICAS}")
            return
        self.dismiss(int(value))

    def action_cancel(self) -> None:
        self.dismiss(None)
