"""CPU and peak memory of a process group (a program and every child it started), and of the
Docker daemons, read from /proc: how bench_peers.py charges each tool for what it costs,
children included."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def group(pgid: int) -> list[tuple[int, list[str]]]:
    """(pid, /proc/pid/stat fields after the command name) of every process in group pgid."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            text = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2:].split()
        if int(fields[2]) == pgid:
            found.append((int(entry), fields))
    return found


def group_cpu(pgid: int) -> float:
    """CPU seconds of the group: its processes' own plus their reaped children's."""
    return sum(sum(int(v) for v in f[11:15]) for _, f in group(pgid)) / TICK


def group_hwm_kb(pgid: int) -> int:
    total = 0
    for pid, _ in group(pgid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
    return total


def daemon_cpu() -> float:
    """CPU seconds so far of dockerd and containerd (what the engine spends for its clients)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError):
            if Path(f"/proc/{entry}/comm").read_text().strip() in ("dockerd", "containerd"):
                text = Path(f"/proc/{entry}/stat").read_text()
                total += sum(int(v) for v in text[text.rindex(")") + 2:].split()[11:13])
    return total / TICK
