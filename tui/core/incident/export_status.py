"""Status updates prefilled from the journal, in the runbooks' formats.

- ``internal``: the war-room update (status, duration, current state of the services,
  actions taken, next steps, next update time);
- ``investigating`` / ``identified`` / ``monitoring`` / ``resolved``: status-page messages.
Also the OSC 52 clipboard sequence (off by default, size-capped by config).

`update_for` is what `[[notify]]` sends: the same text (the status-page kinds followed by the
facts a reader needs: start, commander, status, the actions that ran with their results and
override reasons, the next update; the root cause once resolved) and the same facts as data
(`Update.data`, the webhook's JSON). `notify_text` describes the journal's `notify` entries.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..config.incident import IncidentPolicy
from ..journal import Entry
from .clock import level_of, update_due
from .export_common import block, current_services, describe, duration, ran, utc
from .model import IncidentState

if TYPE_CHECKING:
    from ..verdict import Verdict

KINDS = ("internal", "investigating", "identified", "monitoring", "resolved")


def _what(state: IncidentState) -> str:
    return block(state.impact) if state.impact else f"issues affecting {state.scope_text}"


def status_update(kind: str, state: IncidentState, policy: IncidentPolicy, now: dt.datetime,
                  prelude: list[Entry] = (),  # type: ignore[assignment]
                  services: list[tuple[str, str, str]] | None = None,
                  verdict: Verdict | None = None, sending: bool = False) -> str:
    """The text of one update; ``services`` (name, state, reason) defaults to the journal's
    latest check states. ``verdict``, the war room's live one, decides (when given) whether
    the text may say that all services are operating normally. ``sending``: the update goes
    out now, so the next one is due a cadence from now (not from the last one sent)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    services = current_services(state, prelude) if services is None else services
    title = block(state.title).replace("\n", " ")
    if kind == "internal":
        return _internal(state, policy, now, prelude, services, title, verdict, sending)
    body = _body(kind, state, policy, now, services, verdict)
    return (f"[{kind.capitalize()}] {title}\n{body}\n"
            f"Impact: {_what(state)}\nCurrent state: {_services_line(services)}\n")


def _body(kind: str, state: IncidentState, policy: IncidentPolicy, now: dt.datetime,
          services: list[tuple[str, str, str]], verdict: Verdict | None) -> str:
    """The status-page message of a public kind (investigating … resolved)."""
    every = level_of(state, policy).update_every
    within = f"{int(every)} minutes" if every else "the hour"
    if kind == "investigating":
        return (f"We are investigating {_what(state)}.\n"
                "Some customers may experience errors or delays.\n"
                f"We will provide an update within {within}.")
    if kind == "identified":
        return (f"The cause of {_what(state)} has been identified and a fix is being "
                f"applied.\nWe will provide an update within {within}.")
    if kind == "monitoring":
        return ("A fix has been applied and we are monitoring the results.\n"
                f"We will provide an update within {within}.")
    bad = [f"{name} in maintenance" if st == "MAINTENANCE" else f"{name} {st}"
           for name, st, _ in services if st != "OK"]
    now_line = ("All services are operating normally." if not bad else
                f"Still being watched: {', '.join(bad)}.")
    if verdict is not None:  # the live reading wins over the journal's last states
        now_line = ("All services are operating normally." if verdict.word == "OK" else
                    f"Still being watched: {_verdict_text(verdict)}.")
    return (f"The issue ({_what(state)}) has been resolved.\n{now_line}\n"
            f"Duration: {duration(state.elapsed(now))}")


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
              verdict: Verdict | None = None, sending: bool = False) -> str:
    number = 1 + updates_sent(state)
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
    lines += ["", "ACTIONS TAKEN:"]
    lines += _action_lines(actions_taken([*prelude, *state.live_entries()]))
    milestones = ", ".join(f"{k} {utc(v, date=False)}" for k, v in state.milestones.items())
    lines += ["", f"MILESTONES: {milestones or 'none yet'}"]
    lines += [f"OUT OF ORDER (not measured): {c}" for c in state.conflicts()]
    if state.resolved:
        lines += ["", f"ROOT CAUSE: {_root_cause(state)}"]
    lines += ["",
              "NEXT STEPS:", "TODO", "", "ESTIMATED RESOLUTION: unknown"]
    due = update_due(state, policy, now)
    nxt = _next_update(state, policy, now) if sending else (due.due if due else None)
    if nxt is not None:
        lines.append(f"Next Update: {utc(nxt)} UTC or when significant change occurs")
    return "\n".join(lines) + "\n"


# -- what [[notify]] sends ----------------------------------------------------------------
@dataclass(frozen=True)
class Update:
    """One status update as sent: its text (what people read, shown before sending) and the
    same facts as data (the webhook's JSON; the Slack message is built from both)."""

    kind: str
    text: str
    data: dict[str, Any]


def actions_taken(entries: Iterable[Entry]) -> list[dict[str, Any]]:
    """The actions that ran, in time order: result entries of attempts that started (refused,
    blocked and cancelled-at-confirmation attempts left out), each with its one-line result
    and, when a failed preflight was overridden, the reason typed."""
    entries = list(entries)
    started: dict[str, Entry] = {str(e.data.get("attempt")): e for e in entries
                                 if e.kind == "action" and e.data.get("outcome") == "started"}
    out = []
    for e in ran(entries):
        d = e.data
        begun = started.get(str(d.get("attempt")))
        override = None
        if begun is not None and begun.data.get("overridden"):
            failed = "; ".join(f"{p.get('check')}: {p.get('reason')}"
                               for p in begun.data.get("preflight") or []
                               if isinstance(p, dict) and not p.get("ok"))
            override = (f"preflight failed ({failed}), overridden: "
                        f"{begun.data.get('override_reason') or '(no reason)'}")
        out.append({"at": e.event_time.isoformat(), "action": str(d.get("action", "?")),
                    "outcome": str(d.get("outcome", "?")), "exit_code": d.get("exit_code"),
                    "by": e.author, "result": block(describe(e)).replace("\n", " "),
                    "override": block(override) if override else None})
    return out


def _action_lines(actions: list[dict[str, Any]]) -> list[str]:
    out = []
    for a in actions:
        at = utc(dt.datetime.fromisoformat(a["at"]), date=False)
        line = f"- {at} {a['result']} (by {block(a['by'])})"
        out.append(line + (f"; {a['override']}" if a["override"] else ""))
    return out or ["- none run yet"]


def updates_sent(state: IncidentState) -> int:
    """Status updates that went out: recorded by hand (`update`) or sent (`notify`)."""
    return sum(1 for e in state.live_entries()
               if (e.kind == "incident" and e.data.get("op") == "update")
               or (e.kind == "notify" and e.data.get("outcome") == "sending"))


def _root_cause(state: IncidentState) -> str:
    cause = state.fields.get("root_cause", "")
    return block(cause) if cause.strip() else "not recorded yet (still being analysed)"


def _next_update(state: IncidentState, policy: IncidentPolicy, now: dt.datetime
                 ) -> dt.datetime | None:
    """When the update after one sent ``now`` is due (None once resolved or no cadence)."""
    every = level_of(state, policy).update_every
    if every is None or state.resolved:
        return None
    return now + dt.timedelta(minutes=every)


def update_for(kind: str, state: IncidentState, policy: IncidentPolicy, now: dt.datetime,
               prelude: list[Entry] = (),  # type: ignore[assignment]
               services: list[tuple[str, str, str]] | None = None,
               verdict: Verdict | None = None) -> Update:
    """The update ``kind`` as it is sent now (see the module's docstring)."""
    services = current_services(state, prelude) if services is None else services
    text = status_update(kind, state, policy, now, prelude, services, verdict, sending=True)
    actions = actions_taken([*prelude, *state.live_entries()])
    nxt = None if kind == "resolved" else _next_update(state, policy, now)
    resolved = kind == "resolved" or state.resolved
    if kind != "internal":
        text += "\n" + "\n".join([
            f"Start time: {utc(state.start)} UTC",
            f"Incident commander: {block(state.commander) or '—'}",
            f"Status: {state.status.upper()}", "Actions taken:", *_action_lines(actions),
            *([f"Root cause: {_root_cause(state)}"] if resolved else []),
            f"Next update: {utc(nxt) + ' UTC' if nxt else 'none planned'}"]) + "\n"
    summary = (f"{state.status.upper()}: {_what(state)}" if kind == "internal"
               else _body(kind, state, policy, now, services, verdict))
    data: dict[str, Any] = {
        "incident_id": state.id, "kind": kind, "title": block(state.title),
        "severity": state.severity, "status": state.status,
        "commander": block(state.commander), "scope": state.scope_text,
        "impact": _what(state), "summary": summary,
        "current_state": _services_line(services),
        "services": [{"name": n, "state": st, "reason": block(why)} for n, st, why in services],
        "times": {"start": state.start.isoformat(), "declared": state.declared_at.isoformat(),
                  "sent": now.isoformat(),
                  "milestones": {k: v.isoformat() for k, v in state.milestones.items()}},
        "actions_taken": actions,
        "next_update": nxt.isoformat() if nxt else None,
        "text": text,
    }
    if resolved:
        data["root_cause"] = _root_cause(state)
        data["duration_s"] = (int(e.total_seconds()) if (e := state.elapsed(now)) is not None
                              else None)
    return Update(kind, text, data)


def notify_text(d: dict[str, Any]) -> str:
    """A journal `notify` entry in one line (no URL is ever in one)."""
    kind, outcome = d.get("kind", "?"), d.get("outcome")
    if outcome == "sending":
        targets = d.get("targets")
        names = ", ".join(str(t) for t in targets) if isinstance(targets, list) else "?"
        return f"Status update ({kind}) sending to {names}"
    tries = d.get("attempts")
    after = f" after {tries} attempts" if isinstance(tries, int) and tries > 1 else ""
    if outcome == "sent":
        return f"Status update ({kind}) sent to {d.get('target')}: HTTP {d.get('status')}{after}"
    status = f"HTTP {d['status']}, " if d.get("status") else ""
    return (f"Status update ({kind}) NOT sent to {d.get('target')}: {status}"
            f"{d.get('reason') or 'failed'}{after}")


def osc52(text: str, max_bytes: int) -> str:
    """The OSC 52 escape that puts ``text`` on the terminal's clipboard; ValueError if the
    encoded sequence would exceed ``max_bytes`` (many terminals drop long ones silently)."""
    payload = base64.b64encode(text.encode()).decode()
    sequence = f"\x1b]52;c;{payload}\x07"
    if len(sequence) > max_bytes:
        raise ValueError(f"too large for the clipboard ({len(sequence)} bytes encoded, "
                         f"osc52_max_bytes = {max_bytes}); write it to a file instead")
    return sequence
