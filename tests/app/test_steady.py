"""SteadyStatic: repaints only when what it shows changes."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from widgets.steady import SteadyStatic, set_border


class One(App[None]):
    def compose(self) -> ComposeResult:
        yield SteadyStatic()


async def test_paint_only_on_change() -> None:
    app = One()
    async with app.run_test(size=(40, 5)):
        widget = app.query_one(SteadyStatic)
        assert widget.paint(Text("12:00 OK"))
        assert not widget.paint(Text("12:00 OK"))  # same text: no update, no layout
        assert widget.paint(Text("12:00 OK", style="bold"))  # Rich's == ignores this
        assert widget.paint(Text("12:01 OK", style="bold"))
        assert widget.paint("anything", key=("view", 1))
        assert widget.shows(("view", 1)) and not widget.paint("other", key=("view", 1))
        assert str(widget.render()) == "anything"


class Counted(App[None]):
    """A `height: auto` SteadyStatic in a border; counts the screen's layout passes."""

    CSS = "SteadyStatic { height: auto; border: round white; }"
    layouts = 0

    def compose(self) -> ComposeResult:
        yield SteadyStatic()

    def on_mount(self) -> None:
        screen = self.screen
        layout = screen._refresh_layout

        def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.layouts += 1
            return layout(*args, **kwargs)

        screen._refresh_layout = counted  # type: ignore[method-assign]


async def test_layout_only_when_the_lines_change() -> None:
    """paint(layout=None): a text that changes (an age) repaints without a layout pass; one
    more line lays out (the panel grows)."""
    app = Counted()
    async with app.run_test(size=(40, 10)) as pilot:
        widget = app.query_one(SteadyStatic)
        widget.paint(Text("LIVE green (5s ago)"), layout=None)
        await pilot.pause()
        assert widget.outer_size.height == 3  # one line and the border
        before = app.layouts
        for age in ("10s", "15s", "20s"):
            assert widget.paint(Text(f"LIVE green ({age} ago)"), layout=None)
            await pilot.pause()
        assert app.layouts == before
        assert "(20s ago)" in str(widget.render())
        widget.paint(Text("LIVE green (25s ago)\n! two colors claim live"), layout=None)
        await pilot.pause()
        assert app.layouts > before and widget.outer_size.height == 4
        widget.display = False  # a pane not shown: no layout for it, the one showing it
        await pilot.pause()
        widget.paint(Text("LIVE blue (5s ago)"), layout=None)
        widget.display = True
        await pilot.pause()
        assert widget.outer_size.height == 3 and "blue" in str(widget.render())


async def test_border_title_set_only_on_change() -> None:
    app = One()
    async with app.run_test(size=(40, 5)) as pilot:
        widget = app.query_one(SteadyStatic)
        set_border(widget, "Runbook", "Enter opens")
        await pilot.pause()
        assert widget.border_title == "Runbook" and widget.border_subtitle == "Enter opens"
        set_border(widget, "Runbook", "Enter opens")  # every second, the same: no repaint
        assert not widget._repaint_required
        set_border(widget, subtitle="2/5")
        assert widget._repaint_required and widget.border_title == "Runbook"
        assert widget.border_subtitle == "2/5"
