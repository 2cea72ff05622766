"""`warroom status` reports latency as the TUI measures it: warm on a kept connection, the
cold first request labelled. Real process, real loopback HTTP/HTTPS servers that count the
connections they accept."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from tests.core.test_status import status
from tests.infra.http import Fixed
from tests.infra.http_keepalive import KeepAliveServer

HANDSHAKE = 0.3


def config(tmp_path: Path, url: str, extra: str = "", timeout: float = 2.0) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(f'[environment]\nname = "shop"\n[defaults]\ntimeout = {timeout}\n'
                    f'[[services]]\nname = "api"\nurl = "{url}"\n{extra}')
    return path


def api_line(stdout: str) -> str:
    return next(line for line in stdout.splitlines() if line.startswith("api"))


def test_json_has_the_warm_figure_on_a_reused_connection_and_the_cold_one(tmp_path):
    with KeepAliveServer(handshake_s=HANDSHAKE) as server:
        result = status(config(tmp_path, server.url()), "--json")
        assert (server.accepted, server.requests) == (1, 2)  # cold, then warm on the same one
    assert result.returncode == 0, result.stdout + result.stderr
    check = json.loads(result.stdout)["checks"][0]
    assert check["cold_ms"] >= HANDSHAKE * 1000 > check["warm_ms"]
    assert check["latency_ms"] == check["warm_ms"]


def test_text_shows_warm_latency_with_cold_labelled_over_https(tmp_path, tls_material):
    ca = tls_material.trust_file("valid")
    with KeepAliveServer(handshake_s=HANDSHAKE, cert=tls_material.pair("valid")) as server:
        result = status(config(tmp_path, server.url(), f'ca_file = "{ca}"\n'))
        assert (server.accepted, server.requests) == (1, 2)
    assert result.returncode == 0, result.stdout + result.stderr
    line = api_line(result.stdout)
    warm, cold = map(int, re.search(r"(\d+) ms \(cold (\d+) ms\)", line).groups())
    assert cold >= HANDSHAKE * 1000 > warm
    narrow = status(config(tmp_path, server.url(), f'ca_file = "{ca}"\n'), env={"COLUMNS": "50"})
    assert "(cold " not in narrow.stdout  # the server is gone: no latency, only the reason


def test_answered_cold_but_not_warm_is_judged_by_the_cold_answer(tmp_path):
    """A 503 first, then the second request hangs: CRITICAL from the 503 (exit 2 as before),
    latency labelled cold, the round still bounded by the timeout."""
    with KeepAliveServer(status=503, answers=1, then="hang") as server:
        started = time.monotonic()
        result = status(config(tmp_path, server.url(), timeout=1.0), "--json")
        elapsed = time.monotonic() - started
    assert result.returncode == 2
    assert elapsed < 1.0 + 0.5 + 3.0  # the timeout, the grace, a Python start-up
    check = json.loads(result.stdout)["checks"][0]
    assert (check["state"], check["reason"]) == ("DOWN", "HTTP 503")
    assert check["warm_ms"] is None and check["latency_ms"] == check["cold_ms"] is not None


def test_a_server_that_keeps_no_connection_is_asked_once_and_shown_cold(tmp_path, http_server):
    url = http_server.route("/h", Fixed(200, b"ok"))
    result = status(config(tmp_path, url))
    assert result.returncode == 0
    assert http_server.hits["/h"] == 1
    assert re.search(r"\bcold \d+ ms\b", api_line(result.stdout))
    narrow = status(config(tmp_path, url), env={"COLUMNS": "50"})
    assert re.search(r"^api .*OK cold \d+ ms$", narrow.stdout, re.M), narrow.stdout
