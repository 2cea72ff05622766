"""Metrics from a REAL Prometheus scraping a loopback exporter: values and states crossing
the thresholds, several series, bad PromQL, NaN and ±Inf, hostile labels, the series cap,
garbage and hanging servers, the verdict, `warroom status --json` and config errors."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from probes.http import HttpClients
from probes.prometheus import MAX_SERIES, PrometheusProbe
from tests.infra.common import free_port
from tests.infra.http import Fixed, Hang, HttpServer, Json
from tests.infra.prometheus import Prometheus
from tui.core.config import parse_config
from tui.core.config.errors import ConfigError
from tui.core.config.schema import Config
from tui.core.metrics import MetricReading, MetricState, metric_views
from tui.core.verdict import Exit, verdict
from tui.engine.status_round import probe_once


def config_for(url: str, *rows: str, prometheus: str = "") -> str:
    body = "".join(f"[[metrics]]\n{row}\n" for row in rows)
    return (f'[environment]\nname = "t"\n[prometheus]\nurl = "{url}"\ntimeout = 2.0\n'
            f"interval = 1.0\n{prometheus}\n{body}")


def row(name: str, query: str, extra: str = "") -> str:
    return f'name = "{name}"\nquery = \'{query}\'\nwindow = 30\nstep = 1\n{extra}'


def views_of(text: str) -> tuple[Config, dict[str, object], Exit]:
    config = parse_config(text, env={})
    store, result = asyncio.run(probe_once(config))
    return config, {v.row.name: v for v in metric_views(config, store)}, result.code


def read(config: Config, index: int = 0, timeout: float = 2.0) -> MetricReading:
    async def go() -> MetricReading:
        clients = HttpClients()
        try:
            return await PrometheusProbe(config.metrics[index], config.prometheus, clients,
                                         timeout).probe()
        finally:
            await clients.aclose()
    return asyncio.run(go())


def test_value_and_state_follow_the_exporter_across_thresholds(prometheus: Prometheus) -> None:
    prometheus.exporter.set("wr_queue_depth", 1)
    prometheus.wait_value("wr_queue_depth", 1)
    text = config_for(prometheus.url, row("queue", "wr_queue_depth",
                                          'unit = "jobs"\nformat = ".0f"\nwarn = 5\ncritical = 10'),
                      row("queue-soft", "wr_queue_depth",
                          "warn = 5\ncritical = 10\ncritical_in_verdict = false"),
                      row("throughput", "wr_queue_depth", "warn = 5\ncritical = 2\nbelow = true"))
    _, views, code = views_of(text)
    queue = views["queue"]
    assert queue.state is MetricState.OK and queue.reading.series[0].value == 1.0
    assert views["throughput"].state is MetricState.CRITICAL  # 1 ≤ 2: too little
    assert code is Exit.CRITICAL
    prometheus.exporter.set("wr_queue_depth", 7)
    prometheus.wait_value("wr_queue_depth", 7)
    _, views, code = views_of(text)
    assert views["queue"].state is MetricState.WARNING
    assert views["queue"].reason == "7 jobs ≥ 5 jobs"
    assert views["throughput"].state is MetricState.OK and code is Exit.WARNING
    prometheus.exporter.set("wr_queue_depth", 12)
    prometheus.wait_value("wr_queue_depth", 12)
    config, views, code = views_of(text)
    assert views["queue"].state is MetricState.CRITICAL and code is Exit.CRITICAL
    assert views["queue-soft"].state is MetricState.CRITICAL
    result = verdict(config, _store_with(config, views))
    assert any(p.startswith("metric queue CRITICAL: 12 jobs ≥ 10 jobs") for p in result.problems)
    assert any(p.startswith("metric queue-soft CRITICAL") for p in result.problems)
    # the range: one slot per step over the window, the latest ones filled in
    points = views["queue"].reading.series[0].points
    assert len(points) == 31 and any(p is not None for p in points)


def _store_with(config: Config, views: dict[str, object]):  # type: ignore[no-untyped-def]
    from tui.core.metrics import store_kind
    from tui.core.store import Store

    store = Store()
    for name, view in views.items():
        store.put(store_kind(name), view.reading, 60.0, at=view.reading.at)  # type: ignore
    return store


def test_soft_critical_row_counts_as_warning(prometheus: Prometheus) -> None:
    prometheus.exporter.set("wr_soft", 50)
    prometheus.wait_value("wr_soft", 50)
    text = config_for(prometheus.url, row("soft", "wr_soft",
                                          "critical = 10\ncritical_in_verdict = false"))
    _, views, code = views_of(text)
    assert views["soft"].state is MetricState.CRITICAL and code is Exit.WARNING


def test_several_series_are_labelled_and_the_row_takes_the_worst(
        prometheus: Prometheus) -> None:
    for color, value in (("blue", 0.1), ("green", 3.0)):
        prometheus.exporter.set("wr_errors", value, color=color, job_extra="same")
    prometheus.wait_value('wr_errors{color="green"}', 3.0)
    text = config_for(prometheus.url, row("errors", "wr_errors", 'warn = 1\nunit = "%"'))
    _, views, _ = views_of(text)
    view = views["errors"]
    assert [s.labels for s in view.reading.series] == ['{color="blue"}', '{color="green"}']
    assert view.state is MetricState.WARNING and '{color="green"}' in view.reason
    assert [st.value for st in view.series_states] == ["OK", "WARNING"]


def test_series_beyond_the_cap_are_counted_and_the_worst_kept(prometheus: Prometheus) -> None:
    for i in range(MAX_SERIES + 3):
        prometheus.exporter.set("wr_many", float(i), idx=f"{i:02d}")
    prometheus.wait_value(f'wr_many{{idx="{MAX_SERIES + 2:02d}"}}', float(MAX_SERIES + 2))
    _, views, _ = views_of(config_for(prometheus.url, row("many", "wr_many", "warn = 100")))
    reading = views["many"].reading
    assert len(reading.series) == MAX_SERIES and reading.cut == 3
    assert min(s.value for s in reading.series) == 3.0  # 0, 1, 2 (the best) were cut


def test_bad_promql_and_non_numbers_are_unknown_with_prometheus_message(
        prometheus: Prometheus) -> None:
    text = config_for(prometheus.url, row("bad", "sum(rate(wr_x[5m]"),
                      row("range", "up[1m]"), row("string", '"hello"'),
                      row("empty", "wr_does_not_exist"))
    _, views, code = views_of(text)
    assert views["bad"].state is MetricState.UNKNOWN
    assert "bad_data" in views["bad"].reason and "parse error" in views["bad"].reason
    assert "range vector" in views["range"].reason
    assert "string, not a number" in views["string"].reason
    assert views["empty"].state is MetricState.UNKNOWN and "no data" in views["empty"].reason
    assert code is Exit.UNKNOWN


def test_nan_and_inf(prometheus: Prometheus) -> None:
    prometheus.exporter.set("wr_nan", float("nan"))
    prometheus.exporter.set("wr_inf", float("inf"))
    prometheus.wait_value("wr_nan", float("nan"))
    prometheus.wait_value("wr_inf", float("inf"))
    _, views, _ = views_of(config_for(prometheus.url, row("nan", "wr_nan", "warn = 1"),
                                      row("inf", "wr_inf", "critical = 1")))
    assert views["nan"].state is MetricState.UNKNOWN and views["nan"].reason == "value is NaN"
    assert views["inf"].state is MetricState.CRITICAL and "+Inf" in views["inf"].reason


def test_hostile_labels_are_inert_and_cut(prometheus: Prometheus) -> None:
    evil = "\x1b]0;pwned\x07\x1b[31m[bold red]x[/] " + "A" * 5000
    prometheus.exporter.set("wr_evil", 1, who=evil)
    prometheus.exporter.set("wr_evil", 2, who="plain")
    prometheus.wait_value('wr_evil{who="plain"}', 2)
    _, views, _ = views_of(config_for(prometheus.url, row("evil", "wr_evil")))
    labels = [s.labels for s in views["evil"].reading.series]
    assert all("\x1b" not in text and "\x07" not in text and len(text) <= 120
               for text in labels)
    assert any("[bold red]x[/]" in text for text in labels)  # shown as text later


def test_unchanged_range_answer_is_not_parsed_again(prometheus: Prometheus) -> None:
    prometheus.exporter.set("wr_steady", 4)
    prometheus.wait_value("wr_steady", 4)
    config = parse_config(config_for(prometheus.url, 'name = "steady"\nquery = "wr_steady"\n'
                                     "window = 3600\nstep = 60"), env={})

    async def twice() -> tuple[MetricReading, MetricReading]:
        clients = HttpClients()
        try:
            probe = PrometheusProbe(config.metrics[0], config.prometheus, clients, 2.0)
            return await probe.probe(), await probe.probe()
        finally:
            await clients.aclose()
    first, second = asyncio.run(twice())
    if int(first.at.timestamp()) // 60 == int(second.at.timestamp()) // 60:  # same step
        assert first.series[0].points is second.series[0].points


def test_garbage_errors_and_a_hang_are_clear_errors(http_server: HttpServer) -> None:
    url = http_server.base_url
    config = parse_config(config_for(url, row("m", "up")), env={})
    http_server.route("/api/v1/query", Fixed(200, "<html>\x1b[2J not json"))
    http_server.route("/api/v1/query_range", Fixed(200, "<html>"))
    first = read(config)
    assert first.error is not None and first.error.startswith("not a Prometheus answer")
    http_server.route("/api/v1/query", Json({"status": "success", "data": {
        "resultType": "vector", "result": [{"metric": {}, "value": [1, 2]}]}}))
    assert "not a Prometheus answer" in (read(config).error or "")
    http_server.route("/api/v1/query", Json({"status": "error", "errorType": "execution",
                                             "error": "\x1b[31mboom" + "B" * 10_000},
                                            status=422))
    error = read(config).error or ""
    assert error.startswith("Prometheus HTTP 422 execution: boom")
    assert "\x1b" not in error and len(error) <= 300
    http_server.route("/api/v1/query", Fixed(502, "bad gateway"))
    assert read(config).error == "HTTP 502: bad gateway"
    http_server.route("/api/v1/query", Hang(max_s=10))
    started = time.monotonic()
    assert read(config, timeout=0.5).error == "timeout after 0.5 s"
    assert time.monotonic() - started < 2
    dead = parse_config(config_for(f"http://127.0.0.1:{free_port()}", row("m", "up")), env={})
    assert read(dead).error == "connection refused"


def test_a_failing_row_keeps_its_last_values_and_since(prometheus: Prometheus,
                                                      http_server: HttpServer) -> None:
    prometheus.exporter.set("wr_keep", 3)
    prometheus.wait_value("wr_keep", 3)
    config = parse_config(config_for(prometheus.url, row("keep", "wr_keep")), env={})

    async def rounds() -> list[MetricReading]:
        clients = HttpClients()
        try:
            probe = PrometheusProbe(config.metrics[0], config.prometheus, clients, 1.0)
            good = await probe.probe()
            probe.base = f"http://127.0.0.1:{free_port()}"  # Prometheus goes away
            return [good, await probe.probe(), await probe.probe()]
        finally:
            await clients.aclose()
    good, bad1, bad2 = asyncio.run(rounds())
    assert bad1.error and bad2.since == bad1.since and bad2.good_at == good.at
    assert bad2.series == good.series


def test_status_json_includes_the_rows(prometheus: Prometheus, tmp_path: Path) -> None:
    prometheus.exporter.set("wr_status", 0.25)
    prometheus.wait_value("wr_status", 0.25)
    path = tmp_path / "w.toml"
    path.write_text(config_for(prometheus.url,
                               row("ratio", "wr_status", 'format = ".0%"\nwarn = 0.2'),
                               row("broken", "rate(")))
    env = {"COLUMNS": "120", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "tui", "status", "--json", "--config",
                           str(path)], capture_output=True, text=True, timeout=60, env=env)
    doc = json.loads(proc.stdout)
    rows = {m["name"]: m for m in doc["metrics"]}
    assert rows["ratio"]["value"] == 0.25 and rows["ratio"]["text"] == "25%"
    assert rows["ratio"]["state"] == "WARNING" and rows["ratio"]["age_s"] is not None
    assert rows["broken"]["state"] == "UNKNOWN" and "parse error" in rows["broken"]["error"]
    assert doc["status"] == "WARNING" and proc.returncode == 1
    text = subprocess.run([sys.executable, "-m", "tui", "status", "--config", str(path)],
                          capture_output=True, text=True, timeout=60, env=env).stdout
    assert "METRIC WARNING ratio: 25%" in text and "METRIC UNKNOWN broken" in text


def test_config_errors_name_the_key() -> None:
    no_url = '[environment]\nname = "t"\n\n[[metrics]]\nname = "m"\nquery = "up"\n'
    with pytest.raises(ConfigError) as err:
        parse_config(no_url, env={})
    assert "metrics[0].url" in err.value.render() and "no [prometheus] url" in err.value.render()
    bad = config_for("http://p:9090", row("m", "up", 'format = "zz"'),
                     'name = "n"\nquery = "up"\nwindow = 100000\nstep = 1',
                     'name = "o"\nquery = ""\nwarn = 5\ncritical = 1')
    with pytest.raises(ConfigError) as err:
        parse_config(bad, env={})
    text = err.value.render()
    assert "metrics[0].format" in text and "metrics[1].window" in text
    assert "metrics[2].query" in text
    with pytest.raises(ConfigError, match=r"metrics\[0\].critical"):
        parse_config(config_for("http://p:9090", row("m", "up", "warn = 5\ncritical = 1")),
                     env={})
    with pytest.raises(ConfigError, match="duplicate metrics name"):
        parse_config(config_for("http://p:9090", row("m", "up"), row("m", "up")), env={})


def test_headers_go_only_to_the_prometheus_origin(http_server: HttpServer) -> None:
    http_server.route("/api/v1/query", Json({"status": "success", "data": {
        "resultType": "scalar", "result": [1, "1"]}}))
    http_server.route("/api/v1/query_range", Json({"status": "success", "data": {
        "resultType": "matrix", "result": [{"metric": {}, "values": [[1, "1"]]}]}}))
    other = f"http://localhost:{http_server.port}"  # the same server, another origin
    text = config_for(http_server.base_url, row("own", "1"),
                      row("elsewhere", "1", f'url = "{other}"'),
                      prometheus='headers = { Authorization = "Bearer ${TOKEN}" }')
    config = parse_config(text, env={"TOKEN": "s3cret"})
    assert read(config, 0).error is None and read(config, 1).error is None
    sent = [headers.get("Authorization") for _m, _path, headers, _b in http_server.requests]
    assert sent == ["Bearer s3cret"] * 2 + [None] * 2  # the row on another origin: none


@pytest.mark.parametrize(("live", "code"), [("blue", Exit.WARNING), ("green", Exit.CRITICAL)])
def test_a_row_of_the_idle_color_only_warns(prometheus: Prometheus, tmp_path: Path, live: str,
                                            code: Exit) -> None:
    """The idle color serves no traffic: its 5xx (its failing health checks) must not page
    — the verdict once stayed CRITICAL after a rollback because of them."""
    prometheus.exporter.set("wr_idle_5xx", 3)
    prometheus.wait_value("wr_idle_5xx", 3)
    state = tmp_path / "color.state"
    state.write_text(f"active={live}\n")
    color = f'[color]\n[[color.sources]]\nkind = "state_file"\npath = "{state}"\n'
    text = config_for(prometheus.url, row("5xx-green", "wr_idle_5xx",
                                          'critical = 1\ncolor = "green"'), prometheus=color)
    _, views, result = views_of(text)
    assert views["5xx-green"].state is MetricState.CRITICAL and result is code
    with pytest.raises(ConfigError, match=r"metrics\[0\]\.color.*'purple'"):
        parse_config(text.replace('color = "green"', 'color = "purple"'), env={})
