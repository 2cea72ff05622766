"""`warroom check-config [PATH]`: validate a config; exit 0 when valid, 2 when not."""

from __future__ import annotations

import argparse
import sys

from tui.cli import config_arg
from tui.core.config import ConfigError, find_config, load_config, permission_warnings


def add_parser(subparsers: argparse._SubParsersAction, parents: list) -> None:
    p = subparsers.add_parser("check-config", parents=parents, help="validate a config file")
    p.add_argument("path", nargs="?", help="config file (default: the search order)")


def run(args: argparse.Namespace) -> int:
    try:
        path = find_config(args.path or config_arg(args))
        config = load_config(path)
    except ConfigError as exc:
        print(exc.render(), file=sys.stderr)
        return 2
    for warning in permission_warnings(config):
        print(f"warning: {warning}", file=sys.stderr)
    parts = [f"{len(config.services)} services", f"{len(config.hosts)} hosts"]
    if config.color:
        parts.append(f"{len(config.color.sources)} color sources")
    print(f"{path}: OK ({', '.join(parts)})")
    return 0
