"""Alerts from a REAL Prometheus Alertmanager: probe, HA de-duplication, grouping, hostile
labels, an unreachable source, the verdict and `warroom status --json`."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from probes.alertmanager import MAX_VALUE, AlertmanagerProbe, parse_alerts
from probes.http import HttpClients
from tests.infra.alertmanager import Alertmanager
from tests.infra.common import free_port
from tests.infra.http import Fixed, Hang, HttpServer, Json
from tui.core.alerts import AlertWatch, alerts_view, decide_alert, store_kind
from tui.core.config import parse_config
from tui.core.config.errors import ConfigError
from tui.core.store import Store
from tui.core.verdict import Exit, verdict
from tui.engine.status_round import probe_once

pytestmark = pytest.mark.alertmanager

Factory = Callable[[], Alertmanager]


def config_for(*urls: str, extra: str = "") -> str:
    sources = "".join(
        f'[[alerts]]\nname = "am{i}"\nurl = "{url}"\ntimeout = 2.0\ninterval = 1.0\n{extra}\n'
        for i, url in enumerate(urls))
    return f'[environment]\nname = "t"\n\n{sources}'


def fire(name: str, severity: str, **labels: str) -> dict:
    return {"labels": {"alertname": name, "severity": severity, **labels},
            "annotations": {"summary": f"{name} is bad", "description": "details"}}


def round_of(text: str) -> Store:
    config = parse_config(text)
    store, _ = asyncio.run(probe_once(config))
    return store


def test_posted_alerts_appear_grouped_with_silenced_and_inhibited_folded(
        alertmanager_factory: Factory) -> None:
    am = alertmanager_factory()
    am.post(fire("HighErrorRate", "critical", instance="a"),
            fire("HighErrorRate", "critical", instance="b"),
            fire("DiskFilling", "warning", instance="a"),
            fire("Noisy", "warning", instance="x"),
            fire("Inhibitor", "info"),
            fire("Muted", "warning", inhibited="yes"))
    am.silence({"alertname": "Noisy"})
    config = parse_config(config_for(am.url))
    store, result = asyncio.run(probe_once(config))
    view = alerts_view(config, store)
    titles = [(g.title, len(g.firing)) for g in view.groups if g.firing]
    assert titles[0] == ("HighErrorRate · critical", 2)
    assert ("DiskFilling · warning", 1) in titles
    assert view.silenced == 1 and view.inhibited == 1
    states = {a.name: a.state for a in view.alerts}
    assert states["Noisy"] == "silenced" and states["Muted"] == "inhibited"
    first = view.groups[0].firing[0]
    assert first.summary == "HighErrorRate is bad" and first.starts_at is not None
    # verdict: critical firing → CRITICAL; silenced/inhibited not counted
    assert result.code is Exit.CRITICAL
    assert sum("HighErrorRate" in p for p in result.problems) == 2
    assert not any("Noisy" in p or "Muted" in p for p in result.problems)


def test_only_warnings_firing_is_warning_and_critical_label_configurable(
        alertmanager_factory: Factory) -> None:
    am = alertmanager_factory()
    am.post(fire("Slow", "warning"), fire("Paging", "p1"))
    store = round_of(config_for(am.url))
    config = parse_config(config_for(am.url))
    assert verdict(config, store).code is Exit.WARNING
    paging = parse_config(config_for(am.url, extra='critical_values = ["p1"]'))
    assert verdict(paging, store).code is Exit.CRITICAL


def test_filter_matchers_are_sent(alertmanager_factory: Factory) -> None:
    am = alertmanager_factory()
    am.post(fire("A", "warning", env="prod"), fire("B", "warning", env="dev"))
    text = config_for(am.url, extra="filter = ['env=\"prod\"']")
    view = alerts_view(parse_config(text), round_of(text))
    assert [a.name for a in view.alerts] == ["A"]


def test_two_sources_of_one_cluster_are_one_row_naming_both(
        alertmanager_factory: Factory) -> None:
    one, two = alertmanager_factory(), alertmanager_factory()
    alerts = [fire("HighErrorRate", "critical"), fire("DiskFilling", "warning")]
    one.post(*alerts)
    two.post(*alerts)
    two.post(fire("OnlyHere", "warning"))
    text = config_for(one.url, two.url)
    view = alerts_view(parse_config(text), round_of(text))
    by_name = {a.name: a for a in view.alerts}
    assert len(view.alerts) == 3
    assert by_name["HighErrorRate"].sources == ("am0", "am1")
    assert by_name["OnlyHere"].sources == ("am1",)


def test_hostile_labels_are_sanitized_and_cut(alertmanager_factory: Factory) -> None:
    am = alertmanager_factory()
    huge = "A" * 100_000
    am.post({"labels": {"alertname": "Evil\x1b]0;pwned\x07\x1b[31m", "severity": "critical",
                        "markup": "[bold red]x[/] [link=http://e]y[/link]"},
             "annotations": {"summary": "line1\nline2\x1b[2J\x9b1;1H", "description": huge}})
    text = config_for(am.url)
    store = round_of(text)
    view = alerts_view(parse_config(text), store)
    (alert,) = view.alerts
    dumped = json.dumps([alert.labels, alert.annotations])
    assert "\\u001b" not in dumped and "\\u0007" not in dumped and "\\u009b" not in dumped
    assert alert.name.startswith("Evil") and "\x1b" not in alert.name
    assert alert.label("markup") == "[bold red]x[/] [link=http://e]y[/link]"
    assert len(alert.annotation("description") or "") == MAX_VALUE
    assert (alert.annotation("description") or "").endswith("…")


def test_unreachable_source_says_so_with_time_others_keep_working(
        alertmanager_factory: Factory) -> None:
    am = alertmanager_factory()
    am.post(fire("HighErrorRate", "warning"))
    dead = f"http://127.0.0.1:{free_port()}"
    text = config_for(am.url, dead)
    config = parse_config(text)
    store, result = asyncio.run(probe_once(config))
    view = alerts_view(config, store)
    assert [a.name for a in view.alerts] == ["HighErrorRate"]
    bad = [s for s in view.sources if not s.ok]
    assert len(bad) == 1 and "am1 unreachable since" in bad[0].text
    assert "connection refused" in bad[0].text
    assert result.code is Exit.WARNING  # the firing warning outranks the UNKNOWN source
    assert any("am1 unreachable since" in p for p in result.problems)


def test_only_source_unreachable_is_unknown() -> None:
    text = config_for(f"http://127.0.0.1:{free_port()}")
    config = parse_config(text)
    _store, result = asyncio.run(probe_once(config))
    assert result.code is Exit.UNKNOWN
    assert "unreachable since" in result.problems[0]


def test_garbage_answer_is_a_clear_error_with_its_age(http_server: HttpServer) -> None:
    http_server.route("/api/v2/alerts", Fixed(200, "<html>not json\x1b[31m</html>"))
    text = config_for(http_server.base_url)
    config = parse_config(text)
    store, result = asyncio.run(probe_once(config))
    (source,) = alerts_view(config, store).sources
    assert not source.ok and "unreachable since" in source.text
    assert "not an Alertmanager v2 answer" in source.text and "\x1b" not in source.text
    assert result.code is Exit.UNKNOWN
    http_server.route("/api/v2/alerts", Json({"status": "success"}))
    store, _ = asyncio.run(probe_once(config))
    assert "expected a list of alerts" in alerts_view(config, store).sources[0].text
    with pytest.raises(ValueError):
        parse_alerts([{"nolabels": 1}], "x")


def test_secrets_in_headers_are_sent_and_never_shown(
        alertmanager_factory: Factory, monkeypatch: pytest.MonkeyPatch) -> None:
    am = alertmanager_factory()
    monkeypatch.setenv("AM_TOKEN", "s3cret-token")
    text = config_for(am.url, extra='headers = { Authorization = "Bearer ${AM_TOKEN}" }')
    config = parse_config(text)
    assert config.alerts[0].headers["Authorization"] == "Bearer s3cret-token"
    store, result = asyncio.run(probe_once(config))
    assert result.code is Exit.OK
    assert "s3cret" not in repr(store.snapshots[store_kind("am0")].value)


def test_status_json_lists_alerts(alertmanager_factory: Factory, tmp_path: Path) -> None:
    am = alertmanager_factory()
    am.post(fire("HighErrorRate", "critical"), fire("Noisy", "warning"))
    am.silence({"alertname": "Noisy"})
    path = tmp_path / "config.toml"
    path.write_text(config_for(am.url))
    proc = subprocess.run([sys.executable, "-m", "tui", "status", "--json", "--config",
                           str(path)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    doc = json.loads(proc.stdout)
    alerts = {a["name"]: a for a in doc["alerts"]["alerts"]}
    assert alerts["HighErrorRate"]["state"] == "firing"
    assert alerts["HighErrorRate"]["labels"]["severity"] == "critical"
    assert alerts["HighErrorRate"]["source"] == "am0"
    assert alerts["Noisy"]["state"] == "silenced"
    assert doc["status"] == "CRITICAL"
    text = subprocess.run([sys.executable, "-m", "tui", "status", "--config", str(path)],
                          capture_output=True, text=True, timeout=60,
                          env={"COLUMNS": "120", "PATH": "/usr/bin:/bin"}).stdout
    assert "ALERTS 1 firing (1 silenced)" in text and "HighErrorRate" in text


def test_watch_gives_firing_then_resolved_candidates(alertmanager_factory: Factory) -> None:
    am = alertmanager_factory()
    am.post(fire("HighErrorRate", "critical"))
    text = config_for(am.url)
    config = parse_config(text)
    watch = AlertWatch()
    first = watch.changes(alerts_view(config, round_of(text)))
    assert [c["event"] for c in first] == ["firing"]
    assert watch.changes(alerts_view(config, round_of(text))) == []
    am.resolve({"alertname": "HighErrorRate", "severity": "critical"})
    later = watch.changes(alerts_view(config, round_of(text)))
    assert [c["event"] for c in later] == ["resolved"]
    assert decide_alert(later[0], dt.datetime.now(dt.UTC), None) is None  # no history


def test_config_errors_name_the_key() -> None:
    bad = config_for("http://x:9093", extra="filter = ['nope']\ngroup_by = []")
    with pytest.raises(ConfigError) as err:
        parse_config(bad)
    text = err.value.render()
    assert "alerts[0].filter" in text and "alerts[0].group_by" in text
    dup = config_for("http://x:1", "http://x:2").replace('"am1"', '"am0"')
    with pytest.raises(ConfigError, match="duplicate alerts source name"):
        parse_config(dup)


async def test_probe_answer_too_large_is_an_error(alertmanager_factory: Factory) -> None:
    am = alertmanager_factory()
    am.post(fire("A", "warning"))
    config = parse_config(config_for(am.url, extra="max_bytes = 10"))
    clients = HttpClients()
    try:
        reading = await AlertmanagerProbe(config.alerts[0], clients, 2.0).probe()
    finally:
        await clients.aclose()
    assert reading.error == "answer larger than 10 bytes" and reading.since is not None


def test_slow_alertmanager_is_bounded_by_its_timeout(http_server: HttpServer) -> None:
    http_server.route("/api/v2/alerts", Hang(max_s=10))
    text = config_for(http_server.base_url).replace("timeout = 2.0", "timeout = 0.5")
    config = parse_config(text)
    started = time.monotonic()
    store, result = asyncio.run(probe_once(config))
    assert time.monotonic() - started < 3
    (source,) = alerts_view(config, store).sources
    assert "timeout after 0.5 s" in source.text and result.code is Exit.UNKNOWN
