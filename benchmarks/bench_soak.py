"""An 8-hour soak compressed: does memory, fds, threads or tasks creep while everything churns?

The real app runs headless in this process (it still lays out and renders every frame; only
the terminal write is skipped) at 120x40, so every panel is live, against:

- the demo production with every check and the color every 0.2 s, both colors breaking and
  healing every second (every service check flaps: transitions, toasts, timeline records)
  and the deploy state's active color flipping (color warnings come and go);
- a chatty log: the demo's app.log at ~400 lines/s plus a busybox container printing
  ~500 lines/s, both tailed by the logs panel;
- reconnecting Docker: the container is restarted or killed every --chaos seconds, and the
  engine itself (a PRIVATE dockerd, never the shared one) is stopped for 5 s every
  --daemon-every seconds; the containers panel and the docker log source must reconnect.

Every --sample seconds: RSS, open fds, threads, asyncio tasks, gc-tracked objects, lines
received, transitions. Report: a table per minute and, after --warmup, first vs last
quarter and the least-squares slope of each, with a verdict.

    python benchmarks/bench_soak.py [--minutes 12] [--sample 5] [--warmup 120]
                                    [--no-private-dockerd] [--csv out.csv]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_rest import Flipper
from benchmarks.common import machine
from tests.infra import docker as infra_docker
from tui.demo.config import config_dict
from tui.demo.env import start_demo

CHATTY = ("i=0; while true; do i=$((i+1)); echo \"$(date +%T) worker[$$] job $i done: "
          "status=ok bytes=$((i*7)) tenant=t$((i%13))\"; "
          "[ $((i%97)) -eq 0 ] && echo \"ERROR job $i failed: upstream reset\"; "
          "[ $((i%50)) -eq 0 ] && usleep 100000; done")


@dataclass
class Sample:
    t: float
    rss_mb: float
    fds: int
    threads: int
    tasks: int
    objects: int
    lines: int
    transitions: int
    entries: int
    cpu_s: float


class PrivateDockerd:
    """A dockerd with its own data-root, exec-root, pidfile and socket (safe to stop)."""

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="wr-soak-dockerd-")
        self.url = f"unix://{self.dir}/d.sock"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, wait: float = 30.0) -> None:
        with open(f"{self.dir}/dockerd.log", "ab") as log:
            self.proc = subprocess.Popen(
                ["dockerd", "--data-root", f"{self.dir}/data", "--exec-root", f"{self.dir}/exec",
                 "--pidfile", f"{self.dir}/dockerd.pid", "-H", self.url, "--bridge=none",
                 "--iptables=false", "--ip6tables=false"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if docker_cli(self.url, "version").returncode == 0:
                return
            time.sleep(0.2)
        raise RuntimeError(f"private dockerd did not start (see {self.dir}/dockerd.log)")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def remove(self) -> None:
        self.stop()
        with open("/proc/mounts") as fh:
            mounts = [line.split()[1] for line in fh if line.split()[1].startswith(self.dir)]
        for mount in sorted(mounts, key=len, reverse=True):
            subprocess.run(["umount", "-l", mount], capture_output=True, check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


def docker_cli(url: str | None, *argv: str) -> subprocess.CompletedProcess[bytes]:
    """The docker CLI (a subprocess: the chaos costs this process no fds or threads)."""
    host = ["-H", url] if url else []
    return subprocess.run(["docker", *host, *argv], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, timeout=60, check=False)


class Chaos(threading.Thread):
    """Restart / kill the chatty container, and stop/start the private engine."""

    def __init__(self, url: str | None, name: str, every: float, daemon_every: float,
                 dockerd: PrivateDockerd | None) -> None:
        super().__init__(daemon=True)
        self.url, self.name, self.every = url, name, every
        self.daemon_every, self.dockerd = daemon_every, dockerd
        self.stop = threading.Event()
        self.counts = {"restart": 0, "kill": 0, "engine": 0}

    def run(self) -> None:
        n, last_engine = 0, time.monotonic()
        while not self.stop.wait(self.every):
            n += 1
            if self.dockerd and time.monotonic() - last_engine >= self.daemon_every:
                self.dockerd.stop()
                if self.stop.wait(5.0):
                    self.dockerd.start()
                    return
                self.dockerd.start()  # restart policy "always" brings the container back
                last_engine = time.monotonic()
                self.counts["engine"] += 1
            elif n % 2:
                docker_cli(self.url, "restart", "-t", "0", self.name)
                self.counts["restart"] += 1
            else:
                docker_cli(self.url, "kill", self.name)
                time.sleep(0.5)
                docker_cli(self.url, "start", self.name)
                self.counts["kill"] += 1


def soak_config(demo: Any, container: str, interval: float) -> dict[str, Any]:
    data: dict[str, Any] = config_dict(demo)
    data["defaults"] |= {"interval": interval, "timeout": 2.0}
    data["color"]["interval"] = interval
    data["containers"] = {"hosts": ["local"], "names": [f"^{container}$"],
                          "reconcile_interval": 2.0, "stats_interval": 2.0, "timeout": 3.0}
    data["logs"]["reattach_delay"] = 0.2
    data["logs"]["sources"].append({"kind": "docker", "name": "chatty",
                                    "container": container, "tail": 50})
    return data


def _socket_peers() -> dict[str, str]:
    """Socket inode -> what it is: `tcp->:PORT` (remote port) or `unix:PATH`."""
    peers: dict[str, str] = {}
    for table in ("tcp", "tcp6"):
        with contextlib.suppress(OSError):
            for row in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
                cols = row.split()
                local, remote, inode = cols[1], cols[2], cols[9]
                lport, rport = int(local.split(":")[1], 16), int(remote.split(":")[1], 16)
                peers[inode] = f"tcp->:{rport}" if rport else f"tcp listen :{lport}"
    with contextlib.suppress(OSError):
        for row in Path("/proc/net/unix").read_text().splitlines()[1:]:
            cols = row.split()
            peers[cols[6]] = f"unix:{cols[7]}" if len(cols) > 7 else "unix"
    return peers


def fd_kinds() -> Counter[str]:
    """Open fds of this process by kind: sockets by peer, pipes, eventfds, files by dir."""
    kinds: Counter[str] = Counter()
    peers: dict[str, str] | None = None
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            peers = _socket_peers() if peers is None else peers
            kinds[peers.get(target[8:-1], "socket (other)")] += 1
        elif target.startswith(("pipe:", "anon_inode:")):
            kinds[target.split("[")[0] if target.startswith("pipe") else target] += 1
        else:
            kinds[f"file {os.path.dirname(target)}"] += 1
    return kinds


def task_kinds() -> Counter[str]:
    """Live asyncio tasks by coroutine (qualified name): which kind accumulates."""
    kinds: Counter[str] = Counter()
    for task in asyncio.all_tasks():
        coro = task.get_coro()
        kind = getattr(coro, "__qualname__", type(coro).__name__)
        frame = getattr(coro, "cr_frame", None)
        owner = frame.f_locals.get("self") if frame is not None else None
        if kind.endswith("_process_messages") and owner is not None:
            kind += f"({type(owner).__name__})"  # one per widget: which widget piles up
        kinds[kind] += 1
    return kinds


def object_kinds() -> Counter[str]:
    """gc-tracked objects by type (module.qualname): which kind accumulates."""
    return Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.get_objects())


def proc_status() -> tuple[float, int]:
    rss, threads = 0.0, 0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) / 1024
        elif line.startswith("Threads:"):
            threads = int(line.split()[1])
    return rss, threads


async def run_soak(args: argparse.Namespace, config_path: Path) -> tuple[list[Sample], Any]:
    from tui.app import WarroomApp
    from tui.core.config import load_config

    app = WarroomApp(load_config(config_path))
    runner = asyncio.create_task(app.run_async(headless=True, size=(120, 40)))
    while not app.is_running or not hasattr(app, "panes"):
        await asyncio.sleep(0.05)
    transitions = [0]
    app.store.on_transition(lambda _t: transitions.__setitem__(0, transitions[0] + 1))
    samples: list[Sample] = []
    kinds: list[Counter[str]] = []
    objects: list[Counter[str]] = []
    t0 = time.monotonic()
    end = t0 + args.minutes * 60
    while time.monotonic() < end and not runner.done():
        rss, threads = proc_status()
        hub = app.monitor.logs
        usage = resource.getrusage(resource.RUSAGE_SELF)
        samples.append(Sample(
            t=time.monotonic() - t0, rss_mb=rss, fds=len(os.listdir("/proc/self/fd")),
            threads=threads, tasks=len(asyncio.all_tasks()), objects=len(gc.get_objects()),
            lines=sum(b.received for b in hub.buffers.values()) if hub else 0,
            transitions=transitions[0], cpu_s=usage.ru_utime + usage.ru_stime,
            entries=len(getattr(getattr(app, "incident_tracker", None), "entries", ()))))
        s = samples[-1]
        if (s.t >= args.warmup and not kinds) or time.monotonic() + args.sample >= end:
            kinds.append(task_kinds())
            objects.append(object_kinds())
        print(f"{s.t:6.0f}s rss {s.rss_mb:6.1f} MB fds {s.fds:3} threads {s.threads:3} "
              f"tasks {s.tasks:3} objects {s.objects:8} lines {s.lines:8} "
              f"transitions {s.transitions:5}", file=sys.stderr, flush=True)
        if len(samples) < 2 or s.fds != samples[-2].fds:  # which kind of fd came or went
            fds_now = fd_kinds()
            print("        fds: " + ", ".join(f"{k} {n}" for k, n in sorted(fds_now.items())),
                  file=sys.stderr, flush=True)
        await asyncio.sleep(args.sample)
    if len(kinds) >= 2:
        grew = (kinds[-1] - kinds[0]).most_common(8)
        print("tasks that accumulated after the warm-up: "
              + (", ".join(f"{k} +{n}" for k, n in grew) or "none"), file=sys.stderr)
        grew = (objects[-1] - objects[0]).most_common(12)
        print("objects that accumulated after the warm-up: "
              + (", ".join(f"{k} +{n}" for k, n in grew) or "none"), file=sys.stderr)
    app.exit()
    await asyncio.wait_for(runner, 30)
    return samples, app


def slope(xs: list[float], ys: list[float]) -> float:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else 0.0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--minutes", type=float, default=12.0)
    p.add_argument("--sample", type=float, default=5.0)
    p.add_argument("--warmup", type=float, default=120.0,
                   help="seconds excluded from the flatness verdict (buffers filling)")
    p.add_argument("--interval", type=float, default=0.2)
    p.add_argument("--chatter", type=float, default=0.005, help="demo s between log lines")
    p.add_argument("--chaos", type=float, default=15.0)
    p.add_argument("--no-flip", action="store_true", help="checks stay healthy (control run)")
    p.add_argument("--daemon-every", type=float, default=120.0)
    p.add_argument("--no-private-dockerd", action="store_true")
    p.add_argument("--csv", type=Path)
    args = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="wr-bench-soak-"))
    os.environ["XDG_STATE_HOME"] = str(tmp / "state")
    dockerd = None if args.no_private_dockerd or os.geteuid() else PrivateDockerd()
    url = None
    name = f"wrsoak-{uuid.uuid4().hex[:8]}"
    demo = None
    try:
        if dockerd:
            dockerd.start()
            url = dockerd.url
            os.environ["DOCKER_HOST"] = url  # "local" in the config = the private engine
        client = infra_docker.make_client()
        assert client is not None, "no Docker Engine answers"
        infra_docker.ensure_fixture_image(client)
        client.containers.run(infra_docker.FIXTURE_IMAGE, ["/bin/sh", "-c", CHATTY], name=name,
                              detach=True, network_mode="host",
                              restart_policy={"Name": "always"},
                              labels={infra_docker.TEST_LABEL: "1"})
        client.close()
        demo = start_demo(tmp / "demo", {"router": 0, "blue": 0, "green": 0},
                          chatter=args.chatter, say=lambda _m: None)
        config_path = tmp / "soak.toml"
        config_path.write_text(tomli_w.dumps(soak_config(demo, name, args.interval)))
        flipper = Flipper(demo.dir)
        chaos = Chaos(url, name, args.chaos, args.daemon_every, dockerd)
        if not args.no_flip:
            flipper.start()
        chaos.start()
        try:
            samples, _app = asyncio.run(run_soak(args, config_path))
        finally:
            flipper.stop.set()
            chaos.stop.set()
            if flipper.is_alive():
                flipper.join()
            chaos.join()
    finally:
        if demo:
            demo.stop()
        docker_cli(url, "rm", "-f", name)
        if dockerd:
            dockerd.remove()
        shutil.rmtree(tmp, ignore_errors=True)
    if args.csv:
        head = "t,rss_mb,fds,threads,tasks,objects,lines,transitions,entries,cpu_s\n"
        args.csv.write_text(head + "".join(
            f"{s.t:.1f},{s.rss_mb:.1f},{s.fds},{s.threads},{s.tasks},{s.objects},{s.lines},"
            f"{s.transitions},{s.entries},{s.cpu_s:.1f}\n" for s in samples))
    report(samples, args, flipper.flips, chaos.counts)
    return 0


def report(samples: list[Sample], args: argparse.Namespace, flips: int,
           chaos: dict[str, int]) -> None:
    print(f"\nMachine: {machine()}. Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. "
          f"{args.minutes:.0f} min, checks every {args.interval} s, {flips} break/heal flips, "
          f"container restarts {chaos['restart']}, kills {chaos['kill']}, "
          f"engine stop/start {chaos['engine']}.\n")
    print("| minute | RSS MB | fds | threads | asyncio tasks | gc objects (k) "
          "| log lines received | transitions | journal entries | CPU s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    minute = -1
    for s in samples:
        if int(s.t // 60) != minute:
            minute = int(s.t // 60)
            print(f"| {minute} | {s.rss_mb:.1f} | {s.fds} | {s.threads} | {s.tasks} | "
                  f"{s.objects / 1000:.0f} | {s.lines} | {s.transitions} | {s.entries} "
                  f"| {s.cpu_s:.0f} |")
    s = samples[-1]
    print(f"| end ({s.t / 60:.1f}) | {s.rss_mb:.1f} | {s.fds} | {s.threads} | {s.tasks} | "
          f"{s.objects / 1000:.0f} | {s.lines} | {s.transitions} | {s.entries} | {s.cpu_s:.0f} |")
    steady = [s for s in samples if s.t >= args.warmup]
    if len(steady) < 8:
        return
    q = max(1, len(steady) // 4)
    last = steady[-q:]
    print("\n| metric (after warm-up) | first quarter mean | last quarter mean | max | "
          "slope per hour (all / last quarter) | verdict |")
    print("|---|---|---|---|---|---|")
    for field, tol in (("rss_mb", 0.05), ("fds", 0.0), ("threads", 0.0), ("tasks", 0.0),
                       ("objects", 0.05)):
        ys = [float(getattr(s, field)) for s in steady]
        a = sum(ys[:q]) / q
        b = sum(getattr(s, field) for s in last) / q
        per_h = slope([s.t for s in steady], ys) * 3600
        tail_h = slope([s.t for s in last], ys[-q:]) * 3600
        # flat: the last quarter is no higher than the first (plus 5 % for RSS/objects, plus
        # the in-flight blips of one reconnect for the counts); settling: higher, but the last
        # quarter rises at under a quarter of the overall rate (caches filling, then full)
        allowed = a * tol if tol else max(2.0, 0.1 * a)
        verdict = "flat" if b - a <= allowed else (
            "settling" if tail_h < 0.25 * per_h else "GROWS")
        print(f"| {field} | {a:.1f} | {b:.1f} | {max(ys):.0f} | {per_h:+.1f} / {tail_h:+.1f} "
              f"| {verdict} |")


if __name__ == "__main__":
    sys.exit(main())
