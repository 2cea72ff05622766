"""`warroom demo`: start the demo production, open the war room on it, stop it all on exit.

    warroom demo [--dir D] [--no-tui]            start (or attach to) the demo
    warroom demo --break green [--mode redis]    break a color of the running demo, exit
    warroom demo --heal [green]                  heal one color (or all), exit

When `prometheus` and `prometheus-alertmanager` are installed the demo also runs them on
loopback (the services expose /metrics; a rule fires when the live color fails), and the
war room shows their alerts and metrics. --no-monitoring leaves them out.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from . import files
from .env import DemoEnv, DemoError, DemoRunning, default_dir, running_demo, start_demo
from .monitoring import NAMES as MONITORING


def add_parser(subparsers: argparse._SubParsersAction, parents: list) -> None:
    p = subparsers.add_parser(
        "demo", parents=parents, help="run the embedded demo production and open the war room",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--dir", type=Path, help=f"demo directory (default: {default_dir()})")
    p.add_argument("--no-tui", action="store_true",
                   help="only run the production (until Ctrl+C / SIGTERM); print where it is")
    p.add_argument("--break", dest="break_color", choices=files.COLORS, metavar="COLOR",
                   help="break COLOR (blue|green) of the running demo and exit")
    p.add_argument("--mode", choices=files.MODES, default="redis",
                   help="how --break breaks it (default: redis)")
    p.add_argument("--heal", nargs="?", const="all", choices=(*files.COLORS, "all"),
                   metavar="COLOR", help="heal COLOR (default: all) of the running demo and exit")
    p.add_argument("--no-monitoring", action="store_true",
                   help="do not start Prometheus and Alertmanager even when installed")
    p.add_argument("--chatter", type=float, default=3.0, help=argparse.SUPPRESS)
    p.add_argument("--traffic", type=float, default=1.0, help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    demo_dir: Path = args.dir or default_dir()
    if args.break_color or args.heal:
        return _break_or_heal(demo_dir, args)
    try:
        env = start_demo(demo_dir, chatter=args.chatter, traffic=args.traffic,
                         monitoring=not args.no_monitoring, say=_say)
    except DemoRunning as exc:
        _say(f"{exc}; attaching to it (it stops when its owner exits)")
        return _attach(exc.info, args)
    except (DemoError, OSError) as exc:
        print(f"warroom demo: cannot start: {exc}", file=sys.stderr)
        return 1
    previous = {s: signal.signal(s, _terminate) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        from .config import demo_config

        config = demo_config(env)
        if args.no_tui:
            return _serve(env)
        return _tui(env, config, args)
    except KeyboardInterrupt:
        return 130
    finally:
        for sig in previous:
            signal.signal(sig, signal.SIG_IGN)  # a second signal must not interrupt cleanup
        env.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _say(message: str) -> None:
    print(f"warroom demo: {message}", file=sys.stderr, flush=True)


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds to run()'s finally: the demo stops


def _break_or_heal(demo_dir: Path, args: argparse.Namespace) -> int:
    if running_demo(demo_dir) is None:
        print(f"warroom demo: no demo is running in {demo_dir} (start one: warroom demo)",
              file=sys.stderr)
        return 1
    if args.break_color:
        print(files.break_color(demo_dir, args.break_color, args.mode))
    if args.heal:
        print(files.heal_color(demo_dir, None if args.heal == "all" else args.heal))
    return 0


def _serve(env: DemoEnv) -> int:
    print(env.describe(), flush=True)
    print("break/heal:  warroom demo --break green [--mode redis|down|slow|html|reset]"
          f" --dir {env.dir}\n             warroom demo --heal --dir {env.dir}", flush=True)
    print("Ctrl+C stops everything.", flush=True)
    while True:
        for name, proc in env.processes.items():
            if name not in MONITORING and proc.poll() is not None:
                _say(f"service {name} exited unexpectedly (code {proc.returncode})")
                return 1
        time.sleep(0.5)


def _attach(info: DemoEnv, args: argparse.Namespace) -> int:
    if args.no_tui:
        print(info.describe())
        return 0
    from ..core.config import ConfigError, load_config

    try:
        config = load_config(info.dir / files.CONFIG)
    except ConfigError as exc:
        print(exc.render(), file=sys.stderr)
        return 1
    return _tui(info, config, args)


def _tui(env: DemoEnv, config: object, args: argparse.Namespace) -> int:
    try:
        from tui.app import run_app
    except ImportError as exc:
        _say(f"the war room app is not available ({exc}); running without it")
        return _serve(env) if env.owner else 1
    from .keys import demo_keys

    try:
        rc = run_app(config, read_only=getattr(args, "read_only", False),  # type: ignore[arg-type]
                     author=getattr(args, "author", None), extra_bindings=demo_keys(env.dir))
    finally:
        for message in env.messages:  # the TUI covered them when they were first printed
            _say(message)
        if env.owner:
            _say(f"stopping the demo production in {env.dir}")
    return int(rc or 0)
