"""Regenerate the README's screenshots: the demo production with its live color broken.

    python scripts/screenshots.py        (needs rsvg-convert: Debian librsvg2-bin)

Runs the real app headless against `warroom demo`'s production (fresh, in a temp dir, any
free ports; with Prometheus and Alertmanager when installed), breaks the live color's redis,
waits until the screen shows it DOWN, the timeline recorded it and (wide) the alert fired,
and writes docs/screenshot-80x24.png and docs/screenshot-200x50.png.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.app.screen import wait_screen  # noqa: E402
from tui.app import WarroomApp  # noqa: E402
from tui.core.config import load_config  # noqa: E402
from tui.demo.config import write_config  # noqa: E402
from tui.demo.env import start_demo  # noqa: E402
from tui.demo.files import STATE, break_color, read_kv  # noqa: E402


async def shoot(config_path: Path, size: tuple[int, int], out: Path) -> None:
    app = WarroomApp(load_config(config_path))
    async with app.run_test(size=size) as pilot:
        await wait_screen(pilot, lambda t: "DOWN" in t and "is DOWN while" in t, timeout=30)
        if size[0] >= 120:
            await wait_screen(pilot, lambda t: "CHECK" in t, timeout=30)  # the timeline entry
            # with Prometheus and Alertmanager installed: the alert fired, the 5xx climbed
            if "alerts" in app.panes:
                await wait_screen(pilot, lambda t: "1 firing" in t and "ALERT" in t,
                                  timeout=90)
        await pilot.pause(4.5)  # two more rounds: the cold-start latencies age out
        svg = out.with_suffix(".svg")
        app.save_screenshot(str(svg.name), path=str(svg.parent))
    subprocess.run(["rsvg-convert", str(svg), "-o", str(out)], check=True)
    svg.unlink()
    print(f"wrote {out}")


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="wr-shots-"))
    os.environ["XDG_STATE_HOME"] = str(tmp / "state")  # a fresh journal, not yours
    demo = start_demo(tmp / "demo", {"router": 0, "blue": 0, "green": 0}, chatter=0.5,
                      traffic=1.0, monitoring=True, say=lambda _m: None)
    try:
        live = read_kv(demo.dir / STATE).get("active", "green")
        break_color(demo.dir, live, "redis")
        config = write_config(demo)
        for size, name in (((80, 24), "screenshot-80x24.png"),
                           ((200, 50), "screenshot-200x50.png")):
            asyncio.run(shoot(config, size, ROOT / "docs" / name))
    finally:
        demo.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
