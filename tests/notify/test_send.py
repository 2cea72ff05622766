"""Status updates sent to REAL HTTP receivers on loopback: Slack and webhook bodies, retries,
hangs, TLS with a self-signed CA, slow answers, redirects to another host, huge answers —
each bounded in time, and the secret URL never in a result or the journal."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from tests.infra.http import Custom, Fixed, Handler, Hang, HttpServer, Huge, Slow
from tests.notify.conftest import SECRET, bodies, config_with, declared, hook, target
from tui.core.incident import Incidents
from tui.core.incident.clock import last_sent, update_due
from tui.core.incident.export_status import update_for
from tui.core.journal import Journal
from tui.core.model import utcnow
from tui.engine.notify import deliver, send_all, worst_case

FAST = 0.02
"""Backoff in tests (the real one starts at 0.5 s)."""


def _send(config, state, kind="investigating"):  # type: ignore[no-untyped-def]
    update = update_for(kind, state, config.incident, utcnow())
    began = time.monotonic()
    results = asyncio.run(send_all(config.notify, update, base_dir=config.base_dir,
                                   backoff=FAST))
    return results, time.monotonic() - began


def test_slack_gets_text_and_blocks_with_the_facts(http_server: HttpServer,
                                                   tmp_path: Path) -> None:
    http_server.route(f"/hooks/{SECRET}", Fixed(200, b"ok"))
    config = config_with(tmp_path, target("slack-ops", hook(http_server)))
    state = declared(config)
    [result], _ = _send(config, state)
    assert result.ok and result.status == 200 and result.attempts == 1
    [body] = bodies(http_server, "/hooks/")
    assert set(body) == {"text", "blocks"}
    assert "[Investigating] Checkout down" in body["text"]
    kinds = [b["type"] for b in body["blocks"]]
    assert kinds[0] == "header" and kinds[-1] == "context"
    flat = str(body["blocks"])
    assert "ann" in flat and "Started" in flat and "Next update" in flat
    assert "rollback" in flat and "green is known good" in flat  # ran, with its override
    assert "purge-cache" not in flat and "purge-cache" not in body["text"]  # refused: never ran
    assert SECRET not in result.line() and SECRET not in repr(config.notify)


def test_webhook_gets_the_structured_update(http_server: HttpServer, tmp_path: Path) -> None:
    http_server.route(f"/hooks/{SECRET}", Fixed(204))
    config = config_with(tmp_path, target("bot", hook(http_server), kind="webhook"))
    state = declared(config, resolved=True)
    [result], _ = _send(config, state, "resolved")
    assert result.ok and result.status == 204
    [body] = bodies(http_server, "/hooks/")
    assert body["incident_id"] == state.id and body["title"] == "Checkout down"
    assert body["severity"] == "P1" and body["status"] == "resolved"
    assert body["commander"] == "ann" and body["kind"] == "resolved"
    assert body["times"]["start"] == state.start.isoformat()
    assert "declared" in body["times"] and "resolved" in body["times"]["milestones"]
    assert "has been resolved" in body["summary"]
    assert body["root_cause"] == "a bad deploy of the payment client"
    [action] = body["actions_taken"]
    assert action["action"] == "rollback" and action["outcome"] == "finished"
    assert "overridden: green is known good" in action["override"]
    assert body["next_update"] is None  # resolved: no next update
    assert "Root cause: a bad deploy" in body["text"]


def test_500_then_200_is_retried_and_journaled(http_server: HttpServer, tmp_path: Path) -> None:
    calls: list[int] = []

    def flaky(h: Handler) -> None:
        calls.append(1)
        (Fixed(500, b"upstream sad") if len(calls) == 1 else Fixed(200, b"ok")).respond(h)

    http_server.route(f"/hooks/{SECRET}", Custom(flaky))
    config = config_with(tmp_path, target("slack-ops", hook(http_server), retries=2))
    state = declared(config)
    update = update_for("investigating", state, config.incident, utcnow())
    before = update_due(state, config.incident, utcnow())
    [result] = asyncio.run(deliver(Journal(state.path), config.notify, update, author="bob",
                                   backoff=FAST))
    assert result.ok and result.attempts == 2 and len(calls) == 2
    entries = [e for e in Journal(state.path).load().entries if e.kind == "notify"]
    assert [e.data["outcome"] for e in entries] == ["sending", "sent"]
    assert entries[1].data["status"] == 200 and entries[1].data["attempts"] == 2
    assert entries[1].data["target"] == "slack-ops" and entries[1].author == "bob"
    assert SECRET not in state.path.read_text()
    assert "://" not in state.path.read_text().split('"kind":"notify"', 1)[1]
    # the sent update restarts the next-update cadence
    state = Incidents.from_config(config).load(state.path)
    assert last_sent(state) == entries[1].entry_time
    assert update_due(state, config.incident, utcnow()).due > before.due


def test_failures_everywhere_do_not_restart_the_cadence(http_server: HttpServer,
                                                        tmp_path: Path) -> None:
    http_server.route(f"/hooks/{SECRET}", Fixed(503, b"x" * 5000))
    config = config_with(tmp_path, target("slack-ops", hook(http_server), retries=1))
    state = declared(config)
    update = update_for("internal", state, config.incident, utcnow())
    [result] = asyncio.run(deliver(Journal(state.path), config.notify, update, backoff=FAST))
    assert not result.ok and result.status == 503 and result.attempts == 2
    assert len(result.reason) <= 300
    state = Incidents.from_config(config).load(state.path)
    assert last_sent(state) is None
    [failed] = [e for e in state.entries if e.data.get("outcome") == "failed"]
    assert failed.data["status"] == 503 and SECRET not in str(failed.data)


def test_a_hang_and_a_slow_200_are_cut_at_the_timeout(http_server: HttpServer,
                                                      tmp_path: Path) -> None:
    http_server.route(f"/hang/{SECRET}", Hang())
    http_server.route(f"/slow/{SECRET}", Slow(30.0, Fixed(200, b"ok")))
    http_server.route(f"/fine/{SECRET}", Fixed(200, b"ok"))
    config = config_with(
        tmp_path, target("hang", hook(http_server, "/hang"), timeout=0.4, retries=1),
        target("slow", hook(http_server, "/slow"), timeout=0.4),
        target("fine", hook(http_server, "/fine")))
    state = declared(config)
    (hang, slow, fine), took = _send(config, state)
    assert fine.ok  # concurrently: the others never held it back
    assert not hang.ok and hang.attempts == 2 and "no answer within 0.4 s" in hang.reason
    assert not slow.ok and slow.attempts == 1
    assert took < worst_case(config.notify[0], FAST) + 1.0  # ~0.8 s, never 30 s
    assert fine.elapsed_s < 0.4


def test_tls_self_signed_needs_its_ca_file(http_server_factory: Callable[..., HttpServer],
                                           tmp_path: Path) -> None:
    server = http_server_factory("self_signed")
    server.route(f"/hooks/{SECRET}", Fixed(200, b"ok"))
    config = config_with(
        tmp_path, target("untrusted", hook(server), retries=2),
        target("trusted", hook(server), extra=f'ca_file = "{server.ca_file}"\n'))
    (untrusted, trusted), _ = _send(config, declared(config))
    assert not untrusted.ok and untrusted.attempts == 1  # not retried: it stays untrusted
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted.reason and SECRET not in untrusted.reason
    assert trusted.ok and trusted.status == 200
    assert len(bodies(server, "/hooks/")) == 1


def test_a_redirect_to_another_host_is_not_followed(
        http_server_factory: Callable[..., HttpServer], tmp_path: Path) -> None:
    evil, hooks = http_server_factory(), http_server_factory()
    evil.set_default(Fixed(200, b"thanks for the secret"))
    hooks.route(f"/hooks/{SECRET}", Fixed(307, b"", {"Location": evil.url("/steal")}))
    config = config_with(tmp_path, target("slack-ops", hook(hooks), retries=2))
    [result], _ = _send(config, declared(config))
    assert not result.ok and result.status == 307 and result.attempts == 1
    assert "redirect not followed" in result.reason
    assert evil.requests == []  # the other host received nothing


def test_a_huge_answer_is_read_bounded(http_server: HttpServer, tmp_path: Path) -> None:
    http_server.route(f"/hooks/{SECRET}", Huge(mb=200))

    def huge_error(h: Handler) -> None:
        h.send_response(500)
        h.send_header("Content-Length", str(200 * 1024 * 1024))
        h.end_headers()
        try:
            for _ in range(3200):
                h.wfile.write(b"E" * 65536)
        except OSError:
            pass

    http_server.route(f"/err/{SECRET}", Custom(huge_error))
    config = config_with(tmp_path, target("huge", hook(http_server)),
                         target("huge-500", hook(http_server, "/err")))
    (ok, err), took = _send(config, declared(config))
    assert ok.ok and ok.status == 200
    assert not err.ok and err.status == 500 and len(err.reason) <= 300
    assert took < 2.0  # 200 MiB were offered; 64 KiB read


def test_a_url_httpx_refuses_fails_without_showing_it() -> None:
    from tui.core.config.notify import NotifyTarget
    from tui.engine.notify import send_one

    bad = NotifyTarget("odd", f"http://127.0.0.1:9/h/{SECRET}\x00", timeout=0.5, retries=2)
    result = asyncio.run(send_one(bad, b"{}", backoff=FAST))
    assert not result.ok and result.attempts == 1 and "InvalidURL" in result.reason
    assert SECRET not in result.line() and result.where == "http://127.0.0.1:9/…"
