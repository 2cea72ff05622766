"""Fan-out: 500 HTTP endpoints on loopback, 10 never answering. One round must finish within
the timeout + 0.5 s; report wall time and CPU seconds per round.

Run: python benchmarks/bench_fanout.py [--rounds 5] [--timeout 2]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import time

from common import loopback_server, machine, services_toml

from tui.core.config import parse_config
from tui.core.model import State
from tui.core.store import Store
from tui.engine.monitor import Monitor


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def rounds(base: str, count: int, timeout: float) -> list[tuple[float, float, int, int]]:
    urls = [f"{base}/ok/{i}" for i in range(490)] + [f"{base}/hang/{i}" for i in range(10)]
    config = parse_config(services_toml(urls, timeout), env={})
    out = []
    for _ in range(count):
        store = Store()
        monitor = Monitor(config, store)
        wall, cpu = time.perf_counter(), cpu_seconds()
        await monitor.run_once()
        wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
        await monitor.close()
        ok = sum(1 for r in store.checks.values() if r.state is State.OK)
        down = sum(1 for r in store.checks.values() if r.state is State.DOWN)
        out.append((wall, cpu, ok, down))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=2.0)
    args = parser.parse_args()
    with loopback_server() as base:
        results = asyncio.run(rounds(base, args.rounds, args.timeout))
    walls = [r[0] for r in results]
    cpus = [r[1] for r in results]
    print(f"machine: {machine()}")
    print(f"500 endpoints (10 hanging), timeout {args.timeout:.1f} s, {args.rounds} rounds")
    print(f"OK/DOWN per round: {results[0][2]}/{results[0][3]}")
    print(f"wall per round: median {statistics.median(walls):.3f} s, max {max(walls):.3f} s "
          f"(bound {args.timeout + 0.5:.1f} s)")
    print(f"CPU per round: median {statistics.median(cpus):.3f} s, max {max(cpus):.3f} s")


if __name__ == "__main__":
    main()
