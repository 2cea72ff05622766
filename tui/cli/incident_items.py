"""`warroom incident action-item …`: the post-mortem's action items from any shell.

    warroom incident action-item add TEXT --owner NAME --due DATE
    warroom incident action-item list
    warroom incident action-item done ID      (or cancel ID, reopen ID)

They go to the open incident, else the latest one (a post-mortem is written after resolving),
or `--incident ID`. A due date is YYYY-MM-DD (a real date, today or later), today, tomorrow,
7d or 2w; anything else is refused as a usage error naming the accepted forms.
"""

from __future__ import annotations

import argparse
import datetime as dt

from tui.core.incident import IncidentState
from tui.core.incident import items as action_items
from tui.core.model import utcnow
from tui.core.sanitize import one_line

VERBS = {"done": "done", "cancel": "cancelled", "reopen": "open"}


def due_date(text: str) -> dt.date:
    """argparse type: a due date from today (UTC) on, or a usage error saying why."""
    try:
        return action_items.parse_due(text, utcnow().date())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    top = sub.add_parser("action-item", parents=[common],
                         help="post-mortem action items: add, list, done")
    verbs = top.add_subparsers(dest="item_command", metavar="ITEM_ACTION", required=True)
    p = verbs.add_parser("add", parents=[common], help="add an action item")
    p.add_argument("text", nargs="+", help="what to do")
    p.add_argument("--owner", default="", help="who does it (default: nobody yet)")
    p.add_argument("--due", type=due_date, metavar="DATE",
                   help="YYYY-MM-DD, today, tomorrow, 7d, 2w")
    verbs.add_parser("list", parents=[common], help="the incident's action items")
    for verb, status in VERBS.items():
        p = verbs.add_parser(verb, parents=[common], help=f"mark an action item {status}")
        p.add_argument("item_id", metavar="ID", help="its id, an id prefix or its number")


def run(args: argparse.Namespace, state: IncidentState, author: str | None) -> int:
    cmd = args.item_command
    if cmd == "add":
        entry = action_items.add(state, " ".join(args.text), owner=args.owner, due=args.due,
                                 author=author)
        print(one_line(f"action item {entry.id} added to {state.id}"))
    elif cmd in VERBS:
        item = action_items.find(action_items.items(state), args.item_id)
        action_items.update(state, item.id, status=VERBS[cmd], author=author)
        print(one_line(f"action item {item.id} {VERBS[cmd]}: {item.text}")[:200])
    else:
        print(render(state, action_items.items(state), utcnow().date()), end="")
    return 0


def render(state: IncidentState, found: list[action_items.ActionItem], today: dt.date) -> str:
    """The items as plain text, one per line (journal text made one safe line)."""
    head = one_line(f"action items of {state.id}: {state.title}")[:200]
    if not found:
        return f"{head}\n  (none yet — warroom incident action-item add TEXT --owner NAME " \
               "--due DATE)\n"
    lines = [head, f"  {'#':>2} {'ID':<12}  {'STATUS':<14} {'DUE':<10}  {'OWNER':<16} ACTION"]
    for n, item in enumerate(found, 1):
        status = "open OVERDUE" if item.overdue(today) else item.status
        due = item.due.isoformat() if item.due else "—"
        lines.append(one_line(f"  {n:>2} {item.id:<12}  {status:<14} {due:<10}  "
                              f"{one_line(item.owner or '—')[:16]:<16} {item.text}")[:400])
    done = sum(1 for i in found if i.status == "done")
    counted = sum(1 for i in found if i.status != "cancelled")
    lines.append(f"  completed: {done} of {counted}")
    return "\n".join(lines) + "\n"
