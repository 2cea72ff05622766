from __future__ import annotations

import pytest

from tests.demo.conftest import demo  # noqa: F401  (the real demo production, one per test)
from tui.demo.config import demo_config
from tui.demo.env import DemoEnv


@pytest.fixture
def demo_cfg(demo: DemoEnv):  # noqa: F811
    return demo_config(demo)
