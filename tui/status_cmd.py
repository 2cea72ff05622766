"""`warroom status`: probe once, print a compact table, exit like a monitoring plugin.

Plain text (no escape codes) when stdout is not a TTY or NO_COLOR is set; `--json` for
scripts; `--watch N` redraws in place on a TTY. Never runs actions.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import shutil
import sys
import time

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tui.cli import config_arg
from tui.core.config import Config, ConfigError, find_config, load_config
from tui.core.model import utcnow
from tui.core.monitor import Monitor
from tui.core.scheduler import GRACE
from tui.core.store import Store
from tui.core.verdict import Exit, Verdict, verdict
from widgets.styles import state_text  # rich only: `status` still never imports textual

EXIT_STYLE = {Exit.OK: "green", Exit.WARNING: "yellow", Exit.CRITICAL: "bold red",
              Exit.UNKNOWN: "magenta"}


def add_parser(subparsers: argparse._SubParsersAction, parents: list) -> None:
    p = subparsers.add_parser("status", parents=parents, help="one-shot health glance")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--watch", type=float, metavar="N", help="probe every N seconds, redraw")


def run(args: argparse.Namespace) -> int:
    try:
        config = load_config(find_config(config_arg(args)))
    except ConfigError as exc:
        print(f"UNKNOWN: bad config\n{exc.render()}", file=sys.stderr)
        return int(Exit.UNKNOWN)
    if args.watch:
        return _watch(config, args)
    store, result = asyncio.run(probe_once(config))
    _print(config, store, result, args.json)
    return int(result.code)


async def probe_once(config: Config) -> tuple[Store, Verdict]:
    """One concurrent round of every probe, bounded by the slowest timeout."""
    store = Store()
    monitor = Monitor(config, store)
    try:
        await asyncio.wait_for(monitor.run_once(), monitor.slowest_timeout + GRACE + 0.5)
    except TimeoutError:
        pass  # whatever did not answer shows as UNKNOWN
    finally:
        await monitor.close()
    return store, verdict(config, store)


def _watch(config: Config, args: argparse.Namespace) -> int:
    tty = sys.stdout.isatty()
    code = Exit.UNKNOWN
    try:
        while True:
            started = time.monotonic()
            store, result = asyncio.run(probe_once(config))
            code = result.code
            frame = _frame(config, store, result, args.json)
            if tty and not args.json:
                frame = _in_place(frame)
            sys.stdout.write(frame)  # one write per frame: no half-drawn screens
            sys.stdout.flush()
            time.sleep(max(0.0, args.watch - (time.monotonic() - started)))
    except KeyboardInterrupt:
        return int(code)


def _in_place(frame: str) -> str:
    """Redraw from the top-left: each line erased to its end (EL), then everything below
    (ED 0). Not ED 2 (`ESC[2J`): tmux's scroll-on-clear would push every frame into the
    scrollback."""
    lines = frame.rstrip("\n").split("\n")
    return "\x1b[H" + "".join(f"{line}\x1b[K\n" for line in lines) + "\x1b[J"


def _print(config: Config, store: Store, result: Verdict, as_json: bool) -> None:
    sys.stdout.write(_frame(config, store, result, as_json))


def _frame(config: Config, store: Store, result: Verdict, as_json: bool) -> str:
    """The whole output as one string: JSON, plain text (no TTY or NO_COLOR), or styled."""
    if as_json:
        return json.dumps(to_json(config, store, result), indent=2) + "\n"
    plain = not sys.stdout.isatty() or "NO_COLOR" in os.environ
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=100 if plain else shutil.get_terminal_size().columns,
        color_system=None if plain else "auto", force_terminal=not plain, no_color=plain,
        highlight=False, emoji=False,
    )
    render(console, config, store, result)
    return buffer.getvalue()


def render(console: Console, config: Config, store: Store, result: Verdict) -> None:
    env = config.environment
    title = Text(f"warroom status: {env.name}")
    if env.production:
        title.append("  PRODUCTION", style="bold white on red")
    title.append(f"  {utcnow():%Y-%m-%d %H:%M:%S} UTC")
    console.print(title)
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for column in ("SERVICE", "COLOR", "STATE", "LATENCY", "BUILD", "REASON"):
        justify = "right" if column == "LATENCY" else "left"
        table.add_column(column, no_wrap=column != "REASON", justify=justify)
    for service in config.services:
        state = store.effective(service.name)
        check = store.checks.get(service.name)
        latency = f"{check.latency_ms:.0f} ms" if check and check.latency_ms is not None else "-"
        table.add_row(
            Text(service.name), Text(service.color or "-"),
            state_text(state), Text(latency),
            Text((check.detail("x-build") if check else None) or "-"),
            Text(check.reason if check else "no result"),
        )
        for child in check.children if check else ():
            table.add_row(
                Text(f"  └ {child.name}"), Text(""),
                state_text(child.state),
                Text(""), Text(""), Text(child.reason),
            )
    console.print(table)
    color = store.color
    if config.color and color is not None:
        line = Text("COLOR  live ")
        line.append(color.live or "unknown", style="bold")
        line.append(f"  idle {color.idle or '-'}")
        deploy = " ".join(f"{k}={v}" for k, v in color.deploy_state)
        if deploy:
            line.append(f"  last deploy: {deploy}")
        console.print(line)
        for reading in color.readings:
            said = reading.color or f"error: {reading.error}"
            console.print(Text(f"  {reading.source}: {said}"))
    summary = Text(result.code.name, style=EXIT_STYLE[result.code])
    if result.problems:
        summary.append(": " + "; ".join(result.problems))
    console.print(summary)


def to_json(config: Config, store: Store, result: Verdict) -> dict:
    checks = []
    for service in config.services:
        check = store.checks.get(service.name)
        checks.append({
            "name": service.name,
            "color": service.color,
            "state": store.effective(service.name).value,
            "reason": check.reason if check else "no result",
            "latency_ms": round(check.latency_ms, 1) if check and check.latency_ms else None,
            "at": check.at.isoformat() if check else None,
            "details": dict(check.details) if check else {},
            "children": [
                {"name": c.name, "state": c.state.value, "reason": c.reason}
                for c in (check.children if check else ())
            ],
        })
    color = store.color
    return {
        "status": result.code.name,
        "exit": int(result.code),
        "environment": config.environment.name,
        "production": config.environment.production,
        "at": utcnow().isoformat(),
        "checks": checks,
        "color": None if color is None else {
            "live": color.live,
            "idle": color.idle,
            "readings": [
                {"source": r.source, "color": r.color, "error": r.error} for r in color.readings
            ],
            "deploy_state": dict(color.deploy_state),
        },
        "problems": list(result.problems),
    }
