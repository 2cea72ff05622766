"""Fifty hosts in one war room: start-up to every row, a forced refresh, connections, CPU
at rest and memory, against the REAL sshd and the REAL Docker Engine.

50 host entries, each its own SSH connection to a real OpenSSH server answering on its own
loopback address (127.0.0.10 … 127.0.0.59, one port; `tests/containers/fleet_sshd.py`), each
forwarding the local Docker socket — ONE engine serves every host, so the 50 hosts show the
same 20 containers (20 busybox `sleep` containers with a label unique to the run, removed at
the end) — plus 2 hosts that never answer the SSH handshake (loopback listeners that complete
the TCP handshake and never send a banner). The real app (`WarroomApp`, headless, 200x50)
watches `[containers] hosts = [52 names]`.

Measured: start to every one of the 50 × 20 rows shown in the table (app construction to the
last row; the interpreter's imports before that are given apart); a forced refresh (`r`:
every host re-reads all its containers) to the table showing the answers; SSH connections
per host (sshd's log: logins per address; `ss -tn`: established per address; the pool's own
count); CPU % of one core at rest over `--rest` seconds; RSS.

    python benchmarks/bench_fleet.py [--hosts 50] [--containers 20] [--dead 2] [--rest 30]
                                     [--no-stats] [--profile FILE]
"""

from __future__ import annotations

import time

T_PROCESS = time.monotonic()

import argparse  # noqa: E402
import asyncio  # noqa: E402
import cProfile  # noqa: E402
import datetime as dt  # noqa: E402
import os  # noqa: E402
import pstats  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import machine  # noqa: E402
from tests.containers.fleet_sshd import FleetSshd, dead, dead_toml  # noqa: E402
from tests.infra.docker import FIXTURE_IMAGE, ensure_fixture_image, make_client  # noqa: E402
from tui.app import WarroomApp  # noqa: E402
from tui.core.config import parse_config  # noqa: E402
from tui.core.docker_model import STORE_KIND  # noqa: E402
from widgets.containers import ContainersPanel  # noqa: E402

T_IMPORTED = time.monotonic()


def rss() -> tuple[float, float]:
    """(VmRSS, VmHWM) of this process in MiB."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            key, kb = line.split()[:2]
            values[key] = int(kb) / 1024
    return values["VmRSS:"], values["VmHWM:"]


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def config_text(fleet: FleetSshd, names: list[str], dead_names: list[str], listeners: list,
                label: str, tmp: Path, stats: bool) -> str:
    return (
        '[environment]\nname = "fleet-bench"\n'
        + fleet.hosts_toml(names) + dead_toml(dead_names, listeners, fleet.known_hosts)
        + "[containers]\nhosts = [" + ", ".join(f'"{n}"' for n in names + dead_names) + "]\n"
        + f'labels = ["{label}"]\nstats = {"true" if stats else "false"}\n'
        + f'[incident]\ndir = "{tmp / "incidents"}"\n'
    )


async def run(args: argparse.Namespace, fleet: FleetSshd, label: str, tmp: Path) -> dict:
    names = [f"h{i:02d}" for i in range(args.hosts)]
    dead_names = [f"dead{i}" for i in range(args.dead)]
    listeners = dead(args.dead)
    config = parse_config(config_text(fleet, names, dead_names, listeners, label, tmp,
                                      not args.no_stats), env={})
    expected = args.hosts * args.containers
    out: dict = {}
    profiler = cProfile.Profile() if args.profile else None
    t0 = time.monotonic()
    started, cpu0 = dt.datetime.now(dt.UTC), cpu_seconds()
    if profiler:
        profiler.enable()
    app = WarroomApp(config, author="bench")
    async with app.run_test(size=(200, 50)) as pilot:
        app.action_pane("containers")
        panel = app.query_one(ContainersPanel)

        def live_rows() -> int:
            return sum(1 for r in panel.rows_shown.values() if r.host in names)

        while live_rows() < expected:
            if time.monotonic() - t0 > 60:
                snap = app.store.snapshots[STORE_KIND].value
                per = {e.host: (sum(r.host == e.host for r in snap.rows), e.reachable, e.error)
                       for e in snap.engines}
                short = {h: v for h, v in per.items() if v[0] < args.containers}
                raise SystemExit(f"only {live_rows()} of {expected} rows after 60 s: {short}")
            await asyncio.sleep(0.005)
        out["start_to_all_rows_s"] = time.monotonic() - t0
        out["cpu_to_all_rows_s"] = cpu_seconds() - cpu0
        out["table_rows"] = panel.table.row_count
        snap = app.store.snapshots[STORE_KIND].value
        listed_at = [e.answered for e in snap.engines if e.host in names and e.answered]
        out["first_host_listed_s"] = (min(listed_at) - started).total_seconds()
        out["last_host_listed_s"] = (max(listed_at) - started).total_seconds()
        out["dead_state_at_all_rows"] = [
            ("connecting" if e.connecting else "UNREACHABLE") for e in snap.engines
            if e.host in dead_names]
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        # the rows come from each host's listing first; every one inspected (restart count,
        # start time) after
        while sum(1 for r in panel.rows_shown.values()
                  if r.host in names and not r.listed) < expected:
            if time.monotonic() - t0 > 60:
                raise SystemExit("rows not all inspected after 60 s")
            await asyncio.sleep(0.005)
        out["start_to_all_inspected_s"] = time.monotonic() - t0
        # the dead hosts turn UNREACHABLE at their connect timeout (5 s), the others meanwhile
        while True:
            snap = app.store.snapshots[STORE_KIND].value
            if all(not e.reachable and not e.connecting for e in snap.engines
                   if e.host in dead_names):
                break
            await asyncio.sleep(0.05)
        out["dead_unreachable_after_s"] = time.monotonic() - t0
        await asyncio.sleep(1.5)
        out["status_line"] = getattr(panel.status.content, "plain", str(panel.status.content))
        # forced refresh: `r`; every live host re-reads its 20 containers; done when every
        # live engine answered after the key and the panel shows that snapshot
        await asyncio.sleep(3)
        pressed = dt.datetime.now(dt.UTC)
        t1 = time.monotonic()
        await pilot.press("r")
        watchers = [w for h, w in app.monitor.containers.watchers.items() if h in names]
        while True:  # every live host listed and inspected its 20 again, and the panel shows
            # a snapshot taken after that
            snap = panel._shown[0] if panel._shown is not None else None
            if snap is not None and all(w.reread_at is not None and w.reread_at >= pressed
                                        and snap.at >= w.reread_at for w in watchers):
                break
            if time.monotonic() - t1 > 30:
                raise SystemExit("forced refresh did not complete in 30 s")
            await asyncio.sleep(0.005)
        out["forced_refresh_s"] = time.monotonic() - t1
        out["api_calls_refresh"] = sum(e.api_calls for e in snap.engines)
        # connections
        await asyncio.sleep(2)
        accepted = fleet.accepted()
        established = fleet.established()
        pool = app.monitor.ssh
        out["sshd_connections_per_host"] = sorted(set(accepted.values()))
        out["sshd_logins_total"] = fleet.logins()
        out["ss_established_per_host"] = sorted(set(established.get(a, 0)
                                                    for a in fleet.addresses))
        out["pool_connects_per_host"] = sorted(set(pool.connects(n) for n in names))
        out["dead_connect_attempts"] = [pool.connects(n) for n in dead_names]
        # at rest
        await asyncio.sleep(5)
        c0, w0 = cpu_seconds(), time.monotonic()
        await asyncio.sleep(args.rest)
        out["cpu_at_rest_pct"] = (cpu_seconds() - c0) / (time.monotonic() - w0) * 100
        out["rss_mib"], out["rss_peak_mib"] = rss()
        out["threads"] = len(os.listdir("/proc/self/task"))
        await pilot.press("Z")  # collapse all: one line per host
        await pilot.pause()
        out["rows_collapsed"] = panel.table.row_count
    for s in listeners:
        s.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--containers", type=int, default=20)
    parser.add_argument("--dead", type=int, default=2)
    parser.add_argument("--rest", type=float, default=30.0)
    parser.add_argument("--no-stats", action="store_true")
    parser.add_argument("--profile", help="cProfile of start-up to every row, to this file")
    args = parser.parse_args()
    client = make_client()
    assert client is not None, "no docker engine"
    ensure_fixture_image(client)
    run_id = uuid.uuid4().hex[:8]
    label = f"warroom.bench.fleet={run_id}"
    tmp = Path(tempfile.mkdtemp(prefix="wr-fleet-"))  # removed at the end
    os.environ["XDG_STATE_HOME"] = str(tmp / "state")
    made = []
    fleet = None
    try:
        for i in range(args.containers):
            color = "blue" if i % 2 == 0 else "green"
            made.append(client.containers.run(
                FIXTURE_IMAGE, ["sleep", "3600"], name=f"wrfleet-{run_id}-svc{i // 2}-{color}",
                network_mode="none", detach=True,
                labels={"warroom.bench.fleet": run_id, "color": color}))
        fleet = FleetSshd(tmp / "ssh", args.hosts)
        with open("/proc/loadavg") as fh:
            load = " ".join(fh.read().split()[:3])
        out = asyncio.run(run(args, fleet, label, tmp))
        print(f"machine: {machine()}")
        print(f"date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, load before: {load}")
        print(f"imports before the app: {T_IMPORTED - T_PROCESS:.2f} s")
        for key, value in out.items():
            print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")
        if args.profile:
            pstats.Stats(args.profile).sort_stats("cumulative").print_stats(25)
    finally:
        if fleet is not None:
            fleet.close()
        for c in made:
            try:
                c.remove(force=True)
            except Exception as exc:
                print(f"could not remove {c.name}: {exc}")
        shutil.rmtree(tmp, ignore_errors=True)
        left = client.containers.list(all=True, filters={"label": label})
        print(f"containers left with the run's label: {len(left)}")


if __name__ == "__main__":
    main()
