"""`warroom incident action-item …`: the post-mortem's action items from any shell.

    warroom incident action-item add TEXT --owner NAME --due DATE
    warroom incident action-item list
    warroom incident action-item done ID      (or cancel ID, reopen ID)
    warroom incident action-item update ID [--owner NAME] [--due DATE] [--text TEXT]

They go to the open incident, else the latest one (a post-mortem is written after resolving),
or `--incident ID`. A due date is YYYY-MM-DD (a real date, today or later), today, tomorrow,
7d or 2w; anything else is refused as a usage error naming the accepted forms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from tui.core.incident import IncidentError, IncidentState
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
                         help="post-mortem action items: add, list, done, update")
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
    p = verbs.add_parser("update", parents=[common], help="change an action item's owner, due "
                         "date or text")
    p.add_argument("item_id", metavar="ID", help="its id, an id prefix or its number")
    p.add_argument("--owner", help="who does it ('' for nobody)")
    p.add_argument("--due", type=due_date, metavar="DATE",
                   help="YYYY-MM-DD, today, tomorrow, 7d, 2w")
    p.add_argument("--text", help="what to do")


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
    elif cmd == "update":
        return _update(args, state, author)
    else:
        print(render(state, action_items.items(state), utcnow().date()), end="")
    return 0


def _update(args: argparse.Namespace, state: IncidentState, author: str | None) -> int:
    """`update ID`: nothing to change, an empty or too long text or owner is a usage error
    (exit 2 with the reason); an unknown ID is a LookupError like `done ID`'s."""
    if args.owner is None and args.due is None and args.text is None:
        print("warroom incident action-item update: say what changes: --owner NAME, --due "
              "DATE or --text TEXT", file=sys.stderr)
        return 2
    item = action_items.find(action_items.items(state), args.item_id)
    try:
        entry = action_items.update(state, item.id, owner=args.owner, due=args.due,
                                    text=args.text, author=author)
    except IncidentError as exc:
        print(f"warroom incident action-item update: {exc}", file=sys.stderr)
        return 2
    after = action_items.find(action_items.fold_items([*state.entries, entry]), item.id)
    due = after.due.isoformat() if after.due else "no due date"
    print(one_line(f"action item {item.id} updated: {after.text} (owner "
                   f"{after.owner or 'nobody'}, {due})")[:300])
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
