"""`warroom` with no subcommand: open the war room on the config found."""

from __future__ import annotations

import argparse
import sys

from tui.cli import config_arg
from tui.core.config import ConfigError, find_config, load_config, permission_warnings


def run(args: argparse.Namespace) -> int:
    try:
        config = load_config(find_config(config_arg(args)))
    except ConfigError as exc:
        print(exc.render(), file=sys.stderr)
        return 2
    for warning in permission_warnings(config):
        print(f"warning: {warning}", file=sys.stderr)
    from tui.app import run_app  # deferred: `warroom status` never imports textual

    return run_app(config, read_only=args.read_only, author=args.author)
