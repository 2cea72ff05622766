"""[containers] and [logs] schemas: defaults, selectors, colors, strict errors."""

from __future__ import annotations

import datetime as dt

import pytest

from tui.core.config import ConfigError, parse_config
from tui.core.config.logs import parse_since

BASE = '[environment]\nname = "test"\n'


def test_containers_and_logs_parse() -> None:
    config = parse_config(BASE + """
[hosts.prod]
address = "127.0.0.1"
[containers]
hosts = ["local", "prod"]
labels = ["service=critical", "tier"]
names = ["app-(blue|green)-web"]
[logs]
buffer = 500
[[logs.sources]]
kind = "docker"
container = "app-blue-web"
since = "10m"
[[logs.sources]]
kind = "file"
path = "/var/log/x.log"
host = "prod"
buffer = 50
""")
    c = config.containers
    assert c is not None and c.hosts == ("local", "prod")
    assert c.selects("app-blue-web", {})
    assert c.selects("db", {"service": "critical"})
    assert c.selects("db", {"tier": "x"})
    assert not c.selects("db", {"service": "other"})
    assert c.color_of("app-green-web", {}) == "green"
    assert c.color_of("whatever", {"color": "blue"}) == "blue"
    assert c.color_of("db", {}) is None
    logs = config.logs
    assert logs is not None and len(logs.sources) == 2
    assert logs.buffer_for(logs.sources[0]) == 500 and logs.buffer_for(logs.sources[1]) == 50
    assert logs.sources[0].tag == "app-blue-web"


def test_match_all_and_no_selector() -> None:
    config = parse_config(BASE + '[containers]\nlabels = ["a=1"]\nnames = ["^x"]\nmatch = "all"\n')
    c = config.containers
    assert c is not None
    assert c.selects("xy", {"a": "1"}) and not c.selects("y", {"a": "1"})
    assert parse_config(BASE + "[containers]\n").containers.selects("any", {})  # type: ignore[union-attr]


def test_errors_are_reported_with_paths() -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(BASE + """
[containers]
hosts = ["nowhere"]
names = ["(unclosed"]
colour_label = "x"
[[logs.sources]]
kind = "docker"
[[logs.sources]]
kind = "file"
path = "/x"
since = "yesterday"
""")
    text = str(err.value)
    for needle in ("containers.names", "colour_label",
                   "logs.sources[0].container", "logs.sources[1].since"):
        assert needle in text, text


def test_parse_since() -> None:
    now = dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC)
    assert parse_since("10m", now) == now - dt.timedelta(minutes=10)
    assert parse_since("2024-01-01T11:00:00Z") == dt.datetime(2024, 1, 1, 11, tzinfo=dt.UTC)


def test_unknown_hosts_are_errors() -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(BASE + """
[containers]
hosts = ["nowhere"]
[[logs.sources]]
kind = "file"
path = "/x"
host = "elsewhere"
""")
    assert "containers.hosts[0]" in str(err.value)
    assert "logs.sources[0].host" in str(err.value)
