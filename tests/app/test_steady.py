"""SteadyStatic: repaints only when what it shows changes."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from widgets.steady import SteadyStatic


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
