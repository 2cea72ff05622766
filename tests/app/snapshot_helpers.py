"""Fixed data for the SVG snapshot tests: one config with every panel, a store filled by hand,
containers and log lines at fixed times, an open incident written with fixed times, and a
frozen clock. Nothing on screen may depend on the wall clock, the user or the machine.

Update the snapshots after an intended change with
`pytest tests/app/test_snapshots_panes.py tests/app/test_snapshots_dialogs.py --snapshot-update`
and look at the SVGs before committing them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from textual.pilot import Pilot

import tui.demo
from tui.app import WarroomApp
from tui.core.alerts import Alert, AlertState, SourceReading
from tui.core.alerts import store_kind as alerts_kind
from tui.core.config import parse_config
from tui.core.docker_model import STORE_KIND, ContainerRow, ContainersSnapshot, EngineStatus
from tui.core.incident.files import Incidents
from tui.core.journal_entry import Entry, serialize
from tui.core.logline import ERROR, NORMAL, WARN, LogLine
from tui.core.metrics import MetricReading, Series
from tui.core.metrics import store_kind as metrics_kind
from tui.core.model import CheckResult, ColorReading, ColorResult, State, SubResult
from tui.core.resources import HostResources, MountUse, ProcUse
from tui.core.resources import store_kind as resources_kind
from tui.core.store import Store
from tui.core.swarm import STORE_KIND as SWARM
from tui.core.swarm import SwarmService, SwarmSnapshot, SwarmTask
from tui.engine.actions.preflight import evaluate
from tui.engine.actions.values import LiveValues
from tui.engine.monitor import Monitor
from tui.features.messages import LogLines
from tui.screens.confirm import plan_screen

SIZES = [(80, 24), (200, 50)]
"""Every snapshot at the smallest supported terminal and a wide one."""

NOW = dt.datetime(2026, 11, 23, 3, 14, 15, tzinfo=dt.UTC)
AUTHOR = "snap"

CONFIG = """
[environment]
name = "shop-production"
production = true

[hosts.prod]
address = "deploy.example.net"
user = "deploy"

[[services]]
name = "api-blue"
url = "http://127.0.0.1:8090/health.php"
color = "blue"
group = "api"
[[services]]
name = "api-green"
url = "http://127.0.0.1:8190/health.php"
color = "green"
group = "api"
[[services]]
name = "web"
url = "http://127.0.0.1:8080/"

[color]
[[color.sources]]
kind = "state_file"
path = "state"

[containers]
hosts = ["local"]

[[alerts]]
name = "am-1"
url = "http://127.0.0.1:9093"
[[alerts]]
name = "am-2"
url = "http://127.0.0.1:9094"

[resources]
hosts = ["local", "prod"]

[prometheus]
url = "http://127.0.0.1:9090"
[[metrics]]
name = "5xx-rate"
query = 'sum by (color) (rate(http_requests_total{code=~"5.."}[1m]))'
unit = "req/s"
format = ".2f"
warn = 0.5
critical = 2
[[metrics]]
name = "p95-latency"
query = "histogram_quantile(0.95, rate(http_duration_seconds_bucket[5m]))"
unit = "s"
format = ".3f"
warn = 0.5
[[metrics]]
name = "queue-depth"
query = "sum(rate(queue_depth[5m]"

[swarm]
hosts = ["local"]
critical = ["^shop_api$"]

[runbooks]
paths = ["RUNBOOKS"]

[logs]
[[logs.sources]]
kind = "file"
name = "app"
path = "app.log"
[[logs.sources]]
kind = "file"
name = "nginx"
path = "nginx.log"

[[actions]]
name = "rollback"
key = "b"
description = "switch traffic back to the idle color"
argv = ["/srv/deploy/bluegreen.sh", "rollback"]
host = "prod"
confirm = "typed"
confirm_target = "{idle}"
expect_color = "{idle}"
preflight = [
    { check = "services", color = "{idle}", state = "OK" },
    { check = "color" },
    { check = "fresh" },
]

[[actions]]
name = "maintenance-off"
key = "M"
description = "maintenance OFF, only when the backends are healthy"
argv = ["/srv/deploy/maintenance.sh", "off"]
host = "prod"
preflight = [{ check = "services", group = "api", state = "OK" }, { check = "fresh" }]
"""


class FrozenMonitor(Monitor):
    """The real monitor, never started: the store is filled by the test."""

    def start(self) -> None:
        pass


def fill_store(store: Store) -> None:
    """Three services (OK, DEGRADED, DOWN with markup in its reason), the live color, and
    three containers on one engine."""
    at = NOW - dt.timedelta(seconds=2)
    deps = (SubResult("database", State.OK, "ok"), SubResult("redis", State.DOWN, "fail"),
            SubResult("queue", State.OK, "ok"))
    store.put_check(CheckResult("api-blue", State.OK, "HTTP 200", at, 12.0,
                                tuple(SubResult(d.name, State.OK, "ok") for d in deps),
                                (("x-build", "3f9c2e1"),)), 20)
    store.put_check(CheckResult("api-green", State.DEGRADED, "checks.redis = fail", at, 48.0,
                                deps, (("x-build", "8d41b7a"),)), 20)
    hostile = "[bold]HTTP 503[/] (markup shown as text)"
    store.put_check(CheckResult("web", State.DOWN, hostile, at, 3.0), 20)
    store.put_color(ColorResult("green", "blue", (ColorReading("deploy state", "green"),), at,
                                (("status", "success"), ("phase", "live"))), 20)
    started = NOW - dt.timedelta(hours=3, minutes=7)
    rows = (
        ContainerRow("local", "a1b2c3d4e5f6", "app-blue-web", "blue", "running", "healthy", 0,
                     started, "shop/app:1.42", cpu_pct=3.2, mem_bytes=182 << 20,
                     mem_limit=512 << 20),
        ContainerRow("local", "b2c3d4e5f6a1", "app-green-web", "green", "running", "unhealthy",
                     4, NOW - dt.timedelta(minutes=6), "shop/app:1.43", cpu_pct=97.5,
                     mem_bytes=498 << 20, mem_limit=512 << 20),
        ContainerRow("local", "c3d4e5f6a1b2", "redis", None, "exited", None, 1, None,
                     "redis:7.2", exit_code=137),
    )
    snapshot = ContainersSnapshot(rows, (EngineStatus("local", True, started),), at)
    store.put(STORE_KIND, snapshot, 45, at=at)
    fill_alerts(store, at)
    fill_hosts(store, at)
    fill_metrics(store, at)
    fill_swarm(store, at)


RUNBOOKS = Path(tui.demo.__file__).with_name("runbooks")
"""The demo's own runbooks: the runbook pane's snapshot shows their scenarios."""


def fill_swarm(store: Store, at: dt.datetime) -> None:
    """Three services: one at its replicas, one below them after a rollback (a task failing),
    one with none running."""
    failed = SwarmTask("2", "node-1", "running", "failed", "task: non-zero exit (1)",
                       NOW - dt.timedelta(seconds=40))
    services = (
        SwarmService("local", "s1", "shop_web", "replicated", 3, 3, "shop/web:1.42",
                     "9f8e7d6c5b4a"),
        SwarmService("local", "s2", "shop_api", "replicated", 1, 2, "shop/api:1.43",
                     "1a2b3c4d5e6f", "rollback_completed",
                     "rollback completed", "shop/api:1.42", 0, (failed,)),
        SwarmService("local", "s3", "shop_worker", "replicated", 0, 1, "shop/worker:1.43",
                     "", tasks=(SwarmTask("1", "node-1", "running", "rejected",
                                          "no suitable node (insufficient resources)",
                                          NOW - dt.timedelta(minutes=3)),)),
    )
    store.put(SWARM, SwarmSnapshot(services, (EngineStatus("local", True, at),), at), 45,
              at=at)


def fill_metrics(store: Store, at: dt.datetime) -> None:
    """5xx by color (green climbing past critical), a p95 at WARNING, a bad query UNKNOWN."""
    calm = tuple(0.1 + 0.02 * (i % 5) for i in range(61))
    climbing = tuple(None if i < 3 else 0.1 if i < 40 else 0.1 * 1.2 ** (i - 40)
                     for i in range(61))
    latency = tuple(0.3 + 0.3 * i / 60 for i in range(61))
    for reading in (
        MetricReading("5xx-rate", at, (Series('{color="blue"}', 0.14, calm),
                                       Series('{color="green"}', climbing[-1], climbing))),
        MetricReading("p95-latency", at, (Series("", 0.61, latency),)),
        MetricReading("queue-depth", at, error="Prometheus HTTP 400 bad_data: 1:25: parse "
                      "error: unclosed left parenthesis", since=at - dt.timedelta(minutes=3)),
    ):
        store.put(metrics_kind(reading.name), reading, 45, at=at)


def fill_alerts(store: Store, at: dt.datetime) -> None:
    """Two Alertmanagers of one cluster: a critical alert both report (one row naming both),
    a warning, a silenced one (folded, counted) and hostile text in an annotation."""
    def alert(fp: str, name: str, severity: str, summary: str, minutes: int,
              state: AlertState = "firing", source: str = "am-1") -> Alert:
        return Alert(fp, (("alertname", name), ("severity", severity), ("color", "green")),
                     (("summary", summary),), state, NOW - dt.timedelta(minutes=minutes),
                     (source,))

    first = (alert("f1", "ApiDown", "critical", "api-green answers 503 for 2m", 9),
             alert("f2", "HighLatency", "warning", "p95 [bold]820 ms[/] (markup as text)", 6),
             alert("f3", "DiskFilling", "warning", "/var 91 % used", 120, "silenced"))
    second = (alert("f1", "ApiDown", "critical", "api-green answers 503 for 2m", 9,
                    source="am-2"),)
    store.put(alerts_kind("am-1"), SourceReading("am-1", at, first), 45, at=at)
    store.put(alerts_kind("am-2"), SourceReading("am-2", at, second), 45, at=at)


def fill_hosts(store: Store, at: dt.datetime) -> None:
    """This machine (calm) and a production host with a full /var and swap in use."""
    gib = 1 << 30
    calm = HostResources(
        "local", at, load=(0.42, 0.38, 0.30), cores=2, cpu_pct=7.5, mem_total=8 * gib,
        mem_available=5 * gib, swap_total=0, swap_free=0,
        mounts=(MountUse("/", "ext4", 80 * gib, 52 * gib, 35.0, 12.0),),
        top_cpu=(ProcUse(101, "warroom", 2.5, 60 << 20),),
        top_mem=(ProcUse(101, "warroom", 2.5, 60 << 20),))
    busy = HostResources(
        "prod", at, load=(3.9, 3.1, 2.2), cores=4, cpu_pct=81.0, mem_total=16 * gib,
        mem_available=gib, swap_total=4 * gib, swap_free=gib,
        mounts=(MountUse("/", "ext4", 40 * gib, 20 * gib, 50.0, 20.0),
                MountUse("/var", "ext4", 100 * gib, 2 * gib, 98.0, 41.0)),
        top_cpu=(ProcUse(2201, "php-fpm: pool www", 96.0, 310 << 20),
                 ProcUse(2202, "redis-server", 40.0, 1 << 30)),
        top_mem=(ProcUse(2202, "redis-server", 40.0, 1 << 30),))
    for host in (calm, busy):
        store.put(resources_kind(host.host), host, 45, at=at)


LOG_TEXT = (
    ("app", NORMAL, "GET /api/cart 200 12ms"),
    ("nginx", NORMAL, '10.0.0.7 - - "GET /health.php HTTP/1.1" 200 41'),
    ("app", WARN, "WARNING redis latency 480ms (threshold 250ms)"),
    ("app", ERROR, "ERROR redis: connection refused (10.0.3.4:6379)"),
    ("nginx", ERROR, '10.0.0.9 - - "POST /api/checkout HTTP/1.1" 502 0'),
    ("app", NORMAL, "\x1b[32mretrying\x1b[0m redis in 2s"),
    ("app", ERROR, "ERROR checkout failed: [bold]markup shown as text[/]"),
    ("nginx", NORMAL, '10.0.0.7 - - "GET /api/cart HTTP/1.1" 200 1834'),
)


def log_lines() -> tuple[LogLine, ...]:
    """Eight lines from two sources, one second apart, ending two seconds before NOW."""
    start = NOW.timestamp() - 2 - len(LOG_TEXT)
    return tuple(LogLine(i, start + i, source, text, level)
                 for i, (source, level, text) in enumerate(LOG_TEXT))


def write_incident(app: WarroomApp) -> None:
    """An open incident, declared at fixed times (its journal written as the app would)."""
    incidents = Incidents.from_config(app.config)
    incidents.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    start = NOW - dt.timedelta(minutes=9, seconds=40)
    declared = NOW - dt.timedelta(minutes=7)
    entries = [
        Entry("0a1b2c3d4e5f", "incident", declared, start, AUTHOR, {
            "op": "open", "title": "checkout errors after deploy", "severity": "P1",
            "commander": AUTHOR, "scope": "platform", "scope_detail": "",
            "impact": "checkout fails for some users", "status": "investigating"}),
        Entry("1b2c3d4e5f6a", "note", NOW - dt.timedelta(minutes=4), NOW - dt.timedelta(
            minutes=4), AUTHOR, {"text": "redis on green refuses connections"}),
    ]
    path = incidents.dir / f"{start:%Y%m%d-%H%M%S}-checkout-errors-after-deploy.jsonl"
    path.write_bytes(b"".join(serialize(e) for e in entries))
    path.chmod(0o600)


def frozen_app(read_only: bool = False, incident: bool = False) -> WarroomApp:
    """The app over fixed data, never probing, its clock stopped at NOW."""
    config = parse_config(CONFIG.replace("RUNBOOKS", str(RUNBOOKS)), "snap.toml", env={})
    store = Store()
    fill_store(store)
    app = WarroomApp(config, read_only=read_only, monitor=FrozenMonitor(config, store),
                     clock=lambda: NOW, author=AUTHOR)
    if incident:
        write_incident(app)
    return app


async def settle(pilot: Pilot[None]) -> None:
    """Feed the log lines (as the logs hub would) and let every panel render."""
    app = pilot.app
    assert isinstance(app, WarroomApp)
    app.post_message(LogLines(log_lines(), 0))
    await pilot.pause()
    app._dirty = True
    app._render_panels(NOW)
    await pilot.pause()


async def push_plan(pilot: Pilot[None], action_name: str) -> None:
    """The confirmation the app shows for `action_name`, its preflight evaluated at NOW."""
    await settle(pilot)
    app = pilot.app
    assert isinstance(app, WarroomApp)
    executor = app.executor
    action = executor.action(action_name)
    plan = executor.plan(action)
    values = LiveValues.from_store(app.config, app.store, None)
    uses_color = plan.expanded.uses_color if plan.expanded else True
    plan = dataclasses.replace(plan, preflight=evaluate(
        action, app.config, app.store, values, uses_color, now=NOW))
    app.push_screen(plan_screen(plan, executor))
    await pilot.pause()
