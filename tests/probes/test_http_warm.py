"""Cold and warm latency against real loopback servers that keep connections and count them.

A request that opens its connection is cold; when the server keeps it, a second request on it
is the warm figure the check is judged by. The server counts accepted connections, so "warm"
is seen to be on a reused connection, not assumed.
"""

from __future__ import annotations

import asyncio
import json
import time

from probes.http import HttpClients, check_http
from tests.infra.http import Fixed
from tests.infra.http_keepalive import KeepAliveServer
from tests.probes.test_http import service
from tui.core.config import parse_config
from tui.core.model import State
from tui.core.store import Store
from tui.core.views import health_rows

HANDSHAKE = 0.3
"""Seconds each new connection costs on the server: the cold figure includes them."""


async def rounds(url: str, n: int, extra: str = "", timeout: float = 2.0, ca_file=None):
    """`n` checks in a row on one set of clients, as the TUI's rounds share them."""
    clients = HttpClients()
    try:
        return [await check_http(service(url, extra), clients, timeout, ca_file)
                for _ in range(n)]
    finally:
        await clients.aclose()


async def test_first_round_is_cold_then_warm_on_the_same_connection():
    with KeepAliveServer(handshake_s=HANDSHAKE) as server:
        (result,) = await rounds(server.url(), 1)
        assert (server.accepted, server.requests) == (1, 2)
    assert result.state is State.OK and result.reason == "HTTP 200"
    assert result.cold_ms >= HANDSHAKE * 1000
    assert result.warm_ms == result.latency_ms < HANDSHAKE * 1000


async def test_https_cold_includes_the_handshake_and_warm_reuses_it(tls_material):
    cert = tls_material.pair("valid")
    ca = str(tls_material.trust_file("valid"))
    with KeepAliveServer(handshake_s=HANDSHAKE, cert=cert) as server:
        (result,) = await rounds(server.url(), 1, ca_file=ca)
        assert (server.accepted, server.requests) == (1, 2)
    assert result.state is State.OK and result.detail("tls").endswith("days left")
    assert result.cold_ms >= HANDSHAKE * 1000 > result.warm_ms


async def test_later_rounds_reuse_the_kept_connection_and_are_warm_only():
    body = json.dumps({"status": "ok", "checks": {"db": "ok"}}).encode()
    rules = ('json = [{ path = "status", equals = "ok" }]\n'
             '[services.dependencies]\npath = "checks"\n')
    with KeepAliveServer(handshake_s=HANDSHAKE, body=body,
                         content_type="application/json") as server:
        first, second, third = await rounds(server.url(), 3, rules)
        assert (server.accepted, server.requests) == (1, 4)
    assert first.cold_ms is not None and first.warm_ms is not None
    for later in (second, third):
        assert later.state is State.OK and later.cold_ms is None
        assert later.warm_ms == later.latency_ms < HANDSHAKE * 1000


async def test_answered_cold_but_not_warm_is_judged_by_the_cold_answer():
    with KeepAliveServer(status=503, answers=1, then="hang") as server:
        started = time.monotonic()
        (result,) = await rounds(server.url(), 1, timeout=1.0)
        elapsed = time.monotonic() - started
        assert (server.accepted, server.requests) == (1, 2)
    assert elapsed < 1.5  # the warm-up stays inside the check's own timeout
    assert (result.state, result.reason) == (State.DOWN, "HTTP 503")
    assert result.latency_ms == result.cold_ms and result.warm_ms is None


async def test_a_server_that_closes_every_connection_is_asked_once_and_labelled_cold(
        http_server):
    """HTTP/1.0 without keep-alive: there is no warm figure to have, so no second request."""
    url = http_server.route("/h", Fixed(200, b"ok"))
    (result,) = await rounds(url, 1)
    assert http_server.hits["/h"] == 1
    assert result.state is State.OK
    assert result.cold_ms == result.latency_ms and result.warm_ms is None


async def test_a_kept_connection_closed_by_the_server_is_retried_once():
    """Two answers per connection, then closed as the next request arrives (a server's idle
    timeout racing the next round): round 2 opens a new connection instead of failing."""
    with KeepAliveServer(answers=2, then="close") as server:
        first, second = await rounds(server.url(), 2)
        assert server.accepted == 2
    assert first.state is State.OK and first.cold_ms is not None
    assert second.state is State.OK, second.reason
    assert second.cold_ms is not None and second.warm_ms is not None


async def test_concurrent_checks_of_one_origin_each_warm_on_their_own_connection():
    """50 services on one origin at once, each cold then warm on the connection it opened
    (never one another check holds), then a second round warm on the same 50 connections."""
    with KeepAliveServer() as server:
        clients = HttpClients()
        services = parse_config('[environment]\nname = "t"\n' + "".join(
            f'[[services]]\nname = "s{i}"\nurl = "{server.url(f"/{i}")}"\n' for i in range(50)
        ), env={}).services
        try:
            first = await asyncio.gather(*(check_http(s, clients, 2.0) for s in services))
            second = await asyncio.gather(*(check_http(s, clients, 2.0) for s in services))
        finally:
            await clients.aclose()
        assert (server.accepted, server.requests) == (50, 150)
    assert all(r.state is State.OK and r.cold_ms and r.warm_ms for r in first)
    assert all(r.state is State.OK and r.cold_ms is None and r.warm_ms for r in second)


def test_health_panel_labels_a_cold_only_latency():
    from tui.core.model import CheckResult, utcnow

    store = Store()
    store.put_check(CheckResult("svc", State.OK, "HTTP 200", utcnow(), latency_ms=180.0,
                                cold_ms=180.0), 30)
    config = service_config()
    assert health_rows(config, store)[0].latency == "cold ≤200ms"
    store.put_check(CheckResult("svc", State.OK, "HTTP 200", utcnow(), latency_ms=12.0,
                                cold_ms=180.0), 30)
    assert health_rows(config, store)[0].latency == "≤20ms"


def service_config():
    return parse_config('[environment]\nname = "t"\n[[services]]\nname = "svc"\n'
                        'url = "http://127.0.0.1:1/h"\n', env={})
