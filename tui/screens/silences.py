"""`X` on the alerts panel: expire one of your own active silences.

Lists the active silences you created (matchers, time left, comment, the Alertmanagers that
hold it) and counts the others' (ending another person's silence is a conversation, not a key
press). The highlighted silence is shown in full; Enter or `Expire` confirms it, Escape
cancels. The app has already checked the actions guard (read-only, armed).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.core.silences import Silence
from tui.screens.modal import WarroomModal


class ExpireSilenceScreen(WarroomModal[Silence | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="expire-cancel"),
    ]

    def __init__(self, own: list[Silence], others: int, author: str, now: dt.datetime,
                 production: str | None = None, unanswered: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.own = own
        self.others = others
        self.author = author
        self.now = now
        self.production = production
        self.unanswered = unanswered

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"Expire a silence of yours ({self.author[:40]})", style="bold"))
            if self.production:
                yield Static(Text(f"PRODUCTION: {self.production}", style="bold white on red"),
                             markup=False)
            yield OptionList(*(Option(self._line(s), id=s.id) for s in self.own),
                             id="silence-list", markup=False)
            yield Static("", id="silence-detail", markup=False)
            footer = Text(style="dim")
            if self.others:
                footer.append(f"{self.others} active silence(s) by others not shown\n")
            for said in self.unanswered:
                footer.append(f"{said[:200]}\n", style="magenta")
            yield Static(footer, id="silence-others", markup=False)
            with Horizontal():
                yield Button("Expire", variant="warning", id="expire")
                yield Button("Cancel (Esc)", id="cancel")

    def _line(self, s: Silence) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(f"{s.left(self.now):<14}", style="yellow")
        line.append(s.describe()[:120])
        return line

    def on_mount(self) -> None:
        listing = self.query_one("#silence-list", OptionList)
        listing.highlighted = 0
        listing.focus()
        self._detail(self.own[0] if self.own else None)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._detail(self._by_id(event.option.id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._confirm(self._by_id(event.option.id))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "expire":
            listing = self.query_one("#silence-list", OptionList)
            index = listing.highlighted
            self._confirm(self.own[index] if index is not None and self.own else None)
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _by_id(self, ident: str | None) -> Silence | None:
        return next((s for s in self.own if s.id == ident), None)

    def _confirm(self, silence: Silence | None) -> None:
        if silence is not None:
            self.dismiss(silence)

    def _detail(self, s: Silence | None) -> None:
        text = Text()
        if s is not None:
            for label, value in (
                    ("id", s.id), ("matchers", s.describe()[:600]),
                    ("ends", f"{s.ends_at:%Y-%m-%d %H:%M:%S} UTC ({s.left(self.now)})"
                     if s.ends_at else "?"),
                    ("comment", s.comment[:300]), ("held by", ", ".join(s.sources))):
                text.append(f"{label:<10}", style="dim")
                text.append(f"{value}\n")
            text.append("Enter expires it now: its alerts page again if still firing.",
                        style="bold")
        self.query_one("#silence-detail", Static).update(text)
