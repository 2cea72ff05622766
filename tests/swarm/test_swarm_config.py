"""`[swarm]` config: defaults, selectors, critical, and hosts checked against [hosts]."""

from __future__ import annotations

import pytest

from tui.core.config import ConfigError, parse_config
from tui.core.model import State
from tui.core.swarm import SwarmService, image_parts


def test_defaults_and_selectors() -> None:
    config = parse_config('[environment]\nname = "t"\n[swarm]\nservices = ["^shop-"]\n'
                          'labels = ["team=web"]\ncritical = ["-web$"]\n', env={})
    watch = config.swarm
    assert watch is not None and watch.hosts == ("local",) and watch.stale_seconds() == 35.0
    assert watch.selects("shop-web", {"team": "web"})
    assert not watch.selects("shop-web", {"team": "db"}) and not watch.selects("x", {"team": "web"})
    assert watch.is_critical("shop-web") and not watch.is_critical("shop-db")
    every = parse_config('[environment]\nname = "t"\n[swarm]\n', env={}).swarm
    assert every is not None and every.is_critical("anything")


def test_unknown_manager_host_names_the_key() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config('[environment]\nname = "t"\n[swarm]\nhosts = ["local", "nope"]\n', env={})
    assert "swarm.hosts[1]" in caught.value.render() and "unknown host 'nope'" in \
        caught.value.render()


def test_states_and_image_parts() -> None:
    assert image_parts("nginx:1.25@sha256:0123456789abcdef0123") == ("nginx:1.25",
                                                                     "0123456789ab")
    row = SwarmService("local", "id", "web", "replicated", 1, 3, "nginx:1", "")
    assert row.state is State.DEGRADED and row.replicas == "1/3"
    assert SwarmService("local", "id", "web", "global", 0, 2, "x", "").state is State.DOWN
    assert SwarmService("local", "id", "web", "replicated", 0, 0, "x", "").state is State.OK
