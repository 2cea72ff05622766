"""The post-mortem from the war room at 80x24 after resolving: `I` → the incident → the edit
form (typed fast, straight after the key that opens it), saved as ``set`` entries that appear
in the exported post-mortem; an action item through its form (a bad due date said, not
saved); journal text shown inert in the form."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import OptionList, Static, TextArea

from tui.app import WarroomApp
from tui.core.config import parse_config
from tui.core.incident import Declaration, Incidents, ops
from tui.core.incident.items import items
from tui.core.journal import Journal
from tui.core.model import utcnow
from tui.screens.action_item import ActionItemScreen
from tui.screens.incident import IncidentScreen
from tui.screens.postmortem_edit import PostmortemEditScreen

from .test_tui import CONFIG, _settle


async def _menu_pick(app: WarroomApp, pilot, label: str, *typed: str) -> None:
    """`I`, Enter on the newest incident, then the menu choice starting with `label` — and
    the keys typed straight after it, before anything was drawn."""
    await pilot.press("I")
    await app.screen.loader.wait()
    await pilot.pause()
    await pilot.press("enter")
    assert isinstance(app.screen, IncidentScreen)
    index = next(i for i, (_, text) in enumerate(app.screen._choices) if text.startswith(label))
    app.screen.query_one(OptionList).highlighted = index
    await pilot.press("enter", *typed)


async def test_edit_after_resolving_saves_fields_that_reach_the_export(tmp_path: Path) -> None:
    config = parse_config(CONFIG)
    incidents = Incidents.from_config(config)
    start = utcnow() - dt.timedelta(minutes=15)
    state = ops.declare(incidents, Declaration("Search down", "P2", start=start), author="al")
    ops.set_fields(state, {"went_well": "fast \x1b[31mrollback\x1b]52;c;eA==\x07"}, author="al")
    ops.resolve(incidents.load(state.path), author="al")

    app = WarroomApp(config, author="ann@tui")
    async with app.run_test(size=(80, 24)) as pilot:
        await _menu_pick(app, pilot, "edit the post-mortem",
                         *"index shard lost", "tab", *"no replica", "enter", *"no alarm")
        screen = app.screen
        assert isinstance(screen, PostmortemEditScreen)
        well = screen.query_one("#went_well", TextArea).text
        assert well == "fast rollback" and "\x1b" not in well  # shown inert
        await pilot.press("tab", "tab", *"paging was slow", "ctrl+s")
        await _settle(app, pilot)
        assert not isinstance(app.screen, PostmortemEditScreen)
        state = incidents.load(state.path)
        assert state.fields["root_cause"] == "index shard lost"
        assert state.fields["contributing_factors"] == "no replica\nno alarm"
        assert state.fields["went_poorly"] == "paging was slow"
        sets = [e for e in Journal(state.path).load().entries
                if e.kind == "incident" and e.data.get("op") == "set" and e.author == "ann@tui"]
        assert len(sets) == 1 and "went_well" not in sets[0].data  # only what changed

        # an action item: a bad due date is said and nothing closes; then saved
        await _menu_pick(app, pilot, "add an action item", *"add a replica", "tab", "tab",
                         *"2026-13-01", "ctrl+s")
        assert isinstance(app.screen, ActionItemScreen)
        assert "bad due date" in str(app.screen.query_one("#error", Static).render())
        await pilot.press(*["backspace"] * 10, *"7d", "enter")
        await _settle(app, pilot)
        [item] = items(incidents.load(state.path))
        assert (item.text, item.owner, item.author) == ("add a replica", "ann@tui", "ann@tui")
        assert item.due == utcnow().date() + dt.timedelta(days=7)

        await _menu_pick(app, pilot, "export the post-mortem")
        await _settle(app, pilot)
        md = state.path.with_name(f"{state.id}.postmortem.md").read_text()
    assert "index shard lost" in md and "1. no replica\n2. no alarm" in md
    assert "- paging was slow" in md and "- fast rollback" in md
    assert f"| `{item.id}` | add a replica | ann@tui | {item.due} | open |" in md
