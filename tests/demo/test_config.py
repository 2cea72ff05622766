"""The generated demo config passes the strict loader and points at the real demo."""

from __future__ import annotations

import re
import subprocess

from tui.core.config import Config, load_config
from tui.demo.config import SECTIONS, config_dict, demo_config
from tui.demo.env import DemoEnv


def test_generated_config_validates_and_matches_the_demo(demo: DemoEnv) -> None:
    config = demo_config(demo)
    assert isinstance(config, Config)
    assert config.environment.name == "demo-production" and config.environment.production
    by_name = {s.name: s for s in config.services}
    assert set(by_name) == {"api-blue", "api-green", "api-live"}
    for color in ("blue", "green"):
        service = by_name[f"api-{color}"]
        assert service.url == demo.url(color)
        assert (service.color, service.group) == (color, "api")
        assert service.capture_headers == ("x-build",)
        assert service.dependencies is not None and service.dependencies.path == "checks"
        assert service.max_latency_ms == 1000
    assert config.color is not None
    kinds = [s.kind for s in config.color.sources]
    assert kinds == ["command", "state_file", "http", "file_map"]
    file_map = config.color.sources[3]
    assert file_map.map == {str(demo.ports["blue"]): "blue", str(demo.ports["green"]): "green"}
    assert load_config(demo.path("warroom.toml")) == config


def test_color_sources_read_green_from_the_real_files(demo: DemoEnv) -> None:
    config = demo_config(demo)
    assert config.color is not None
    command, state, _, file_map = config.color.sources
    out = subprocess.run(list(command.argv), capture_output=True, text=True, timeout=10).stdout
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert re.search(command.pattern or "", plain).group(1) == "green"  # type: ignore[union-attr]
    assert f"{state.key}=green" in demo.path("state").read_text()
    port = re.search(file_map.pattern or "", (demo.path("apache/api-port.conf")).read_text())
    assert port is not None and file_map.map[port.group(1)] == "green"


def test_sections_are_one_function_each(demo: DemoEnv) -> None:
    assert [key for key, _ in SECTIONS] == list(config_dict(demo))
