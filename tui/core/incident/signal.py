"""The first signal of the current outage (from ``check`` transitions and firing ``alert``
entries), and the checks failing now, from ``check`` entries.

The declare form offers `first_signal(...)`'s time as the incident start, and the declaration
records `failing_checks(...)` so the post-mortem can say which features were degraded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from ..journal import Entry
from .export_common import check_state
from .paging import FAILING


def _checks(entries: Iterable[Entry], current: Mapping[str, str] | None) -> list[Entry]:
    """Check entries by event time (only the keys in ``current`` when it is given)."""
    found = [e for e in entries if e.kind == "check" and isinstance(e.data.get("key"), str)
             and (current is None or e.data["key"] in current)]
    return sorted(found, key=lambda e: e.event_time)


FIRING = "FIRING"
"""The state of an ``alert:<fingerprint>`` key while its alert fires (in ``current`` too)."""


def _failing(state: str) -> bool:
    return state in FAILING or state == FIRING


def _signals(entries: Iterable[Entry], current: Mapping[str, str] | None) -> list[Entry]:
    """Check transitions and alert events (firing, resolved) by event time (only the keys in
    ``current`` when it is given)."""
    found = [e for e in entries if e.kind in ("check", "alert")
             and isinstance(e.data.get("key"), str)
             and (e.kind == "check" or e.data.get("event") in ("firing", "resolved"))
             and (current is None or e.data["key"] in current)]
    return sorted(found, key=lambda e: e.event_time)


def first_signal(entries: Iterable[Entry], current: Mapping[str, str] | None = None,
                 ignore: Callable[[Entry], bool] | None = None) -> Entry | None:
    """The earliest transition to a failing state (a check DOWN or DEGRADED, an alert
    firing) since the last moment nothing was failing — the first signal of the outage going
    on now; None when nothing is failing now.

    ``current`` (check key → state now, e.g. from the store; ``alert:<fingerprint>`` →
    `FIRING` for the alerts firing now) decides what is failing now and limits the journal to
    the checks that still exist and the alerts still firing (an alert whose "resolved" was
    never journaled is not an outage forever). A DOWN recorded as planned maintenance is not a
    signal; ``ignore`` skips other entries that are not.
    """
    states: dict[str, str] = {}
    first: Entry | None = None
    for e in _signals(entries, current):
        if ignore is not None and ignore(e):
            continue
        if e.kind == "alert":
            new = FIRING if e.data["event"] == "firing" else "RESOLVED"
        else:
            new = check_state(e.data)
        states[e.data["key"]] = new
        if _failing(new):
            first = first or e
        elif not any(_failing(v) for v in states.values()):
            first = None  # everything recovered: an outage after this is a new one
    now = current if current is not None else states
    return first if any(_failing(v) for v in now.values()) else None


def failing_checks(entries: Iterable[Entry], current: Mapping[str, str] | None = None
                   ) -> list[dict[str, str]]:
    """The checks failing now ({key, state, reason}), from their latest entries; with
    ``current``, the states are those (reasons still from the journal)."""
    latest: dict[str, Entry] = {}
    for e in _checks(entries, current):
        latest[e.data["key"]] = e
    out = []
    keys = sorted(current) if current is not None else sorted(latest)
    for key in keys:
        entry = latest.get(key)
        state = (current[key] if current is not None
                 else check_state(entry.data))  # type: ignore[union-attr]
        if state in FAILING:
            reason = str(entry.data.get("reason", "")) if entry is not None else ""
            out.append({"key": key, "state": state, "reason": reason[:200]})
    return out
