"""Status updates prefilled from the journal, in the runbooks' formats.

- ``internal``: the war-room update (status, duration, current state of the services,
  actions taken, next steps, next update time);
- ``investigating`` / ``identified`` / ``monitoring`` / ``resolved``: status-page messages.
Also the OSC 52 clipboard sequence (off by default, size-capped by config).
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import TYPE_CHECKING

from ..config.incident import IncidentPolicy
from ..journal import Entry
from .clock import level_of, update_due
from .export_common import action_result, block, current_services, describe, duration, utc
from .model import IncidentState

if TYPE_CHECKING:
    from ..verdict import Verdict

KINDS = ("internal", "investigating", "identified", "monitoring", "resolved")


def _what(state: IncidentState) -> str:
    return block(state.impact) if state.impact else f"issues affecting {state.scope_text}"


def status_update(kind: str, state: IncidentState, policy: IncidentPolicy, now: dt.datetime,
                  prelude: list[Entry] = (),  # type: ignore[assignment]
                  services: list[tuple[str, str, str]] | None = None,
                  verdict: Verdict | None = None) -> str:
    """The text of one update; ``services`` (name, state, reason) defaults to the journal's
    latest check states. ``verdict``, the war room's live one, decides (when given) whether
    the text may say that all services are operating normally."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    services = current_services(state, prelude) if services is None else services
    title = block(state.title).replace("\n", " ")
    if kind == "internal":
        return _internal(state, policy, now, prelude, services, title, verdict)
    every = level_of(state, policy).update_every
    within = f"{int(every)} minutes" if every else "the hour"
    if kind == "investigating":
        body = (f"We are investigating {_what(state)}.\n"
                "Some customers may experience errors or delays.\n"
                f"We will provide an update within {within}.")
    elif kind == "identified":
        body = (f"The cause of {_what(state)} has been identified and a fix is being "
                f"applied.\nWe will provide an update within {within}.")
    elif kind == "monitoring":
        body = ("A fix has been applied and we are monitoring the results.\n"
                f"We will provide an update within {within}.")
    else:
        bad = [f"{name} in maintenance" if st == "MAINTENANCE" else f"{name} {st}"
               for name, st, _ in services if st != "OK"]
        now_line = ("All services are operating normally." if not bad else
                    f"Still being watched: {', '.join(bad)}.")
        if verdict is not None:  # the live reading wins over the journal's last states
            now_line = ("All services are operating normally." if verdict.word == "OK" else
                        f"Still being watched: {_verdict_text(verdict)}.")
        body = (f"The issue ({_what(state)}) has been resolved.\n{now_line}\n"
                f"Duration: {duration(state.elapsed(now))}")
    return (f"[{kind.capitalize()}] {title}\n{body}\n"
            f"Impact: {_what(state)}\nCurrent state: {_services_line(services)}\n")


def _services_line(services: list[tuple[str, str, str]]) -> str:
    if not services:
        return "no check results recorded"
    bad = [f"{name} in maintenance" if st == "MAINTENANCE" else f"{name} {st}"
           for name, st, _ in services if st != "OK"]
    if not bad:
        names = ", ".join(name for name, _, _ in services)
        return f"all {len(services)} monitored services OK ({names})"
    return ", ".join(bad) + f" ({len(services) - len(bad)} of {len(services)} OK)"


def _verdict_text(verdict: Verdict, most: int = 3) -> str:
    said = "; ".join(block(p).replace("\n", " ") for p in verdict.problems[:most])
    return f"{verdict.word} ({said})" if said else verdict.word


def _internal(state: IncidentState, policy: IncidentPolicy, now: dt.datetime,
              prelude: list[Entry], services: list[tuple[str, str, str]], title: str,
              verdict: Verdict | None = None) -> str:
    number = 1 + sum(1 for e in state.live_entries()
                     if e.kind == "incident" and e.data.get("op") == "update")
    lines = [
        f"Subject: [{state.severity}] Update #{number} - {title}",
        f"Status: {state.status.upper()}",
        f"Start Time: {utc(state.start)} UTC",
        f"Duration: {duration(state.elapsed(now))}",
        f"Last Updated: {utc(now)} UTC",
        f"Impact: {_what(state)}",
        f"Scope: {state.scope_text}",
        f"Incident Commander: {state.commander or '—'}",
        "", "CURRENT STATUS:",
    ]
    lines += [f"- {name}: {st}" + (f" ({block(why)})" if why and st != "OK" else "")
              for name, st, why in services] or ["- (no check results recorded)"]
    if verdict is not None:
        lines.append(f"- warroom verdict: {_verdict_text(verdict, 5)}")
    actions = [e for e in [*prelude, *state.live_entries()] if action_result(e)]
    lines += ["", "ACTIONS TAKEN:"]
    lines += [f"- {utc(e.event_time, date=False)} {block(describe(e))}" for e in actions] or [
        "- none recorded yet"]
    milestones = ", ".join(f"{k} {utc(v, date=False)}" for k, v in state.milestones.items())
    lines += ["", f"MILESTONES: {milestones or 'none yet'}"]
    lines += [f"OUT OF ORDER (not measured): {c}" for c in state.conflicts()]
    lines += ["",
              "NEXT STEPS:", "TODO", "", "ESTIMATED RESOLUTION: unknown"]
    due = update_due(state, policy, now)
    if due is not None:
        lines.append(f"Next Update: {utc(due.due)} UTC or when significant change occurs")
    return "\n".join(lines) + "\n"


def osc52(text: str, max_bytes: int) -> str:
    """The OSC 52 escape that puts ``text`` on the terminal's clipboard; ValueError if the
    encoded sequence would exceed ``max_bytes`` (many terminals drop long ones silently)."""
    payload = base64.b64encode(text.encode()).decode()
    sequence = f"\x1b]52;c;{payload}\x07"
    if len(sequence) > max_bytes:
        raise ValueError(f"too large for the clipboard ({len(sequence)} bytes encoded, "
                         f"osc52_max_bytes = {max_bytes}); write it to a file instead")
    return sequence
