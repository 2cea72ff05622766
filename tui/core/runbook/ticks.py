"""Runbook ticks in the incident's journal: kind "step", written ahead and fsynced like notes.

An entry's data: `{"runbook": name, "scenario": title, "step": text, "ticked": bool}` (plus
`"action"` when the step is linked to one). The current state of a step is its newest entry
in journal order, so two war rooms ticking and unticking converge on what was written last.
Ticks are matched by step text: a runbook edited while shown keeps the ticks of every step
whose text is unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..journal import Entry
from ..sanitize import one_line

KIND = "step"
MAX_FIELD = 300


@dataclass(frozen=True)
class Tick:
    ticked: bool
    author: str
    at: dt.datetime


TickKey = tuple[str, str, str]
"""(runbook, scenario, step text)."""


def tick_data(runbook: str, scenario: str, step: str, ticked: bool,
              action: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"runbook": runbook[:MAX_FIELD], "scenario": scenario[:MAX_FIELD],
                            "step": step[:MAX_FIELD], "ticked": bool(ticked)}
    if action:
        data["action"] = action[:64]
    return data


def _key(data: dict[str, Any]) -> TickKey | None:
    values = (data.get("runbook"), data.get("scenario"), data.get("step"))
    if not all(isinstance(v, str) for v in values) or not isinstance(data.get("ticked"), bool):
        return None  # a malformed line from elsewhere: ignored
    return values  # type: ignore[return-value]


def fold_ticks(entries: Iterable[Entry]) -> dict[TickKey, Tick]:
    """The latest tick state of every step mentioned in `entries` (journal order)."""
    state: dict[TickKey, Tick] = {}
    for e in entries:
        if e.kind != KIND:
            continue
        key = _key(e.data)
        if key is not None:
            state[key] = Tick(bool(e.data["ticked"]), e.author, e.event_time)
    return state


def step_text(data: dict[str, Any]) -> str:
    """One line for the timeline: `☑ Rollback › Switch traffic back (demo-rollback)`."""
    mark = "☑ ticked" if data.get("ticked") else "☐ unticked"
    where = f"{data.get('scenario')}"
    return f"Runbook {mark}: {data.get('step')} ({where} · {data.get('runbook')})"


def _cell(text: object, limit: int = 300) -> str:
    """Untrusted text made safe for one Markdown line (as the exports' `cell`)."""
    value = one_line(str(text)).replace("\\", "\\\\").replace("|", "\\|")
    return value if len(value) <= limit else value[: limit - 1] + "…"


def ticked_steps(state: object, entries: Iterable[Entry]) -> list[str]:
    """The post-mortem Resolution's "Runbook steps ticked" lines (ending with ""): the steps
    still ticked at the end, in the order of the tick that stuck, with its time (UTC) and who
    ticked it. [] when no step was ticked. `state` is the incident (unused: the entries say
    it all; kept for the exports' calling convention)."""
    entries = list(entries)
    final = fold_ticks(entries)
    last: dict[TickKey, Entry] = {}
    for e in entries:
        key = _key(e.data) if e.kind == KIND else None
        if key is not None and final[key].ticked and e.data["ticked"]:
            last[key] = e
    if not last:
        return []
    out = ["Runbook steps ticked:", ""]
    for (runbook, scenario, step), e in sorted(last.items(), key=lambda kv: kv[1].event_time):
        at = e.event_time.astimezone(dt.UTC).strftime("%H:%M:%S")
        out.append(f"- [x] {at} — {_cell(step)} ({_cell(scenario)} · {_cell(runbook)}; "
                   f"by {_cell(e.author)})")
    return [*out, ""]
