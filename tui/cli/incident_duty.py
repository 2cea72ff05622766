"""`warroom incident checklist …` and `warroom incident escalation …`: what `K` and `E` do in
the war room, from any shell.

    warroom incident checklist                 the open incident's checklist, with its ticks
    warroom incident checklist tick ITEM       (or untick ITEM) — ITEM: its number or a unique
                                               prefix of its text
    warroom incident escalation                the escalation timers
    warroom incident escalation ack RULE       acknowledge a due one — RULE: its number, its
                                               key or a unique prefix of its "to"

Journaled exactly as the TUI does (`checklist.tick`, `escalation.acknowledge`: the same kinds
and ops, credited to --as or user@host), on the open incident (or --incident ID). No incident
open, an unknown or ambiguous ITEM/RULE, or a timer not due: exit 2 saying why. A tick that is
already there or an escalation already acknowledged writes nothing and says so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from typing import TypeVar

from tui.core.incident import Incidents, IncidentState
from tui.core.incident import checklist as checklists
from tui.core.incident import escalation as esc
from tui.core.journal import Journal
from tui.core.sanitize import one_line

MAX_LINE = 300
T = TypeVar("T")


class UsageError(Exception):
    """Bad input: printed, exit 2."""


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("checklist", parents=[common],
                       help="the open incident's checklist; tick or untick ITEM")
    p.add_argument("verb", nargs="?", choices=("tick", "untick"))
    p.add_argument("item", nargs="*", metavar="ITEM",
                   help="its number or a unique prefix of its text")
    p = sub.add_parser("escalation", parents=[common],
                       help="the open incident's escalation timers; ack RULE")
    p.add_argument("verb", nargs="?", choices=("ack",))
    p.add_argument("rule", nargs="*", metavar="RULE",
                   help="its number, key or a unique prefix of whom it escalates to")


def run(args: argparse.Namespace, incidents: Incidents, author: str | None,
        now: dt.datetime) -> int:
    cmd = args.incident_command
    try:
        state = _open(args, incidents)
        if cmd == "checklist":
            return _checklist(args, incidents, state, author)
        return _escalation(args, incidents, state, author, now)
    except UsageError as exc:
        print(f"warroom incident {cmd}: {exc}", file=sys.stderr)
        return 2


def _open(args: argparse.Namespace, incidents: Incidents) -> IncidentState:
    if args.incident:
        try:
            return incidents.get(args.incident)
        except LookupError as exc:
            raise UsageError(str(exc)) from None
    state = incidents.current()
    if state is None:
        raise UsageError(f"no open incident in {incidents.dir}: the checklist and escalation "
                         "timers start with one (warroom incident open --title …), or name "
                         "one with --incident ID")
    return state


def _say(text: str) -> None:
    print(one_line(text)[:MAX_LINE])


def _checklist(args: argparse.Namespace, incidents: Incidents, state: IncidentState,
               author: str | None) -> int:
    items = checklists.checklist(state, incidents.policy)
    if args.verb is None:
        if args.item:
            raise UsageError("say tick or untick before ITEM")
        _say(f"checklist of {state.id} ({state.severity}): {checklists.summary(items)} done")
        for n, item in enumerate(items, 1):
            by = f" — {item.by or '?'} {item.at:%H:%M:%S} UTC" if item.done and item.at else ""
            _say(f"  {n:>2} [{'x' if item.done else ' '}] {item.text}{by}")
        return 0
    done = args.verb == "tick"
    item = _pick(items, " ".join(args.item), "checklist item",
                 lambda i: (i.key,), "warroom incident checklist")
    if item.done == done:
        _say(f"already {'ticked' if done else 'not ticked'}: {item.text}"
             + (f" ({item.by})" if done and item.by else ""))
        return 0
    checklists.tick(Journal(state.path), item.text, done, author=author)
    _say(f"{'☑ ticked' if done else '☐ unticked'}: {item.text} ({state.id})")
    return 0


def _escalation(args: argparse.Namespace, incidents: Incidents, state: IncidentState,
                author: str | None, now: dt.datetime) -> int:
    views = esc.escalations(state, incidents.policy, now)
    if args.verb is None:
        if args.rule:
            raise UsageError("say ack before RULE")
        _say(f"escalation timers of {state.id} ({state.severity}):")
        if not views:
            _say("  (none for this severity: [[incident.escalation]] in the config)")
        for n, line in enumerate(esc.lines(views), 1):
            _say(f"  {n:>2} {line}")
        return 0
    view = _pick(views, " ".join(args.rule), "escalation",
                 lambda v: (v.key.casefold(), v.to.casefold()), "warroom incident escalation")
    if view.state == "acked":
        _say(f"already acknowledged: {view.to} ({view.when()})")
        return 0
    if view.state != "red":
        raise UsageError(one_line(f"{view.to} is not due ({view.when()}): only a due "
                                  "escalation is acknowledged")[:MAX_LINE])
    entry = esc.acknowledge(Journal(state.path), view, author=author)
    if entry is None:  # another war room acknowledged it meanwhile
        _say(f"already acknowledged: {view.to}")
    else:
        _say(f"escalation to {view.to} acknowledged ({state.id})")
    return 0


def _pick(found: list[T], wanted: str, what: str, names: Callable[[T], tuple[str, ...]],
          lister: str) -> T:
    """By 1-based number, then an exact name, then a unique prefix of a name (folded)."""
    key = checklists.item_key(wanted)
    if not key:
        raise UsageError(f"which {what}? give its number or the start of its text "
                         f"(`{lister}` lists them)")
    if key.isdigit():
        if 1 <= int(key) <= len(found):
            return found[int(key) - 1]
        raise UsageError(f"no {what} {key} (there are {len(found)}; `{lister}` lists them)")
    for test in (str.__eq__, str.startswith):
        matches = [x for x in found if any(test(n, key) for n in names(x))]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise UsageError(f"{len(matches)} of them start with {wanted[:40]!r}: say more "
                             f"(`{lister}` lists them)")
    raise UsageError(f"no {what} matching {wanted[:40]!r} (`{lister}` lists them)")
