"""Every dialog as an SVG snapshot at 80x24 and 200x50, over the app with fixed data and a
frozen clock (see tests/app/snapshot_helpers.py): an action's confirmation with its preflight
passing (typed target) and failing (override reason), arming operator mode, a note, the
declaration form, the incident menu and the help screen.

Update after an intended change with
`pytest tests/app/test_snapshots_dialogs.py --snapshot-update` and look at the SVGs first.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot

from tests.app.snapshot_helpers import SIZES, frozen_app, push_plan, settle

sizes = pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")


def plan(action: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run_before(pilot: Pilot[None]) -> None:
        await push_plan(pilot, action)

    return run_before


@sizes
def test_action_preflight_passing(snap_compare, size: tuple[int, int]) -> None:
    """rollback: every check passes; the idle color must be typed to confirm."""
    assert snap_compare(frozen_app(), terminal_size=size, run_before=plan("rollback"),
                        press=["_"])


@sizes
def test_action_preflight_failing(snap_compare, size: tuple[int, int]) -> None:
    """maintenance-off: api-green is DEGRADED, so running needs a typed override reason."""
    assert snap_compare(frozen_app(), terminal_size=size, run_before=plan("maintenance-off"),
                        press=["_"])


@sizes
def test_arm_operator_mode(snap_compare, size: tuple[int, int]) -> None:
    assert snap_compare(frozen_app(), terminal_size=size, run_before=settle, press=["o", "_"])


@sizes
def test_note(snap_compare, size: tuple[int, int]) -> None:
    assert snap_compare(frozen_app(), terminal_size=size, run_before=settle, press=["n", "_"])


@sizes
def test_declare(snap_compare, size: tuple[int, int]) -> None:
    assert snap_compare(frozen_app(), terminal_size=size, run_before=settle, press=["i", "_"])


@sizes
def test_incident_menu(snap_compare, size: tuple[int, int]) -> None:
    assert snap_compare(frozen_app(incident=True), terminal_size=size, run_before=settle,
                        press=["i", "_"])


@sizes
def test_help(snap_compare, size: tuple[int, int]) -> None:
    assert snap_compare(frozen_app(), terminal_size=size, run_before=settle,
                        press=["question_mark", "_"])
