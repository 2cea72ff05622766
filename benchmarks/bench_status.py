"""`warroom status` over 50 endpoints vs a sequential `curl` loop over the same endpoints.

48 endpoints answer after 100 ms, 2 never answer; the timeout is 2 s. Target: warroom's wall
time ≤ slowest timeout + 0.5 s and ≥ 3× faster than curl. Both are measured in the same run,
alternating. warroom measures each endpoint cold (the request that opens the connection) and
warm (a second one on the kept connection, as the TUI's rounds do), within the same timeout; one
extra `--json` run reports both figures.

Run: python benchmarks/bench_status.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from common import loopback_server, machine, services_toml

TIMEOUT = 2.0


def timed(argv: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    code = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    return time.perf_counter() - start, code


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    warroom = shutil.which("warroom") or "warroom"
    with loopback_server() as base, tempfile.TemporaryDirectory() as tmp:
        urls = [f"{base}/slow/{i}?ms=100" for i in range(48)] + [f"{base}/hang/{i}" for i in (0, 1)]
        config = Path(tmp) / "c.toml"
        config.write_text(services_toml(urls, TIMEOUT))
        script = Path(tmp) / "curl-loop.sh"
        script.write_text(
            "#!/bin/sh\nfor u in " + " ".join(f"'{u}'" for u in urls) + "; do\n"
            f"  curl -s -o /dev/null --max-time {TIMEOUT} \"$u\"\ndone\n"
        )
        ours, theirs, codes = [], [], set()
        for _ in range(args.runs):
            wall, code = timed([warroom, "status", "--config", str(config)])
            ours.append(wall)
            codes.add(code)
            theirs.append(timed(["sh", str(script)])[0])
        doc = json.loads(subprocess.run([warroom, "status", "--json", "--config", str(config)],
                                        capture_output=True, text=True).stdout)
    checks = doc["checks"]
    warm = [c["warm_ms"] for c in checks if c["warm_ms"] is not None]
    cold = [c["cold_ms"] for c in checks if c["cold_ms"] is not None]
    med_ours, med_theirs = statistics.median(ours), statistics.median(theirs)
    print(f"machine: {machine()}")
    print(f"50 endpoints (48 × 100 ms, 2 hanging), timeout {TIMEOUT:.1f} s, {args.runs} runs each")
    print(f"warroom status: median {med_ours:.2f} s, max {max(ours):.2f} s, exit codes {codes}"
          f" (bound {TIMEOUT + 0.5:.1f} s)")
    print(f"sequential curl loop: median {med_theirs:.2f} s")
    print(f"ratio curl / warroom: {med_theirs / med_ours:.1f}×")
    print(f"latency (--json run): {len(warm)} warm, median {statistics.median(warm):.0f} ms;"
          f" {len(cold)} cold, median {statistics.median(cold):.0f} ms;"
          f" {len(checks) - len(warm)} without a warm figure")


if __name__ == "__main__":
    main()
