"""The incident checklist: the steps of the incident's severity (`[incident.checklist]`), each
ticked or not, folded from the journal's ``checklist`` entries.

An entry says ``{"key", "item", "done"}`` (``key`` is the item's text folded to lower case
and single spaces, so a tick survives a config edit that only re-indents or re-cases the
text), credited to whoever ticked it; the newest entry about an item wins. UI-free: the TUI
and the exports use it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from ..config.incident import IncidentPolicy
from ..journal import Entry, Journal
from .model import IncidentState

KIND = "checklist"
MAX_KEY = 200


@dataclass(frozen=True)
class ChecklistItem:
    """One step of the checklist and its tick (who, when) if ticked."""

    text: str
    key: str
    done: bool = False
    by: str | None = None
    at: dt.datetime | None = None


def item_key(text: str) -> str:
    """The journal key of an item: its words, lower case, single spaces."""
    return " ".join(text.split()).casefold()[:MAX_KEY]


def fold_ticks(entries: Iterable[Entry]) -> dict[str, Entry]:
    """The newest ``checklist`` entry per item key (file order)."""
    ticks: dict[str, Entry] = {}
    for entry in entries:
        if entry.kind == KIND:
            key = entry.data.get("key")
            if isinstance(key, str) and isinstance(entry.data.get("done"), bool):
                ticks[key] = entry
    return ticks


def checklist(state: IncidentState, policy: IncidentPolicy,
              ticks: dict[str, Entry] | None = None) -> list[ChecklistItem]:
    """The checklist of the incident's current severity with its ticks."""
    ticks = fold_ticks(state.entries) if ticks is None else ticks
    items = []
    for text in policy.checklist_for(state.severity):
        key = item_key(text)
        entry = ticks.get(key)
        if entry is not None and entry.data.get("done") is True:
            items.append(ChecklistItem(text, key, True, entry.author, entry.event_time))
        else:
            items.append(ChecklistItem(text, key))
    return items


def tick(journal: Journal, text: str, done: bool, *, author: str | None = None) -> Entry:
    """Tick (or untick) an item: a person's entry, written durably."""
    return journal.append(KIND, {"key": item_key(text), "item": text[:MAX_KEY], "done": done},
                          author=author)


def checklist_text(d: dict[str, object]) -> str:
    """A ``checklist`` entry in one line (plain, unsanitized)."""
    return f"Checklist {'☑ ticked' if d.get('done') else '☐ unticked'}: {d.get('item', '?')}"


def summary(items: list[ChecklistItem]) -> str:
    """``3/8`` done."""
    return f"{sum(i.done for i in items)}/{len(items)}"
