"""The `warroom` command. Subcommands live in their own modules, imported only when used.

Each subcommand module exposes `add_parser(subparsers, parents)` and `run(args) -> int`.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS: dict[str, tuple[str, str]] = {
    "status": ("tui.cli.status", "one-shot glance; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN"),
    "check-config": ("tui.cli.check_config", "validate a config file (exit 0 valid, 2 invalid)"),
    "demo": ("tui.demo.cmd", "run the embedded demo production on loopback, open the war room"),
    "init": ("tui.cli.init", "write a starter config.toml from the running containers"),
    "incident": ("tui.cli.incident", "declare, annotate, resolve and export incidents"),
    "runbook": ("tui.cli.runbook", "list the runbooks, show one as a checklist (never runs it)"),
}


def common_options() -> argparse.ArgumentParser:
    """Options every subcommand accepts."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--config", "-c", metavar="PATH", default=argparse.SUPPRESS,
        help="config file (default: $WARROOM_CONFIG, ./config.toml, "
        "$XDG_CONFIG_HOME/warroom/config.toml)",
    )
    return parent


def config_arg(args: argparse.Namespace) -> str | None:
    """The --config value wherever it was given (before or after the subcommand)."""
    return getattr(args, "config", None)


def _main_parser(only: str | None) -> argparse.ArgumentParser:
    parent = common_options()
    parser = argparse.ArgumentParser(
        prog="warroom",
        parents=[parent],
        description="The terminal war room for production incidents. "
        "Without a subcommand, opens the war room on the config.",
        epilog="commands:\n" + "\n".join(f"  {n:<13} {d}" for n, (_, d) in COMMANDS.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--read-only", action="store_true", help="view only: no action can run")
    parser.add_argument("--as", dest="author", metavar="NAME", help="author of notes and actions")
    if only is not None:
        subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
        module = importlib.import_module(COMMANDS[only][0])
        module.add_parser(subparsers, [parent])
    return parser


_VALUED = {"-c", "--config", "--as"}


def _first_positional(argv: list[str]) -> str | None:
    """The subcommand name, skipping the values of the top-level options."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _VALUED:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def open_war_room(args: argparse.Namespace) -> int:
    """`warroom` with no subcommand: the war room on the config found."""
    from tui.core.config import ConfigError, find_config, load_config, permission_warnings

    try:
        config = load_config(find_config(config_arg(args)))
    except ConfigError as exc:
        print(exc.render(), file=sys.stderr)
        return 2
    for warning in permission_warnings(config):
        print(f"warning: {warning}", file=sys.stderr)
    from tui.app import run_app  # deferred: `warroom status` never imports textual

    return run_app(config, read_only=args.read_only, author=args.author)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = _first_positional(argv)
    if command is not None and command not in COMMANDS:
        _main_parser(None).error(f"unknown command {command!r} (see warroom --help)")
    args = _main_parser(command).parse_args(argv)
    if command is None:
        return open_war_room(args)
    return int(importlib.import_module(COMMANDS[command][0]).run(args))


