"""Hosts panel: per host its state (in words and a symbol), load, CPU %, memory, swap, each
mount's use and inodes (worst first) and, when there is room, the top processes by CPU and by
memory. Renders what `tui.core.resources.host_assessments()` gives (no I/O); repaints only
when the text shown changes (`SteadyStatic`)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from tui.core.resources import Assessment, HostResources, Level, ProcUse, human_bytes, mount_order
from widgets.steady import SteadyStatic

LEVEL_STYLE = {Level.OK: "green", Level.WARNING: "bold yellow", Level.CRITICAL: "bold red",
               Level.UNKNOWN: "bold magenta"}
Item = tuple[str, HostResources | None, Assessment, float | None]
MAX_MOUNTS = 8
COMPACT_FROM = 6
"""From this many hosts, one line per host (worst first): a fleet stays legible."""


class HostsPanel(SteadyStatic):
    def __init__(self) -> None:
        super().__init__(id="hosts")
        self.border_title = "Hosts"

    def show(self, items: Sequence[Item], room: bool = True) -> bool:
        """Paint the hosts; True when the panel repainted."""
        return self.paint(render_hosts(items, room))


def render_hosts(items: Sequence[Item], room: bool = True) -> Text:
    text = Text()
    if not items:
        return Text("no [resources] section configured", style="dim")
    worst_first = sorted(items, key=lambda item: -item[2].level.rank)  # stable: config order
    if len(items) >= COMPACT_FROM:
        return _one_line_each(worst_first)
    for i, (host, res, found, _age) in enumerate(worst_first):
        if i:
            text.append("\n")
        text.append(f"{found.level.symbol} {found.level.value}", style=LEVEL_STYLE[found.level])
        text.append(f"  {host}", style="bold")
        if res is not None and not res.error:
            text.append(f"  read {res.at:%H:%M:%S}", style="dim")
            text.append("\n  ")
            text.append_text(_summary(res))
            for m in sorted(res.mounts, key=mount_order)[:MAX_MOUNTS]:
                level = found.mount_levels.get(m.mount, Level.OK)
                line = Text(f"\n  {level.symbol} ", style=LEVEL_STYLE[level])
                if m.error:
                    line.append(f"{m.mount}: {m.error}")
                else:
                    inodes = f", inodes {m.inodes_pct:.0f} %" if m.inodes_pct is not None else ""
                    line.append(f"{m.mount} {m.used_pct or 0:.0f} % used, "
                                f"{human_bytes(m.avail)} free of {human_bytes(m.size)}{inodes}",
                                style="" if level is Level.OK else LEVEL_STYLE[level])
                text.append_text(line)
            if len(res.mounts) > MAX_MOUNTS:
                text.append(f"\n    … {len(res.mounts) - MAX_MOUNTS} more mounts", style="dim")
            if room:
                text.append_text(_top("top CPU", res.top_cpu, cpu=True))
                text.append_text(_top("top mem", res.top_mem, cpu=False))
        for reason in found.reasons[:4]:
            if found.level is not Level.OK and not reason.startswith("/"):
                text.append(f"\n  {reason}", style=LEVEL_STYLE[found.level])
    return text


def _one_line_each(items: Sequence[Item]) -> Text:
    """Many hosts: one line each — level, host, load/cpu/mem, the fullest mount, the first
    reason — and a count of those OK."""
    text = Text()
    width = max(len(host) for host, *_ in items)
    ok = sum(1 for item in items if item[2].level is Level.OK)
    text.append(f"{len(items)} hosts, {ok} OK, {len(items) - ok} not", style="dim")
    for host, res, found, _age in items:
        text.append(f"\n{found.level.symbol} ", style=LEVEL_STYLE[found.level])
        text.append(f"{host:<{width}}", style="bold")
        if res is None or res.error:
            text.append(f"  {(res.error if res else None) or 'not read yet'}",
                        style=LEVEL_STYLE[found.level])
            continue
        parts = []
        if res.load:
            parts.append(f"load {res.load[0]:.2f}")
        if res.cpu_pct is not None:
            parts.append(f"cpu {res.cpu_pct:.0f}%")
        if res.mem_available_pct is not None:
            parts.append(f"mem {res.mem_available_pct:.0f}% free")
        fullest = sorted(res.mounts, key=mount_order)[:1]
        if fullest and fullest[0].used_pct is not None:
            parts.append(f"{fullest[0].mount} {fullest[0].used_pct:.0f}%")
        text.append("  " + "  ".join(parts))
        reason = next((r for r in found.reasons if not r.startswith("/")), None)
        if found.level is not Level.OK and (reason or found.reasons):
            text.append(f"  {reason or found.reasons[0]}", style=LEVEL_STYLE[found.level])
    return text


def _summary(res: HostResources) -> Text:
    parts = []
    if res.load:
        one, five, fifteen = res.load
        parts.append(f"load {one:.2f} {five:.2f} {fifteen:.2f} ({res.cores or '?'} cores)")
    if res.cpu_pct is not None:
        parts.append(f"cpu {res.cpu_pct:.0f} %")
    if res.mem_available_pct is not None:
        parts.append(f"mem {res.mem_available_pct:.0f} % free of {human_bytes(res.mem_total or 0)}")
    swap = res.swap_used_pct
    parts.append(f"swap {swap:.0f} % used" if swap is not None else "no swap")
    return Text("  ".join(parts))


def _top(label: str, procs: Sequence[ProcUse], cpu: bool) -> Text:
    if not procs:
        return Text()
    shown = []
    for p in procs:
        figure = f"{p.cpu_pct or 0:.0f}%" if cpu else human_bytes(p.rss)
        shown.append(f"{p.name}[{p.pid}] {figure}")
    return Text(f"\n  {label}: " + ", ".join(shown), style="dim", overflow="ellipsis")
