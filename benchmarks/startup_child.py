"""Child process for bench_startup.py: run an app headless and report when it is ready.

argv: MODE T0 [CONFIG]; MODE is "empty" (a bare Textual app, ready at its first paint) or
"warroom" (ready at the first paint after every panel has its first result): both headless,
they print the seconds since T0 (the parent's clock just before spawning) and exit. MODE
"static" runs, on the terminal, an empty app showing one Static (the `--tmux` baseline: the
parent watches the screen, this process only runs until it is hung up).
"""

from __future__ import annotations

import sys
import time

MODE, T0 = sys.argv[1], float(sys.argv[2])


def report(app) -> None:
    print(f"{time.time() - T0:.4f}", flush=True)
    app.exit()


if MODE == "static":
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class OneStatic(App):
        def compose(self) -> ComposeResult:
            yield Static("warroom-bench-ready")

    OneStatic().run()
elif MODE == "empty":
    from textual.app import App

    class Empty(App):
        def on_mount(self) -> None:
            self.call_after_refresh(report, self)

    Empty().run(headless=True)
else:
    from tui.app import WarroomApp
    from tui.core.config import load_config

    config = load_config(sys.argv[3])
    app = WarroomApp(config)

    def ready() -> bool:
        checks = all(s.name in app.store.checks for s in config.services)
        return checks and (config.color is None or app.store.color is not None)

    def poll() -> None:
        if ready():
            app.call_after_refresh(report, app)
        else:
            app.set_timer(0.005, poll)

    app.call_later(poll)
    app.run(headless=True)
