"""Escalation timers and the checklist in the running war room (Pilot, fixed clock): amber,
then red and fired once with a toast, `E` acknowledges, `K` ticks (keys typed fast), a tick
by a pair in another war room shows at the next poll; at 200x50 and 80x24."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tui.app import WarroomApp
from tui.core.config import parse_config
from tui.core.incident import Declaration, Incidents, ops
from tui.core.incident import checklist as cl
from tui.core.journal import Journal
from tui.core.model import utcnow
from tui.screens.checklist import DutyScreen
from widgets.incident_clock import IncidentClockPanel

RULES = """
[[incident.escalation]]
severity = ["P1", "P0"]
after = 30
to = "Tech Lead — phone"

[[incident.escalation]]
severity = "P1"
after = 60
to = "CTO"
"""


class Clock:
    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at


def _setup(tmp_path: Path, minutes_ago: float, extra: str = ""):
    config = parse_config(f'{extra}[environment]\nname = "esc"\n[incident]\n'
                          f'dir = "{tmp_path}"\n{RULES}', env={}, base_dir=tmp_path)
    start = utcnow() - dt.timedelta(minutes=minutes_ago)
    state = ops.declare(Incidents(config.incident), Declaration("Checkout down", "P1",
                                                                start=start), author="ann")
    return config, state


def _lines(app: WarroomApp) -> dict[str, set[str]]:
    """The clock panel's lines → the styles on them."""
    plain, _style, spans = app.query_one(IncidentClockPanel)._painted
    out: dict[str, set[str]] = {}
    offset = 0
    for line in plain.split("\n"):
        end = offset + len(line)
        out[line] = {str(s.style) for s in spans if s.start <= offset < s.end or
                     (line and offset <= s.start < end)}
        offset = end + 1
    return out


def _find(lines: dict[str, set[str]], needle: str) -> tuple[str, set[str]]:
    found = [(line, styles) for line, styles in lines.items() if needle in line]
    assert found, f"{needle!r} not in:\n" + "\n".join(lines)
    return found[0]


async def _settle(app: WarroomApp, pilot) -> None:
    for _ in range(3):  # a write, the poll it calls, a write that poll queued (a fire)
        await app.journal_writer._queue.join()
        await pilot.pause()
        app.incident_poll()
        await pilot.pause()


async def test_timers_amber_red_fire_once_ack_and_ticks_at_200x50(tmp_path: Path) -> None:
    config, state = _setup(tmp_path, minutes_ago=26)
    clock = Clock(state.start + dt.timedelta(minutes=27))
    app = WarroomApp(config, author="ann@tui", clock=clock)
    toasts: list[str] = []
    async with app.run_test(size=(200, 50)) as pilot:
        original = app.notify
        app.notify = lambda message, *a, **k: (toasts.append(str(message)),  # type: ignore
                                               original(message, *a, **k))[1]
        app._tick()
        await pilot.pause()
        line, styles = _find(_lines(app), "Tech Lead — phone")
        assert line == "▲ SOON → Tech Lead — phone in 03:00" and "bold yellow" in styles
        assert _find(_lines(app), "CTO")[0] == "→ CTO in 33:00"
        assert "Checklist 0/9 (K ticks)" in _lines(app)
        assert not toasts

        # due: red, journaled once (ticks keep coming), toasted once
        clock.at = state.start + dt.timedelta(minutes=32, seconds=5)
        for _ in range(3):
            app._tick()
            await _settle(app, pilot)
        line, styles = _find(_lines(app), "ESCALATE")
        assert line == "✗ ESCALATE → Tech Lead — phone · DUE 2 min ago · E acks"
        assert "bold white on red" in styles
        fired = [e for e in Journal(state.path).load().entries if e.kind == "escalation"]
        assert [e.data["op"] for e in fired] == ["fired"] and fired[0].author == "ann@tui"
        assert sum("ESCALATE to Tech Lead — phone" in t for t in toasts) == 1

        # E: the due escalations; space acknowledges (credited to this war room's author)
        await pilot.press("E")
        assert isinstance(app.screen, DutyScreen)
        await pilot.press("space", "escape")
        await _settle(app, pilot)
        assert not isinstance(app.screen, DutyScreen)
        line, styles = _find(_lines(app), "Tech Lead — phone")
        assert line.startswith("✓ → Tech Lead — phone · acked by ann@tui") and "green" in styles
        acked = Journal(state.path).load().entries[-1]
        assert acked.data["op"] == "acknowledged" and acked.author == "ann@tui"
        await pilot.press("E")  # nothing due any more: no dialog
        assert not isinstance(app.screen, DutyScreen)

        # K: typed fast — tick, move, tick, untick the first again, close; then a note key
        # that must open the note dialog (not leak into the checklist)
        await pilot.press("K", "space", "down", "space", "up", "space", "escape", "n")
        assert type(app.screen).__name__ == "NoteScreen"
        await pilot.press("escape")
        await _settle(app, pilot)
        ticks = [e for e in Journal(state.path).load().entries if e.kind == "checklist"]
        assert [(e.data["done"], e.author) for e in ticks] == [
            (True, "ann@tui"), (True, "ann@tui"), (False, "ann@tui")]
        items = cl.checklist(app.incident_tracker.state, config.incident)
        assert [i.done for i in items[:3]] == [False, True, False]
        assert "Checklist 1/9 (K ticks)" in _lines(app)

        # a pair in another war room ticks an item: shown at the next poll (0.5 s timer)
        cl.tick(Journal(state.path), items[0].text, True, author="bob@pair")
        app.incident_poll()
        await pilot.pause()
        assert _find(_lines(app), items[0].text)[0].endswith("(bob@pair)")

        # severity P1 → P0: the CTO rule (P1 only) goes, the acked one stays
        ops.set_severity(Incidents(config.incident), app.incident_tracker.state, "P0",
                         author="bob@pair")
        await _settle(app, pilot)
        assert not any("CTO" in line for line in _lines(app))
        # resolved: no timers, no checklist under the clock
        ops.resolve(app.incident_tracker.state, author="bob@pair")
        await _settle(app, pilot)
        assert not any("Tech Lead" in line or "Checklist" in line for line in _lines(app))


async def test_compact_clock_at_80x24_shows_due_timer_and_checklist_line(tmp_path: Path
                                                                         ) -> None:
    # with a color panel the overview pane gives the clock half the width: the compact form
    color = '[color]\n[[color.sources]]\nkind = "state_file"\npath = "state"\n'
    config, state = _setup(tmp_path, minutes_ago=31, extra=color)
    clock = Clock(state.start + dt.timedelta(minutes=31))
    app = WarroomApp(config, author="ann@tui", clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        app._tick()
        await _settle(app, pilot)
        lines = _lines(app)
        line, styles = _find(lines, "DUE")
        assert line.startswith("✗ DUE 1m ago (E) → Tech")
        assert "bold white on red" in styles
        assert _find(lines, "next: Acknowledge")[0].startswith("☑ 0/9 next: Acknowledge")
        assert "◷ 29:00 → CTO" in lines  # the next pending timer
        panel = app.query_one(IncidentClockPanel)
        assert panel.region.height <= 22 and panel.region.width <= 80
        assert all(len(line) <= panel.content_size.width for line in lines)
        await pilot.press("E")
        assert isinstance(app.screen, DutyScreen)
        await pilot.press("enter")
        await pilot.press("escape")
        await _settle(app, pilot)
        assert any(line.startswith("◷ 29:00 → CTO") for line in _lines(app))
        assert not any("DUE" in line for line in _lines(app))
