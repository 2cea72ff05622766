"""`warroom status`: probe once, print a compact table, exit like a monitoring plugin.

Plain text (no escape codes) when stdout is not a TTY or NO_COLOR is set; `--json` for
scripts; `--watch N` redraws in place on a TTY. Never runs actions.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
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
from tui.cli.status_alerts import render_alerts
from tui.cli.status_hosts import render_hosts
from tui.cli.status_json import incident_json, to_json
from tui.cli.status_metrics import render_metrics
from tui.cli.status_swarm import render_swarm
from tui.core.config import Config, ConfigError, find_config, load_config
from tui.core.docker_model import ContainersSnapshot
from tui.core.maintenance import in_maintenance
from tui.core.model import CheckResult, State, utcnow
from tui.core.state_text import state_text  # rich only: `status` never imports textual
from tui.core.store import Store
from tui.core.verdict import CONTAINERS, Exit, Verdict
from tui.engine.status_round import probe_once

WORD_STYLE = {"OK": "green", "WARNING": "yellow", "CRITICAL": "bold red",
              "UNKNOWN": "magenta", "MAINTENANCE": "bold blue"}
PIPE_WIDTH = 100
"""Width of plain output on a pipe when $COLUMNS is not set."""
NARROW = 64
"""Below this width services are listed one per block instead of in a table."""


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
        file=buffer, width=output_width(sys.stdout.isatty()),
        color_system=None if plain else "auto", force_terminal=not plain, no_color=plain,
        highlight=False, emoji=False,
    )
    render(console, config, store, result)
    return buffer.getvalue()


def output_width(tty: bool) -> int:
    """$COLUMNS when set (a pipe too: `COLUMNS=60 warroom status | less`), else the
    terminal's width on a TTY, else PIPE_WIDTH."""
    with contextlib.suppress(ValueError):
        columns = int(os.environ.get("COLUMNS", ""))
        if columns > 0:
            return max(20, columns)
    return shutil.get_terminal_size().columns if tty else PIPE_WIDTH


def render(console: Console, config: Config, store: Store, result: Verdict) -> None:
    env = config.environment
    title = Text(f"warroom status: {env.name}")
    if env.production:
        title.append("  PRODUCTION", style="bold white on red")
    title.append(f"  {utcnow():%Y-%m-%d %H:%M:%S} UTC")
    console.print(title)
    if console.width < NARROW:
        _services_narrow(console, config, store)
    else:
        _services_table(console, config, store)
    _color(console, config, store)
    _containers(console, config, store)
    render_hosts(console, config, store)
    render_alerts(console, config, store)
    render_metrics(console, config, store)
    render_swarm(console, config, store)
    incident = incident_json(config)
    if incident and "error" not in incident:
        console.print(Text(f"INCIDENT {incident['severity']} {incident['status']}: "
                           f"{incident['title']} (started {incident['start'][11:19]} UTC)"),
                      overflow="fold")
        from tui.core.sanitize import one_line  # journal text: inert, one line

        for esc in incident.get("escalations_due", []):  # due, not acknowledged
            late = esc["overdue_seconds"] // 60
            console.print(Text(f"  ESCALATE → {one_line(esc['to'])}: DUE {late} min ago (after "
                               f"{esc['after_minutes']:g} min; E in the war room acknowledges)",
                               style="bold white on red"), overflow="fold")
    summary = Text(result.word, style=WORD_STYLE.get(result.word, "bold"))
    if result.problems:
        summary.append(": " + "; ".join(result.problems))
    console.print(summary, overflow="fold")


def _services_table(console: Console, config: Config, store: Store) -> None:
    if not config.services:
        return
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    widest = max(len(state_text(s).plain) for s in State)
    for column in ("SERVICE", "COLOR", "STATE", "LATENCY", "BUILD", "REASON"):
        justify = "right" if column == "LATENCY" else "left"
        wraps = column in ("REASON", "BUILD")
        table.add_column(column, no_wrap=not wraps, justify=justify, overflow="fold",
                         min_width=widest if column == "STATE" else None)
    paused = in_maintenance(config, store)
    for service in config.services:
        state = store.effective(service.name)
        check = store.checks.get(service.name)
        table.add_row(
            Text(service.name), Text(service.color or "-"),
            state_text(state), Text(latency_words(check) or "-"),
            Text((check.detail("x-build") if check else None) or "-"),
            Text(_reason(service.name, check, paused)),
        )
        for child in check.children if check else ():
            table.add_row(
                Text(f"  └ {child.name}"), Text(""),
                state_text(child.state),
                Text(""), Text(""), Text(child.reason),
            )
    console.print(table)


def latency_words(check: CheckResult | None) -> str:
    """The warm figure (a request on a kept connection, as the TUI's rounds measure it), with
    the cold one (the request that opened it: TCP and TLS handshakes) labelled beside it:
    "12 ms (cold 180 ms)"; "cold 180 ms" alone when only the cold request answered."""
    if check is None or check.latency_ms is None:
        return ""
    warm, cold = check.warm_ms, check.cold_ms
    if warm is None:
        return f"cold {cold:.0f} ms"
    return f"{warm:.0f} ms" + (f" (cold {cold:.0f} ms)" if cold is not None else "")


def _reason(name: str, check: CheckResult | None, paused: dict[str, str]) -> str:
    if check is None:
        return "no result"
    return f"maintenance: {check.reason}" if name in paused else check.reason


def _services_narrow(console: Console, config: Config, store: Store) -> None:
    """One block per service: name and state on one line (words never cut), then the reason
    wrapped below."""
    paused = in_maintenance(config, store)
    for service in config.services:
        state = store.effective(service.name)
        check = store.checks.get(service.name)
        line = Text(service.name)
        if service.color:
            line.append(f" ({service.color})")
        line.append(" ")
        line.append_text(state_text(state))
        latency = latency_words(check)
        if latency:
            line.append(f" {latency}")
        console.print(line, overflow="fold")
        console.print(Text(f"  {_reason(service.name, check, paused)}"), overflow="fold")
        for child in check.children if check else ():
            line = Text(f"  └ {child.name} ")
            line.append_text(state_text(child.state))
            line.append(f" {child.reason}")
            console.print(line, overflow="fold")


def _color(console: Console, config: Config, store: Store) -> None:
    color = store.color
    if not config.color or color is None:
        return
    line = Text("COLOR  live ")
    line.append(color.live or "unknown", style="bold")
    line.append(f"  idle {color.idle or '-'}")
    deploy = " ".join(f"{k}={v}" for k, v in color.deploy_state)
    if deploy:
        line.append(f"  last deploy: {deploy}")
    console.print(line, overflow="fold")
    for reading in color.readings:
        said = reading.color or f"error: {reading.error}"
        console.print(Text(f"  {reading.source}: {said}"), overflow="fold")


def _containers(console: Console, config: Config, store: Store) -> None:
    snap = store.snapshots.get(CONTAINERS)
    value = snap.value if snap else None
    if config.containers is None or not isinstance(value, ContainersSnapshot):
        return
    for engine in value.engines:
        if not engine.reachable:
            console.print(Text(f"DOCKER {engine.describe()}", style="magenta"), overflow="fold")
    if not value.rows:
        return
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for column in ("CONTAINER", "COLOR", "STATE", "DETAIL"):
        table.add_column(column, no_wrap=column != "DETAIL", overflow="fold",
                         min_width=len("restarting") if column == "STATE" else None)
    multi = len(value.engines) > 1
    now = utcnow()
    for row in value.rows:
        name = f"{row.host}/{row.name}" if multi or row.host != "local" else row.name
        detail = [f"up {row.uptime(now)}"] if row.state == "running" and not row.listed else []
        if row.listed:  # listed by the engine, its inspect not answered before the deadline
            detail.append("not inspected in time: restarts and uptime unknown")
        if row.exit_code is not None and row.state != "running":
            detail.append(f"exit {row.exit_code}")
        if row.health:
            detail.append(row.health)
        if row.restart_count:
            detail.append(f"restarts {row.restart_count}")
        bad = row.state != "running" or row.health == "unhealthy"
        table.add_row(Text(name), Text(row.color or "-"),
                      Text(row.state, style="bold red" if bad else "green"),
                      Text(", ".join(detail) + f"  {row.image}"))
    console.print(table)


