"""HTTP checks against real loopback servers, including every hostile behaviour."""

from __future__ import annotations

import asyncio

import pytest

from probes.http import HttpClients, check_http
from tests.infra.http import (
    Fixed,
    Hang,
    Huge,
    InvalidUtf8,
    Json,
    RedirectLoop,
    Reset,
    Slow,
)
from tui.core.config import parse_config
from tui.core.model import State

HEALTHY = {"status": "ok", "checks": {"database": "ok", "redis": {"status": "ok"}, "queue": "ok"}}


def service(url: str, extra: str = "", timeout: float = 2.0):
    text = f'[environment]\nname = "t"\n[[services]]\nname = "svc"\nurl = "{url}"\n{extra}'
    config = parse_config(text, env={})
    return config.services[0]


async def probe(url: str, extra: str = "", timeout: float = 2.0, ca_file: str | None = None):
    clients = HttpClients()
    try:
        return await check_http(service(url, extra), clients, timeout, ca_file)
    finally:
        await clients.aclose()


JSON_RULES = (
    'json = [{ path = "status", equals = "ok" }]\n[services.dependencies]\npath = "checks"\n'
)


async def test_healthy_json_with_dependencies_and_build(http_server):
    url = http_server.route("/health", Json(HEALTHY, headers={"x-build": "abc1234"}))
    result = await probe(url, 'capture_headers = ["x-build"]\n' + JSON_RULES)
    assert result.state is State.OK and result.reason == "HTTP 200"
    assert result.detail("x-build") == "abc1234"
    assert [(c.name, c.state) for c in result.children] == [
        ("database", State.OK), ("redis", State.OK), ("queue", State.OK)
    ]


async def test_failing_dependency_is_named(http_server):
    body = {"status": "ok", "checks": {"database": "ok", "redis": "fail"}}
    result = await probe(http_server.route("/h", Json(body)), JSON_RULES)
    assert result.state is State.DEGRADED
    assert result.reason == "checks.redis = fail"
    assert result.children[1].state is State.DOWN


async def test_http_503_is_down_with_reason(http_server):
    result = await probe(http_server.route("/h", Fixed(503, b"busy")))
    assert (result.state, result.reason) == (State.DOWN, "HTTP 503")


@pytest.mark.parametrize(
    ("rule", "body", "state", "reason"),
    [
        ('json = [{ path = "status", equals = "ok" }]', {"status": "degraded"}, State.DOWN,
         "status = degraded (expected ok)"),
        ('json = [{ path = "db.state", one_of = ["up", "ok"], failing = "DEGRADED" }]',
         {"db": {"state": "slow"}}, State.DEGRADED, "db.state = slow"),
        ('json = [{ path = "version", exists = true }]', {}, State.DOWN, "version missing"),
        ('json = [{ path = "items.1.ok", equals = true }]', {"items": [{}, {"ok": True}]},
         State.OK, "HTTP 200"),
    ],
)
async def test_json_conditions(http_server, rule, body, state, reason):
    result = await probe(http_server.route("/h", Json(body)), rule + "\n")
    assert (result.state, result.reason) == (state, reason)


async def test_hanging_endpoint_times_out(http_server):
    result = await probe(http_server.route("/h", Hang(max_s=10)), timeout=0.5)
    assert (result.state, result.reason) == (State.DOWN, "timeout after 0.5 s")


async def test_connection_reset(http_server):
    result = await probe(http_server.route("/h", Reset()))
    assert result.state is State.DOWN
    assert "reset" in result.reason or "disconnected" in result.reason


async def test_connection_refused():
    from tests.infra.common import free_port

    result = await probe(f"http://127.0.0.1:{free_port()}/h")
    assert (result.state, result.reason) == (State.DOWN, "connection refused")


async def test_html_where_json_expected(http_server):
    url = http_server.route("/h", Fixed(200, b"<html><body>502 Bad Gateway</body></html>"))
    result = await probe(url, JSON_RULES)
    assert (result.state, result.reason) == (State.DOWN, "body is not JSON (looks like HTML)")


async def test_fifty_megabytes_is_cut_at_the_cap(http_server):
    result = await probe(http_server.route("/h", Huge(mb=50)), JSON_RULES, timeout=5)
    assert (result.state, result.reason) == (State.DOWN, "body larger than 1.0 MiB cap")


async def test_big_body_is_not_read_when_no_condition_needs_it(http_server):
    result = await probe(http_server.route("/h", Huge(mb=50)), timeout=5)
    assert result.state is State.OK


async def test_invalid_utf8(http_server):
    result = await probe(http_server.route("/h", InvalidUtf8()), JSON_RULES)
    assert (result.state, result.reason) == (State.DOWN, "body is not JSON (invalid UTF-8)")


async def test_hostile_json_values_are_inert_in_reasons(http_server):
    body = {"status": "\x1b]52;c;ZXZpbA==\x07\x1b[2J[bold red]pwn[/]", "checks": {}}
    result = await probe(http_server.route("/h", Json(body)), JSON_RULES)
    assert "\x1b" not in result.reason and "\x07" not in result.reason
    assert "[bold red]pwn[/]" in result.reason  # shown as text; widgets never parse markup


async def test_redirect_loop_and_bounded_redirects(http_server):
    result = await probe(http_server.route("/loop", RedirectLoop()))
    assert (result.state, result.reason) == (State.DOWN, "redirect loop")
    target = http_server.route("/ok", Fixed(200, b"ok"))
    http_server.route("/r1", Fixed(302, b"", {"Location": "/r2"}))
    http_server.route("/r2", Fixed(302, b"", {"Location": target}))
    assert (await probe(http_server.url("/r1"))).state is State.OK
    result = await probe(http_server.url("/r1"), "max_redirects = 1\n")
    assert result.reason == "too many redirects (> 1)"


async def test_latency_threshold_degrades(http_server):
    url = http_server.route("/h", Slow(0.4, Fixed(200, b"ok")))
    result = await probe(url, "max_latency_ms = 100\n")
    assert result.state is State.DEGRADED and result.reason.startswith("slow: ")


async def test_expired_certificate(http_server_factory, tls_material):
    server = http_server_factory(tls="expired")
    url = server.route("/h", Fixed(200, b"ok"))
    result = await probe(url, ca_file=str(tls_material.trust_file("expired")))
    assert result.state is State.DOWN and "expired" in result.reason
    assert result.reason.startswith("TLS:")


async def test_self_signed_certificate(http_server_factory):
    server = http_server_factory(tls="self_signed")
    result = await probe(server.route("/h", Fixed(200, b"ok")))
    assert result.state is State.DOWN and "self-signed" in result.reason
    insecure = await probe(server.url("/h"), "verify_tls = false\n")
    assert insecure.state is State.OK


async def test_valid_certificate_reports_days_left(http_server_factory, tls_material):
    server = http_server_factory(tls="valid")
    url = server.route("/h", Fixed(200, b"ok"))
    ca = str(tls_material.trust_file("valid"))
    result = await probe(url, ca_file=ca)
    assert result.state is State.OK
    assert result.detail("tls").endswith("days left")
    warned = await probe(url, "tls_warn_days = 100000\n", ca_file=ca)
    assert warned.state is State.DEGRADED and "expires in" in warned.reason


async def test_one_hung_target_never_delays_another(http_server):
    """Concurrent checks: the fast one answers while the slow one is still hanging."""
    hang = http_server.route("/hang", Hang(max_s=10))
    fast = http_server.route("/fast", Fixed(200, b"ok"))
    clients = HttpClients()
    try:
        slow_task = asyncio.create_task(check_http(service(hang), clients, 3.0))
        quick = await check_http(service(fast), clients, 3.0)
        assert quick.state is State.OK and not slow_task.done()
        assert (await slow_task).reason == "timeout after 3.0 s"
    finally:
        await clients.aclose()


async def test_configured_headers_never_follow_a_redirect_to_another_origin(http_server_factory):
    first, other = http_server_factory(), http_server_factory()
    target = other.route("/h", Fixed(200, b"ok")).replace("127.0.0.1", "localhost")
    url = first.route("/r", Fixed(302, b"", {"Location": target}))
    result = await probe(url, 'headers = { authorization = "Bearer SECRET" }\n')
    assert result.state is State.OK
    (_, _, sent, _), = [r for r in other.requests if r[1] == "/h"]
    assert "SECRET" not in str(sent)


async def test_https_to_plain_http_redirect_is_refused(http_server_factory, http_server,
                                                      tls_material):
    plain = http_server.route("/h", Fixed(200, b"ok"))
    server = http_server_factory(tls="valid")
    url = server.route("/r", Fixed(302, b"", {"Location": plain}))
    result = await probe(url, ca_file=str(tls_material.trust_file("valid")))
    assert result.state is State.DOWN
    assert result.reason == "redirect from https to plain http refused"


async def test_gzipped_health_body_is_decoded(http_server):
    import gzip
    import json as _json

    body = gzip.compress(_json.dumps(HEALTHY).encode())
    url = http_server.route("/h", Fixed(200, body, {"Content-Type": "application/json",
                                                    "Content-Encoding": "gzip"}))
    result = await probe(url, JSON_RULES)
    assert result.state is State.OK, result.reason
