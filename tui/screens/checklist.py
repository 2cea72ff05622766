"""`K` / `E`: the incident checklist and the due escalations, with a cursor.

Space or Enter on a due escalation acknowledges it; on a checklist item ticks or unticks it.
The screen does not write: it calls `on_choice(kind, key, value)` ("ack", key, True) or
("tick", item text, done), and the app journals it (credited to its author). The app calls
`show_duty` whenever the journal changes (a tick by a pair in another war room shows at
once); a press applies at once on screen, so keys typed fast toggle what the screen shows.
Escape (or K, E, q) closes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.core.incident.checklist import summary
from tui.core.incident.escalation import Duty
from tui.core.sanitize import one_line
from tui.screens.modal import WarroomModal

Choice = Callable[[str, str, bool], None]


class DutyScreen(WarroomModal[None]):
    """The checklist (`K`) and the due escalations (`E` starts on the first one)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,K,E", "close", "Close", id="duty-close"),
        Binding("space", "choose", "Tick / acknowledge", id="duty-choose"),
    ]
    LETTER_ACTIONS = frozenset({"close"})

    def __init__(self, title: str, duty: Duty, on_choice: Choice, *,
                 escalations_first: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.duty = duty
        self.on_choice = on_choice
        self.escalations_first = escalations_first
        self._local: dict[str, bool] = {}
        """Presses not yet seen back from the journal: option id → the value pressed."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(one_line(self.title_text), style="bold"), id="duty-title")
            yield OptionList(id="duty-list", markup=False)
            yield Label(Text("space/Enter: tick or acknowledge · Esc closes", style="dim"))

    def on_mount(self) -> None:
        self._fill(first=True)

    def show_duty(self, duty: Duty) -> None:
        """The journal's view (after a poll): presses it now confirms are forgotten."""
        self.duty = duty
        confirmed = {**{f"tick:{i.key}": i.done for i in duty.checklist},
                     **{f"ack:{v.key}": v.state == "acked" for v in duty.escalations}}
        self._local = {k: v for k, v in self._local.items() if confirmed.get(k) != v}
        self._fill()

    def _rows(self) -> list[Option]:
        rows: list[Option] = []
        shown = [v for v in self.duty.escalations if v.state in ("red", "acked")]
        if shown:
            rows.append(Option(Text("Escalations", style="bold"), disabled=True))
        for v in shown:
            acked = self._local.get(f"ack:{v.key}", v.state == "acked")
            word = (one_line(v.when()) if v.state == "acked" else "acknowledged (saving)") \
                if acked else f"{v.when()} — space acknowledges"
            rows.append(Option(Text(f"{'✓' if acked else '✗'} → {one_line(v.to)} · {word}",
                                    style="green" if acked else "bold red"), id=f"ack:{v.key}"))
        items = self.duty.checklist
        if items:
            rows.append(Option(Text(f"Checklist {summary(list(items))}", style="bold"),
                               disabled=True))
        for item in items:
            done = self._local.get(f"tick:{item.key}", item.done)
            by = f"  ({one_line(item.by)[:30]} {item.at:%H:%M})" \
                if done and item.done and item.by and item.at else ""
            rows.append(Option(Text(f"{'☑' if done else '☐'} {one_line(item.text)}{by}"),
                               id=f"tick:{item.key}"))
        if not rows:
            rows.append(Option(Text("nothing to tick or acknowledge", style="dim"),
                               disabled=True))
        return rows

    def _fill(self, first: bool = False) -> None:
        listing = self.query_one("#duty-list", OptionList)
        keep = listing.highlighted
        listing.clear_options()
        rows = self._rows()
        listing.add_options(rows)
        enabled = [i for i, row in enumerate(rows) if not row.disabled]
        if first:
            red = [i for i in enabled if (rows[i].id or "").startswith("ack:")
                   and "space acknowledges" in str(rows[i].prompt)]
            target = (red or enabled or [None])[0] if self.escalations_first else \
                next((i for i in enabled if (rows[i].id or "").startswith("tick:")
                      and str(rows[i].prompt).startswith("☐")), enabled[0] if enabled else None)
            listing.highlighted = target
            listing.focus()
        elif keep is not None and rows:
            listing.highlighted = min(keep, len(rows) - 1)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._press(event.option.id)

    def action_choose(self) -> None:
        listing = self.query_one("#duty-list", OptionList)
        if listing.highlighted is not None:
            self._press(listing.get_option_at_index(listing.highlighted).id)

    def _press(self, ident: str | None) -> None:
        if not ident:
            return
        kind, key = ident.split(":", 1)
        if kind == "ack":
            view = next((v for v in self.duty.escalations if v.key == key), None)
            if view is None or view.state == "acked" or self._local.get(ident):
                return  # acknowledged already: nothing to undo
            self._local[ident] = True
            self.on_choice("ack", key, True)
        else:
            item = next((i for i in self.duty.checklist if i.key == key), None)
            if item is None:
                return
            done = not self._local.get(ident, item.done)
            self._local[ident] = done
            self.on_choice("tick", item.text, done)
        self._fill()

    def action_close(self) -> None:
        self.dismiss(None)
