"""The timeline sidebar: notes and automatic entries of the active journal, newest last.

Journal text is untrusted (other people, hand edits): every piece is sanitized and rendered as
`rich.text.Text`, never markup. Marks read without color: PINNED, SUPERSEDED (also struck),
CORRECTS, "noted hh:mm" for backdated entries, "before declaration" for the prelude.

Finding things (like less): `/` types a search (case-insensitive, on the sanitized kind, author
and text; jumps to the first match as typed, Enter keeps it and highlights every match, Esc
drops it), `n`/`N` jump to the next/previous match while a search is kept — otherwise `n`
stays the app's "write a note" — and Esc clears it. `f` cycles a filter all → notes → actions
→ pinned. The title names the search or filter and its count. Both act on the window the
panel is given (`timeline_limit` entries).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
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
FILTERS = ("all", "notes", "actions", "pinned")
MAX_QUERY = 100
EMPTY = "(no entries yet — n adds a note)"


def keep(entry: Entry, shown: str) -> bool:
    """Whether the filter `shown` (one of FILTERS) keeps `entry`."""
    if shown == "notes":
        return entry.kind == "note"
    if shown == "actions":
        return entry.kind == "action"
    return entry.pinned if shown == "pinned" else True


def haystack(entry: Entry) -> str:
    """What a search looks in: kind, author and the sanitized text, casefolded."""
    label = KIND_LABEL.get(entry.kind, "")
    return " ".join((entry.kind, label, one_line(entry.author),
                     sanitize(describe(entry)))).casefold()


def entry_text(entry: Entry, superseded_by: str | None, mark: str = "", found: str = ""
               ) -> Text:
    """One entry as inert Text: a header line, then the (clipped) body lines; `found` (a
    search) is highlighted where it shows."""
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
    if found:
        text.highlight_regex(re.compile(re.escape(found), re.IGNORECASE), "reverse")
    return text


class TimelinePanel(OptionList):
    """Entries as options (id = entry id), so a note can be picked to pin or correct."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "app.correct", "Correct note", id="timeline-correct"),
        Binding("p", "app.pin", "Pin/unpin note", id="timeline-pin"),
        Binding("slash", "search", "Search", id="timeline-search"),
        Binding("n", "jump(1)", "Next match", id="timeline-next"),
        Binding("N", "jump(-1)", "Previous match", id="timeline-previous"),
        Binding("f", "cycle_filter", "Filter", id="timeline-filter"),
        Binding("escape", "clear", "Clear search", id="timeline-clear"),
    ]

    def __init__(self) -> None:
        super().__init__(id="timeline", markup=False)
        self.border_title = "Timeline (UTC)"
        self._entries: dict[str, Entry] = {}
        self._keys: list[tuple[str, str, bool, str]] | None = None  # (id, mark, pinned, found)
        self._superseded: dict[str, str] = {}
        self.title_text = "Timeline (UTC)"
        """The border title as plain text (search and filter included)."""
        self._base = self.title_text
        self._rows: list[tuple[Entry, str]] = []
        self._all_superseded: dict[str, str] = {}
        self.shown_filter = "all"
        """One of FILTERS: which entries are listed."""
        self.query_text = ""
        """The search kept (Enter), or being typed (while `typing`)."""
        self.typing = False
        self._before: str | None = None  # highlighted before the search (None: the newest)
        self._start = 0  # where `/` was pressed: the search looks from there
        self._matches: list[int] = []
        self._hay: dict[str, str] = {}

    def show(self, rows: list[tuple[Entry, str]], superseded: dict[str, str],
             title: str = "Timeline (UTC)") -> None:
        """Render `(entry, mark)` rows; cheap when nothing changed, and new entries at the end
        are appended (a correction, or the window sliding past `timeline_limit`, rebuilds)."""
        self._rows, self._all_superseded, self._base = rows, superseded, title
        self._render_view()

    def _render_view(self) -> None:
        """Show the rows the filter keeps, the search's matches highlighted."""
        rows = [(e, m) for e, m in self._rows if keep(e, self.shown_filter)]
        found = self.query_text.casefold()
        shown = "" if self.typing else found  # highlighted once kept: typing re-renders nothing
        if found:
            self._hay = {e.id: self._hay.get(e.id) or haystack(e) for e, _ in rows}
        self._matches = [i for i, (e, _) in enumerate(rows) if found and found in self._hay[e.id]]
        matched = {rows[i][0].id for i in self._matches}
        superseded = self._all_superseded
        keys = [(e.id, mark, e.pinned, shown if e.id in matched else "") for e, mark in rows]
        if keys != self._keys or superseded != self._superseded:
            self._rebuild(rows, keys, superseded)
        self._retitle()

    def _rebuild(self, rows: list[tuple[Entry, str]], keys: list[tuple[str, str, bool, str]],
                 superseded: dict[str, str]) -> None:
        at = self.selected_entry()
        follow = not self.query_text and (
            self.highlighted is None or self.highlighted >= self.option_count - 1)
        self._entries = {e.id: e for e, _ in rows}

        def option(entry: Entry, mark: str, key: tuple[str, str, bool, str]) -> Option:
            return Option(entry_text(entry, superseded.get(entry.id), mark, key[3]), id=entry.id)

        appended = (bool(self._keys) and superseded == self._superseded
                    and keys[:len(self._keys or ())] == self._keys)
        if appended:
            start = len(self._keys or ())
            self.add_options(option(e, m, k) for (e, m), k in zip(rows[start:], keys[start:],
                                                                  strict=True))
        else:
            self.clear_options()
            if rows:
                self.add_options(option(e, m, k) for (e, m), k in zip(rows, keys, strict=True))
            else:
                self.add_option(Option(Text(self._empty(), style="dim"), disabled=True))
        self._keys, self._superseded = keys, dict(superseded)
        if rows and (follow or at is None or at.id not in self._entries):
            self.highlighted = self.option_count - 1
        elif rows and at is not None and not appended:
            self.highlighted = self.get_option_index(at.id)

    def _empty(self) -> str:
        if self.shown_filter == "all":
            return EMPTY if not self._rows else ""
        return f"(no {self.shown_filter} entries shown — f: next filter, Esc: all)"

    def _retitle(self) -> None:
        title = self._base
        if self.shown_filter != "all":
            title += f" · {self.shown_filter} {len(self._entries)}"
        if self.typing or self.query_text:
            count = len(self._matches)
            where = (f"{self._matches.index(self.highlighted)+1}/{count}"
                     if self.highlighted in self._matches else f"{count} found")
            cursor = "▏" if self.typing else ""
            title += f" · /{self.query_text}{cursor} {where}"
        if title != self.title_text:  # a border title assignment always repaints
            self.title_text = title
            self.border_title = Content(title)  # typed text is never markup

    # -- search and filter ------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`n`/`N` only while a search is kept (else `n` is the app's note key); Esc only while
        a search or filter is on."""
        if action == "jump":
            return bool(self.query_text) and not self.typing
        if action == "clear":
            return bool(self.query_text) or self.shown_filter != "all"
        return True

    def action_search(self) -> None:
        at = self.selected_entry()
        if not self.query_text:  # a new search, not the next one: Esc comes back here
            self._before = at.id if at is not None and not self._following() else None
        self._start = self.highlighted or 0
        self.typing, self.query_text = True, ""
        self._render_view()
        self.refresh_bindings()

    def action_jump(self, step: int) -> None:
        if not self._matches:
            return
        here = self.highlighted if self.highlighted is not None else -1
        if step > 0:
            target = next((i for i in self._matches if i > here), self._matches[0])
        else:
            target = next((i for i in reversed(self._matches) if i < here), self._matches[-1])
        self.highlighted = target
        self._retitle()

    def action_cycle_filter(self) -> None:
        self.shown_filter = FILTERS[(FILTERS.index(self.shown_filter) + 1) % len(FILTERS)]
        self._render_view()
        if self.query_text:
            self.action_jump(1)
        self.refresh_bindings()

    def action_clear(self) -> None:
        """Esc: the whole timeline again, at the entry highlighted before the search."""
        self._end_search(restore=True)
        self.shown_filter = "all"
        self._render_view()

    def _end_search(self, restore: bool) -> None:
        before = self._before
        self.typing, self.query_text, self._before = False, "", None
        self._render_view()
        if restore and before is not None and before in self._entries:
            self.highlighted = self.get_option_index(before)
        elif restore and self.option_count:
            self.highlighted = self.option_count - 1
        self._retitle()
        self.refresh_bindings()

    def _following(self) -> bool:
        return self.highlighted is None or self.highlighted >= self.option_count - 1

    def _typed(self, text: str) -> None:
        """The search being typed changed: jump to its first match from where `/` was."""
        self.query_text = text[:MAX_QUERY]
        self._render_view()
        if self._matches:
            start = self._start
            self.highlighted = next((i for i in self._matches if i >= start), self._matches[0])
        self._retitle()

    def on_key(self, event: events.Key) -> None:
        """While a search is typed every key is the search's (none reaches a binding)."""
        if not self.typing:
            return
        if event.key == "escape":
            self._end_search(restore=True)
        elif event.key == "enter":
            self._keep()
        elif event.key in ("backspace", "ctrl+h"):
            self._typed(self.query_text[:-1])
        elif event.key == "ctrl+u":
            self._typed("")
        elif event.is_printable and event.character:
            self._typed(self.query_text + one_line(event.character))
        else:
            return  # arrows, Tab ...: the search stays as typed, the key does its work
        event.stop()
        event.prevent_default()

    def on_paste(self, event: events.Paste) -> None:
        if self.typing:
            event.stop()
            self._typed(self.query_text + one_line(event.text))

    def on_option_list_option_highlighted(self) -> None:
        if self.query_text:  # "2/5": which match is highlighted
            self._retitle()

    def on_blur(self) -> None:
        if self.typing:  # focus moved away mid-search: keep what was typed
            self._keep(restore=False)

    def _keep(self, restore: bool = True) -> None:
        """The search typed is kept (Enter): its matches highlighted, `n`/`N` active; an
        empty one is no search."""
        self.typing = False
        if not self.query_text:
            self._end_search(restore=restore)
            return
        at = self.highlighted
        self._render_view()
        if at is not None and at < self.option_count:
            self.highlighted = at
        self._retitle()
        self.refresh_bindings()

    def selected_entry(self) -> Entry | None:
        """The highlighted entry, if any."""
        if self.highlighted is None:
            return None
        option = self.get_option_at_index(self.highlighted)
        return self._entries.get(option.id or "")
