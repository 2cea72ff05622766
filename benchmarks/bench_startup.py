"""Startup: process start → first paint with every panel's first result, headless, beside an
empty Textual app measured in the same run (alternating). Target ≤ 1.5× the empty app.

Run: python benchmarks/bench_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import HERE, loopback_server, machine, services_toml


def once(mode: str, *extra: str) -> float:
    t0 = time.time()
    out = subprocess.run(
        [sys.executable, str(HERE / "startup_child.py"), mode, repr(t0), *extra],
        capture_output=True, text=True, timeout=60,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with loopback_server() as base, tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp) / "state"
        state.write_text("active=blue\nstatus=success\n")
        urls = [f"{base}/ok/{i}" for i in range(3)]
        config = Path(tmp) / "c.toml"
        config.write_text(
            services_toml(urls, 2.0)
            + f'[color]\n[[color.sources]]\nkind = "state_file"\npath = "{state}"\n'
        )
        once("empty")  # warm the file cache for both
        once("warroom", str(config))
        empty, ours = [], []
        for _ in range(args.runs):
            empty.append(once("empty"))
            ours.append(once("warroom", str(config)))
    e, w = statistics.median(empty), statistics.median(ours)
    print(f"machine: {machine()}")
    print(f"empty Textual app, first paint: median {e * 1000:.0f} ms ({args.runs} runs)")
    print(f"warroom, first paint with every panel's first result: median {w * 1000:.0f} ms")
    print(f"ratio warroom / empty: {w / e:.2f}× (target ≤ 1.5×)")


if __name__ == "__main__":
    main()
