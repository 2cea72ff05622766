"""Which checks page at each moment of an incident, replayed from the journal (pure, no I/O).

The same rule as the verdict (`tui.core.verdict`): a check pages when its service has no
color, or belongs to the color that is live at that moment; the idle color serves no traffic.
The live color at each moment comes from the journal's ``color`` entries (before the first one:
its ``previous``); while it is unknown (nothing recorded, the sources disagree, or a color no
service has) every colored check pages, as the verdict judges it. A check transition marked
``maintenance`` is planned work: it neither starts a failure nor ends one (the check keeps the
state it had before).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..journal import Entry

FAILING = ("DOWN", "DEGRADED")


def is_failure(entry: Entry) -> bool:
    """A ``check`` entry into a failing state that is not planned maintenance: a signal."""
    return (entry.kind == "check" and entry.data.get("new") in FAILING
            and not entry.data.get("maintenance"))


@dataclass(frozen=True)
class Recovery:
    """The first moment at which no paging check was failing any more."""

    at: dt.datetime
    entry: Entry
    """The check or color entry that ended the last paging failure."""
    live: str | None
    """The live color then (None: unknown, or no colors configured)."""
    colored: bool
    """Whether any service has a color (so "live checks" means something)."""


def live_after(entry: Entry, colors: set[str]) -> str | None:
    """The live color a ``color`` entry says, or None when it is not known for sure."""
    live = entry.data.get("live")
    if entry.data.get("disagreement") or not isinstance(live, str) or live not in colors:
        return None
    return live


def live_before(entries: Iterable[Entry], colors: set[str]) -> str | None:
    """The live color before the first ``color`` entry: its ``previous`` (the war room journals
    changes of the live color, not its first reading)."""
    first = next((e for e in entries if e.kind == "color"), None)
    previous = first.data.get("previous") if first is not None else None
    return previous if isinstance(previous, str) and previous in colors else None


class PagingReplay:
    """Check states and the live color, advanced entry by entry in event-time order."""

    def __init__(self, service_colors: Mapping[str, str]) -> None:
        self.service_colors = dict(service_colors)
        self.colors = set(self.service_colors.values())
        self.states: dict[str, str] = {}
        self.live: str | None = None

    def pages(self, key: str) -> bool:
        color = self.service_colors.get(key)
        return color is None or self.live is None or color == self.live

    def failing(self) -> list[str]:
        """The paging checks failing now."""
        return sorted(k for k, v in self.states.items() if v in FAILING and self.pages(k))

    def apply(self, entry: Entry) -> bool:
        """Advance by one entry; True when it can change what pages (a check or color)."""
        if entry.kind == "color":
            self.live = live_after(entry, self.colors)
            return True
        key = entry.data.get("key")
        if entry.kind != "check" or not isinstance(key, str):
            return False
        old = entry.data.get("old")
        if key not in self.states and isinstance(old, str):
            self.states[key] = old  # failing before the replay began (e.g. before the start)
        if entry.data.get("maintenance"):
            return False  # planned: neither failing nor recovering
        self.states[key] = str(entry.data.get("new"))
        return True


def first_recovery(entries: Iterable[Entry], since: dt.datetime,
                   service_colors: Mapping[str, str]) -> Recovery | None:
    """The first entry at or after ``since`` after which no paging check is failing, while
    one was failing just before it. ``entries`` are sorted here by event time."""
    replay = PagingReplay(service_colors)
    ordered = sorted(entries, key=lambda e: e.event_time)
    replay.live = live_before(ordered, replay.colors)
    for e in ordered:
        before = bool(replay.failing())
        if replay.apply(e) and before and e.event_time >= since and not replay.failing():
            return Recovery(e.event_time, e, replay.live, bool(replay.colors))
    return None


def color_entries(*sources: Iterable[Entry]) -> list[Entry]:
    """The ``color`` entries of several entry lists, each once (by id)."""
    seen: dict[str, Entry] = {}
    for source in sources:
        for e in source:
            if e.kind == "color":
                seen.setdefault(e.id, e)
    return list(seen.values())
