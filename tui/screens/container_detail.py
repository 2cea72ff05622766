"""The drill-down: one subject (a container now; a Swarm service can follow) shown whole.

`DetailScreen` is generic: a title, a "now" line group refreshed every half second through a
callable, `Section`s (`tui.core.container_detail`) set once they are fetched, and a logs view
of just this subject — the logs pane's own `LogsPanel` (same keys: f follow, w wrap, / filter,
X regex, v invert, e/E errors, t timestamps, s save). Narrow (80 columns) the sections sit
above the logs and scroll; wide (140 columns and more) they sit side by side.

`ContainerDetailScreen` adds the container's actions: R/S/T post the containers panel's own
`ActionRequested` (the app guards, confirms, runs and audits it like every action), and once
confirmed the progress line shows "restarting… 3 s" until the engine confirms it (the
containers snapshot shows the container running with a newer start) or says why not.

No I/O here: the app fetches the inspect summary and the logs and hands them in
(`show_sections`, `show_error`, `add_log_lines`). Escape closes (from the filter field, it
goes back to the log lines first).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.events import Key, Resize
from textual.widgets import Input, Static

from tui.core.container_detail import ActionProgress, Section, live_section
from tui.core.docker_model import ContainerRow
from tui.core.logline import LogLine
from tui.core.model import utcnow
from tui.screens.modal import WarroomModal
from widgets.containers import ContainersPanel
from widgets.logs import LogsPanel, Save
from widgets.steady import SteadyStatic

TONES = {"ok": "green", "warn": "bold yellow", "bad": "bold red", "": ""}
WIDE = 140
"""From this width on, sections and logs side by side."""
LABEL_WIDTH = 16


def render_sections(sections: Iterable[Section]) -> Text:
    """Sections as plain text (never markup): a bold title, then `label  value` lines."""
    out = Text(end="")
    for index, section in enumerate(sections):
        if index:
            out.append("\n")
        out.append(section.title, style="bold underline")
        for item in section.fields:
            out.append("\n  ")
            if item.label:
                out.append(f"{item.label:<{LABEL_WIDTH}} ", style="dim")
            out.append(item.value, style=TONES.get(item.tone, ""))
    return out


class DetailLogs(LogsPanel):
    """The logs pane's panel; Escape in its filter field goes back to the lines and stops
    there (the screen's Escape closes it)."""

    def on_key(self, event: Key) -> None:
        if event.key == "escape" and isinstance(self.screen.focused, Input):
            event.stop()
            self.log_view.focus()


def render_inline(section: Section) -> Text:
    """A section on one line (wrapped when narrow): `label value · label value`."""
    out = Text(end="")
    out.append(f"{section.title}: ", style="bold")
    for index, item in enumerate(section.fields):
        if index:
            out.append(" · ", style="dim")
        if item.label:
            out.append(f"{item.label} ", style="dim")
        out.append(item.value, style=TONES.get(item.tone, ""))
    return out


class DetailScreen(WarroomModal[None]):
    """A subject with sections and its logs (see the module)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
    ]

    def __init__(self, title: str, live: Callable[[dt.datetime], Section | None], *,
                 capacity: int = 10_000, max_line: int = 2_000, save: Save | None = None,
                 log_tags: Sequence[str] = ()) -> None:
        super().__init__()
        self.title_text = title
        self.live = live
        self.log_tags = frozenset(log_tags)
        """The logs tail's sources of this subject (lines of others are not shown)."""
        self.sections: list[Section] | None = None
        """The sections shown now."""
        self._sections_at: Callable[[dt.datetime], list[Section]] | None = None
        self.error: str | None = None
        self._logs = DetailLogs(capacity=capacity, max_line=max_line, save=save,
                               id="detail-logs")
        self._early: list[LogLine] = []
        self._dedupe: tuple[set[int], float] | None = None
        self._note = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="detail-box"):
            yield Static(Text(self.title_text, style="bold"), id="detail-title", markup=False)
            yield SteadyStatic("", id="detail-progress", markup=False)
            with Container(id="detail-body"):
                with VerticalScroll(id="detail-sections", can_focus=True):
                    yield SteadyStatic("", id="detail-now", markup=False)
                    yield SteadyStatic("fetching docker inspect…", id="detail-info",
                                       markup=False)
                yield self._logs
            yield Static(self.keys_hint(), id="detail-keys", markup=False)

    ACTIONS_HINT = ""
    """The subject's action keys, put before the common keys while actions are enabled."""
    actions_enabled = False
    GONE = "it is no longer listed"
    """What a key of an action says once the subject is gone."""

    def keys_hint(self) -> Text:
        hint = Text("Esc close · Tab sections/logs · logs: f follow  w wrap  / filter  "
                    "e/E errors  t time  s save", style="dim")
        if self.actions_enabled and self.ACTIONS_HINT:
            hint = Text(f"{self.ACTIONS_HINT} · ", style="dim") + hint
        return hint

    def may_act(self, subject: Any, disabled: str) -> bool:
        """Whether an action key on `subject` (None: gone) may ask for its confirmation; if
        not, why is said in a toast."""
        if subject is None:
            why = self.GONE
        elif not self.actions_enabled:
            why = disabled
        elif self.in_progress:
            why = f"{self.progress.action} still in progress"
        else:
            return True
        self.notify(why, severity="warning")
        return False

    def on_mount(self) -> None:
        self._logs.border_title = "Logs"
        if self._note:
            self._logs.border_title = f"Logs · {self._note}"
        if self._early:
            self._logs.add_lines(self._early)
            self._early = []
        self._paint_info()  # fetched before the screen was mounted
        self.query_one("#detail-sections").focus()
        self.tick()
        self.set_interval(0.5, self.tick)

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width >= WIDE, "-wide")

    # -- fed by the app ---------------------------------------------------------------------
    def show_sections(self, sections: Callable[[dt.datetime], list[Section]]) -> None:
        """The subject's sections at a given time (their ages are repainted as they step)."""
        self._sections_at, self.error = sections, None
        self._paint_info()

    def show_error(self, error: str) -> None:
        self.error = error
        self._paint_info()

    def _paint_info(self) -> None:
        try:
            info = self.query_one("#detail-info", SteadyStatic)
        except NoMatches:  # not composed yet: on_mount paints it
            return
        if self.error is not None:
            info.paint(Text(f"inspect failed: {self.error}", style="bold red"))
        elif self._sections_at is not None:
            self.sections = self._sections_at(utcnow())
            info.paint(render_sections(self.sections))

    def add_log_lines(self, lines: list[LogLine], note: str | None = None) -> None:
        """Lines of this subject (already filtered); `note` says where they come from."""
        if note is not None:
            self._note = note
            if self.is_mounted:
                self._logs.border_title = f"Logs · {note}"
        if not lines:
            return
        lines = self._new(lines)
        if not self.is_mounted:
            self._early.extend(lines)
            return
        self._logs.add_lines(lines)

    def _new(self, lines: list[LogLine]) -> list[LogLine]:
        """The first lines (the tail's buffer when opened) may hold some not yet delivered
        by the tail: those arrive again in its next batch and are dropped, for a few seconds."""
        now = time.monotonic()
        if self._dedupe is None:
            self._dedupe = ({line.seq for line in lines}, now + 5.0)
            return lines
        seen, until = self._dedupe
        if not seen or now > until:
            return lines
        return [line for line in lines if line.seq not in seen]

    # -- refreshed --------------------------------------------------------------------------
    def tick(self) -> None:
        now = utcnow()
        self._paint_info()  # a no-op unless an age stepped
        live = self.live(now)
        self.query_one("#detail-now", SteadyStatic).paint(
            render_inline(live) if live is not None else Text(""))
        self.query_one("#detail-progress", SteadyStatic).paint(self.progress_line())

    # -- an action under way (container, service): one progress line -----------------------
    progress: Any = None
    """The action under way: `describe(subject, now) -> (text, tone, done)`, `action`,
    `since`, `before` (the subject when it began), `failed`."""
    _final: Text | None = None

    progress_kind: Any = None
    """The subclass's progress type, built as `(action, since, before, failed=...)`."""
    lookup: Callable[[], Any]
    """The subject as the panel has it now (None once it is gone)."""

    def fail_action(self, action: str, why: str) -> None:
        """The action failed or was refused (said on the progress line)."""
        before = self.progress.before if self.progress else self.lookup()
        since = self.progress.since if self.progress else time.monotonic()
        self.show_progress(self.progress_kind(action, since, before, failed=why))

    def show_progress(self, progress: Any) -> None:
        """Show `progress` on the progress line until it says it is done (or failed)."""
        self.progress, self._final = progress, None
        if self.is_mounted:
            self.tick()

    def progress_text(self, subject: Any) -> tuple[Text, bool]:
        """The progress line for `subject` as it is now, and whether it just became final
        (confirmed or failed: said once, as it was)."""
        if self.progress is None:
            return Text(""), False
        if self._final is not None:
            return self._final, False
        text, tone, done = self.progress.describe(subject, time.monotonic())
        shown = Text(text, style=TONES.get(tone, ""))
        if done:
            self._final = shown
        return shown, done

    @property
    def in_progress(self) -> bool:
        return self.progress is not None and self._final is None

    def progress_line(self) -> Text:
        return Text("")

    # -- keys -------------------------------------------------------------------------------
    def action_close(self) -> None:
        if self.text_focused():  # the filter field: back to the lines, as in the logs pane
            self._logs.log_view.focus()
            return
        self.dismiss(None)


class ContainerDetailScreen(DetailScreen):
    """The detail of one container, with its R/S/T actions and their progress."""

    progress_kind = ActionProgress

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("R", "container('restart')", "Restart", id="detail-restart"),
        Binding("S", "container('stop')", "Stop", id="detail-stop"),
        Binding("T", "container('start')", "Start", id="detail-start"),
    ]
    LETTER_ACTIONS = frozenset({"container"})
    ACTIONS_HINT = "R restart  S stop  T start"
    GONE = "this container is no longer watched"

    def __init__(self, row: ContainerRow, lookup: Callable[[], ContainerRow | None], *,
                 actions: bool = True, capacity: int = 10_000, max_line: int = 2_000,
                 save: Save | None = None, log_tags: Sequence[str] = ()) -> None:
        self.row: ContainerRow | None = row
        self.key = row.key
        self.lookup = lookup
        self.actions_enabled = actions
        super().__init__(f"Container {row.name} on {row.host} · {row.id}", self._live,
                         capacity=capacity, max_line=max_line, save=save, log_tags=log_tags)

    def _live(self, now: dt.datetime) -> Section:
        self.row = self.lookup()
        return live_section(self.row, now)

    # -- actions ----------------------------------------------------------------------------
    def action_container(self, action: str) -> None:
        row = self.lookup()
        if self.may_act(row, "container actions are disabled in the config"):
            self.post_message(ContainersPanel.ActionRequested(row, action))

    def begin_action(self, action: str, clock: Callable[[], float] = time.monotonic) -> None:
        """The action was confirmed and is under way: show its progress until the engine
        confirms it."""
        self.show_progress(ActionProgress(action, clock(), self.lookup()))

    def progress_line(self) -> Text:
        return self.progress_text(self.row)[0]
