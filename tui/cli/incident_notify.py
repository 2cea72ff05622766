"""`warroom incident notify KIND`: send a status update to the `[[notify]]` targets.

Renders the update (the same text as `warroom incident export KIND`, with the facts a reader
needs), shows it and the targets (name, kind, ``scheme://host/…`` — never the URL), asks y/N on
a terminal (``--yes`` for scripts; without a terminal and without ``--yes`` nothing is sent),
sends to every target at once, journals each result and prints it. Exit 0 when every target
took it, 1 when any failed, 2 when refused or not configured.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys

from tui.cli import config_arg
from tui.core.config import ConfigError, find_config, load_config
from tui.core.config.notify import NotifyTarget
from tui.core.incident import Incidents, IncidentState
from tui.core.incident.export_status import KINDS, update_for
from tui.core.journal import Journal
from tui.core.sanitize import sanitize
from tui.engine.notify import deliver


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("notify", parents=[common],
                       help="send a status update to the [[notify]] targets")
    p.add_argument("kind", choices=KINDS, metavar="KIND", help=", ".join(KINDS))
    p.add_argument("--yes", "-y", action="store_true",
                   help="send without asking (scripts; required without a terminal)")
    p.add_argument("--to", action="append", metavar="NAME",
                   help="only this target (repeat for several; default: all)")


def _targets(args: argparse.Namespace) -> tuple[list[NotifyTarget], str]:
    """The targets chosen and the config's directory (ca_file paths are relative to it)."""
    try:
        config = load_config(find_config(config_arg(args)))
    except ConfigError as exc:
        raise LookupError("status updates need a config with [[notify]] targets: "
                          f"{exc.render()}") from None
    targets = list(config.notify)
    if not targets:
        raise LookupError(f"no [[notify]] targets in {config.source} (see README: Status "
                          "updates sent)")
    if args.to:
        unknown = [n for n in args.to if n not in {t.name for t in targets}]
        if unknown:
            names = ", ".join(t.name for t in targets)
            raise LookupError(f"unknown target {unknown[0]!r} (configured: {names})")
        targets = [t for t in targets if t.name in args.to]
    return targets, config.base_dir


def _confirm(args: argparse.Namespace) -> bool | None:
    """True to send; False when declined; None when it cannot ask (no terminal, no --yes)."""
    if args.yes:
        return True
    if not sys.stdin.isatty():
        return None
    sys.stderr.write("Send this update? [y/N] ")
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def notify(args: argparse.Namespace, incidents: Incidents, state: IncidentState,
           now: dt.datetime, author: str | None) -> int:
    try:
        targets, base_dir = _targets(args)
    except LookupError as exc:
        print(f"warroom incident notify: {exc}", file=sys.stderr)
        return 2
    update = update_for(args.kind, state, incidents.policy, now, incidents.prelude(state))
    print(sanitize(update.text), end="" if update.text.endswith("\n") else "\n")
    print("\nTo:")
    for t in targets:
        print(f"  {t.name} ({t.kind}) {t.where}")
    answer = _confirm(args)
    if answer is None:
        print("warroom incident notify: not sent — no terminal to confirm on; "
              "pass --yes to send from a script", file=sys.stderr)
        return 2
    if not answer:
        print("not sent", file=sys.stderr)
        return 1
    results = asyncio.run(deliver(Journal(state.path), targets, update, author=author,
                                  base_dir=base_dir))
    for result in results:
        print(result.line())
    failed = sum(not r.ok for r in results)
    print(f"{len(results) - failed} of {len(results)} target(s) took the update "
          f"(journaled in {state.id})")
    return 1 if failed else 0
