"""The chatty-logs scenario of bench_peers.py: one container writing RATE numbered lines a
second, how many it wrote in a window (`docker logs --since/--until`, the baseline), and how
far behind the newest line on a tool's screen is."""

from __future__ import annotations

import contextlib
import re
import subprocess
from collections.abc import Iterator
from typing import Any

from benchmarks.bench_logs import flood_script
from tests.infra.docker import ContainerFactory

RATE = 20_000
TICK_LINE = re.compile(rb"tick (\d+) (\d+)")
ESCAPES = re.compile(
    rb"\x1b(\[[0-9;?<=>]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|.)")


def screen_text(raw: list[tuple[float, bytes]]) -> bytes:
    return ESCAPES.sub(b"", b"".join(d for _, d in raw))


@contextlib.contextmanager
def flood(client: Any, run_id: str) -> Iterator[str]:
    """One container printing RATE lines/s for an hour (its json log capped at 3 x 200 MB)."""
    factory = ContainerFactory(client)
    factory.run_id, factory.prefix = run_id, f"wrpeers-{run_id}-"
    factory.labels = {"warroom.test": "1", "warroom.test.run": run_id}
    try:
        c = factory(flood_script(RATE, 3600), name="chatty",
                    log_config={"type": "json-file",
                                "config": {"max-size": "200m", "max-file": "3"}})
        yield c.name
    finally:
        factory.cleanup()


def produced(name: str, t0: float, t1: float) -> tuple[int, tuple[int, int] | None]:
    """Lines the container wrote between the epoch times t0 and t1, and the (tick, i) of the
    last of them."""
    proc = subprocess.Popen(["docker", "logs", "--since", f"{t0:.6f}", "--until", f"{t1:.6f}",
                             name], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    n, last = 0, b""
    for line in proc.stdout:
        n, last = n + 1, line
    proc.wait()
    found = TICK_LINE.search(last)
    return n, (int(found.group(1)), int(found.group(2))) if found else None


def newest_on_screen(raw: list[tuple[float, bytes]]) -> tuple[int, int] | None:
    ticks = [(int(a), int(b)) for a, b in TICK_LINE.findall(screen_text(raw))]
    return max(ticks) if ticks else None


def behind(last: tuple[int, int] | None, shown: tuple[int, int] | None) -> int | None:
    if last is None or shown is None:
        return None
    per_tick = RATE // 10
    return max(0, (last[0] - shown[0]) * per_tick + last[1] - shown[1])
