"""The timeline sidebar: notes and automatic entries of the active journal, newest last.

Journal text is untrusted (other people, hand edits): every piece is sanitized and rendered as
`rich.text.Text`, never markup. Marks read without color: PINNED, SUPERSEDED (also struck),
CORRECTS, "noted hh:mm" for backdated entries, "before declaration" for the prelude.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.core.incident.export_common import describe
from tui.core.incident.export_postmortem import row_time
from tui.core.journal import Entry
from tui.core.sanitize import one_line, sanitize

KIND_LABEL = {"note": "NOTE", "check": "CHECK", "color": "COLOR", "container": "CONTAINER",
              "action": "ACTION", "incident": "INCIDENT", "alert": "ALERT"}
KIND_STYLE = {"note": "bold", "check": "cyan", "color": "blue", "container": "magenta",
              "action": "yellow", "incident": "bold red", "alert": "bold yellow"}
MAX_LINES = 8
MAX_CHARS = 400


def entry_text(entry: Entry, superseded_by: str | None, mark: str = "") -> Text:
    """One entry as inert Text: a header line, then the (clipped) body lines."""
    text = Text(no_wrap=False)
    shown = row_time(entry)  # the declaration at the time it was declared, as exported
    text.append(f"{shown:%H:%M:%S} ", style="bold")
    label = KIND_LABEL.get(entry.kind, one_line(entry.kind).upper()[:12])
    text.append(label, style=KIND_STYLE.get(entry.kind, ""))
    text.append(f" {one_line(entry.author)[:40]}", style="dim")
    if entry.pinned:
        text.append(" ★PINNED", style="bold yellow")
    if superseded_by:
        text.append(f" SUPERSEDED by {superseded_by[:12]}", style="dim")
    if entry.supersedes:
        text.append(f" CORRECTS {entry.supersedes[:12]}", style="italic")
    if entry.entry_time - shown > dt.timedelta(seconds=60):
        text.append(f" (noted {entry.entry_time:%H:%M})", style="dim")
    if mark:
        text.append(f" ({mark})", style="dim")
    body = sanitize(describe(entry)).strip("\n").splitlines() or [""]
    if len(body) > MAX_LINES:
        body = [*body[:MAX_LINES], f"… {len(body) - MAX_LINES} more lines"]
    style = "strike dim" if superseded_by else ""
    for line in body:
        clipped = line if len(line) <= MAX_CHARS else line[: MAX_CHARS - 1] + "…"
        text.append("\n  " + clipped, style=style)
    if isinstance(entry.data.get("evidence"), dict):
        text.append("\n  [evidence attached]", style="dim")
    return text


class TimelinePanel(OptionList):
    """Entries as options (id = entry id), so a note can be picked to pin or correct."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "app.correct", "Correct note", id="timeline-correct"),
        Binding("p", "app.pin", "Pin/unpin note", id="timeline-pin"),
    ]

    def __init__(self) -> None:
        super().__init__(id="timeline", markup=False)
        self.border_title = "Timeline (UTC)"
        self._entries: dict[str, Entry] = {}
        self._keys: list[tuple[str, str, bool]] | None = None  # (id, mark, pinned) shown
        self._superseded: dict[str, str] = {}
        self._title = self.border_title

    def show(self, rows: list[tuple[Entry, str]], superseded: dict[str, str],
             title: str = "Timeline (UTC)") -> None:
        """Render `(entry, mark)` rows; cheap when nothing changed, and new entries at the end
        are appended (a correction, or the window sliding past `timeline_limit`, rebuilds)."""
        if title != self._title:  # a border title assignment always repaints
            self.border_title = self._title = title
        keys = [(e.id, mark, e.pinned) for e, mark in rows]  # a pin repaints its row
        if keys == self._keys and superseded == self._superseded:
            return
        follow = self.highlighted is None or self.highlighted >= self.option_count - 1
        self._entries = {e.id: e for e, _ in rows}
        appended = (bool(self._keys) and superseded == self._superseded
                    and keys[:len(self._keys)] == self._keys)
        if appended:
            self.add_options(Option(entry_text(e, superseded.get(e.id), mark), id=e.id)
                             for e, mark in rows[len(self._keys):])
        else:
            self.clear_options()
            if rows:
                self.add_options(Option(entry_text(e, superseded.get(e.id), mark), id=e.id)
                                 for e, mark in rows)
            else:
                self.add_option(Option(Text("(no entries yet — n adds a note)", style="dim"),
                                       disabled=True))
        self._keys, self._superseded = keys, dict(superseded)
        if rows and follow:
            self.highlighted = self.option_count - 1

    def selected_entry(self) -> Entry | None:
        """The highlighted entry, if any."""
        if self.highlighted is None:
            return None
        option = self.get_option_at_index(self.highlighted)
        return self._entries.get(option.id or "")
