"""A toast whose timer never fires is taken down by the clock tick (`ToastsMixin.reap_toasts`).

Seen in CI at 80x24: an export's "wrote …" toast stayed over the footer for 20 s+ while the
war room kept answering (its clock moved). The lost timer is the fault simulated here (it
could not be produced on purpose): the toast's timers are stopped right after it shows.
"""

from __future__ import annotations

import asyncio

from textual.timer import Timer
from textual.widgets._toast import Toast

from tui.app import WarroomApp
from tui.core.config import parse_config


async def test_a_toast_past_its_time_is_taken_down() -> None:
    config = parse_config('[environment]\nname = "t"\n', env={})  # no check: no other toast
    app = WarroomApp(config)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause(0.3)
        app.notify("wrote /tmp/x.postmortem.md", timeout=1)
        await pilot.pause(0.2)
        (toast,) = app.screen.query(Toast)
        assert "wrote" in str(toast.render())
        await Timer._stop_all(toast._timers)  # the fault: its expiry never comes
        for _ in range(60):  # the tick reaps it a second after its time (bounded: 6 s)
            await asyncio.sleep(0.1)
            if not app.screen.query(Toast) and not app._notifications:
                break
        assert not app.screen.query(Toast) and not app._notifications
