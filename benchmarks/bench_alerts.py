"""Alerts storm: a REAL Alertmanager receives 1,000 alerts while warroom polls it every 1 s.

One run, headless `WarroomApp` at 120x40 with only an `[[alerts]]` source (interval 1 s), the
alerts pane shown; a real `prometheus-alertmanager` on loopback (tests/infra/alertmanager.py).
The storm is POSTed to `/api/v2/alerts` in batches of 100 from a thread (the app keeps
running): 1,000 distinct alerts, 40 alertnames x 4 severities, 20 of them with a 100 KB
annotation, escape sequences and markup in labels and annotations. Measured:

- storm-to-screen: from the first POST until the panel shows "1000 firing" (checked on the
  rendered screen);
- key-to-screen p50/p95 while the storm lands (first POST until 5 s after the count is shown)
  and after it (steady polling of 1,000 alerts), pressing the keys of the alerts and timeline
  panes in turn (at 120 columns both are shown: the key moves focus, border and footer change),
  posted as the terminal driver does (as benchmarks/bench_logs.py), timing until a frame was
  composed (the app's `_display`) with the binding's effect in it; each sample's screen is
  checked to differ from the one before;
- CPU ms of the warroom process per poll round, no key pressed (no alert; 1,000 alerts);
- RSS (peak, and at the start/end of the steady phase) and the full garbage collections
  (count, longest pause) while keys are pressed.

    python benchmarks/bench_alerts.py [--alerts 1000] [--after 30] [--no-verify] [--gc-freeze]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import io
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rich.console import Console
from textual import events

from benchmarks.common import machine
from probes.alertmanager import AlertmanagerProbe
from tests.infra.alertmanager import available, start_alertmanager
from tui.app import WarroomApp
from tui.core.config import parse_config
from widgets.alerts import AlertsPanel

SEVERITIES = ("critical", "warning", "info", "page")


def storm(count: int, big: int) -> list[dict[str, Any]]:
    """`count` distinct alerts; `big` of them carry a 100 KB annotation."""
    out = []
    for i in range(count):
        name = f"Storm{i % 40:02d}" if i % 97 else f"Evil\x1b[2J\x1b]0;pwn\x07[b]{i}[/b]"
        annotations = {"summary": f"storm alert {i} \x1b[31mred\x1b[0m [bold]x[/bold]",
                       "description": "the storm " * 20}
        if i < big:
            annotations["description"] = ("\x1b[5mA" + "B" * 1000) * 100  # ~100 KB
        out.append({"labels": {"alertname": name, "severity": SEVERITIES[i % 4],
                               "instance": f"host-{i}:9100", "job": "bench"},
                    "annotations": annotations})
    return out


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def screen_styled(app: WarroomApp) -> str:
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens, simplify=True))
    return console.export_text(styles=True)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * p) - 1)] if ordered else float("nan")


async def run(count: int, after: float, big: int, verify: bool = True,
              freeze: bool = False) -> dict[str, Any]:
    assert available(), "prometheus-alertmanager not installed"
    work = Path(tempfile.mkdtemp(prefix="wrbench-alerts-"))
    am = start_alertmanager(work / "am")
    rounds = [0]
    original_probe = AlertmanagerProbe.probe

    async def counted(self: AlertmanagerProbe):  # type: ignore[no-untyped-def]
        rounds[0] += 1
        return await original_probe(self)

    AlertmanagerProbe.probe = counted  # type: ignore[method-assign]
    config = parse_config(
        f'[environment]\nname = "bench"\n[incident]\ndir = "{work / "inc"}"\n'
        f'[[alerts]]\nname = "am"\nurl = "{am.url}"\ninterval = 1.0\ntimeout = 5.0\n', env={})
    app = WarroomApp(config)
    frame: list[Any] = [0.0, ""]  # when the last frame was composed, and the pane then
    original_display = app._display

    def display(screen, renderable):  # type: ignore[no-untyped-def]
        if renderable is not None:
            frame[:] = [time.perf_counter(), app._pane]
        return original_display(screen, renderable)

    app._display = display  # type: ignore[method-assign]
    result: dict[str, Any] = {}
    gc_pauses: list[float] = []  # ms of each full (generation 2) collection
    gc_start = [0.0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            gc_start[0] = time.perf_counter()
        else:
            gc_pauses.append((time.perf_counter() - gc_start[0]) * 1000)

    gc.callbacks.append(on_gc)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            app.action_pane("alerts")
            panel = app.query_one(AlertsPanel)
            # wide (120 columns): every pane is shown, its key focuses it (border, footer)
            keys = [str(app.panes.index(p) + 1) for p in ("alerts", "timeline")]
            unchanged = [0]
            last_screen = [screen_styled(app)]

            async def press(n: int) -> float:
                key = keys[n % 2]
                want = app.panes[int(key) - 1]
                if app._pane == want:
                    key = keys[(n + 1) % 2]
                    want = app.panes[int(key) - 1]
                start = time.perf_counter()
                app.post_message(events.Key(key, key))
                while frame[1] != want or frame[0] < start:
                    await asyncio.sleep(0.001)
                took = (time.perf_counter() - start) * 1000
                if verify:
                    now = screen_styled(app)
                    if now == last_screen[0]:
                        unchanged[0] += 1
                    last_screen[0] = now
                return took

            def shows_count() -> bool:
                return f"{count} firing" in panel.border_title if panel.border_title else False

            async def keys_for(seconds: float) -> list[float]:
                out: list[float] = []
                t0 = time.perf_counter()
                while time.perf_counter() - t0 < seconds:
                    out.append(await press(len(out)))
                    await asyncio.sleep(0.2)
                return out

            async def quiet_cpu(seconds: float) -> float:
                """CPU ms of this process per poll round, no key pressed."""
                r0, c0 = rounds[0], time.process_time()
                await pilot.pause(seconds)
                return (time.process_time() - c0) * 1000 / max(1, rounds[0] - r0)

            # idle: the source answers, no alert
            await pilot.pause(3.0)
            result["idle_cpu_ms_per_round"] = await quiet_cpu(10.0)
            idle = await keys_for(10.0)
            result["rss_before_mb"] = rss_mb()

            # the storm, from a thread, while keys are pressed
            alerts = storm(count, big)
            payload_mb = sum(len(str(a)) for a in alerts) / 1e6
            t_storm = time.perf_counter()

            def post_all() -> float:
                for i in range(0, count, 100):
                    am.post(*alerts[i:i + 100])
                return time.perf_counter() - t_storm

            posting = asyncio.ensure_future(asyncio.to_thread(post_all))
            during: list[float] = []
            t_shown: float | None = None
            n = 0
            while True:
                during.append(await press(n))
                n += 1
                # confirmed on the composed screen, not just the panel's title
                if t_shown is None and shows_count() and f"{count} firing" in screen_styled(app):
                    t_shown = time.perf_counter()
                if t_shown is not None and time.perf_counter() - t_shown > 5.0:
                    break
                if time.perf_counter() - t_storm > 120:
                    raise RuntimeError("the panel never showed the storm's count")
                await asyncio.sleep(0.1)
            result["post_s"] = await posting
            result["storm_to_screen_s"] = t_shown - t_storm
            result["payload_mb"] = payload_mb

            if freeze:  # experiment: what is on the heap now is never collected again
                gc.freeze()
            # steady: 1,000 alerts polled every second
            result["rss_steady_start_mb"] = rss_mb()
            gc_pauses.clear()
            steady = await keys_for(after)
            result["gc_full_in_steady"] = len(gc_pauses)
            result["gc_full_max_ms"] = max(gc_pauses, default=0.0)
            gc_pauses.clear()
            result["storm_cpu_ms_per_round"] = await quiet_cpu(10.0)
            result["gc_full_in_quiet_10s"] = len(gc_pauses)
            result["gc_objects"] = len(gc.get_objects())
            result["rss_steady_end_mb"] = rss_mb()
            assert f"{count} firing" in screen_styled(app)
            result["idle_p50_ms"] = statistics.median(idle)
            result["idle_p95_ms"] = pct(idle, 0.95)
            result["idle_samples"] = len(idle)
            result["during_p50_ms"] = statistics.median(during)
            result["during_p95_ms"] = pct(during, 0.95)
            result["during_max_ms"] = max(during)
            result["during_samples"] = len(during)
            result["after_p50_ms"] = statistics.median(steady)
            result["after_p95_ms"] = pct(steady, 0.95)
            result["after_max_ms"] = max(steady)
            result["after_samples"] = len(steady)
            if os.environ.get("BENCH_DUMP"):
                print(sorted(round(v) for v in steady), sorted(round(v) for v in idle))
            result["screen_unchanged_samples"] = unchanged[0]
    finally:
        gc.callbacks.remove(on_gc)
        AlertmanagerProbe.probe = original_probe  # type: ignore[method-assign]
        am.stop()
        shutil.rmtree(work, ignore_errors=True)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--alerts", type=int, default=1000)
    parser.add_argument("--big", type=int, default=20, help="alerts with a 100 KB annotation")
    parser.add_argument("--after", type=float, default=30.0, help="seconds of steady polling")
    parser.add_argument("--no-verify", action="store_true",
                        help="do not render the screen after each key to check it changed")
    parser.add_argument("--gc-freeze", action="store_true",
                        help="experiment: gc.freeze() once the storm is shown")
    args = parser.parse_args()
    load = os.getloadavg()
    result = asyncio.run(run(args.alerts, args.after, args.big, not args.no_verify,
                                 args.gc_freeze))
    print(f"machine: {machine()}")
    print(f"load before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
          f"after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    for key, value in result.items():
        print(f"{key:26} {value:,.2f}" if isinstance(value, float) else f"{key:26} {value:,}")


if __name__ == "__main__":
    main()
