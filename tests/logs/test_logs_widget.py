"""LogsPanel headless: follow/pause, filter (text, regex, invert), errors, wrap, timestamps,
save, bounded capacity, skipped count; hostile lines render inert."""

from __future__ import annotations

import time

from textual.app import App, ComposeResult
from textual.widgets import Input

from tests.app.screen import APP_CSS
from tui.core.logline import ERROR, MARKER, SEQ, WARN, LogLine
from tui.core.sanitize import clean_keep_sgr
from widgets.logs import LogsPanel, LogView

HOSTILE = ("\x1b[2J\x1b[H\x1b]0;pwned\x07\x1b]52;c;Zm9v\x07\x1b]8;;http://e\x1b\\link"
           "\x1b]8;;\x1b\\\x1bPdcs\x1b\\\x9b2J\x07\x08\x00 [bold red]x[/] [$var] "
           "[link=http://e]y \x1b[31mRED\x1b[0m\x1b")


def line(text: str, source: str = "blue", level: int = 0, ts: float | None = None) -> LogLine:
    return LogLine(next(SEQ), time.time() if ts is None else ts, source, clean_keep_sgr(text),
                   level)


class LogsApp(App[None]):
    CSS_PATH = APP_CSS

    def __init__(self, **kw: object) -> None:
        super().__init__()
        self.saved: list[list[LogLine]] = []
        self.kw = kw

    def compose(self) -> ComposeResult:
        async def save(lines: list[LogLine]) -> str:
            self.saved.append(lines)
            return f"saved {len(lines)}"

        yield LogsPanel(save=save, **self.kw)  # type: ignore[arg-type]


def screen_text(view: LogView) -> list[str]:
    return ["".join(s.text for s in view.render_line(y)) for y in range(view.size.height)]


async def test_follow_filter_errors_and_modes() -> None:
    app = LogsApp(capacity=1000)
    async with app.run_test(size=(100, 20)) as pilot:
        panel = app.query_one(LogsPanel)
        view = panel.log_view
        view.focus()
        base = time.time()
        panel.add_lines([line(f"info {i}", ts=base + i) for i in range(100)])
        panel.add_lines([line("ERROR first boom", "green", ERROR, base + 100),
                         line("WARN slow", "green", WARN, base + 101)])
        panel.add_lines([line(f"tail {i}", ts=base + 102 + i) for i in range(30)])
        await pilot.pause()
        assert view.follow and "tail 29" in "".join(screen_text(view))
        # jump to the error pauses follow and highlights it
        await pilot.press("e")
        await pilot.pause()
        assert not view.follow and "ERROR first boom" in "".join(screen_text(view))
        panel.add_lines([line("later", ts=base + 200)])
        assert view.new_while_paused == 1
        await pilot.press("G")
        assert view.follow
        # filter as you type: substring, then regex, then invert
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"boom")
        await pilot.pause()
        assert [x.plain for x in view.view] == ["ERROR first boom"]
        await pilot.press("escape")
        await pilot.press("X")  # regex
        view.set_filter(r"tail [12]\d$")
        assert len(view.view) == 20
        await pilot.press("v")  # invert
        assert len(view.view) == 133 - 20 and view.invert
        view.set_filter("(", regex=True, invert=False)
        assert view.filter_error and len(view.view) == len(view.lines)
        view.set_filter("")
        # wrap and timestamps
        panel.add_lines([line("W" * 300, ts=base + 300)])
        await pilot.press("w")
        await pilot.pause()
        assert view.wrap and view.virtual_size.height > len(view.view)
        await pilot.press("t")
        await pilot.pause()
        assert any(t[:2].isdigit() and t[2] == ":" for t in screen_text(view))
        # save: full lines, not clipped
        await pilot.press("s")
        await pilot.pause()
        assert app.saved and any(len(x.plain) == 300 for x in app.saved[-1])


async def test_capacity_bounded_and_skipped_counted() -> None:
    app = LogsApp(capacity=500)
    async with app.run_test(size=(80, 12)) as pilot:
        panel = app.query_one(LogsPanel)
        base = time.time()
        for batch in range(20):
            panel.add_lines([line(f"l{batch}-{i}", ts=base + batch + i / 1000)
                             for i in range(200)])
        await pilot.pause()
        view = panel.log_view
        assert len(view.lines) == 500 and len(view.view) == 500
        assert view.lines[-1].plain == "l19-199"
        assert view.skipped > 0
        await pilot.pause(0.6)  # the status line refreshes twice a second
        status = str(app.query_one("#logs-status").render())
        assert "scrolled past unseen, kept" in status and "skipped" not in status


async def test_out_of_order_backlog_is_merged_in_time_order() -> None:
    app = LogsApp()
    async with app.run_test(size=(80, 12)):
        panel = app.query_one(LogsPanel)
        panel.add_lines([line("b2", "blue", ts=2), line("b4", "blue", ts=4)])
        panel.add_lines([line("g1", "green", ts=1), line("g3", "green", ts=3)])
        assert [x.plain for x in panel.log_view.view] == ["g1", "b2", "g3", "b4"]


async def test_hostile_lines_render_inert_headless() -> None:
    app = LogsApp()
    async with app.run_test(size=(160, 10)) as pilot:
        panel = app.query_one(LogsPanel)
        panel.add_lines([line(HOSTILE), line("marker", level=MARKER)])
        await pilot.pause()
        view = panel.log_view
        rendered = screen_text(view)
        joined = "".join(rendered)
        assert "[bold red]x[/] [$var] [link=http://e]y" in joined
        assert "pwned" not in joined and "Zm9v" not in joined
        assert not any(ord(c) < 32 or 0x7f <= ord(c) <= 0x9f for c in joined)
        strips = [view.render_line(y) for y in range(view.size.height)]
        red = [s for strip in strips for s in strip if s.text == "RED"]
        assert red and red[0].style and red[0].style.color is not None  # SGR colour kept
        assert all(not (s.style and s.style.link) for strip in strips for s in strip)


async def test_hidden_panel_takes_lines_and_catches_up_when_shown() -> None:
    """Another pane shown (display: none): lines are kept but not laid out or painted; the
    moment the panel is shown again its view follows to the newest line and the status
    line counts them."""
    app = LogsApp(capacity=1000)
    async with app.run_test(size=(80, 12)) as pilot:
        panel = app.query_one(LogsPanel)
        panel.add_lines([line(f"first-{i}") for i in range(3)])
        await pilot.pause()
        panel.display = False
        await pilot.pause()
        view = panel.log_view
        assert view._hidden and panel._hidden
        base = time.time()
        panel.add_lines([line(f"while-hidden-{i}", ts=base + i) for i in range(40)])
        await pilot.pause()
        assert len(view.lines) == 43 and view._behind
        panel.display = True
        await pilot.pause()
        await pilot.pause()
        assert not view._hidden and not view._behind
        assert screen_text(view)[-1].rstrip().endswith("while-hidden-39")
        assert "43/43 lines" in str(app.query_one("#logs-status").render())
