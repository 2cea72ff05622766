"""The war room opened on the demo: the demo keys break and heal, and `?` lists them."""

from __future__ import annotations

from tests.demo.conftest import get
from tests.infra.common import wait_until
from tui.demo.config import demo_config
from tui.demo.env import DemoEnv
from tui.demo.keys import demo_keys


async def test_demo_keys_break_heal_and_are_in_help(demo: DemoEnv) -> None:
    from tui.app import WarroomApp

    app = WarroomApp(demo_config(demo), extra_bindings=demo_keys(demo.dir))
    async with app.run_test(size=(120, 40)) as pilot:
        rows = {key: text for key, text, _ in app.binding_rows()}
        assert "Demo: break the live color" in rows.get("B", "")
        assert "Demo: heal every color" in rows.get("H", "")
        await pilot.press("B")
        await pilot.pause()
        for worker in _extra(app):
            await worker.wait()
        assert (demo.dir / "break-green").read_text().strip() == "redis"
        assert get(demo.url("green"))[0] == 503
        await pilot.press("H")
        await pilot.pause()
        for worker in _extra(app):
            await worker.wait()
        wait_until(lambda: not (demo.dir / "break-green").exists(), what="heal")
        assert get(demo.url("green"))[0] == 200


def _extra(app):
    """The demo-key workers only (other panels run long-lived workers of their own)."""
    return [w for w in app.workers if w.group == "extra"]
