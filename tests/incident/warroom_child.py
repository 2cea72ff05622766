"""A headless war room for the events tests: the app's automatic-entry wiring, no UI.

    python -m tests.incident.warroom_child CONFIG STOP_FILE

Probes the config's services (and containers) with the real Monitor and ContainersProbe and
journals what the app journals (every check transition, color change and container candidate
through `IncidentTracker`), until STOP_FILE exists. Prints one line per decision, flushed:
``check api DOWN written|known``, ``container KEY EVENT written|known``.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from tui.core.config import load_config
from tui.core.container_events import ContainerWatch
from tui.core.incident import Incidents
from tui.core.incident.tracker import IncidentTracker
from tui.core.model import Transition
from tui.core.store import Store
from tui.engine.monitor import Monitor


def say(line: str) -> None:
    print(line, flush=True)


async def main(config_path: Path, stop_file: Path) -> None:
    config = load_config(config_path)
    store = Store()
    live = IncidentTracker(Incidents.from_config(config), author=f"child-{os.getpid()}")
    live.load()

    def on_transition(t: Transition) -> None:
        entry = live.record_transition(t)
        say(f"check {t.key} {t.new.value} {'written' if entry else 'known'}")

    store.on_transition(on_transition)
    store.on_color_change(live.record_color)
    monitor = Monitor(config, store)
    monitor.start()
    probe: Any = None
    if config.containers is not None:
        from probes.docker_probe import ContainersProbe

        watch = ContainerWatch()

        def on_snapshot(snap: Any) -> None:
            for data in watch.changes(snap):
                entry = live.record_container(data, snap.at)
                say(f"container {data['key']} {data['event']} "
                    f"{'written' if entry else 'known'}")

        probe = ContainersProbe(config.containers, on_snapshot)
        probe.start()
    say("started")
    try:
        while not stop_file.exists():
            await asyncio.sleep(0.1)
            live.poll()
    finally:
        await monitor.close()
        if probe is not None:
            await probe.close()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), Path(sys.argv[2])))
