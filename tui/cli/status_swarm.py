"""The swarm services of `warroom status`: text lines and the `--json` rows.

JSON (`"swarm"`, null without a `[swarm]` section): `{"at", "managers": [{"host",
"reachable", "since", "error"}], "services": [{"host", "name", "id", "mode", "state",
"critical", "running", "desired", "image", "digest", "update_state", "update_message",
"previous_image", "tasks": [{"slot", "node", "desired", "state", "error", "at"}]}]}` —
`state` is OK, DEGRADED, DOWN or UNKNOWN (its manager does not answer).
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from tui.core.config import Config
from tui.core.model import State, utcnow
from tui.core.store import Store
from tui.core.swarm import service_views, snapshot

STYLE = {State.OK: "green", State.DEGRADED: "yellow", State.DOWN: "bold red",
         State.UNKNOWN: "magenta"}


def swarm_json(config: Config, store: Store) -> dict[str, Any] | None:
    if config.swarm is None:
        return None
    snap = snapshot(store)
    if snap is None:
        return {"at": None, "managers": [], "services": []}
    now = utcnow()
    return {
        "at": snap.at.isoformat(),
        "managers": [{"host": m.host, "reachable": m.reachable, "since": m.since.isoformat(),
                      "error": m.error} for m in snap.managers],
        "services": [
            {"host": s.host, "name": s.name, "id": s.id, "mode": s.mode, "state": v.state.value,
             "critical": v.critical, "running": s.running, "desired": s.desired,
             "image": s.image, "digest": s.digest or None,
             "update_state": s.update_state or None, "update_message": s.update_message or None,
             "previous_image": s.previous_image or None,
             "tasks": [{"slot": t.slot, "node": t.node, "desired": t.desired, "state": t.state,
                        "error": t.error or None, "at": t.at.isoformat() if t.at else None}
                       for t in s.tasks]}
            for v in service_views(config, snap, now) for s in (v.service,)
        ],
    }


def render_swarm(console: Console, config: Config, store: Store) -> None:
    """SWARM lines: managers not answering, then one line per service (and its failing
    tasks, indented)."""
    if config.swarm is None:
        return
    snap = snapshot(store)
    if snap is None:
        console.print(Text("SWARM no listing", style="magenta"))
        return
    now = utcnow()
    for manager in snap.managers:
        if not manager.reachable:
            said = manager.describe(now).replace(": docker ", ": manager ")
            console.print(Text(f"SWARM {said}", style="magenta"), overflow="fold")
    views = service_views(config, snap, now)
    multi = len(snap.managers) > 1
    for view in views:
        s = view.service
        line = Text("SWARM ")
        line.append(f"{view.state.value:<8}", style=STYLE.get(view.state, ""))
        line.append(f" {s.host + '/' if multi else ''}{s.name}  {s.replicas}  {s.image_text}")
        if s.update_state:
            line.append(f"  {s.update_state}", style="yellow")
            if s.update_message:
                line.append(f": {s.update_message}")
        console.print(line, overflow="fold")
        for task in s.tasks[:3]:
            console.print(Text(f"  └ {task.slot} on {task.node}: {task.state} (desired "
                               f"{task.desired}) {task.age(now)} ago"
                               + (f": {task.error}" if task.error else "")), overflow="fold")
