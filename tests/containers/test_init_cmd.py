"""`warroom init`: a valid starter config from the real engine; never overwrites silently."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tui.cli import main
from tui.cli.init import build_config, render
from tui.core.config import load_config


def test_build_config_is_valid_and_pairs_colors() -> None:
    containers = [
        {"name": "app-blue-web", "labels": {}, "urls": ["http://127.0.0.1:8081/"]},
        {"name": "app-green-web", "labels": {}, "urls": ["http://127.0.0.1:8082/"]},
        {"name": "db", "labels": {"color": "x\x1b]0;t\x07"}, "urls": []},
        {"name": "weird name!", "labels": {}, "urls": ["http://127.0.0.1:9/", "http://[::1]:8/"]},
    ]
    data = build_config(containers, "prod")
    assert data["color"] == {"colors": ["blue", "green"]}
    names = [s["name"] for s in data["services"]]
    assert names == ["app-blue-web", "app-green-web", "weird-name", "weird-name-2"]
    assert [s["group"] for s in data["services"][:2]] == ["app-web", "app-web"]
    assert len(data["logs"]["sources"]) == 2
    from tui.core.config import parse_config

    config = parse_config(render(data))
    assert config.containers is not None and config.containers.selects("db", {})
    assert not config.containers.selects("dbx", {})


@pytest.mark.docker
def test_init_from_real_engine_and_force(container_factory: Any, tmp_path: Path,
                                         capsys: Any) -> None:
    container_factory("sleep 600", name="api-blue",
                      labels={"warroom.http": "http://127.0.0.1:18081/health"})
    container_factory("sleep 600", name="api-green", labels={"color": "green"})
    target = tmp_path / "config.toml"
    assert main(["init", str(target), "--name", "staging"]) == 0
    config = load_config(target)
    assert config.environment.name == "staging"
    assert any(s.url == "http://127.0.0.1:18081/health" and s.color == "blue"
               for s in config.services)
    assert config.containers is not None
    assert config.containers.selects(container_factory.prefix + "api-green", {})
    assert config.logs is not None and {s.color for s in config.logs.sources} >= {"blue",
                                                                                 "green"}
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    before = target.read_text()
    assert main(["init", str(target)]) == 1  # never overwrites without --force
    assert "--force" in capsys.readouterr().err
    assert target.read_text() == before
    assert main(["init", str(target), "--force", "--name", "other"]) == 0
    assert load_config(target).environment.name == "other"
