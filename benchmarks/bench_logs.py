"""Logs tail under a chatty container: 20,000 lines/s for 30 s.

Measures, in one run: key-press-to-effect latency (p50/p95) of the logs panel while the
flood runs (headless Textual app, the real LogHub + LogsPanel), lines/s ingested, peak RSS
and CPU seconds; and, at the same time, `docker logs -f` of the same container counted by
`wc -l` as the baseline (ratio ours/baseline).

    python benchmarks/bench_logs.py [--seconds 30] [--rate 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual import events
from textual.app import App, ComposeResult

from probes.logs import LogHub
from tests.infra.docker import ensure_fixture_image, make_client
from tui.core.config.logs import LogsConfig, LogSource
from widgets.logs import LogsPanel


def flood_script(rate: int, seconds: int) -> str:
    ticks, per_tick = seconds * 10, rate // 10
    body = (
        f"for(s=0;s<{ticks};s++){{for(i=0;i<{per_tick};i++){{"
        'if(i%500==0) print "ERROR tick", s, i; else print "INFO tick", s, i, '
        '"payload abcdefghijklmnopqrstuvwxyz 0123456789"}; fflush(); system("sleep 0.1")}'
    )
    return f"awk 'BEGIN{{{body}}}'"


class Bench(App[None]):
    def __init__(self, hub_config: LogsConfig) -> None:
        super().__init__()
        self.hub_config = hub_config
        self.hub: LogHub | None = None

    def compose(self) -> ComposeResult:
        yield LogsPanel(capacity=10_000)

    def on_mount(self) -> None:
        panel = self.query_one(LogsPanel)
        self.hub = LogHub(self.hub_config, panel.add_lines)
        self.hub.start()


async def run(seconds: int, rate: int) -> dict[str, float]:
    client = make_client()
    assert client is not None, "no docker engine"
    ensure_fixture_image(client)
    name = f"wrbench-logs-{uuid.uuid4().hex[:8]}"
    container = client.containers.create("warroom-fixture:busybox",
                                         ["/bin/sh", "-c", "sleep 1; " + flood_script(rate,
                                                                                        seconds)],
                                         name=name, network_mode="host",
                                         labels={"warroom.test": "1"})
    container.start()
    baseline = subprocess.Popen(f"docker logs -f {name} 2>&1 | wc -l", shell=True,
                                stdout=subprocess.PIPE, text=True)
    latencies: list[float] = []
    cfg = LogsConfig(sources=(LogSource(kind="docker", container=name, name="blue", tail=0),))
    app = Bench(cfg)
    cpu0 = time.process_time()
    t0 = time.monotonic()
    async with app.run_test(size=(160, 40)) as pilot:
        view = app.query_one(LogsPanel).log_view
        view.focus()
        rendered = [0.0]
        original = view.render_line

        def render_line(y: int):  # type: ignore[no-untyped-def]
            rendered[0] = time.perf_counter()
            return original(y)

        view.render_line = render_line  # type: ignore[method-assign]
        keys = ["t", "w", "t", "w"]
        n = 0
        await pilot.pause()
        while time.monotonic() - t0 < seconds + 1.5:
            key = keys[n % len(keys)]
            before = (view.timestamps, view.wrap)
            start = time.perf_counter()
            # as the terminal driver does: a Key event posted to the app, then wait until the
            # binding ran AND the view was drawn again
            app.post_message(events.Key(key, key))
            while (view.timestamps, view.wrap) == before or rendered[0] < start:
                await asyncio.sleep(0.001)
            latencies.append((time.perf_counter() - start) * 1000)
            n += 1
            await asyncio.sleep(0.2)
        elapsed = time.monotonic() - t0
        received = sum(b.received for b in app.hub.buffers.values()) if app.hub else 0
        skipped = view.skipped
        dropped = app.hub.dropped if app.hub else 0
        await app.hub.close()  # type: ignore[union-attr]
    cpu = time.process_time() - cpu0
    container.remove(force=True)
    base_lines = int(baseline.communicate(timeout=30)[0].strip() or 0)
    client.close()
    latencies.sort()
    return {
        "seconds": elapsed,
        "lines_ingested": received,
        "lines_per_s": received / elapsed,
        "baseline_lines": base_lines,
        "ratio": received / base_lines if base_lines else float("nan"),
        "key_p50_ms": statistics.median(latencies),
        "key_p95_ms": latencies[int(len(latencies) * 0.95) - 1],
        "key_samples": len(latencies),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "cpu_s": cpu,
        "skipped_render": skipped,
        "dropped": dropped,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--rate", type=int, default=20_000)
    args = parser.parse_args()
    result = asyncio.run(run(args.seconds, args.rate))
    print(f"machine: {os.cpu_count()} CPUs, python {sys.version.split()[0]}")
    for key, value in result.items():
        print(f"{key:16} {value:,.2f}" if isinstance(value, float) else f"{key:16} {value:,}")


if __name__ == "__main__":
    main()
