"""The alerts of `warroom status`: text lines and the `--json` list.

JSON: `{"sources": [{"name", "ok", "text", "at"}], "alerts": [{"state": "firing" |
"silenced" | "inhibited", "name", "severity", "critical", "labels", "annotations",
"starts_at", "source", "sources"}], "silenced": n, "inhibited": n}` — `source` is the first
source reporting the alert, `sources` every one (one HA cluster: one alert, several sources).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.console import Console
from rich.text import Text

from tui.core.alerts import AlertsView, alerts_view
from tui.core.config import Config
from tui.core.docker_model import human_duration
from tui.core.model import utcnow
from tui.core.store import Store


def alerts_json(config: Config, store: Store) -> dict[str, Any] | None:
    if not config.alerts:
        return None
    view = alerts_view(config, store)
    return {
        "sources": [{"name": s.name, "ok": s.ok, "text": s.text,
                     "at": s.at.isoformat() if s.at else None} for s in view.sources],
        "alerts": [
            {"state": a.state, "name": a.name, "severity": a.severity,
             "critical": a.fingerprint in view.critical, "fingerprint": a.fingerprint,
             "labels": dict(a.labels), "annotations": dict(a.annotations),
             "starts_at": a.starts_at.isoformat() if a.starts_at else None,
             "source": a.sources[0] if a.sources else None, "sources": list(a.sources)}
            for a in view.alerts
        ],
        "silenced": view.silenced,
        "inhibited": view.inhibited,
        "truncated": view.truncated,
    }


def render_alerts(console: Console, config: Config, store: Store) -> None:
    """ALERTS lines: unreachable sources, then one line per firing alert, the folded count."""
    if not config.alerts:
        return
    view = alerts_view(config, store)
    for source in view.sources:
        if not source.ok:
            console.print(Text(f"ALERTS {source.text}", style="magenta"), overflow="fold")
    console.print(Text(summary(view)), overflow="fold")
    now = utcnow()
    for alert in view.alerts:
        if alert.state != "firing":
            continue
        line = Text("  ")
        line.append(alert.severity, style="bold red" if alert.fingerprint in view.critical
                    else "yellow")
        line.append(f" {alert.name}")
        if alert.summary:
            line.append(f": {alert.summary[:200]}")
        line.append(f"  ({since(alert.starts_at, now)}; {', '.join(alert.sources)})")
        console.print(line, overflow="fold")


def summary(view: AlertsView) -> str:
    firing = sum(a.state == "firing" for a in view.alerts)
    folded = [f"{n} {word}" for n, word in ((view.silenced, "silenced"),
                                            (view.inhibited, "inhibited")) if n]
    return f"ALERTS {firing} firing" + (f" ({', '.join(folded)})" if folded else "")


def since(start: dt.datetime | None, now: dt.datetime) -> str:
    if start is None:
        return "start unknown"
    return f"since {start:%H:%M:%S} UTC, {human_duration((now - start).total_seconds())}"
