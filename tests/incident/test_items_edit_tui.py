"""An open action item edited from the war room at 80x24: `I` → the incident → "edit action
item", the form prefilled (text, owner, due), only what changed journaled as an ``update``;
a due date emptied is refused in the form."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Input, Static

from tui.app import WarroomApp
from tui.core.config import parse_config
from tui.core.incident import Declaration, Incidents, ops
from tui.core.incident import items as action_items
from tui.core.journal import Journal
from tui.core.model import utcnow
from tui.screens.action_item import ActionItemScreen

from .test_postmortem_tui import _menu_pick
from .test_tui import CONFIG, _settle


async def test_edit_an_open_item_prefilled(tmp_path: Path) -> None:
    config = parse_config(CONFIG)
    incidents = Incidents.from_config(config)
    state = ops.declare(incidents, Declaration("Search down", "P2"), author="al")
    due = utcnow().date() + dt.timedelta(days=3)
    added = action_items.add(state, "add a \x1b[31mreplica", owner="bob", due=due, author="al")

    app = WarroomApp(config, author="ann@tui")
    async with app.run_test(size=(80, 24)) as pilot:
        await _menu_pick(app, pilot, "edit action item")
        screen = app.screen
        assert isinstance(screen, ActionItemScreen)
        values = {i.id: i.value for i in screen.query(Input)}
        assert values == {"text": "add a replica", "owner": "bob", "due": due.isoformat()}
        await pilot.press("tab", "tab", *["backspace"] * 10, "ctrl+s")
        assert "cannot be removed" in str(screen.query_one("#error", Static).render())
        await pilot.press(*"2w", "shift+tab", *["backspace"] * 3, *"cy", "ctrl+s")
        await _settle(app, pilot)
        assert not isinstance(app.screen, ActionItemScreen)
    [item] = action_items.items(incidents.load(state.path))
    assert (item.id, item.owner, item.updated_by) == (added.id, "cy", "ann@tui")
    assert item.due == utcnow().date() + dt.timedelta(days=14)
    assert item.text == "add a \x1b[31mreplica"  # shown inert, left alone: not rewritten
    [update] = [e.data for e in Journal(state.path).load().entries
                if e.kind == "item" and e.data.get("op") == "update"]
    assert set(update) == {"op", "item", "owner", "due"}
