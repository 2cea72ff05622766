"""The demo services answer like the runbook's production, and break/heal changes the answers."""

from __future__ import annotations

import http.client
import socket
import urllib.error

import pytest

from tests.demo.conftest import get, get_json
from tests.infra.common import wait_until
from tui.demo import break_color, heal_color
from tui.demo.env import DemoEnv


def test_health_json_and_headers_per_color(demo: DemoEnv) -> None:
    builds = set()
    for color in ("blue", "green"):
        status, headers, doc = get_json(demo.url(color))
        assert status == 200
        assert doc == {"status": "ok", "color": color, "build": demo.builds[color],
                       "checks": {"database": "ok", "redis": "ok", "queue": "ok"}}
        assert headers["x-build"] == demo.builds[color]
        assert headers["x-color"] == color
        builds.add(headers["x-build"])
        assert get_json(demo.url(color, "/v2/health"))[0] == 200
        status, headers, body = get(demo.url(color, "/"))
        assert status == 200 and headers["x-build"] == demo.builds[color] and b"<html>" in body
    assert len(builds) == 2


def test_requests_and_chatter_land_in_one_log(demo: DemoEnv) -> None:
    get(demo.url("blue"))
    get(demo.url("green"))
    log = demo.path("app.log")

    def chatter() -> str | None:
        text = log.read_text()
        return text if "opcache" in text or "jobs" in text or "scheduler" in text else None

    text = wait_until(chatter, what="background log lines")
    assert "[blue] INFO  GET /health.php 200" in text
    assert "[green] INFO  GET /health.php 200" in text
    first = text.splitlines()[0]
    assert first[:4].isdigit() and first[23] == "Z"  # 2026-01-01T00:00:00.000Z


def test_router_follows_the_apache_include(demo: DemoEnv) -> None:
    _, headers, doc = get_json(demo.url("router"))
    assert headers["x-color"] == doc["color"] == demo.active() == "green"
    demo.path("apache/api-port.conf").write_text(f"Define API_PORT {demo.ports['blue']}\n")
    assert get(demo.url("router"))[1]["x-color"] == "blue"


def test_break_redis_fails_the_dependency_and_logs_errors(demo: DemoEnv) -> None:
    assert break_color(demo.dir, "green", "redis") == "green broken (mode redis)"
    status, headers, doc = get_json(demo.url("green"))
    assert status == 503 and doc["status"] == "fail"
    assert doc["checks"] == {"database": "ok", "redis": "fail", "queue": "ok"}
    assert headers["x-build"] == demo.builds["green"]
    assert get(demo.url("blue"))[0] == 200  # the other color is untouched
    wait_until(lambda: "[green] ERROR redis: connection refused" in demo.path("app.log")
               .read_text(), what="ERROR log line")
    assert heal_color(demo.dir, "green") == "healed green"
    assert get_json(demo.url("green"))[2]["checks"]["redis"] == "ok"


def test_break_down_html_slow_reset(demo: DemoEnv) -> None:
    break_color(demo.dir, "blue", "down")
    assert get(demo.url("blue"))[0] == 503
    break_color(demo.dir, "blue", "html")
    status, headers, body = get(demo.url("blue"))
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert body.lstrip().startswith(b"<!DOCTYPE html>")
    break_color(demo.dir, "blue", "slow")
    with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
        get(demo.url("blue"), timeout=1.0)
    break_color(demo.dir, "blue", "reset")
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected, urllib.error.URLError)):
        get(demo.url("blue"))
    heal_color(demo.dir)
    assert get(demo.url("blue"))[0] == 200


def test_break_rejects_unknown_color_and_mode(demo: DemoEnv) -> None:
    with pytest.raises(ValueError, match="unknown color"):
        break_color(demo.dir, "purple")
    with pytest.raises(ValueError, match="unknown break mode"):
        break_color(demo.dir, "blue", "meltdown")
    assert heal_color(demo.dir) == "nothing was broken"
