"""`warroom runbook list` and `warroom runbook show NAME [SCENARIO]`: the configured runbooks
as checklists, plain text on a pipe (a little color on a terminal). Commands are printed to be
read or copied, never run. Exit 2 for an unknown runbook or scenario, or a bad config."""

from __future__ import annotations

import argparse
import os
import sys

from tui.cli import config_arg
from tui.core.config import ConfigError, find_config, load_config
from tui.core.runbook import Library, RunbookError, Scenario


def add_parser(subparsers: argparse._SubParsersAction, parents: list) -> None:
    p = subparsers.add_parser("runbook", parents=parents,
                              help="list the configured runbooks or show one as a checklist")
    sub = p.add_subparsers(dest="runbook_command", metavar="list|show", required=True)
    sub.add_parser("list", parents=parents, help="every runbook and its scenarios")
    show = sub.add_parser("show", parents=parents, help="one runbook (or one scenario) in steps")
    show.add_argument("name", help="runbook name (file name without extension) or title")
    show.add_argument("scenario", nargs="?", help="scenario title, number or unique prefix")


class _Out:
    """Plain text, with bold/dim/color only on a terminal (and never with NO_COLOR)."""

    def __init__(self) -> None:
        self.color = sys.stdout.isatty() and "NO_COLOR" not in os.environ

    def style(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text

    def bold(self, text: str) -> str:
        return self.style(text, "1")

    def dim(self, text: str) -> str:
        return self.style(text, "2")


def run(args: argparse.Namespace) -> int:
    try:
        config = load_config(find_config(config_arg(args)))
    except ConfigError as exc:
        print(exc.render(), file=sys.stderr)
        return 2
    if config.runbooks is None:
        print("no runbooks configured (add [runbooks] paths = [...] to the config)",
              file=sys.stderr)
        return 2
    library = Library.from_config(config)
    library.refresh()
    out = _Out()
    if args.runbook_command == "list":
        _list(library, out)
        return 0
    try:
        runbook = library.find(args.name)
    except RunbookError as exc:
        print(f"warroom runbook: {exc}", file=sys.stderr)
        return 2
    if runbook.error:
        print(f"warroom runbook: {runbook.error}", file=sys.stderr)
        return 2
    scenarios = runbook.scenarios
    if args.scenario:
        found = runbook.scenario(args.scenario)
        if found is None:
            titles = "; ".join(s.title for s in runbook.scenarios) or "none"
            print(f"warroom runbook: no scenario {args.scenario!r} in {runbook.name} "
                  f"(scenarios: {titles})", file=sys.stderr)
            return 2
        scenarios = (found,)
    keys = {a.name: a.key for a in config.actions}
    print(out.bold(f"{runbook.title}") + out.dim(f"  ({runbook.name}: {runbook.path})"))
    for scenario in scenarios:
        _scenario(scenario, keys, out)
    for warning in runbook.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def _list(library: Library, out: _Out) -> None:
    for rb in library.runbooks:
        if rb.error:
            print(f"{rb.name}: {rb.error}")
            continue
        print(out.bold(rb.name) + f"  {rb.title} — {len(rb.scenarios)} scenarios, "
              f"{rb.step_count} steps" + out.dim(f"  ({rb.path})"))
        for i, s in enumerate(rb.scenarios, 1):
            print(f"  {i:>2}. {s.label} ({len(s.steps)} steps)")
    if not library.runbooks:
        print("no runbook files found under the configured paths")


def _scenario(scenario: Scenario, keys: dict[str, str], out: _Out) -> None:
    print()
    print(out.bold(f"## {scenario.label}"))
    for note in scenario.notes[:6]:
        print(out.dim(f"   {note}"))
    for i, step in enumerate(scenario.steps, 1):
        link = ""
        if step.action:
            link = out.style(f"  [action {step.action}, key {keys.get(step.action, '?')}]", "36")
        print(f"  [ ] {i}. {step.text}{link}")
        for line in step.context:
            print(out.dim(f"         {line}"))
        for command in step.commands:
            print("         " + out.style(f"$ {command}", "33"))


