"""Cost at rest through a real pty: CPU of one core and bytes/s written to the terminal.

Each program runs alone in a fresh pty at 80x24 (TIOCSWINSZ, TERM=xterm-256color); every
byte it writes is read and counted. After a warm-up, a window of --seconds is measured:
CPU = delta of utime+stime+cutime+cstime of the process (/proc/PID/stat) over wall time.

    rest-2s     warroom on the demo production (shipped demo intervals, 2 s), nothing changes
    rest-1s     the same with every check every 1 s
    flip-1s     1 s intervals; every second both colors break/heal and the deploy state
                file's active color flips, so every service check and the color change
    watch       baseline: `watch -n1 date`
    htop        baseline: an idle `htop`

    python benchmarks/bench_rest.py [--seconds 60] [--warmup 10] [--only rest-2s,htop]
                                    [--dump DIR]   (raw byte streams, for diffing frames)
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import machine
from tui.demo import files
from tui.demo.config import config_dict
from tui.demo.env import DemoEnv, start_demo

COLS, ROWS = 80, 24
TICK = os.sysconf("SC_CLK_TCK")
FRAME_GAP = 0.02
"""Writes closer together than this belong to one frame (one refresh of the screen)."""


@dataclass
class Run:
    """What one program did in the measured window."""

    name: str
    cpu_s: float = 0.0
    children_s: float = 0.0
    wall_s: float = 0.0
    bytes: int = 0
    frames: int = 0
    chunks: list[tuple[float, int]] = field(default_factory=list)
    rows: Counter[int] = field(default_factory=Counter)

    @property
    def cpu_pct(self) -> float:
        return 100.0 * self.cpu_s / self.wall_s if self.wall_s else 0.0

    @property
    def bps(self) -> float:
        return self.bytes / self.wall_s if self.wall_s else 0.0


def cpu_ticks(pid: int) -> tuple[int, int]:
    """(utime + stime, cutime + cstime: children waited for) in clock ticks."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = [int(v) for v in text[text.rindex(")") + 2:].split()[11:15]]
    return fields[0] + fields[1], fields[2] + fields[3]


def spawn(argv: list[str], env: dict[str, str],
          size: tuple[int, int] = (COLS, ROWS)) -> tuple[subprocess.Popen[bytes], int]:
    """Start argv on a new pty (cols x rows, controlling terminal); return (process, master fd)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))

    def controlling_tty() -> None:  # runs after setsid and the fd dups
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                            start_new_session=True, preexec_fn=controlling_tty)
    os.close(slave)
    return proc, master


class Reader(threading.Thread):
    """Drains the pty master; keeps (time, size) per read and, if asked, the raw bytes."""

    def __init__(self, fd: int, keep: bool) -> None:
        super().__init__(daemon=True)
        self.fd, self.keep = fd, keep
        self.chunks: list[tuple[float, int]] = []
        self.raw: list[tuple[float, bytes]] = []
        self.stop = False

    def run(self) -> None:
        while not self.stop:
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if not ready:
                continue
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return
            if not data:
                return
            self.chunks.append((time.monotonic(), len(data)))
            if self.keep:
                self.raw.append((time.monotonic(), data))


def count_frames(chunks: list[tuple[float, int]]) -> int:
    frames, last = 0, -1.0
    for t, _ in chunks:
        if t - last > FRAME_GAP:
            frames += 1
        last = t
    return frames


def write_dump(path: Path, raw: list[tuple[float, bytes]]) -> None:
    """The window's bytes, one frame per block, each block after a `\n=== FRAME t ===\n`."""
    out, last = bytearray(), -1.0
    for t, data in raw:
        if t - last > FRAME_GAP:
            out += f"\n=== FRAME {t:.3f} ===\n".encode()
        out += data
        last = t
    path.write_bytes(bytes(out))


CUP = re.compile(rb"\x1b\[(\d+);(\d+)H")


def bytes_by_row(raw: list[tuple[float, bytes]]) -> Counter[int]:
    """Bytes written after each cursor move, summed per screen row (where the bytes go)."""
    rows: Counter[int] = Counter()
    data = b"".join(d for _, d in raw)
    row, pos = 0, 0
    for m in CUP.finditer(data):
        rows[row] += m.start() - pos
        row, pos = int(m.group(1)), m.end()
    rows[row] += len(data) - pos
    return rows


def measure(name: str, argv: list[str], env: dict[str, str], warmup: float, seconds: float,
            quit_keys: bytes = b"q", dump: Path | None = None) -> Run:
    proc, master = spawn(argv, env)
    reader = Reader(master, keep=True)
    reader.start()
    run = Run(name)
    try:
        time.sleep(warmup)
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited during warm-up ({proc.returncode})")
        t0, c0, n0 = time.monotonic(), cpu_ticks(proc.pid), len(reader.chunks)
        time.sleep(seconds)
        t1, c1, n1 = time.monotonic(), cpu_ticks(proc.pid), len(reader.chunks)
        run.wall_s = t1 - t0
        run.cpu_s = (c1[0] + c1[1] - c0[0] - c0[1]) / TICK
        run.children_s = (c1[1] - c0[1]) / TICK
        run.chunks = reader.chunks[n0:n1]
        run.bytes = sum(n for _, n in run.chunks)
        run.frames = count_frames(run.chunks)
        run.rows = bytes_by_row(reader.raw[n0:n1])
        if dump is not None:
            write_dump(dump / f"{name}.bin", reader.raw[n0:n1])
    finally:
        stop(proc, master, reader, quit_keys)
    return run


def stop(proc: subprocess.Popen[bytes], master: int, reader: Reader, quit_keys: bytes) -> None:
    """Type quit_keys; if the program is still there after 5 s, SIGTERM (then SIGKILL) its
    session; stop the reader and close the pty."""
    with contextlib.suppress(OSError):
        os.write(master, quit_keys)
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    reader.stop = True
    reader.join(2)
    os.close(master)


def demo_config(env: DemoEnv, interval: float | None, path: Path,
                extra: dict[str, Any] | None = None) -> Path:
    """The demo's own config, optionally with every check's interval set to `interval` and
    more sections (`extra`, e.g. `{"containers": {...}}`)."""
    data: dict[str, Any] = config_dict(env) | (extra or {})
    if interval is not None:
        data["defaults"]["interval"] = interval
        data["color"]["interval"] = interval
    path.write_text(tomli_w.dumps(data))
    return path


class Flipper(threading.Thread):
    """Every second: break or heal both colors, and flip the state file's active color."""

    def __init__(self, demo_dir: Path) -> None:
        super().__init__(daemon=True)
        self.dir, self.stop, self.flips = demo_dir, threading.Event(), 0

    def run(self) -> None:
        while not self.stop.wait(1.0):
            self.flips += 1
            broken = self.flips % 2 == 1
            for color in files.COLORS:
                if broken:
                    files.break_color(self.dir, color, "redis")
                else:
                    files.heal_color(self.dir, color)
            state = files.read_kv(self.dir / files.STATE)
            state["active"] = "blue" if broken else "green"
            files.write_kv(self.dir / files.STATE, state)


def warroom_argv(config: Path) -> list[str]:
    script = Path(sys.executable).with_name("warroom")
    if script.exists():
        return [str(script), "--config", str(config)]
    return [sys.executable, "-c", "import sys; from tui.cli import main; sys.exit(main())",
            "--config", str(config)]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--warmup", type=float, default=10.0)
    p.add_argument("--only", default="", help="comma-separated scenario names")
    p.add_argument("--dump", type=Path, help="write each raw byte stream here")
    args = p.parse_args()
    if shutil.which("htop") is None:
        print("installing htop (apt-get install -y htop)", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "htop"], check=True,
                       stdout=subprocess.DEVNULL)
    if args.dump:
        args.dump.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="wr-bench-rest-"))
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLORTERM", "TMUX")}
    env |= {"TERM": "xterm-256color", "COLUMNS": str(COLS), "LINES": str(ROWS),
            "XDG_STATE_HOME": str(tmp / "state"), "HOME": str(tmp)}
    demo = start_demo(tmp / "demo", {"router": 0, "blue": 0, "green": 0}, chatter=0,
                      say=lambda _m: None)
    scenarios: list[tuple[str, Callable[[], list[str]], bool]] = [
        ("rest-2s", lambda: warroom_argv(demo_config(demo, None, tmp / "c2.toml")), False),
        ("rest-1s", lambda: warroom_argv(demo_config(demo, 1.0, tmp / "c1.toml")), False),
        ("flip-1s", lambda: warroom_argv(demo_config(demo, 1.0, tmp / "c1.toml")), True),
        ("watch", lambda: ["watch", "-n1", "date"], False),
        ("htop", lambda: ["htop"], False),
    ]
    only = set(filter(None, args.only.split(",")))
    runs: list[Run] = []
    try:
        for name, argv, flip in scenarios:
            if only and name not in only:
                continue
            files.heal_color(demo.dir)
            flipper = Flipper(demo.dir) if flip else None
            if flipper:
                flipper.start()
            try:
                run = measure(name, argv(), env, args.warmup, args.seconds, dump=args.dump)
            finally:
                if flipper:
                    flipper.stop.set()
                    flipper.join()
            runs.append(run)
            print(f"{name:8} cpu {run.cpu_pct:5.2f} % (children "
                  f"{100 * run.children_s / run.wall_s:4.2f} %) {run.bps:8.0f} B/s  "
                  f"{run.frames / run.wall_s:5.2f} frames/s  "
                  f"{run.bytes / max(run.frames, 1):6.0f} B/frame", file=sys.stderr, flush=True)
    finally:
        demo.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    report(runs, args)
    return 0


def report(runs: list[Run], args: argparse.Namespace) -> None:
    by = {r.name: r for r in runs}
    print(f"\nMachine: {machine()}. Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. "
          f"Load average before/after: {os.getloadavg()[0]:.2f}. "
          f"Window {args.seconds:.0f} s after {args.warmup:.0f} s warm-up, {COLS}x{ROWS}.\n")
    print("| program | CPU % of one core | bytes/s | frames/s | bytes/frame "
          "| vs `watch -n1 date` (CPU, bytes) | vs idle `htop` (CPU, bytes) |")
    print("|---|---|---|---|---|---|---|")

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.1f}×" if b else "—"

    for r in runs:
        cells = [f"{r.name}", f"{r.cpu_pct:.2f}", f"{r.bps:.0f}",
                 f"{r.frames / r.wall_s:.2f}", f"{r.bytes / max(r.frames, 1):.0f}"]
        for base in ("watch", "htop"):
            b = by.get(base)
            cells.append(f"{ratio(r.cpu_pct, b.cpu_pct)}, {ratio(r.bps, b.bps)}" if b else "—")
        print("| " + " | ".join(cells) + " |")
    for r in runs:
        if r.rows and r.name not in ("watch", "htop"):
            top = ", ".join(f"{row}: {n / r.wall_s:.0f}" for row, n in sorted(r.rows.items())
                            if n / r.wall_s >= 20)
            print(f"\n{r.name}: bytes/s by screen row (row 0 = before any cursor move): {top}")


if __name__ == "__main__":
    sys.exit(main())
