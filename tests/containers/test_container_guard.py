"""Container restart/stop/start obey the same guards as every action: never in read-only
mode, never in view mode (operator mode must be armed)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tui.core.actions.operator import OperatorMode
from tui.core.config import parse_config
from tui.live_panels import LivePanels

CONFIG = '[environment]\nname = "t"\n[containers]\nhosts = ["local"]\n'


def app(read_only: bool = False, armed: bool = False) -> SimpleNamespace:
    operator = OperatorMode(read_only=read_only)
    if armed:
        operator.arm()
    return SimpleNamespace(config=parse_config(CONFIG, env={}), read_only=read_only,
                           operator=operator)


@pytest.mark.parametrize(("read_only", "armed", "why"), [
    (True, False, "read-only"), (False, False, "view mode"),
])
async def test_container_actions_refused_unless_armed(read_only, armed, why):
    panels = LivePanels(app(read_only, armed))
    with pytest.raises(PermissionError, match=why):
        await panels.act("local", "app-blue-web", "stop")
