"""TimelinePanel headless: new entries are appended, a correction or a sliding window
rebuilds, an unchanged timeline is not touched, the title is set only when it changes."""

from __future__ import annotations

import datetime as dt

from textual.app import App, ComposeResult

from tests.app.screen import APP_CSS
from tui.core.journal import Entry
from widgets.timeline import TimelinePanel

T0 = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)


def note(n: int, text: str | None = None, supersedes: str | None = None) -> Entry:
    at = T0 + dt.timedelta(minutes=n)
    return Entry(f"e{n}", "note", at, at, "ann", {"text": text or f"note {n}"}, supersedes)


class TimelineApp(App[None]):
    CSS_PATH = APP_CSS

    def compose(self) -> ComposeResult:
        yield TimelinePanel()


def prompts(panel: TimelinePanel) -> list[str]:
    return [str(panel.get_option_at_index(i).prompt) for i in range(panel.option_count)]


async def test_append_rebuild_and_untouched() -> None:
    app = TimelineApp()
    async with app.run_test(size=(80, 30)) as pilot:
        panel = app.query_one(TimelinePanel)
        panel.show([], {})
        assert "no entries yet" in prompts(panel)[0]
        rows = [(note(i), "") for i in range(3)]
        panel.show(rows, {})
        assert [p.split("\n")[-1].strip() for p in prompts(panel)] == ["note 0", "note 1",
                                                                       "note 2"]
        first = panel.get_option_at_index(0)
        rows.append((note(3), ""))
        panel.show(rows, {})  # appended: the options already shown are the same objects
        assert panel.option_count == 4 and panel.get_option_at_index(0) is first
        assert panel.highlighted == 3  # following the newest entry
        panel.show(list(rows), {})  # nothing new: untouched
        assert panel.get_option_at_index(0) is first
        # a correction strikes the old entry: rebuilt
        rows.append((note(4, "note 1 (fixed)", supersedes="e1"), ""))
        panel.show(rows, {"e1": "e4"})
        assert panel.option_count == 5 and panel.get_option_at_index(0) is not first
        assert "SUPERSEDED by e4" in prompts(panel)[1] and "CORRECTS e1" in prompts(panel)[4]
        # the window slides past the limit: rebuilt, oldest gone
        panel.show([*rows[1:], (note(5), "")], {"e1": "e4"})
        assert panel.option_count == 5 and "note 0" not in "".join(prompts(panel))
        # marks are part of what is shown: a new mark rebuilds
        panel.show([(e, "before declaration") for e, _ in rows[1:]] + [(note(5), "")],
                   {"e1": "e4"})
        assert "(before declaration)" in prompts(panel)[0]
        await pilot.pause()


async def test_title_set_only_when_it_changes() -> None:
    """Assigning a border title repaints the panel even when it is the same text."""
    app = TimelineApp()
    async with app.run_test(size=(80, 20)):
        panel = app.query_one(TimelinePanel)
        rows = [(note(0), "")]
        panel.show(rows, {}, "Timeline · INC-1")
        assert panel.border_title == "Timeline · INC-1"
        repaints = 0
        refresh = panel.refresh

        def counting_refresh(*args: object, **kwargs: object) -> object:
            nonlocal repaints
            repaints += 1
            return refresh(*args, **kwargs)

        panel.refresh = counting_refresh  # type: ignore[method-assign]
        for _ in range(5):
            panel.show(list(rows), {}, "Timeline · INC-1")
        assert repaints == 0
        panel.show(rows, {}, "Timeline · INC-2")
        assert repaints >= 1 and panel.border_title == "Timeline · INC-2"
