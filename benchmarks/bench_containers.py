"""Containers panel with 50 containers: CPU seconds per refresh cycle and daemon load.

Starts 50 labelled busybox containers (half blue, half green), runs the real
`ContainersProbe` for `--seconds`, and reports the probe process's CPU seconds per reconcile
cycle, Docker API calls per minute (counted by the probe: list, inspect, stats, events),
and the same with stats sampling off.

    python benchmarks/bench_containers.py [--seconds 60] [--count 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from probes.docker_probe import ContainersProbe
from tests.infra.docker import ensure_fixture_image, make_client
from tui.core.config.containers import ContainersConfig


async def measure(prefix: str, seconds: float, stats: bool) -> dict[str, float]:
    cfg = ContainersConfig(names=(f"^{prefix}",), reconcile_interval=15, stats=stats,
                           stats_interval=10, stats_per_round=20, timeout=5)
    snaps = [0]
    probe = ContainersProbe(cfg, lambda s: snaps.__setitem__(0, snaps[0] + 1))
    probe.start()
    while not (probe.last and len(probe.last.rows) >= 50):
        await asyncio.sleep(0.1)
    calls0, cpu0, t0 = probe.api_calls, time.process_time(), time.monotonic()
    await asyncio.sleep(seconds)
    calls, cpu, elapsed = probe.api_calls - calls0, time.process_time() - cpu0, \
        time.monotonic() - t0
    await probe.close()
    cycles = elapsed / cfg.reconcile_interval
    return {"stats": float(stats), "seconds": elapsed, "api_calls_per_min": calls / elapsed * 60,
            "cpu_s_total": cpu, "cpu_s_per_cycle": cpu / cycles, "snapshots": snaps[0]}


async def main_async(seconds: float, count: int) -> None:
    client = make_client()
    assert client is not None, "no docker engine"
    ensure_fixture_image(client)
    prefix = f"wrbench-c-{uuid.uuid4().hex[:6]}-"
    made = []
    try:
        for i in range(count):
            color = "blue" if i % 2 == 0 else "green"
            made.append(client.containers.run(
                "warroom-fixture:busybox", ["sleep", "3600"], name=f"{prefix}svc{i // 2}-{color}",
                network_mode="host", detach=True, labels={"warroom.test": "1", "color": color}))
        for stats in (True, False):
            result = await measure(prefix, seconds, stats)
            print(" ".join(f"{k}={v:.3f}" for k, v in result.items()))
    finally:
        for c in made:
            c.remove(force=True)
        client.close()
    print(f"machine: {os.cpu_count()} CPUs, python {sys.version.split()[0]}, {count} containers")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--count", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(main_async(args.seconds, args.count))


if __name__ == "__main__":
    main()
