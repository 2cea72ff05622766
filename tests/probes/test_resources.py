"""Host resources: this machine's /proc and statvfs, and a host over the real sshd through the
pool (one command per round), judged by thresholds below today's use; garbage output; the
verdict and `warroom status --json`."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from probes.resources import ResourcesProbe, parse_remote
from probes.ssh import SshPool
from tests.actions.conftest import ssh_host
from tests.infra.sshd import SshServer
from tui.cli.status_json import to_json
from tui.core.config import ConfigError, load_config, parse_config
from tui.core.config.resources import ResourcesConfig
from tui.core.model import utcnow
from tui.core.resources import HostResources, Level, assess, store_kind
from tui.core.store import Store
from tui.core.verdict import Exit, verdict
from tui.engine.status_round import probe_once

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = '[environment]\nname = "t"\n'
CALM = {"load_per_core_warn": 1000.0, "load_per_core_critical": 1000.0}
"""Whatever else runs on this machine must not turn a disk WARNING into a load CRITICAL."""


def root_use() -> float:
    st = os.statvfs("/")
    used = (st.f_blocks - st.f_bfree) * st.f_frsize
    return 100.0 * used / (used + st.f_bavail * st.f_frsize)


async def test_local_host_is_read_from_proc_and_statvfs() -> None:
    res = await ResourcesProbe(ResourcesConfig()).probe("local")
    assert res.error is None and res.problems == ()
    assert res.load is not None and res.cores == os.cpu_count()
    assert res.cpu_pct is not None and 0 <= res.cpu_pct <= 100
    assert res.mem_total and res.mem_available and res.mem_available <= res.mem_total
    mounts = {m.mount: m for m in res.mounts}
    assert "/" in mounts and abs((mounts["/"].used_pct or 0) - root_use()) < 2
    assert all(m.fstype not in ("tmpfs", "proc", "sysfs", "overlay") for m in res.mounts)
    assert res.top_mem and len(res.top_mem) <= 5 and res.top_mem[0].rss > 0
    assert [p.rss for p in res.top_mem] == sorted((p.rss for p in res.top_mem), reverse=True)


async def test_busy_process_is_in_the_top_by_cpu() -> None:
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        await asyncio.sleep(0.3)
        res = await ResourcesProbe(ResourcesConfig()).probe("local")
    finally:
        busy.kill()
        busy.wait()
    top = {p.pid: p for p in res.top_cpu}
    assert busy.pid in top and (top[busy.pid].cpu_pct or 0) > 30


async def test_thresholds_below_todays_use_give_warning_then_critical() -> None:
    use = root_use()
    res = await ResourcesProbe(ResourcesConfig()).probe("local")
    warn = assess(res, ResourcesConfig(disk_warn=max(0.0, use - 5), **CALM))
    assert warn.level is Level.WARNING
    assert any(r.startswith(f"/ {use:.0f} % used, ") and r.endswith(" GB free")
               for r in warn.reasons), warn.reasons
    crit = assess(res, ResourcesConfig(disk_warn=0, disk_critical=max(0.0, use - 5), **CALM))
    assert crit.level is Level.CRITICAL and crit.mount_levels["/"] is Level.CRITICAL
    mem = assess(res, ResourcesConfig(memory_available_warn=100, memory_available_critical=99.9))
    assert mem.level is Level.CRITICAL and "% available" in mem.reasons[0]
    assert assess(res, ResourcesConfig(disk_warn=100, disk_critical=100, inodes_warn=100,
                                       inodes_critical=100, load_per_core_warn=1e6,
                                       load_per_core_critical=1e6)).level is Level.OK


async def test_a_hanging_statvfs_is_named_and_does_not_hang_the_round(monkeypatch) -> None:
    """A mount that never answers (NFS server gone) cannot be produced without root; the
    hang is made by blocking os.statvfs for one path."""
    release = threading.Event()
    real = os.statvfs

    def statvfs(path: Any) -> Any:
        if path == "/":
            release.wait(10)
        return real(path)

    monkeypatch.setattr(os, "statvfs", statvfs)
    probe = ResourcesProbe(ResourcesConfig(timeout=0.5))
    try:
        started = time.monotonic()
        res = await probe.probe("local")
        assert time.monotonic() - started < 2.5
        root = next(m for m in res.mounts if m.mount == "/")
        assert root.error == "statvfs timed out after 0.5 s"
        found = assess(res, probe.config)
        assert found.level is Level.UNKNOWN and "/: statvfs timed out after 0.5 s" in found.reasons
        again = await probe.probe("local")
        assert next(m for m in again.mounts if m.mount == "/").error.startswith(
            "statvfs still hanging")
    finally:
        release.set()


@pytest.mark.parametrize("garbage", [
    "", "\x1b[31mhello\x1b[0m\n" * 50, "@@loadavg\nnot numbers at all\n@@meminfo\nMemTotal: x\n",
    "@@loadavg\n" + "9" * 100_000 + "\n@@stat1\ncpu " + "1 " * 10_000 + "\n",
    "@@procs1\n" + "1 (evil\x1b]0;title\x07) R " + "99999999999999999999999 " * 30 + "\n",
])
def test_garbage_output_is_a_clear_unknown(garbage: str) -> None:
    res = parse_remote("prod", garbage, ResourcesConfig(), utcnow())
    found = assess(res, ResourcesConfig())
    assert found.level is Level.UNKNOWN
    assert found.reasons and all("\x1b" not in r for r in found.reasons)


def test_hostile_process_names_are_sanitized() -> None:
    line = "42 (x) \x1b[2J) R " + " ".join(["1"] * 10) + " 100 50 " + " ".join(["1"] * 8) \
        + " 7 " + "1 " * 10
    text = ("@@loadavg\n0.5 0.4 0.3 1/100 42\n@@stat1\ncpu 1 0 1 100 0 0 0 0\ncpu0 1\n"
            f"@@procs1\n{line}\n@@stat2\ncpu 3 0 3 200 0 0 0 0\ncpu0 1\n@@procs2\n{line}\n")
    res = parse_remote("h", text, ResourcesConfig(), utcnow())
    assert res.error is None and res.top_mem
    assert res.top_mem[0].name == "x) [2J" or "\x1b" not in res.top_mem[0].name


def test_config_is_validated_with_file_line_and_key() -> None:
    text = MINIMAL + '[resources]\nhosts = ["local", "nowhere"]\ndisk_warn = 120\n' \
        'ignore_mounts = ["(unclosed"]\nmemory_available_critical = 50\n'
    with pytest.raises(ConfigError) as info:
        parse_config(text, "conf.toml", env={})
    message = info.value.render()
    assert "conf.toml:5: resources.disk_warn: must be a percentage (0-100)" in message
    assert "resources.ignore_mounts" in message and "not a valid regular expression" in message
    with pytest.raises(ConfigError) as info:
        parse_config(MINIMAL + '[resources]\nmemory_available_critical = 50\n', "conf.toml",
                     env={})
    assert ("conf.toml:4: resources.memory_available_critical: must not exceed "
            "memory_available_warn") in info.value.render()
    with pytest.raises(ConfigError) as info:
        parse_config(MINIMAL + '[resources]\nhosts = ["local", "nowhere"]\n', "conf.toml",
                     env={})
    assert "conf.toml:4: resources.hosts[1]: unknown host 'nowhere'" in info.value.render()
    config = parse_config(MINIMAL + "[resources]\n", "conf.toml", env={})
    assert config.resources == ResourcesConfig()


def write(path: Path, data: dict[str, Any]):
    path.write_text(tomli_w.dumps({"environment": {"name": "t"}, **data}))
    return load_config(path)


@pytest.mark.sshd
async def test_remote_host_over_the_pool_one_command_per_round(
        sshd: SshServer, tmp_path: Path) -> None:
    config = write(tmp_path / "w.toml", {"hosts": {"web": ssh_host(sshd)},
                                          "resources": {"hosts": ["web"], "timeout": 10.0}})
    assert config.resources is not None
    pool = SshPool(config.hosts)
    try:
        probe = ResourcesProbe(config.resources, pool.command)
        res = await probe.probe("web")
        res2 = await probe.probe("web")
        assert pool.connects("web") == 1  # the pooled connection, reused
    finally:
        await pool.close_all()
    local = await ResourcesProbe(config.resources).probe("local")
    assert res.error is None and res.problems == (), (res.error, res.problems)
    assert res2.error is None
    assert res.cores == local.cores and res.mem_total == local.mem_total  # the same machine
    assert res.cpu_pct is not None and res.top_mem and res.top_cpu is not None
    remote_mounts = {m.mount: m for m in res.mounts}
    assert "/" in remote_mounts and abs((remote_mounts["/"].used_pct or 0) - root_use()) < 2
    assert remote_mounts["/"].inodes_pct is not None


@pytest.mark.sshd
async def test_verdict_and_status_json_include_hosts(sshd: SshServer, tmp_path: Path) -> None:
    use = root_use()
    config = write(tmp_path / "w.toml", {
        "hosts": {"web": ssh_host(sshd)},
        "resources": {"hosts": ["local", "web"], "timeout": 10.0,
                      "disk_warn": max(0.0, use - 10), "disk_critical": 100.0, **CALM}})
    store, result = await probe_once(config)
    assert result.code is Exit.WARNING, result.problems
    assert any(p.startswith(f"host local WARNING: / {use:.0f} % used") for p in result.problems)
    assert any(p.startswith("host web WARNING: / ") for p in result.problems)
    data = json.loads(json.dumps(to_json(config, store, result)))
    hosts = {h["host"]: h for h in data["hosts"]}
    assert set(hosts) == {"local", "web"}
    assert hosts["web"]["state"] == "WARNING" and hosts["web"]["reasons"]
    assert hosts["local"]["mounts"][0]["state"] == "WARNING"
    assert hosts["local"]["top_memory"] and hosts["local"]["memory"]["total"]
    # critical below today's use: CRITICAL
    config = write(tmp_path / "c.toml", {"resources": {"disk_warn": 0.0,
                                                       "disk_critical": max(0.0, use - 10)}})
    _store, result = await probe_once(config)
    assert result.code is Exit.CRITICAL


async def test_unreachable_host_and_stale_reading_are_unknown_with_age(tmp_path: Path) -> None:
    config = write(tmp_path / "w.toml", {
        "hosts": {"gone": {"address": "127.0.0.1", "port": 9, "agent": False,
                           "connect_timeout": 1.0}},
        "resources": {"hosts": ["gone"], "timeout": 3.0}})
    store, result = await probe_once(config)
    assert result.code is Exit.UNKNOWN
    assert result.problems[0].startswith("host gone UNKNOWN: "), result.problems
    store = Store()
    old = utcnow().replace(year=2020)
    store.put(store_kind("gone"), HostResources("gone", old, load=(0, 0, 0)), 10.0, at=old)
    line = verdict(config, store).problems[0]
    assert line.startswith("host gone UNKNOWN: no fresh reading for ") and "last: OK" in line


def test_shipped_config_documents_every_resources_key() -> None:
    import dataclasses
    import re
    text = (ROOT / "config.toml").read_text()
    readme = (ROOT / "README.md").read_text()
    for f in dataclasses.fields(ResourcesConfig):
        assert re.search(rf"^# {f.name} = ", text, re.M), f.name
        assert f"`{f.name}`" in readme, f.name
