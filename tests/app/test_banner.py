"""The banner at 80, 100, 120 and 200 columns, armed + maintenance + CRITICAL: shortened by
priority, never cut mid-word; the verdict word and the maintenance since-time always whole."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from textual.app import App, ComposeResult

from tests.app.screen import APP_CSS
from widgets.header import Banner

NOW = dt.datetime(2026, 12, 1, 5, 9, 47, tzinfo=dt.UTC)
WORDS = {  # every word any form of any part may show
    "▲", "PRODUCTION", "PROD", "demo-production", "READ-ONLY", "R/O", "OPERATOR", "ARMED",
    "9:33", "MAINTENANCE", "MAINT", "since", "05:08:21", "on", "OK", "WARNING", "CRITICAL",
    "UNKNOWN", "2026-12-01", "05:09:47", "05:09", "UTC",
}
CASES = list(itertools.product(
    (80, 100, 120, 200),                      # width
    ("OK", "CRITICAL", "MAINTENANCE", "UNKNOWN"),  # verdict
    (True, False),                            # armed
    ("since 05:08:21", "on", ""),             # maintenance
    (True, False),                            # read-only
))


class BannerApp(App[None]):
    CSS_PATH = APP_CSS

    def compose(self) -> ComposeResult:
        yield Banner("demo-production", production=True, read_only=False)


def configure(banner: Banner, verdict: str, armed: bool, maint: str, read_only: bool) -> str:
    banner.read_only = read_only
    banner.verdict = verdict
    banner.mode = " OPERATOR ARMED 9:33 " if armed else ""
    banner.mode_short = "ARMED 9:33" if armed else ""
    banner.maintenance = maint
    banner.now = NOW
    return banner.render().plain


async def test_never_cut_mid_word_and_the_verdict_whole() -> None:
    for width, cases in itertools.groupby(CASES, key=lambda c: c[0]):
        app = BannerApp()
        async with app.run_test(size=(width, 5)) as pilot:
            await pilot.pause()
            banner = app.query_one(Banner)
            assert banner.size.width == width
            for _, verdict, armed, maint, read_only in cases:
                line = configure(banner, verdict, armed, maint, read_only)
                what = f"{width} cols, {verdict}, armed={armed}, {maint!r}, ro={read_only}"
                assert len(line) <= width, (what, line)
                assert set(line.split()) <= WORDS, (what, line)
                assert "demo-production" in line, (what, line)
                words = line.split()
                assert verdict in words or (verdict == "MAINTENANCE" and "MAINT" in words), (
                    what, line)
                if maint:
                    assert {"MAINTENANCE", "MAINT"} & set(words), (what, line)
                if maint.startswith("since"):
                    assert "05:08:21" in words, (what, line)
                elif maint == "on":
                    assert "on" in words, (what, line)
                if armed:
                    assert "ARMED 9:33" in line, (what, line)
                assert "05:09" in line, (what, "the clock stays", line)


@pytest.mark.parametrize(("width", "expected"), [
    (200, "▲ PRODUCTION  demo-production   OPERATOR ARMED 9:33 {gap} MAINTENANCE since "
          "05:08:21   2026-12-01 05:09:47 UTC "),
    (80, "▲ PRODUCTION  demo-production   ARMED 9:33 {gap} MAINT since 05:08:21   05:09 UTC "),
])
async def test_the_outage_seen_in_tmux(width: int, expected: str) -> None:
    """Production, armed, maintenance: at 80 columns the time and the clock stay whole."""
    app = BannerApp()
    async with app.run_test(size=(width, 5)) as pilot:
        await pilot.pause()
        line = configure(app.query_one(Banner), "MAINTENANCE", True, "since 05:08:21", False)
        head, tail = expected.split("{gap}")
        assert line.startswith(" " + head) and line.endswith(tail), line
        assert len(line) == width
        text = app.query_one(Banner).render()
        clock = line.rindex("05:09")
        assert not [s for s in text.spans if s.end > clock], "the clock takes no badge style"


async def test_at_80_everything_full_when_it_fits() -> None:
    app = BannerApp()
    async with app.run_test(size=(80, 5)) as pilot:
        await pilot.pause()
        line = configure(app.query_one(Banner), "OK", False, "", False)
        assert line.split() == ["▲", "PRODUCTION", "demo-production", "OK", "2026-12-01",
                                "05:09:47", "UTC"], line
