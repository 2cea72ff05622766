"""Every pane as an SVG snapshot, at 80x24 (one pane below the health panel) and 200x50 (every
panel, the pane's first panel focused), from fixed data and a frozen clock (see
tests/app/snapshot_helpers.py). The overview and timeline panes show an open incident.

Update after an intended change with
`pytest tests/app/test_snapshots_panes.py --snapshot-update` and look at the SVGs first.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from tests.app.snapshot_helpers import SIZES, frozen_app, settle
from tui.app import PANES, WarroomApp

WITH_INCIDENT = {"overview", "timeline"}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("pane", [name for name, _ in PANES])
def test_pane(snap_compare, pane: str, size: tuple[int, int]) -> None:
    async def show(pilot: Pilot[None]) -> None:
        await settle(pilot)
        app = pilot.app
        assert isinstance(app, WarroomApp)
        assert pane in app.panes  # the snapshot config has every pane
        app.action_pane(pane)
        await pilot.pause()

    assert snap_compare(frozen_app(incident=pane in WITH_INCIDENT), terminal_size=size,
                        run_before=show, press=["_"])
