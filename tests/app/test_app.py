"""The war room headless, at 80x24 and 200x50, against the real demo production."""

from __future__ import annotations

from tests.app.screen import screen_text, wait_screen, widget_text
from tests.infra.http import Hang
from tui.app import WarroomApp
from tui.core.config import parse_config
from tui.demo.files import break_color, heal_color
from tui.screens.help import HelpScreen
from widgets.color import ColorPanel
from widgets.health import HealthPanel
from widgets.incident_clock import IncidentClockPanel as ClockPanel
from widgets.log_view import LogView


def live_ok(text: str) -> bool:
    return "api-blue" in text and "LIVE" in text and "GREEN" in text and "OK" in text


async def test_start_up_shows_every_panel_with_data_at_80x24(demo_cfg):
    app = WarroomApp(demo_cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        text = await wait_screen(pilot, lambda t: live_ok(t) and "deps 3/3 ok" in t)
        assert "PRODUCTION" in text and "demo-production" in text and "UTC" in text
        assert "Service health" in text and "Active color" in text and "Incident" in text
        assert "no incident declared" in text
        assert "3f9c2e1" in text  # blue's x-build
        for line in text.splitlines():
            assert len(line) <= 80


async def test_breaking_a_service_turns_it_down_with_the_reason(demo, demo_cfg):
    app = WarroomApp(demo_cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_screen(pilot, live_ok)
        break_color(demo.dir, "green", "redis")
        app.monitor.refresh()
        text = await wait_screen(pilot, lambda t: "✗ DOWN" in t and "redis" in t)
        assert "HTTP 503" in text
        assert "CRITICAL" in text
        assert "live color green is DOWN while idle blue is OK" in widget_text(
            app, app.query_one(ColorPanel)
        )
        heal_color(demo.dir)
        app.monitor.refresh()
        await wait_screen(pilot, lambda t: "✗ DOWN" not in t and " OK " in t)


async def test_wide_layout_puts_side_panels_beside_main(demo_cfg):
    app = WarroomApp(demo_cfg)
    async with app.run_test(size=(200, 50)) as pilot:
        text = await wait_screen(pilot, live_ok)
        health, color, clock = (app.query_one(c) for c in (HealthPanel, ColorPanel, ClockPanel))
        assert color.region.x > health.region.x + 100
        assert color.region.y == health.region.y
        assert clock.region.x == color.region.x
        assert "COLOR" in text  # the wide table has the color column
        assert "└ database" in text  # and every dependency row
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.3)
        assert app.query_one(ColorPanel).region.y > app.query_one(HealthPanel).region.y


async def test_help_lists_every_binding_and_refresh_works(demo_cfg):
    app = WarroomApp(demo_cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_screen(pilot, live_ok)
        rounds = sum(job.rounds for job in app.monitor.scheduler.jobs)
        await pilot.press("r")
        await pilot.pause(0.5)
        assert sum(job.rounds for job in app.monitor.scheduler.jobs) > rounds
        await pilot.press("question_mark")
        await pilot.pause(0.2)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for key, what in (("?", "Help"), ("r", "Refresh"), ("q", "Quit"), ("^p", "palette")):
            assert key in text and what in text
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert not isinstance(app.screen, HelpScreen)


async def test_read_only_badge(demo_cfg):
    app = WarroomApp(demo_cfg, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        text = await wait_screen(pilot, lambda t: "READ-ONLY" in t)
        assert "READ-ONLY" in text


async def test_stays_responsive_while_a_target_hangs(http_server):
    hang = http_server.route("/hang", Hang(max_s=20))
    config = parse_config(
        f'[environment]\nname = "t"\n[defaults]\ntimeout = 10\n'
        f'[[services]]\nname = "stuck"\nurl = "{hang}"\n',
        env={},
    )
    app = WarroomApp(config)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_screen(pilot, lambda t: "waiting for the first result" in t)
        await pilot.press("question_mark")
        await pilot.pause(0.2)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("q")
        await pilot.pause(0.5)
    assert app.return_code in (0, None)


async def test_command_palette_runs_warroom_commands(demo_cfg):
    app = WarroomApp(demo_cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_screen(pilot, live_ok)
        rounds = sum(job.rounds for job in app.monitor.scheduler.jobs)
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        await pilot.press(*"refresh")
        await wait_screen(pilot, lambda t: "Refresh" in t and "key: r" in t, timeout=5)
        await pilot.press("enter")
        await pilot.pause(0.5)
        assert sum(job.rounds for job in app.monitor.scheduler.jobs) > rounds


async def test_hidden_logs_pane_catches_up_when_shown(tmp_path):
    """80x24 starts on the overview pane: the logs pane takes lines without laying out the
    screen for each, and shows them, newest last, the moment it is brought forward."""
    log = tmp_path / "app.log"
    log.write_text("boot line\n")
    config = parse_config(f'[environment]\nname = "logs-pane"\n[[logs.sources]]\n'
                          f'kind = "file"\nname = "app"\npath = "{log}"\n')
    app = WarroomApp(config)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(LogView)
        await wait_screen(pilot, lambda t: "Incident" in t)
        with log.open("a") as fh:
            fh.writelines(f"line {i} while hidden\n" for i in range(60))
        for _ in range(50):
            await pilot.pause(0.1)
            if len(view.lines) >= 61:
                break
        assert view._hidden and view._behind and "while hidden" not in screen_text(app)
        await pilot.press(str(app.panes.index("logs") + 1))
        text = await wait_screen(pilot, lambda t: "line 59 while hidden" in t)
        assert "FOLLOW" in text and "/6" in text  # the status line counted them (61+ lines)
        assert "unseen" not in text  # taken while hidden: in the buffer, the UI was not behind
        assert not view._hidden and not view._behind
