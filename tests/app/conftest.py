from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.demo.config import demo_config
from tui.demo.env import DemoEnv, start_demo

ANY_PORTS = {"router": 0, "blue": 0, "green": 0}


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoEnv]:
    """A real demo production (blue, green and router processes) on free loopback ports."""
    env = start_demo(tmp_path / "demo", ports=ANY_PORTS, chatter=0.5, say=lambda _m: None)
    yield env
    env.stop()


@pytest.fixture
def demo_cfg(demo: DemoEnv):
    return demo_config(demo)
