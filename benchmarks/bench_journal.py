"""Journal benchmarks: note-to-disk latency (fsync), loading 100,000 entries, idle poll cost,
and a CLI note showing up in a running TUI. Each figure has a baseline from the same run.

    python benchmarks/bench_journal.py [--notes 2000] [--entries 100000] [--dir DIR]

DIR must be on the disk under test (default: a temp dir under the current directory, so not
a tmpfs /tmp by accident). Prints a Markdown section for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tui.core.journal import Entry, Journal, new_id, serialize


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def bench_append(directory: Path, count: int) -> dict[str, list[float]]:
    """Journal.append (flock + tail read + one write + fsync) vs a bare write+fsync."""
    journal = Journal(directory / "append.jsonl")
    text = "checked /v2/health: 503 from green, rolling back to blue" * 2
    ours, bare = [], []
    fd = os.open(directory / "bare.jsonl", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    line = serialize(Entry(new_id(), "note", dt.datetime.now(dt.UTC),
                           dt.datetime.now(dt.UTC), "me@host", {"text": text}))
    try:
        for _ in range(count):
            t = time.perf_counter()
            journal.append("note", {"text": text}, author="me@host")
            ours.append(time.perf_counter() - t)
            t = time.perf_counter()
            os.write(fd, line)
            os.fsync(fd)
            bare.append(time.perf_counter() - t)
    finally:
        os.close(fd)
    return {"journal.append": ours, "bare write+fsync": bare}


def make_big(path: Path, count: int) -> None:
    now = dt.datetime.now(dt.UTC)
    kinds = ("note", "check", "action", "color")
    with path.open("wb") as f:
        for i in range(count):
            at = now + dt.timedelta(milliseconds=i)
            kind = kinds[i % 4]
            data = ({"text": f"note {i}: " + "x" * 80} if kind == "note" else
                    {"key": f"svc{i % 20}", "old": "OK", "new": "DOWN", "reason": "HTTP 503"})
            f.write(serialize(Entry(f"{i:012x}", kind, at, at, "me@host", data)))


_LOAD_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {repo!r})
from pathlib import Path
from tui.core.journal import Journal
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
if {mode!r} == "journal":
    result = Journal(Path({path!r})).load()
    n = len(result.entries)
else:
    with open({path!r}, "rb") as f:
        rows = [json.loads(line) for line in f]
    n = len(rows)
elapsed = time.perf_counter() - t
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"n": n, "seconds": elapsed, "rss_kib": after, "delta_kib": after - before}}))
"""


def bench_load(path: Path, repo: Path) -> dict[str, dict]:
    """Journal.load vs plain json.loads per line, each in a fresh process (peak RSS)."""
    out = {}
    for mode in ("journal", "json"):
        code = _LOAD_CHILD.format(repo=str(repo), mode=mode, path=str(path))
        runs = [json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                          text=True, check=True).stdout) for _ in range(3)]
        out[mode] = min(runs, key=lambda r: r["seconds"])
    return out


def bench_poll(path: Path, count: int = 20_000) -> dict[str, float]:
    journal = Journal(path)
    journal.load()
    t = time.perf_counter()
    for _ in range(count):
        journal.read_new()
    idle = (time.perf_counter() - t) / count
    t = time.perf_counter()
    for _ in range(count):
        os.stat(path)
    stat = (time.perf_counter() - t) / count
    return {"read_new idle": idle, "bare os.stat": stat}


async def bench_tui_visibility(repo: Path, samples: int) -> list[float]:
    """A note appended by another process → visible in the running app's timeline."""
    from tui.app import WarroomApp
    from tui.core.config import parse_config
    from widgets.timeline import TimelinePanel

    app = WarroomApp(parse_config('[environment]\nname = "bench"\n'), author="bench@tui")
    delays = []
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause(0.5)
        for i in range(samples):
            marker = f"visible-{i}"
            code = (f"import sys; sys.path.insert(0, {str(repo)!r}); from pathlib import Path; "
                    f"from tui.core.journal import Journal; "
                    f"Journal(Path({str(app.incident_tracker.journal.path)!r})).append('note', "
                    f"{{'text': {marker!r}}})")
            await asyncio.to_thread(subprocess.run, [sys.executable, "-c", code], check=True)
            written = time.monotonic()  # the writer process has returned: entry is durable
            panel = app.query_one(TimelinePanel)
            while not any(marker in str(o.prompt) for o in panel._options):
                await pilot.pause(0.01)
                if time.monotonic() - written > 10:
                    raise RuntimeError("note never appeared")
            delays.append(time.monotonic() - written)
            await pilot.pause(0.137 * (i % 4))  # vary the phase against the 0.5 s timer
    return delays


def ms(x: float) -> str:
    return f"{x * 1000:.2f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=12)
    parser.add_argument("--dir", default=".")
    args = parser.parse_args()
    repo = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory(prefix="bench-journal-", dir=args.dir) as tmp:
        base = Path(tmp)
        os.environ["XDG_STATE_HOME"] = str(base / "state")
        fs = subprocess.run(["df", "-T", str(base)], capture_output=True, text=True).stdout
        fstype = fs.splitlines()[-1].split()[1] if fs else "?"
        lat = bench_append(base, args.notes)
        big = base / "big.jsonl"
        make_big(big, args.entries)
        size_mb = big.stat().st_size / 1e6
        load = bench_load(big, repo)
        poll = bench_poll(big)
        visible = asyncio.run(bench_tui_visibility(repo, args.samples))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"### Journal (incident) — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC\n")
    print(f"Machine: {platform.node()}, {platform.machine()}, {os.cpu_count()} CPUs (shared), "
          f"Python {platform.python_version()}, filesystem {fstype}. Bench process peak RSS "
          f"{rss / 1024:.0f} MiB.\n")
    print(f"**Note-to-disk latency** ({args.notes} appends, each fsynced before returning):\n")
    print("| writer | p50 | p99 | max | ratio p50 vs bare |")
    print("|---|---|---|---|---|")
    base50 = pct(lat["bare write+fsync"], 50)
    for name, values in lat.items():
        print(f"| {name} | {ms(pct(values, 50))} | {ms(pct(values, 99))} | {ms(max(values))} "
              f"| {pct(values, 50) / base50:.2f}× |")
    print(f"\n**Loading {args.entries:,} entries** ({size_mb:.1f} MB, fresh process, best of 3):"
          "\n")
    print("| loader | time | peak RSS | RSS growth | ratio (time) |")
    print("|---|---|---|---|---|")
    for name, r in (("Journal.load (validated Entry objects)", load["journal"]),
                    ("baseline: json.loads per line (dicts)", load["json"])):
        print(f"| {name} | {r['seconds']:.2f} s | {r['rss_kib'] / 1024:.0f} MiB | "
              f"{r['delta_kib'] / 1024:.0f} MiB | "
              f"{r['seconds'] / load['json']['seconds']:.2f}× |")
    print("\n**Idle poll** (what the TUI does every 0.5 s when nothing changed):\n")
    print("| Journal.read_new (nothing new) | baseline: bare os.stat | ratio |")
    print("|---|---|---|")
    print(f"| {poll['read_new idle'] * 1e6:.1f} µs | {poll['bare os.stat'] * 1e6:.1f} µs | "
          f"{poll['read_new idle'] / poll['bare os.stat']:.2f}× |")
    print(f"\n**Other process's note → visible in a running TUI** ({len(visible)} samples, "
          "headless app, 0.5 s poll):\n")
    print(f"p50 {ms(statistics.median(visible))}, max {ms(max(visible))} (target < 1 s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
