"""An alert storm polled every round against a REAL Alertmanager: an unchanged answer is not
parsed again (benchmarks/bench_alerts.py: 1,000 alerts with 100 KB annotations cost ~120 ms of
the event loop per round to re-parse and sanitize), a changed one is, and garbage after a good
answer is still an error."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from probes.alertmanager import AlertmanagerProbe
from probes.http import HttpClients
from tests.infra.alertmanager import Alertmanager
from tests.infra.http import Fixed, HttpServer
from tui.core.config import parse_config

pytestmark = pytest.mark.alertmanager


def _source(url: str):  # type: ignore[no-untyped-def]
    text = f'[environment]\nname = "t"\n[[alerts]]\nname = "am"\nurl = "{url}"\n'
    return parse_config(text, env={}).alerts[0]


def _storm(n: int, start: int = 0) -> list[dict]:
    return [{"labels": {"alertname": f"Storm{i % 7}", "severity": "warning",
                        "instance": f"h{i}"},
             "annotations": {"summary": "\x1b[2J" + "A" * 5000}} for i in range(start, n)]


async def test_unchanged_storm_is_not_parsed_again(
        alertmanager_factory: Callable[[], Alertmanager]) -> None:
    am = alertmanager_factory()
    am.post(*_storm(300))
    clients = HttpClients()
    try:
        probe = AlertmanagerProbe(_source(am.url), clients, 5.0)
        first = await probe.probe()
        second = await probe.probe()
        assert first.error is None and len(first.alerts) == 300
        assert second.alerts is first.alerts  # same answer: the parse is reused
        assert second.at >= first.at
        am.post(*_storm(301, 300))
        third = await probe.probe()
    finally:
        await clients.aclose()
    assert len(third.alerts) == 301 and third.alerts is not first.alerts
    assert all("\x1b" not in v for a in third.alerts for _k, v in a.annotations)


async def test_garbage_after_a_good_answer_is_an_error(http_server: HttpServer) -> None:
    good = b'[{"labels": {"alertname": "A"}, "annotations": {}}]'
    http_server.route("/api/v2/alerts", Fixed(200, good))
    clients = HttpClients()
    try:
        probe = AlertmanagerProbe(_source(http_server.base_url), clients, 2.0)
        assert len((await probe.probe()).alerts) == 1
        http_server.route("/api/v2/alerts", Fixed(200, b"[1, 2]"))
        bad = await probe.probe()
        assert bad.error is not None and "not an Alertmanager v2 answer" in bad.error
        http_server.route("/api/v2/alerts", Fixed(200, good))
        again = await probe.probe()
    finally:
        await clients.aclose()
    assert again.error is None and len(again.alerts) == 1
