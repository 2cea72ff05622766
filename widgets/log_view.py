"""The log view: a Line-API `ScrollView` (like Textual's `Log`) over merged log lines.

Lines keep their SGR colours as `Text` and are never parsed as markup. Rendering work is
dropped, never ingestion: in follow mode only the last screenful is drawn and the lines that
scrolled past unseen are counted. While hidden (another pane is shown) lines are still taken,
but geometry and repaint wait until the view is shown again. The messages it posts are
handled by `LogsPanel` (`on_logs_panel_*`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import time
from collections.abc import Callable, Iterable
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.core.logline import ERROR, MARKER, WARN, LogLine
from tui.core.sanitize import clip, to_text

TAG_STYLES = {"blue": "bold #5fafff", "green": "bold #5fd75f"}
PALETTE = ("bold cyan", "bold magenta", "bold yellow", "bold #ff8700", "bold #87afff")
LEVEL_STYLE = {ERROR: Style(bgcolor="#5f0000"), WARN: Style(bgcolor="#3a3a00")}


class Changed(Message, namespace="logs_panel"):
    """The view's mode changed (refresh the status line)."""

    def can_replace(self, message: object) -> bool:
        return isinstance(message, Changed)


class FocusFilter(Message, namespace="logs_panel"):
    """`/` pressed in the view: focus the filter input."""


class SaveRequested(Message, namespace="logs_panel"):
    """`s` pressed: save these lines (the view's filtered buffer)."""

    def __init__(self, lines: list[LogLine]) -> None:
        super().__init__()
        self.lines = lines


def _order(line: LogLine) -> tuple[float, int]:
    return (line.ts, line.seq)


class LogView(ScrollView, can_focus=True):
    """The virtual list of lines. Keys: see BINDINGS (avoid the app's ? q r i n)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "toggle_follow", "Follow/pause", id="logs-follow"),
        Binding("e", "next_error", "Next error", id="logs-next-error"),
        Binding("E", "previous_error", "Previous error", id="logs-prev-error"),
        Binding("w", "toggle_wrap", "Wrap", id="logs-wrap"),
        Binding("t", "toggle_timestamps", "Timestamps", id="logs-timestamps"),
        Binding("slash", "filter", "Filter", id="logs-filter"),
        Binding("X", "toggle_regex", "Regex filter", id="logs-regex"),
        Binding("v", "toggle_invert", "Invert filter", id="logs-invert"),
        Binding("s", "save", "Save buffer", id="logs-save"),
        Binding("end,G", "follow", "Follow end", show=False, id="logs-end"),
    ]

    def __init__(self, capacity: int = 10_000, max_line: int = 2_000) -> None:
        super().__init__(id="log-view")
        self.capacity = capacity
        self.max_line = max_line
        self.lines: list[LogLine] = []
        self.view: list[LogLine] = []
        self.follow = True
        self.wrap = False
        self.timestamps = False
        self.pattern = ""
        self.regex = False
        self.invert = False
        self.filter_error: str | None = None
        self.skipped = 0
        self.new_while_paused = 0
        self.cursor_seq: int | None = None
        self._matcher: Callable[[str], bool] | None = None
        self._tags: dict[str, str] = {}
        self._width = 0
        self._cache: LRUCache[tuple[int, int, bool, bool], Strip | list[Strip]] = LRUCache(2000)
        self._rows: list[int] = []  # wrap mode: first row of each view line
        self._appended_since_render = 0
        self._started = time.time()
        # Hidden until Textual's first Show: a pane that starts hidden (narrow screen,
        # another pane shown) never gets a Hide, and must not lay out the screen per line.
        self._hidden = True
        self._behind = True  # lines arrived while hidden: size and repaint on Show

    # -- data -----------------------------------------------------------------------------
    def add_lines(self, batch: Iterable[LogLine]) -> None:
        batch = sorted(batch, key=_order)
        if not batch:
            return
        # Lines older than the newest one held (a source's backlog, a remote clock behind)
        # are inserted where they belong, one bisect each; the rest is appended. The view is
        # never re-filtered whole for a batch.
        split = 0
        if self.lines:
            split = bisect.bisect_left(batch, _order(self.lines[-1]), key=_order)
        older, newer = batch[:split], batch[split:]
        inserted = False
        for line in older:
            bisect.insort(self.lines, line, key=_order)
            if self._keep(line):
                bisect.insort(self.view, line, key=_order)
                inserted = True
        self.lines.extend(newer)
        overflow = len(self.lines) - self.capacity
        if overflow > 0:
            cut = _order(self.lines[overflow - 1])
            del self.lines[:overflow]
            drop = bisect.bisect_right(self.view, cut, key=_order)
            del self.view[:drop]
            inserted = inserted or bool(drop)
        if inserted and self.wrap:
            self._rebuild_rows()
        self._append_view([line for line in newer if self._keep(line)])
        if self.follow:  # backlog from before the panel started is not "skipped" ...
            if not self._hidden:  # ... nor what came while hidden: buffered, UI not behind
                self._appended_since_render += sum(1 for x in batch if x.ts >= self._started)
        else:
            self.new_while_paused += len(batch)
        if self._hidden:  # no layout or repaint for a pane nobody sees
            self._behind = True
            return
        self._update_size()
        self.refresh()

    def on_hide(self) -> None:
        self._hidden = True

    def on_show(self) -> None:
        self._hidden = False
        if self._behind:
            self._behind = False
            self._update_size()
            self.refresh()

    def _append_view(self, added: list[LogLine]) -> None:
        if self.wrap:
            start = self._rows[-1] + self._height(self.view[-1]) if self.view else 0
            for line in added:
                self._rows.append(start)
                start += self._height(line)
        self.view.extend(added)

    def _keep(self, line: LogLine) -> bool:
        if self._matcher is None or line.level == MARKER:
            return True
        return bool(self._matcher(line.plain)) != self.invert

    def set_filter(self, pattern: str, regex: bool | None = None, invert: bool | None = None
                   ) -> None:
        self.pattern = pattern
        self.regex = self.regex if regex is None else regex
        self.invert = self.invert if invert is None else invert
        self.filter_error = None
        if not pattern:
            self._matcher = None
        elif self.regex:
            try:
                self._matcher = re.compile(pattern).search  # type: ignore[assignment]
            except re.error as exc:
                self.filter_error = f"bad regex: {exc}"
                self._matcher = None
        else:
            needle = pattern.lower()
            self._matcher = lambda s: needle in s.lower()
        self._refilter()
        self._update_size()
        if self.follow:
            self.scroll_end(animate=False, immediate=True)
        self.refresh()

    def _refilter(self) -> None:
        self.view = [line for line in self.lines if self._keep(line)]
        self._rebuild_rows()

    # -- geometry -------------------------------------------------------------------------
    def _prefix_len(self, line: LogLine) -> int:
        return len(line.source) + 3 + (13 if self.timestamps else 0)

    def _height(self, line: LogLine) -> int:
        width = max(10, self._width)
        return max(1, -(-(self._prefix_len(line) + min(len(line.text), self.max_line)) // width))

    def _rebuild_rows(self) -> None:
        self._rows = []
        if not self.wrap:
            return
        row = 0
        for line in self.view:
            self._rows.append(row)
            row += self._height(line)

    def _total_rows(self) -> int:
        if not self.wrap:
            return len(self.view)
        return self._rows[-1] + self._height(self.view[-1]) if self.view else 0

    def _update_size(self) -> None:
        width = self.max_line + 40 if not self.wrap else self.size.width
        self._set_virtual_size(Size(width, self._total_rows()))
        if self.follow:
            # force: just shown again, the scrollbars are not laid out yet and would veto it
            # the rows left once any scrollbar is drawn: the newest line is never under one
            rows = self.scrollable_content_region.height or self.size.height
            self.scroll_to(y=max(0, self._total_rows() - rows), animate=False,
                           immediate=True, force=True)

    def _set_virtual_size(self, size: Size) -> None:
        """Grow the scrollable area without laying out the whole screen. Setting
        `virtual_size` asks for a layout of every widget (it is a layout reactive), once per
        batch of lines — the bulk of the cost of a busy log. The panel's own size does not
        depend on it: only the scrollbars do, and they are updated here; a layout is asked for
        only when one appears or goes."""
        if size == self.virtual_size:
            return
        if not hasattr(self, "_scroll_update"):  # another Textual: the plain way
            self.virtual_size = size
            return
        bars = (self.show_vertical_scrollbar, self.show_horizontal_scrollbar)
        self.set_reactive(LogView.virtual_size, size)
        self._scroll_update(size)  # scrollbar thumbs, and scroll offsets clamped
        if (self.show_vertical_scrollbar, self.show_horizontal_scrollbar) != bars:
            self.refresh(layout=True)

    def on_resize(self) -> None:
        if self.size.width != self._width:
            self._width = self.size.width
            self._cache.clear()
            self._rebuild_rows()
        self._update_size()

    # -- rendering (only visible lines) ---------------------------------------------------
    def render_line(self, y: int) -> Strip:
        if y == 0:
            self._account_skipped()
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        row = scroll_y + y
        style = self.rich_style
        if self.wrap:
            index = bisect.bisect_right(self._rows, row) - 1
            if not 0 <= index < len(self.view):
                return Strip.blank(width, style)
            line = self.view[index]
            strips = self._wrapped(line, width)
            sub = row - self._rows[index]
            strip = strips[sub] if sub < len(strips) else Strip.blank(width, style)
            return strip.crop_extend(0, width, style)
        if not 0 <= row < len(self.view):
            return Strip.blank(width, style)
        strip = self._strip(self.view[row])
        return strip.crop_extend(scroll_x, scroll_x + width, style)

    def _account_skipped(self) -> None:
        """Lines that scrolled past in follow mode without ever being drawn."""
        unseen = self._appended_since_render - self.size.height
        if unseen > 0:
            self.skipped += unseen
        self._appended_since_render = 0

    def _text(self, line: LogLine) -> Text:
        tag_style = self._tags.get(line.source)
        if tag_style is None:
            tag_style = TAG_STYLES.get(line.source) or next(
                (v for k, v in TAG_STYLES.items() if k in line.source), None
            ) or PALETTE[len(self._tags) % len(PALETTE)]
            self._tags[line.source] = tag_style
        text = Text(end="", no_wrap=not self.wrap)
        if self.timestamps:
            stamp = dt.datetime.fromtimestamp(line.ts, dt.UTC).strftime("%H:%M:%S.%f")[:12]
            text.append(stamp + " ", style="dim")
        text.append(f"[{line.source}] ", style=tag_style)
        body = to_text(line.text)
        if line.level == MARKER:
            body.stylize("italic #87afaf")
        text.append_text(clip(body, self.max_line))  # type: ignore[arg-type]
        if line.level in LEVEL_STYLE:
            text.stylize(LEVEL_STYLE[line.level])
        if line.seq == self.cursor_seq:
            text.stylize("reverse")
        return text

    def _strip(self, line: LogLine) -> Strip:
        key = (line.seq, 0, self.timestamps, line.seq == self.cursor_seq)
        cached = self._cache.get(key)
        if isinstance(cached, Strip):
            return cached
        text = self._text(line)
        strip = Strip(text.render(self.app.console), text.cell_len)
        self._cache[key] = strip
        return strip

    def _wrapped(self, line: LogLine, width: int) -> list[Strip]:
        key = (line.seq, width, self.timestamps, line.seq == self.cursor_seq)
        cached = self._cache.get(key)
        if isinstance(cached, list):
            return cached
        text = self._text(line)
        parts = [text[i:i + width] for i in range(0, max(1, len(text)), width)]
        strips = [Strip(p.render(self.app.console), p.cell_len) for p in parts]
        self._cache[key] = strips
        return strips

    # -- actions --------------------------------------------------------------------------
    def _settings_changed(self) -> None:
        self._cache.clear()
        self._rebuild_rows()
        self._update_size()
        self.refresh()
        self.post_message(Changed())

    def action_toggle_follow(self) -> None:
        if self.follow:
            self.follow = False
        else:
            self.action_follow()
        self.post_message(Changed())

    def action_follow(self) -> None:
        self.follow = True
        self.new_while_paused = 0
        self.cursor_seq = None
        self._settings_changed()

    def on_mouse_scroll_up(self) -> None:
        self._scroll_back(lambda: None)  # Textual scrolls; only follow mode ends here

    def _scroll_back(self, scroll: Callable[[], None]) -> None:
        """Moving up leaves follow mode (the status line says PAUSED)."""
        self.follow = False
        scroll()
        self.post_message(Changed())

    def action_scroll_up(self) -> None:
        self._scroll_back(super().action_scroll_up)

    def action_page_up(self) -> None:
        self._scroll_back(super().action_page_up)

    def action_scroll_home(self) -> None:
        self._scroll_back(super().action_scroll_home)

    def action_toggle_wrap(self) -> None:
        self.wrap = not self.wrap
        self._settings_changed()

    def action_toggle_timestamps(self) -> None:
        self.timestamps = not self.timestamps
        self._settings_changed()

    def action_toggle_regex(self) -> None:
        self.set_filter(self.pattern, regex=not self.regex)
        self.post_message(Changed())

    def action_toggle_invert(self) -> None:
        self.set_filter(self.pattern, invert=not self.invert)
        self.post_message(Changed())

    def action_filter(self) -> None:
        self.post_message(FocusFilter())

    def action_save(self) -> None:
        self.post_message(SaveRequested(list(self.view)))

    def _top_index(self) -> int:
        row = self.scroll_offset.y
        if self.wrap:
            return max(0, bisect.bisect_right(self._rows, row) - 1)
        return row

    def _jump(self, step: int) -> None:
        if not self.view:
            return
        current = next((i for i, x in enumerate(self.view) if x.seq == self.cursor_seq), None)
        start = (current if current is not None else self._top_index() - step) + step
        n = len(self.view)
        order = [(start + k * step) % n for k in range(n)]  # wraps around the buffer
        found = next((i for i in order if self.view[i].level == ERROR), None)
        if found is None:
            self.notify("no error line in the buffer", timeout=2)
            return
        self.follow = False
        self.cursor_seq = self.view[found].seq
        self._cache.clear()
        row = self._rows[found] if self.wrap else found
        self.scroll_to(y=max(0, row - self.size.height // 3), animate=False, immediate=True)
        self.refresh()
        self.post_message(Changed())

    def action_next_error(self) -> None:
        self._jump(1)

    def action_previous_error(self) -> None:
        self._jump(-1)
