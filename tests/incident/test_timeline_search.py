"""Finding things in the timeline (issue 14 item 5): `/` searches text, author and kind as
typed, `n`/`N` jump while a search is kept, `f` cycles all → notes → actions → pinned, Esc
restores; the app's `n` still writes a note when no search is on. In the running app, at
80x24 (the timeline pane) and 200x50 (the side column)."""

from __future__ import annotations

import pytest

from tui.app import WarroomApp
from tui.core.config import parse_config
from tui.core.incident import ops
from tui.core.journal import Journal
from tui.screens.note import NoteScreen
from widgets.timeline import TimelinePanel

CONFIG = '[environment]\nname = "search-test"\n'
BASE = "Timeline · audit (no incident)"


def _fill(app: WarroomApp) -> None:
    journal = Journal(app.incident_tracker.incidents.audit_path)
    journal.append("note", {"text": "disk full on db-1 [b]not markup[/b]"}, author="ann@ops")
    journal.append("action", {"action": "rollback", "outcome": "ok", "exit_code": 0},
                   author="bob@ops")
    pinned = journal.append("note", {"text": "rolled back, errors down"}, author="bob@ops")
    journal.append("note", {"text": "DISK cleaned up"}, author="cy@ops")
    journal.append("check", {"key": "api", "old": "OK", "new": "DOWN", "reason": "HTTP 503"})
    ops.pin(journal, pinned.id, True, author="ann@ops")


def _highlighted(panel: TimelinePanel) -> str:
    entry = panel.selected_entry()
    assert entry is not None
    return f"{entry.author}: {entry.data.get('text', entry.kind)}"


@pytest.mark.parametrize("size", [(80, 24), (200, 50)], ids=["80x24", "200x50"])
async def test_search_jump_filter_and_escape(size: tuple[int, int]) -> None:
    app = WarroomApp(parse_config(CONFIG), author="ann@tui")
    async with app.run_test(size=size) as pilot:
        _fill(app)
        app.incident_poll()
        await pilot.pause()
        panel = app.query_one(TimelinePanel)
        assert panel.option_count == 5 and panel.title_text == BASE
        await pilot.press(str(app.panes.index("timeline") + 1))  # the pane key focuses it
        assert app.focused is panel

        # typed fast, in one go: the search matches as typed, Enter keeps it, n/N jump
        await pilot.press("slash", *"disk", "enter")
        assert not panel.typing and panel.query_text == "disk"
        assert _highlighted(panel).startswith("ann@ops: disk full")  # case-insensitive
        assert panel.title_text == f"{BASE} · /disk 1/2"
        await pilot.press("n")
        assert _highlighted(panel) == "cy@ops: DISK cleaned up"
        assert panel.title_text.endswith("/disk 2/2")
        await pilot.press("n")  # wraps
        assert _highlighted(panel).startswith("ann@ops: disk full")
        await pilot.press("N")  # back, wrapping the other way
        assert _highlighted(panel) == "cy@ops: DISK cleaned up"
        assert "reverse" in str(panel.get_option_at_index(3).prompt.spans)  # highlighted
        assert isinstance(app.screen, type(app.screen_stack[0]))  # n opened no note dialog

        # by author, and typed `n`s are the search's, not the note key
        await pilot.press("slash", *"bob@", "enter")
        assert panel.title_text.endswith("/bob@ 1/2")
        assert _highlighted(panel) == "bob@ops: action"
        await pilot.press("slash", *"markup[/b]", "enter")  # markup typed is shown as text
        assert _highlighted(panel).startswith("ann@ops: disk full")
        assert panel.title_text.endswith("/markup[/b] 1/1")
        assert len(app.screen_stack) == 1
        # by kind
        await pilot.press("slash", *"check", "enter")
        entry = panel.selected_entry()
        assert entry is not None and entry.kind == "check"

        # Esc restores the whole timeline, following the newest entry
        await pilot.press("escape")
        assert panel.query_text == "" and panel.title_text == BASE
        assert panel.option_count == 5 and panel.highlighted == 4

        # filters: notes → actions → pinned → all, with their counts in the title
        await pilot.press("f")
        assert panel.title_text == f"{BASE} · notes 3" and panel.option_count == 3
        await pilot.press("f")
        assert panel.title_text == f"{BASE} · actions 1"
        assert _highlighted(panel) == "bob@ops: action"
        await pilot.press("f")
        assert panel.title_text == f"{BASE} · pinned 1"
        assert _highlighted(panel) == "bob@ops: rolled back, errors down"
        # a search within a filter
        await pilot.press("f", "f", "slash", *"disk", "enter")  # all, notes, then /disk
        assert panel.title_text == f"{BASE} · notes 3 · /disk 2/2"  # from the cursor on
        await pilot.press("escape")  # both cleared
        assert panel.title_text == BASE and panel.option_count == 5

        # Esc while typing drops the search; an empty search is no search
        await pilot.press("slash", *"zzz")
        assert panel.typing and panel.title_text.endswith("/zzz▏ 0 found")
        await pilot.press("escape")
        assert not panel.typing and panel.title_text == BASE

        # no search: the app's n writes a note, even with the timeline focused
        await pilot.press("n")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press("escape")
        assert len(app.screen_stack) == 1


async def test_new_entries_keep_the_match_highlighted() -> None:
    """While a search is kept, a new entry does not pull the cursor to the end."""
    app = WarroomApp(parse_config(CONFIG), author="ann@tui")
    async with app.run_test(size=(200, 50)) as pilot:
        _fill(app)
        app.incident_poll()
        await pilot.pause()
        panel = app.query_one(TimelinePanel)
        panel.focus()
        await pilot.press("slash", *"full", "enter")
        assert _highlighted(panel).startswith("ann@ops: disk full")
        Journal(app.incident_tracker.incidents.audit_path).append(
            "note", {"text": "full again"}, author="dan@ops")
        app.incident_poll()
        await pilot.pause()
        assert panel.option_count == 6 and _highlighted(panel).startswith("ann@ops: disk full")
        assert panel.title_text.endswith("/full 1/2")
        await pilot.press("N")
        assert _highlighted(panel) == "dan@ops: full again"
