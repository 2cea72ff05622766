"""Each automatic event once: what to write, given what the journal already says.

UI-free and pure. `IncidentTracker` calls these inside `Journal.append_unless_known`, under the
journal's exclusive lock, with the newest journal entry about the same subject (one check,
one container, one engine, the live color). So two war rooms on one journal write one entry,
and a war room restarted compares what it sees now with what the journal last said — not with
what it saw itself before the restart: the same outage is not recorded again, a new one is,
however soon after.

A crash loop is one row: each restart within `LOOP_WINDOW` of the previous one writes an
entry that *amends* the previous one (``data["amends"]`` = its id, with the running count and
the loop's start); readers hide amended entries (`amended`), so the timeline and the exports
show "restarting ×7 since 03:12" once. The journal itself stays append-only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable
from typing import Any

from .journal import Entry, format_time

LOOP_WINDOW = dt.timedelta(minutes=10)
"""A restart this close to the previous one continues the same crash loop."""
RESTART_EVENTS = ("restarted", "restarting")
"""``container`` entry events that count restarts (``restarting`` = a loop's amended row)."""
STATES = ("created", "running", "paused", "restarting", "removing", "exited", "dead",
          "removed")


def amended(entries: Iterable[Entry]) -> set[str]:
    """Ids of entries a later automatic entry amends (hide them: the later one says it all)."""
    out: set[str] = set()
    for entry in entries:
        target = entry.data.get("amends") if entry.kind != "note" else None
        if isinstance(target, str):
            out.add(target)
    return out


def without_amended(entries: list[Entry]) -> list[Entry]:
    hidden = amended(entries)
    return [e for e in entries if e.id not in hidden] if hidden else entries


# -- checks and color ----------------------------------------------------------------------------
def decide_check(data: dict[str, Any], at: dt.datetime, last: Entry | None
                 ) -> dict[str, Any] | None:
    """A check transition [key, old, new, reason] to write, or None when the journal already
    says this check is in this state (or already knows a later state than this reading).
    In and out of planned maintenance are states of their own: the first entry after one
    flagged ``maintenance`` is flagged ``after_maintenance`` ("maintenance over → OK")."""
    if last is None:
        if data.get("old") is None and data.get("new") == "OK":
            return None  # a first OK with no history says nothing
        return data
    said = last.data.get("new")
    planned = bool(last.data.get("maintenance"))
    same = said == data.get("new") and planned == bool(data.get("maintenance"))
    if same or last.event_time > at:
        return None
    if data.get("old") is None:  # a first result after a restart: from what the journal said
        data = {**data, "old": said}
    if planned and not data.get("maintenance"):  # "maintenance over → OK" (or a real DOWN)
        data = {**data, "after_maintenance": True}
    return data


def decide_color(data: dict[str, Any], at: dt.datetime, last: Entry | None
                 ) -> dict[str, Any] | None:
    """A live-color change to write, or None when the journal already says it."""
    if last is not None:
        same = (last.data.get("live") == data.get("live")
                and bool(last.data.get("disagreement")) == bool(data.get("disagreement")))
        if same or last.event_time > at:
            return None
        if data.get("previous") is None:
            return {**data, "previous": last.data.get("live")}
    return data


# -- containers ----------------------------------------------------------------------------------
def journal_state(entry: Entry) -> tuple[str | None, str | None]:
    """(state, health) of a container as a ``container`` entry left it (None = not said)."""
    seen = entry.data.get("seen")
    if isinstance(seen, dict):
        return seen.get("state"), seen.get("health")
    event = entry.data.get("event")
    if event in STATES:
        return event, None
    if event in RESTART_EVENTS:
        return "running", None
    if event in ("healthy", "unhealthy"):
        return "running", event
    detail = str(entry.data.get("detail") or "")
    if event == "appeared" and detail.startswith("state "):
        return detail[6:], None
    return None, None


def decide_container(cand: dict[str, Any], at: dt.datetime, last: Entry | None
                     ) -> dict[str, Any] | None:
    """The ``container`` entry to write for a candidate from `ContainerWatch`, or None.

    Events: ``watching`` (the start summary of one host), ``reachable``/``unreachable`` (an
    engine), ``baseline`` (one container as first seen: written only when the journal last
    said something else), ``restarted`` (may continue a crash loop), and state or health
    changes (``exited``, ``running``, ``unhealthy``, ``appeared``, ``removed`` ...)."""
    event = cand.get("event")
    if event == "watching":
        same = last is not None and last.data.get("detail") == cand.get("detail")
        return None if same else cand
    if event in ("reachable", "unreachable"):
        if last is None:
            return cand if event == "unreachable" else None
        return None if last.data.get("event") == event else cand
    seen = cand.get("seen") or {}
    if event == "restarted" or (event == "baseline" and last is not None
                                and _restarted_since(seen, last)):
        return _restart(cand, at, last)
    if last is None:
        return None if event == "baseline" else cand
    was = journal_state(last)
    now = (seen.get("state"), seen.get("health"))
    if _in_loop(last, at) and now[0] in ("running", "restarting"):
        return None  # the loop's own comings and goings: its row counts them
    if was[0] is None:  # an entry of an older version that does not say the state
        return None if event == "baseline" else cand
    if was[0] == now[0] and (was[1] is None or now[1] is None or was[1] == now[1]):
        return None
    if event != "baseline":
        return cand
    change = now[0] if now[0] != was[0] else (now[1] or now[0])
    before = " ".join(p for p in (was[0], was[1] if now[1] != was[1] else None) if p)
    after = " ".join(p for p in (now[0], now[1] if now[1] != was[1] else None) if p)
    return {**cand, "event": change,
            "detail": f"{before} → {after} (changed while no war room watched)"}


def _restarted_since(seen: dict[str, Any], last: Entry) -> bool:
    restarts, before = seen.get("restarts"), _seen(last).get("restarts")
    return isinstance(restarts, int) and isinstance(before, int) and restarts > before


def _in_loop(last: Entry, at: dt.datetime) -> bool:
    return last.data.get("event") in RESTART_EVENTS and at - last.event_time <= LOOP_WINDOW


def _seen(entry: Entry) -> dict[str, Any]:
    seen = entry.data.get("seen")
    return seen if isinstance(seen, dict) else {}


def _restart(cand: dict[str, Any], at: dt.datetime, last: Entry | None
             ) -> dict[str, Any] | None:
    seen = cand.get("seen") or {}
    restarts = seen.get("restarts") if isinstance(seen.get("restarts"), int) else 0
    base = {k: v for k, v in cand.items() if k not in ("amends", "count", "since")}
    base["event"] = "restarted"
    if last is None or last.data.get("event") not in RESTART_EVENTS:
        return {**base, "detail": f"restarts: {restarts}", "count": 1,
                "since": format_time(at)}
    before = _seen(last)
    old = before.get("restarts") if isinstance(before.get("restarts"), int) else 0
    if restarts <= old and str(seen.get("started") or "") <= str(before.get("started") or ""):
        return None  # this very restart is already in the journal (another war room)
    if at - last.event_time > LOOP_WINDOW:
        return {**base, "detail": f"restarts: {restarts}", "count": 1,
                "since": format_time(at)}
    count = _int(last.data.get("count"), 1) + max(1, restarts - old)
    since = last.data.get("since") or format_time(last.event_time)
    return {**base, "event": "restarting", "count": count, "since": since,
            "amends": last.id, "detail": f"crash loop, restarts: {restarts}"}


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def container_text(d: dict[str, Any]) -> str:
    """A ``container`` entry in one line: "Container app-web: restarting ×7 since 03:12:09
    (crash loop, restarts: 7)", "Containers on local: watching 20 containers (…)"."""
    detail = f" ({d['detail']})" if d.get("detail") else ""
    if d.get("event") == "watching":
        return f"Containers on {d.get('host')}: watching {d.get('detail', '')}".rstrip()
    count = _int(d.get("count"), 1)
    if d.get("event") in RESTART_EVENTS and count > 1:
        since = str(d.get("since") or "")
        with contextlib.suppress(ValueError):
            since = dt.datetime.fromisoformat(since).astimezone(dt.UTC).strftime("%H:%M:%S")
        return f"Container {d.get('name')}: restarting ×{count} since {since}{detail}"
    what = " ".join(str(d[k]) for k in ("event", "state") if d.get(k))
    return f"Container {d.get('name')}: {what}{detail}"
