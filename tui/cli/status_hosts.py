"""Host resources in `warroom status`: one line per host (state, load, CPU, memory, the worst
mount) and its reasons; in `--json`, `hosts` (documented in the README)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from tui.core.config import Config
from tui.core.model import utcnow
from tui.core.resources import HostResources, Level, host_assessments, mount_order
from tui.core.store import Store

LEVEL_STYLE = {Level.OK: "green", Level.WARNING: "bold yellow", Level.CRITICAL: "bold red",
               Level.UNKNOWN: "magenta"}


def hosts_json(config: Config, store: Store) -> list[dict[str, Any]] | None:
    """`hosts`: null when `[resources]` is not configured."""
    if config.resources is None:
        return None
    found = []
    for host, value, verdict, age in host_assessments(config, store, utcnow()):
        item: dict[str, Any] = {"host": host, "state": verdict.level.value,
                                "reasons": list(verdict.reasons),
                                "age_s": None if age is None else round(age, 1)}
        if isinstance(value, HostResources) and not value.error:
            item.update({
                "load": list(value.load) if value.load else None,
                "cores": value.cores,
                "cpu_pct": _round(value.cpu_pct),
                "memory": {"total": value.mem_total, "available": value.mem_available,
                           "available_pct": _round(value.mem_available_pct)},
                "swap": {"total": value.swap_total, "free": value.swap_free,
                         "used_pct": _round(value.swap_used_pct)},
                "mounts": [{"mount": m.mount, "fstype": m.fstype, "size": m.size,
                            "avail": m.avail, "used_pct": _round(m.used_pct),
                            "inodes_pct": _round(m.inodes_pct), "error": m.error,
                            "state": verdict.mount_levels.get(m.mount, Level.OK).value}
                           for m in sorted(value.mounts, key=mount_order)],
                "top_cpu": [_proc(p) for p in value.top_cpu],
                "top_memory": [_proc(p) for p in value.top_mem],
            })
        found.append(item)
    return found


def _proc(p: Any) -> dict[str, Any]:
    return {"pid": p.pid, "name": p.name, "cpu_pct": _round(p.cpu_pct), "rss": p.rss}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def render_hosts(console: Console, config: Config, store: Store) -> None:
    for host, value, verdict, _age in host_assessments(config, store, utcnow()):
        line = Text(f"HOST {host} ")
        line.append(f"{verdict.level.symbol} {verdict.level.value}",
                    style=LEVEL_STYLE[verdict.level])
        if isinstance(value, HostResources) and not value.error and value.load:
            line.append(f"  load {value.load[0]:.2f}/{value.cores or '?'} cores")
            if value.cpu_pct is not None:
                line.append(f"  cpu {value.cpu_pct:.0f} %")
            if value.mem_available_pct is not None:
                line.append(f"  mem {value.mem_available_pct:.0f} % available")
            worst = sorted((m for m in value.mounts if not m.error), key=mount_order)
            if worst and worst[0].used_pct is not None:
                line.append(f"  {worst[0].mount} {worst[0].used_pct:.0f} % used")
        if verdict.reasons:
            line.append(": " + "; ".join(verdict.reasons))
        console.print(line, overflow="fold")
