"""Startup: process start → the first screen with every panel's first result, beside an empty
Textual app showing one Static, measured in the same run (alternating). Target ≤ 1.5×.

Two ways:

* `--tmux` (what a person sees): each program is spawned in a fresh tmux session (`--size`)
  (tmux is the terminal); one control-mode client reads the screen every few ms with
  `capture-pane`. Ready when the screen shows the data: for the empty app its Static; for
  warroom every health row has a state (none "waiting for the first result"), the color
  panel shows LIVE with a color, and the logs panel (if configured) shows lines. The war room
  runs on the embedded demo production (`warroom demo --no-tui`, started once for the run;
  each sample attaches to it with `warroom demo --dir D`, as a person does) or, with
  `--config loopback`, on 3 HTTP checks + a state-file color served from loopback.
  Each sample gets a fresh, empty state directory (XDG_STATE_HOME): no journal carried over.
* default (headless, in-process): `startup_child.py` runs the app headless and reports when
  the store has every first result and the next frame was painted.

Run: python benchmarks/bench_startup.py [--runs 7] [--tmux [--config demo|loopback]]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from common import HERE, loopback_server, machine, services_toml

ROOT = HERE.parent
COLS, ROWS = 120, 40
READY_MARK = "warroom-bench-ready"
LOG_LINE = re.compile(r"\[[\w.-]+\] \d{4}-\d\d-\d\dT\d\d:")


def once(mode: str, *extra: str) -> float:
    t0 = time.time()
    out = subprocess.run(
        [sys.executable, str(HERE / "startup_child.py"), mode, repr(t0), *extra],
        capture_output=True, text=True, timeout=60,
    )
    return float(out.stdout.strip().splitlines()[-1])


# -- through tmux ----------------------------------------------------------------------------
class Tmux:
    """A private tmux server and one control-mode client that sends commands and reads their
    output blocks (`%begin` … `%end`)."""

    def __init__(self) -> None:
        self.sock = f"warroom-bench-startup-{os.getpid()}"
        self.ctl = subprocess.Popen(
            ["tmux", "-L", self.sock, "-f", "/dev/null", "-C", "new-session", "-s", "ctl",
             "-x", "80", "-y", "24"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
        )
        self._block("new-session")  # the client's own first command

    def command(self, line: str) -> list[str]:
        assert self.ctl.stdin is not None
        self.ctl.stdin.write(line + "\n")
        self.ctl.stdin.flush()
        return self._block(line)

    def _block(self, line: str) -> list[str]:
        assert self.ctl.stdout is not None
        out: list[str] = []
        inside = False
        for raw in self.ctl.stdout:
            text = raw.rstrip("\n")
            if not inside:
                inside = text.startswith("%begin")
                continue
            if text.startswith(("%end", "%error")):
                if text.startswith("%error"):
                    raise RuntimeError(f"tmux {line!r}: {out}")
                return out
            out.append(text)
        raise RuntimeError("tmux control client ended")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            subprocess.run(["tmux", "-L", self.sock, "kill-server"], timeout=10)
        with contextlib.suppress(Exception):
            self.ctl.kill()
            self.ctl.wait(5)


def _quote(argv: list[str]) -> str:
    import shlex

    return " ".join(shlex.quote(a) for a in argv)


def through_tmux(tmux: Tmux, name: str, argv: list[str], env: dict[str, str],
                 ready: Callable[[str], bool], timeout: float = 30.0) -> float:
    """Spawn argv in a new COLSxROWS session; seconds until `ready(screen text)`."""
    envs = " ".join(f"-e {k}={v}" for k, v in env.items())
    t0 = time.monotonic()
    tmux.command(f"new-session -d -s {name} -x {COLS} -y {ROWS} -c {ROOT} {envs} "
                 f"{_quote([_quote(argv)])}")
    pid = int(tmux.command(f"display-message -p -t {name} '#{{pane_pid}}'")[0])
    found = None
    while time.monotonic() - t0 < timeout:
        screen = "\n".join(tmux.command(f"capture-pane -p -t {name}"))
        if ready(screen):
            found = time.monotonic() - t0
            break
        time.sleep(0.003)
    tmux.command(f"kill-session -t {name}")  # SIGHUP: the app quits as on a closed terminal
    _wait_gone(pid)
    if found is None:
        raise RuntimeError(f"{name}: not ready after {timeout} s; last screen:\n{screen}")
    return found


def _wait_gone(pid: int, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def empty_ready(screen: str) -> bool:
    return READY_MARK in screen


def warroom_ready(logs: bool) -> Callable[[str], bool]:
    def ready(screen: str) -> bool:
        if "SERVICE" not in screen or "waiting for the first" in screen:
            return False
        live = [line for line in screen.splitlines() if "LIVE " in line]
        if not live or any("? unknown" in line for line in live):
            return False
        if not logs:
            return True
        # the logs panel's title (FOLLOW · n/…), or at least one of its lines when the
        # panels above push its title below the screen
        return ("FOLLOW" in screen and "FOLLOW · 0/" not in screen) or bool(
            LOG_LINE.search(screen))

    return ready


@contextlib.contextmanager
def demo_production(tmp: Path) -> Iterator[list[str]]:
    """`warroom demo --no-tui` in tmp/demo; yields the argv that attaches the war room."""
    demo = tmp / "demo"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "demo", "--no-tui", "--dir", str(demo)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("Ctrl+C stops everything"):
                break
        else:
            raise RuntimeError("the demo production did not start")
        yield [sys.executable, "-m", "tui.cli", "demo", "--dir", str(demo)]
    finally:
        proc.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(15)


def run_tmux(runs: int, which: str) -> tuple[list[float], list[float]]:
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        if which == "demo":
            argv = stack.enter_context(demo_production(tmp))
            logs = COLS >= 120  # narrow: the logs pane is not the one shown
        else:
            base = stack.enter_context(loopback_server())
            config = _loopback_config(tmp, base)
            argv = [sys.executable, "-m", "tui.cli", "--config", str(config)]
            logs = False
        tmux = Tmux()
        stack.callback(tmux.close)
        empty_argv = [sys.executable, str(HERE / "startup_child.py"), "static", "0"]
        empty, ours = [], []
        for i in range(runs + 1):  # the first pair warms the file cache and is dropped
            state = tmp / f"state{i}"
            state.mkdir()
            # Both programs run from current bytecode, as an installed package does (pip
            # compiles at install): PYTHONDONTWRITEBYTECODE (set in some dev shells) would
            # make every start recompile each source changed since its .pyc was written
            # (58 modules, ~60 ms of CPU, on 2026-12-01). The dropped warm-up pair writes it.
            env = {"XDG_STATE_HOME": str(state), "TERM": "xterm-256color",
                   "PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": str(tmp / "pycache")}
            e = through_tmux(tmux, f"e{i}", empty_argv, env, empty_ready)
            w = through_tmux(tmux, f"w{i}", argv, env, warroom_ready(logs))
            if i:
                empty.append(e)
                ours.append(w)
            print(f"  run {i}: empty {e * 1000:.0f} ms, warroom {w * 1000:.0f} ms"
                  + ("  (warm-up, dropped)" if not i else ""), flush=True)
    return empty, ours


def _loopback_config(tmp: Path, base: str) -> Path:
    state = tmp / "deploy-state"
    state.write_text("active=blue\nstatus=success\n")
    urls = [f"{base}/ok/{i}" for i in range(3)]
    config = tmp / "c.toml"
    config.write_text(
        services_toml(urls, 2.0)
        + f'[color]\n[[color.sources]]\nkind = "state_file"\npath = "{state}"\n'
    )
    return config


def run_headless(runs: int) -> tuple[list[float], list[float]]:
    with loopback_server() as base, tempfile.TemporaryDirectory() as tmp:
        config = _loopback_config(Path(tmp), base)
        once("empty")  # warm the file cache for both
        once("warroom", str(config))
        empty, ours = [], []
        for _ in range(runs):
            empty.append(once("empty"))
            ours.append(once("warroom", str(config)))
    return empty, ours


def main() -> None:
    global COLS, ROWS
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--tmux", action="store_true",
                        help="through tmux at 120x40: what a person sees (default: headless)")
    parser.add_argument("--config", choices=("demo", "loopback"), default="demo",
                        help="with --tmux: the embedded demo (default) or loopback checks")
    parser.add_argument("--size", default=f"{COLS}x{ROWS}",
                        help="with --tmux: the terminal's COLSxROWS (default 120x40)")
    args = parser.parse_args()
    COLS, ROWS = (int(n) for n in args.size.split("x"))
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.2f}")
    if args.tmux:
        empty, ours = run_tmux(args.runs, args.config)
        how = f"through tmux {COLS}x{ROWS}, {args.config} config"
    else:
        empty, ours = run_headless(args.runs)
        how = "headless, loopback config"
    e, w = statistics.median(empty), statistics.median(ours)
    print(f"{how}; load average after {os.getloadavg()[0]:.2f}")
    print(f"empty Textual app (one Static), first paint: median {e * 1000:.0f} ms "
          f"(min {min(empty) * 1000:.0f}, max {max(empty) * 1000:.0f}; {args.runs} runs)")
    print(f"warroom, first full data on screen: median {w * 1000:.0f} ms "
          f"(min {min(ours) * 1000:.0f}, max {max(ours) * 1000:.0f})")
    print(f"ratio warroom / empty: {w / e:.2f}× (target ≤ 1.5×)")


if __name__ == "__main__":
    main()
