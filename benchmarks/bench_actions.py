"""Actions: confirm-to-first-output latency (local, SSH first and reused connection) and the
number of SSH connections 20 actions + 20 color probes open on one host (target: 1).

Run as root (starts a private sshd on 127.0.0.1): `python benchmarks/bench_actions.py [N]`.
Baselines in the same run: a bare asyncio subprocess, and OpenSSH's `ssh` client per command.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import machine  # noqa: E402
from probes.ssh import SshPool  # noqa: E402
from tests.infra.sshd import SshServer, start_sshd, stop_sshd_process  # noqa: E402
from tui.core.config import parse_config  # noqa: E402
from tui.core.journal import Journal  # noqa: E402
from tui.core.model import ColorReading, ColorResult, utcnow  # noqa: E402
from tui.core.store import Store  # noqa: E402
from tui.engine.actions import Executor, OperatorMode  # noqa: E402


def config_text(server: SshServer) -> str:
    return f"""
[environment]
name = "bench"
[hosts.web]
address = "127.0.0.1"
port = {server.port}
user = "{server.user}"
known_hosts = "{server.known_hosts_path}"
identity_files = ["{server.client_key_path}"]
agent = false
[[actions]]
name = "local"
key = "l"
argv = ["echo", "hello"]
[[actions]]
name = "remote"
key = "m"
host = "web"
argv = ["echo", "hello"]
"""


async def first_output(ex: Executor, name: str) -> float:
    """Seconds from the confirmed start() to the first output line reaching the panel."""
    got = asyncio.Event()
    ex.listener = lambda _run, event: got.set() if event == "output" else None
    t0 = time.perf_counter()
    run = ex.start(ex.plan(ex.action(name)))
    await got.wait()
    elapsed = time.perf_counter() - t0
    await run.done.wait()
    return elapsed


async def bare_subprocess() -> float:
    t0 = time.perf_counter()
    proc = await asyncio.create_subprocess_exec("echo", "hello", stdout=asyncio.subprocess.PIPE)
    assert proc.stdout is not None
    await proc.stdout.readline()
    elapsed = time.perf_counter() - t0
    await proc.wait()
    return elapsed


def openssh_once(server: SshServer) -> float:
    t0 = time.perf_counter()
    proc = subprocess.Popen(server.ssh_argv("echo", "hello"), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    assert proc.stdout is not None
    proc.stdout.readline()
    elapsed = time.perf_counter() - t0
    proc.wait()
    return elapsed


def accepted(server: SshServer) -> int:
    return server.log_path.read_text(errors="replace").count("Accepted publickey")


def established(port: int) -> int:
    out = subprocess.run(["ss", "-Htn", "state", "established", f"( dport = :{port} )"],
                         capture_output=True, text=True).stdout
    return len([line for line in out.splitlines() if line.strip()])


def ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[max(0, int(len(values) * 0.95) - 1)]
    return f"median {statistics.median(values) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


async def main(n: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-actions-"))
    server = start_sshd(tmp / "sshd")
    try:
        config = parse_config(config_text(server), base_dir=tmp)
        store = Store()
        store.put_color(ColorResult("blue", "green", (ColorReading("x", "blue"),), utcnow()), 1e9)
        operator = OperatorMode()
        operator.arm()

        def executor(pool: SshPool) -> Executor:
            return Executor(config, store, Journal(tmp / "journal.jsonl"), pool,
                            operator=operator)

        local = [await first_output(executor(SshPool({})), "local") for _ in range(n)]
        bare = [await bare_subprocess() for _ in range(n)]
        first = []
        for _ in range(min(n, 10)):
            pool = SshPool(config.hosts)
            first.append(await first_output(executor(pool), "remote"))
            await pool.close_all()
        pool = SshPool(config.hosts)
        ex = executor(pool)
        await first_output(ex, "remote")
        reused = [await first_output(ex, "remote") for _ in range(n)]
        openssh = [await asyncio.to_thread(openssh_once, server) for _ in range(min(n, 10))]
        await pool.close_all()

        # 20 actions and 20 color-probe commands on one host, interleaved and concurrent
        before = accepted(server)
        pool = SshPool(config.hosts)
        ex = executor(pool)
        peak = 0

        async def watch() -> None:
            nonlocal peak
            while True:
                peak = max(peak, established(server.port))
                await asyncio.sleep(0.05)

        watcher = asyncio.create_task(watch())
        for _ in range(20):
            await asyncio.gather(first_output(ex, "remote"),
                                 pool.command("web", ("echo", "blue"), 5.0))
        watcher.cancel()
        logins = accepted(server) - before
        await pool.close_all()
    finally:
        stop_sshd_process(server.process)

    print(f"# bench_actions — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"machine: {machine()}")
    print(f"local action, start -> first output (n={n}): {ms(local)}")
    print(f"  baseline bare asyncio subprocess: {ms(bare)}; "
          f"ratio {statistics.median(local) / statistics.median(bare):.1f}x")
    print(f"SSH action, new connection (n={len(first)}): {ms(first)}")
    print(f"SSH action, reused connection (n={n}): {ms(reused)}")
    print(f"  baseline OpenSSH `ssh host echo` per command: {ms(openssh)}; reused is "
          f"{statistics.median(openssh) / statistics.median(reused):.1f}x faster")
    print(f"20 actions + 20 probe commands on one host: {logins} SSH login(s) in sshd's log, "
          f"peak {peak} established TCP connection(s), pool.connects={pool.connects('web')}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20))
