"""Host resources probe: load, CPU %, memory, swap, mounts (space and inodes) and the top
processes by CPU and by memory, read from `/proc` and `statvfs` locally, or with ONE shell
command per round over the host's pooled SSH connection (no agent, no extra connection).

Both paths produce the same sections of text (`/proc/loadavg`, the `cpu` lines of
`/proc/stat`, every `/proc/[pid]/stat`, `/proc/meminfo`, `/proc/mounts`), parsed by the same
`parse()`; remotely the mounts' use comes from `df -P` / `df -Pi`, locally from `os.statvfs`
run in a thread per mount, bounded by the timeout (a hanging NFS mount is reported by name and
never hangs the round; while its thread still hangs it is not retried). Everything read is
hostile: lines are bounded, numbers checked, process names sanitized; garbage gives a clear
UNKNOWN with the reason, never an exception.

CPU % is the difference between two readings 0.5 s apart, in jiffies (so no wall clock is
needed): a process's share is its jiffies over the machine's per core.
"""

from __future__ import annotations

import asyncio
import os
import re
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from tui.core.config.resources import ResourcesConfig
from tui.core.model import utcnow
from tui.core.resources import HostResources, MountUse, ProcUse
from tui.core.sanitize import one_line

SAMPLE = 0.5
"""Seconds between the two CPU readings of a round."""
MAX_SECTION = 128 * 1024
MAX_LINE = 4096
MAX_PIDS = 5000
MAX_MOUNTS = 500
NAME_LIMIT = 40

Remote = Callable[[str, tuple[str, ...], float], Awaitable[Any]]
"""`SshPool.command(host, argv, timeout) -> CommandOutput`."""

REMOTE_SCRIPT = """LC_ALL=C; export LC_ALL
echo @@loadavg; cat /proc/loadavg
echo @@pagesize; getconf PAGESIZE 2>/dev/null || echo 4096
echo @@stat1; grep '^cpu' /proc/stat
echo @@meminfo; cat /proc/meminfo
echo @@mounts; head -c 65536 /proc/mounts
echo @@df; timeout {t} df -P 2>/dev/null | head -c 65536
echo @@dfi; timeout {t} df -Pi 2>/dev/null | head -c 65536
echo @@procs1; cat /proc/[0-9]*/stat 2>/dev/null | head -c 60000
sleep {sample}
echo @@stat2; grep '^cpu' /proc/stat
echo @@procs2; cat /proc/[0-9]*/stat 2>/dev/null | head -c 60000
echo @@end
"""


class ResourcesProbe:
    """One round per host: `await probe.probe(host)` -> HostResources (never raises for bad
    input; the scheduler's on_error catches bugs)."""

    def __init__(self, config: ResourcesConfig, remote: Remote | None = None,
                 proc: str = "/proc") -> None:
        self.config = config
        self.remote = remote
        self.proc = proc
        self._hanging: dict[str, tuple[threading.Thread, float]] = {}

    async def probe(self, host: str) -> HostResources:
        at = utcnow()
        if host == "local":
            return await self._local(at)
        if self.remote is None:
            return HostResources(host, at, error="no SSH hosts configured")
        script = REMOTE_SCRIPT.format(t=max(1, int(self.config.timeout / 2)), sample=SAMPLE)
        out = await self.remote(host, ("sh", "-c", script), self.config.timeout)
        if getattr(out, "error", None):
            return HostResources(host, at, error=one_line(str(out.error))[:200])
        return parse_remote(host, str(out.output), self.config, at)

    # -- local ----------------------------------------------------------------------------
    async def _local(self, at: Any) -> HostResources:
        first = await asyncio.to_thread(self._read_sample, True)
        mounts_task = asyncio.create_task(self._local_mounts(first.get("mounts", "")))
        await asyncio.sleep(SAMPLE)
        second = await asyncio.to_thread(self._read_sample, False)
        mounts = await mounts_task
        sections = {**first, "stat2": second["stat1"], "procs2": second["procs1"]}
        return parse("local", sections, self.config, at, mounts=mounts)

    def _read(self, name: str, limit: int = MAX_SECTION) -> str:
        try:
            with open(os.path.join(self.proc, name), "rb") as f:
                return f.read(limit).decode("utf-8", "replace")
        except OSError:
            return ""

    def _read_sample(self, full: bool) -> dict[str, str]:
        stat = "".join(line for line in self._read("stat").splitlines(keepends=True)
                       if line.startswith("cpu"))
        procs: list[str] = []
        size = 0
        try:
            pids = [p for p in os.listdir(self.proc) if p.isdigit()][:MAX_PIDS]
        except OSError:
            pids = []
        for pid in pids:
            text = self._read(os.path.join(pid, "stat"), MAX_LINE)
            size += len(text)
            if size > MAX_SECTION:
                break
            procs.append(text)
        sample = {"stat1": stat, "procs1": "".join(procs)}
        if full:
            sample.update(loadavg=self._read("loadavg"), meminfo=self._read("meminfo"),
                          mounts=self._read("mounts"), pagesize=str(os.sysconf("SC_PAGE_SIZE")))
        return sample

    async def _local_mounts(self, mounts_text: str) -> list[MountUse]:
        entries = mount_entries(mounts_text, self.config)
        return list(await asyncio.gather(*(self._statvfs(m, t) for m, t in entries)))

    async def _statvfs(self, mount: str, fstype: str) -> MountUse:
        timeout = self.config.timeout
        hung = self._hanging.get(mount)
        if hung is not None:
            thread, since = hung
            if thread.is_alive():
                return MountUse(mount, fstype, error=f"statvfs still hanging after "
                                f"{time.monotonic() - since:.0f} s")
            del self._hanging[mount]
        loop = asyncio.get_running_loop()
        done: asyncio.Future[Any] = loop.create_future()

        def work() -> None:
            try:
                result: Any = os.statvfs(mount)
            except OSError as exc:
                result = exc
            loop.call_soon_threadsafe(lambda: done.done() or done.set_result(result))

        thread = threading.Thread(target=work, name=f"statvfs {mount}", daemon=True)
        thread.start()
        try:
            result = await asyncio.wait_for(asyncio.shield(done), timeout)
        except TimeoutError:
            self._hanging[mount] = (thread, time.monotonic())
            return MountUse(mount, fstype, error=f"statvfs timed out after {timeout:.1f} s")
        if isinstance(result, OSError):
            return MountUse(mount, fstype, error=f"statvfs failed: {result.strerror}")
        size = result.f_blocks * result.f_frsize
        avail = result.f_bavail * result.f_frsize
        used = (result.f_blocks - result.f_bfree) * result.f_frsize
        inodes = None
        if result.f_files:
            inodes = 100.0 * (result.f_files - result.f_ffree) / result.f_files
        return MountUse(mount, fstype, size, avail, _pct(used, used + avail), inodes)


# -- parsing (both paths) -------------------------------------------------------------------
_SECTION = re.compile(r"^@@([a-z0-9]+)$")
_PROC = re.compile(r"^(\d{1,10}) \((.{0,64})\) (.*)$", re.S)


def split_sections(text: str) -> dict[str, str]:
    """The `@@name` sections of the remote command's output (each bounded)."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text[: 4 * MAX_SECTION].splitlines():
        found = _SECTION.match(line.strip())
        if found:
            current = sections.setdefault(found.group(1), [])
            continue
        if current is not None and len(line) <= MAX_LINE:
            current.append(line)
    return {name: "\n".join(lines)[:MAX_SECTION] for name, lines in sections.items()}


def parse_remote(host: str, text: str, config: ResourcesConfig, at: Any) -> HostResources:
    sections = split_sections(text)
    if not sections or "loadavg" not in sections:
        shown = one_line(text)[:120] or "no output"
        return HostResources(host, at, error=f"unreadable output from the host ({shown})")
    entries = mount_entries(sections.get("mounts", ""), config)
    mounts = parse_df(sections.get("df", ""), sections.get("dfi", ""), entries)
    if "df" in sections and not sections["df"].strip():
        mounts = [MountUse(m, t, error="df gave no answer (timed out?)") for m, t in entries]
    return parse(host, sections, config, at, mounts=mounts)


def parse(host: str, s: dict[str, str], config: ResourcesConfig, at: Any,
          mounts: list[MountUse]) -> HostResources:
    problems: list[str] = []
    load = _loadavg(s.get("loadavg", ""))
    if load is None:
        problems.append("load average unreadable")
    cores, cpu1 = _cpu(s.get("stat1", ""))
    _, cpu2 = _cpu(s.get("stat2", ""))
    cpu_pct = None
    if cpu1 and cpu2 and cpu2[0] > cpu1[0]:
        total = cpu2[0] - cpu1[0]
        cpu_pct = max(0.0, min(100.0, 100.0 * (total - (cpu2[1] - cpu1[1])) / total))
    else:
        problems.append("CPU counters unreadable")
    mem = _meminfo(s.get("meminfo", ""))
    if "MemTotal" not in mem or "MemAvailable" not in mem:
        problems.append("memory unreadable (/proc/meminfo)")
    try:
        page = max(512, min(1 << 20, int(s.get("pagesize", "4096").strip() or 4096)))
    except ValueError:
        page = 4096
    procs1 = _procs(s.get("procs1", ""))
    procs2 = _procs(s.get("procs2", ""))
    per_core = (cpu2[0] - cpu1[0]) / max(1, cores or 1) if cpu1 and cpu2 else 0
    rows = []
    for pid, (name, jiffies, rss) in procs2.items():
        cpu = None
        if pid in procs1 and per_core > 0:
            cpu = max(0.0, 100.0 * (jiffies - procs1[pid][1]) / per_core)
        rows.append(ProcUse(pid, name, cpu, rss * page))
    top = config.top
    top_cpu = sorted((r for r in rows if r.cpu_pct), key=lambda r: -(r.cpu_pct or 0))[:top]
    top_mem = sorted(rows, key=lambda r: -r.rss)[:top]
    if load is None and not cpu1 and not mem:
        return HostResources(host, at, error="unreadable output from the host: no load, CPU "
                             "or memory figures found")
    return HostResources(
        host, at, load=load, cores=cores, cpu_pct=cpu_pct,
        mem_total=mem.get("MemTotal"), mem_available=mem.get("MemAvailable"),
        swap_total=mem.get("SwapTotal"), swap_free=mem.get("SwapFree"),
        mounts=tuple(mounts[:MAX_MOUNTS]), top_cpu=tuple(top_cpu), top_mem=tuple(top_mem),
        problems=tuple(problems))


def _num(text: str) -> float | None:
    if len(text) > 24:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and 0 <= value < 1e18 else None


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) <= 20 else None


def _loadavg(text: str) -> tuple[float, float, float] | None:
    parts = text.split()[:3]
    values = [_num(p) for p in parts]
    if len(values) != 3 or any(v is None for v in values):
        return None
    return (values[0], values[1], values[2])  # type: ignore[return-value]


def _cpu(text: str) -> tuple[int | None, tuple[int, int] | None]:
    """(cores, (total jiffies, idle+iowait jiffies)) from the `cpu` lines of /proc/stat."""
    cores = 0
    total = None
    for line in text.splitlines()[:4096]:
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "cpu":
            values = [_int(p) for p in parts[1:11]]
            if len(values) >= 4 and all(v is not None for v in values):
                nums = [v for v in values if v is not None]
                total = (sum(nums[:8]), nums[3] + (nums[4] if len(nums) > 4 else 0))
        elif re.fullmatch(r"cpu\d{1,5}", parts[0]):
            cores += 1
    return (cores or None), total


def _meminfo(text: str) -> dict[str, int]:
    found = {}
    for line in text.splitlines()[:200]:
        key, _, rest = line.partition(":")
        if key in ("MemTotal", "MemAvailable", "SwapTotal", "SwapFree"):
            parts = rest.split()
            value = _int(parts[0]) if parts else None
            if value is not None:
                found[key] = value * 1024 if parts[1:2] == ["kB"] else value
    return found


def _procs(text: str) -> dict[int, tuple[str, int, int]]:
    """pid -> (name, utime+stime jiffies, rss pages), from concatenated /proc/[pid]/stat."""
    found: dict[int, tuple[str, int, int]] = {}
    for line in text.splitlines()[:MAX_PIDS]:
        if len(line) > MAX_LINE:
            continue
        m = _PROC.match(line)
        if not m:
            continue
        # the name may hold ") ": the fields start after the LAST ") "
        head, _, rest = line.rpartition(") ")
        name = head.partition(" (")[2]
        fields = rest.split()
        if len(fields) < 22:
            continue
        utime, stime, rss = _int(fields[11]), _int(fields[12]), _int(fields[21])
        if utime is None or stime is None or rss is None:
            continue
        clean = one_line(name)[:NAME_LIMIT] or "?"
        found[int(m.group(1))] = (clean, utime + stime, rss)
    return found


def _unescape(path: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), path)


def mount_entries(text: str, config: ResourcesConfig) -> list[tuple[str, str]]:
    """(mount point, fstype) of the mounts to watch, each once, from /proc/mounts."""
    seen: dict[str, str] = {}
    for line in text.splitlines()[: 4 * MAX_MOUNTS]:
        parts = line.split()
        if len(parts) < 3 or len(line) > MAX_LINE:
            continue
        mount, fstype = _unescape(parts[1]), parts[2]
        if not mount.startswith("/") or config.ignores(mount, fstype):
            continue
        seen[one_line(mount)[:200]] = fstype[:40]
    return list(seen.items())[:MAX_MOUNTS]


def parse_df(df: str, dfi: str, entries: list[tuple[str, str]]) -> list[MountUse]:
    """Mount use from `df -P` (1024-blocks) and `df -Pi`, for the watched mounts only."""
    wanted = dict(entries)
    space: dict[str, tuple[int, int, int]] = {}
    for mount, nums in _df_rows(df):
        if mount in wanted:
            space[mount] = (nums[0] * 1024, nums[1] * 1024, nums[2] * 1024)
    inodes: dict[str, float | None] = {}
    for mount, nums in _df_rows(dfi):
        inodes[mount] = _pct(nums[1], nums[0]) if nums[0] else None
    found = []
    for mount, fstype in entries:
        if mount not in space:
            continue  # df did not list it (a bind mount shown once, a mount df skips)
        size, used, avail = space[mount]
        found.append(MountUse(mount, fstype, size, avail, _pct(used, used + avail),
                              inodes.get(mount)))
    return found


def _df_rows(text: str) -> list[tuple[str, tuple[int, int, int]]]:
    rows = []
    for line in text.splitlines()[1: 4 * MAX_MOUNTS]:
        parts = line.split(None, 5)
        if len(parts) < 6 or len(line) > MAX_LINE:
            continue
        nums = [_int(p) for p in parts[1:4]]
        if any(n is None for n in nums):
            continue
        rows.append((parts[5], (nums[0], nums[1], nums[2])))  # type: ignore[arg-type]
    return rows


def _pct(part: float, whole: float) -> float | None:
    return 100.0 * part / whole if whole > 0 else None
