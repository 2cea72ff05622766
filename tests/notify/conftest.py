"""Helpers for the status-update tests: an incident with actions journaled, a config with
`[[notify]]` targets whose URLs carry a secret token, and the receivers' JSON."""

from __future__ import annotations

import json
from pathlib import Path

from tests.infra.http import HttpServer
from tui.core.config import Config, parse_config
from tui.core.incident import Declaration, Incidents, IncidentState, ops
from tui.core.journal import Journal

SECRET = "T0SECRET-B0SECRET-xoxb-42a7f1"
"""In every webhook URL (the path, as in Slack's): must never be printed nor journaled."""


def config_with(tmp_path: Path, *targets: str, production: bool = False) -> Config:
    """A config whose `[[notify]]` tables are ``targets`` (TOML), ``${HOOK}`` = SECRET."""
    text = (f'[environment]\nname = "shop"\nproduction = {str(production).lower()}\n'
            f'[incident]\ndir = "{tmp_path / "inc"}"\n' + "".join(targets))
    return parse_config(text, "config.toml", tmp_path, env={"HOOK": SECRET})


def target(name: str, url: str, kind: str = "slack", timeout: float = 2.0, retries: int = 0,
           extra: str = "") -> str:
    return (f'[[notify]]\nname = "{name}"\nkind = "{kind}"\nurl = "{url}"\n'
            f"timeout = {timeout}\nretries = {retries}\n{extra}")


def hook(server: HttpServer, path: str = "/hooks") -> str:
    """The server's URL for ``path`` with the secret appended as in config: ${HOOK}."""
    return server.url(path) + "/${HOOK}"


def declared(config: Config, resolved: bool = False) -> IncidentState:
    """An open incident (commander ann) with one action that ran after an overridden
    preflight, one refused (never ran); resolved with a root cause if asked."""
    incidents = Incidents.from_config(config)
    state = ops.declare(incidents, Declaration("Checkout down", "P1", "ann",
                                               impact="checkout returns 502"))
    journal = Journal(state.path)
    journal.append("action", {"attempt": "a1", "action": "rollback", "outcome": "started",
                              "overridden": True, "override_reason": "green is known good",
                              "preflight": [{"check": "health", "ok": False,
                                             "reason": "green DOWN"}]})
    journal.append("action", {"attempt": "a1", "action": "rollback", "outcome": "finished",
                              "exit_code": 0, "duration_s": 3.2, "where": "web-1"})
    journal.append("action", {"attempt": "a2", "action": "purge-cache", "outcome": "refused",
                              "reason": "not armed"})
    if resolved:
        ops.set_fields(state, {"root_cause": "a bad deploy of the payment client"})
        ops.resolve(state)
    return incidents.load(state.path) or state


def bodies(server: HttpServer, path: str) -> list[dict]:
    """The JSON bodies POSTed to ``path/<secret>``."""
    return [json.loads(body) for method, raw, _, body in server.requests
            if method == "POST" and raw.startswith(path)]
