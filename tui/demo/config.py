"""The warroom config for a running demo: a dict (one function per section) -> TOML -> strict load.

Teammates add a section by writing `def <name>_section(env) -> dict | list` and listing it in
`SECTIONS`; `demo_config(env)` writes `<dir>/warroom.toml` and loads it with the strict loader,
so the demo always exercises the same path as a user's config.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import tomli_w

from ..core.config import Config, load_config
from . import files
from .env import DemoEnv
from .monitoring import config_sections as monitoring_sections

ENV_NAME = "demo-production"


def environment_section(env: DemoEnv) -> dict[str, Any]:
    return {"name": ENV_NAME, "production": True}


def defaults_section(env: DemoEnv) -> dict[str, Any]:
    # A 4 s timeout lets `slow` (2.5 s) show as DEGRADED by latency rather than a timeout.
    return {"interval": 2.0, "timeout": 4.0}


def services_section(env: DemoEnv) -> list[dict[str, Any]]:
    """api-blue / api-green (one per color) and api-live, the public entry through Apache."""
    def service(name: str, port_name: str, color: str | None) -> dict[str, Any]:
        item: dict[str, Any] = {
            "name": name,
            "url": env.url(port_name, "/health.php"),
            "json": [{"path": "status", "equals": "ok"}],
            "dependencies": {"path": "checks"},
            "capture_headers": ["x-build"] if color else ["x-build", "x-color"],
            "max_latency_ms": 1000,
        }
        if color:
            item |= {"color": color, "group": "api"}
        return item

    return [
        service("api-blue", "blue", "blue"),
        service("api-green", "green", "green"),
        service("api-live", "router", None),
    ]


def color_section(env: DemoEnv) -> dict[str, Any]:
    """Four independent sources of the live color, as on the real host."""
    d = env.dir
    return {
        "colors": list(files.COLORS),
        "interval": 5.0,  # a command and three file/HTTP reads: every 5 s is plenty
        "sources": [
            {"kind": "command", "name": "bluegreen.sh status",
             "argv": [str(env.script("bluegreen.sh")), "status"],
             "pattern": r"Active color:\s*(\w+)"},
            {"kind": "state_file", "name": "deploy state", "path": str(d / files.STATE),
             "key": "active"},
            {"kind": "http", "name": "apache x-color", "url": env.url("router", "/health.php"),
             "header": "x-color"},
            {"kind": "file_map", "name": "apache include", "path": str(d / files.APACHE_INCLUDE),
             "pattern": r"Define\s+API_PORT\s+(\d+)",
             "map": {str(env.ports[c]): c for c in files.COLORS}},
        ],
    }


def actions_section(env: DemoEnv) -> list[dict[str, Any]]:
    """The runbook's actions on keys (run locally here; on a real host set `host`)."""
    bluegreen, maintenance = str(env.script("bluegreen.sh")), str(env.script("maintenance.sh"))
    healthy_idle = {"check": "services", "color": "{idle}", "state": "OK"}
    return [
        {"name": "rollback", "key": "b", "description": "switch traffic back to the idle color",
         "argv": [bluegreen, "rollback"], "timeout": 60.0,
         "confirm": "typed", "confirm_target": "{idle}", "expect_color": "{idle}",
         "preflight": [healthy_idle, {"check": "color"}, {"check": "fresh"}],
         "refresh": ["color", "services"]},
        {"name": "maintenance-on", "key": "m", "description": "maintenance ON (both layers)",
         "argv": [maintenance, "on"], "timeout": 30.0, "confirm": "typed",
         "refresh": ["all"]},
        {"name": "maintenance-off", "key": "M", "description": "maintenance OFF (both layers)",
         "argv": [maintenance, "off"], "timeout": 30.0,
         # only when the backends behind the gate are healthy (local checks bypass it)
         "preflight": [{"check": "services", "group": "api", "state": "OK"},
                       {"check": "fresh"}],
         "refresh": ["all"]},
        {"name": "maintenance-status", "key": "u", "description": "show both maintenance layers",
         "argv": [maintenance, "status"], "timeout": 15.0},
        {"name": "deploy-status", "key": "g", "description": "bluegreen status (custom step)",
         "argv": [bluegreen, "status"], "timeout": 15.0, "refresh": ["color"]},
    ]


def maintenance_section(env: DemoEnv) -> dict[str, Any]:
    """Maintenance read twice: the public entry answering {"status": "maintenance"} and the
    runbook's `maintenance.sh status` (which prints since when)."""
    return {"services": ["api-live"], "reason": "status = maintenance",
            "action": "maintenance-status",
            "pattern": r"Maintenance mode:\s*ON(?:\s*\(since (?P<since>[^)]+)\))?"}


def logs_section(env: DemoEnv) -> dict[str, Any]:
    """The shared app.log both colors append to, tailed like `bluegreen.sh logs -f`."""
    return {"sources": [{"kind": "file", "name": "app", "path": str(env.dir / files.LOG),
                         "tail": 200}]}


def runbooks_section(env: DemoEnv) -> dict[str, Any]:
    """The demo's own runbooks (tui/demo/runbooks/), their steps linked to the actions above."""
    return {"paths": [str(Path(__file__).with_name("runbooks"))]}


SECTIONS: list[tuple[str, Callable[[DemoEnv], Any]]] = [
    ("environment", environment_section),
    ("defaults", defaults_section),
    ("services", services_section),
    ("color", color_section),
    ("actions", actions_section),
    ("maintenance", maintenance_section),
    ("logs", logs_section),
    ("runbooks", runbooks_section),
]


def config_dict(env: DemoEnv) -> dict[str, Any]:
    # [[alerts]], [prometheus] and [[metrics]] only when the demo runs Prometheus/Alertmanager
    # (`warroom demo` itself); then this machine's own resources too — the test suites that
    # start the demo leave both out, so their verdicts never follow a busy CI machine's load
    monitoring = monitoring_sections(env)
    if monitoring:
        monitoring["resources"] = {"hosts": ["local"], "interval": 10.0}
    return {key: fn(env) for key, fn in SECTIONS} | monitoring


def write_config(env: DemoEnv) -> Path:
    """Write `<dir>/warroom.toml` (atomically) and return its path."""
    path = env.dir / files.CONFIG
    header = "# Generated by `warroom demo` for the demo production in this directory.\n"
    files.write_atomic(path, header + tomli_w.dumps(config_dict(env)))
    return path


def demo_config(env: DemoEnv) -> Config:
    """Write the demo config and load it with the strict loader (ConfigError if invalid)."""
    return load_config(write_config(env))
