"""Many hosts in the REAL app: 4 hosts through a real sshd (each its own loopback address and
connection, each forwarding the real Docker socket) and one host that never answers the SSH
handshake. The live hosts' rows show while the dead one is still connecting (it delays
nobody), then it shows UNREACHABLE with its age; summary rows per host; collapse one (space)
and all (Z); filter with `/ host:NAME` and `h`. At 80x24 and 200x50."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.containers.conftest import eventually
from tests.containers.fleet_sshd import FleetSshd, dead, dead_toml
from tests.infra.common import require
from tests.infra.sshd import missing_reason
from tui.app import WarroomApp
from tui.core.config import parse_config
from tui.core.docker_model import STORE_KIND
from widgets.container_groups import summary_key
from widgets.containers import ContainersPanel

pytestmark = pytest.mark.docker
LIVE = ["h0", "h1", "h2", "h3"]


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Any:
    why = missing_reason()
    require("sshd", why is None, why or "")
    server = FleetSshd(tmp_path_factory.mktemp("fleet"), len(LIVE))
    yield server
    server.close()


def _config(fleet: FleetSshd, prefix: str, listener: Any, tmp: Path) -> Any:
    return parse_config(
        '[environment]\nname = "fleet-test"\n' + fleet.hosts_toml(LIVE)
        + dead_toml(["dead"], [listener], fleet.known_hosts, connect_timeout=4)
        + '[containers]\nhosts = ["h0", "h1", "h2", "h3", "dead"]\n'
        + f'names = ["^{prefix}"]\nstats = false\ntimeout = 5\n'
        + f'[incident]\ndir = "{tmp / "incidents"}"\n', env={})


def _cell(panel: ContainersPanel, host: str, column: str) -> str:
    return panel.table.get_cell(summary_key(host), column).plain


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_fleet_grouped_collapsed_filtered(fleet, container_factory, tmp_path, size):
    container_factory("sleep 600", name="api-blue", labels={"color": "blue"})
    container_factory("sleep 600", name="api-green", labels={"color": "green"})
    container_factory("exit 3", name="job")
    listener = dead(1)[0]
    app = WarroomApp(_config(fleet, container_factory.prefix, listener, tmp_path),
                     author="test")
    try:
        async with app.run_test(size=size) as pilot:
            app.action_pane("containers")
            panel = app.query_one(ContainersPanel)

            def live_rows() -> int:
                return sum(1 for r in panel.rows_shown.values() if r.host in LIVE)

            await eventually(lambda: live_rows() == 3 * len(LIVE), timeout=15,
                             what="every live host's rows")
            # the dead host (4 s connect timeout) has delayed nobody: still connecting
            snap = app.store.snapshots[STORE_KIND].value
            assert {e.host: e.connecting for e in snap.engines}["dead"]
            await eventually(lambda: _cell(panel, "dead", "state") == "UNREACHABLE",
                             timeout=10, what="the dead host UNREACHABLE")
            await pilot.pause()
            assert re.fullmatch(r"UNREACHABLE (<10s|\d+s)", _cell(panel, "dead", "name"))
            assert "UNREACHABLE: dead" in panel.status.content.plain
            # worst first: the dead host, then the hosts (all the same engine) with the
            # exited job: "1 exited", 2 of 3 running
            keys = panel.table.keys
            assert keys[0] == summary_key("dead")
            assert _cell(panel, "h0", "name") == "2/3 running"
            assert _cell(panel, "h0", "health") == "1 exited"
            assert _cell(panel, "h0", "state") == "up"
            assert panel.table.row_count == 5 + 3 * len(LIVE)
            # space on a host's summary collapses it; again expands it
            panel.table.focus()
            panel.table.move_cursor(row=keys.index(summary_key("h1")))
            await pilot.press("space")
            await pilot.pause()
            assert not any(r.host == "h1" for r in panel.rows_shown.values())
            assert _cell(panel, "h1", "host").startswith("▸")
            await pilot.press("space")
            await pilot.pause()
            assert sum(r.host == "h1" for r in panel.rows_shown.values()) == 3
            # Z: every host on one line; Z again: all back
            await pilot.press("Z")
            await pilot.pause()
            assert panel.table.row_count == 5 and not panel.rows_shown
            await pilot.press("Z")
            await pilot.pause()
            assert panel.table.row_count == 5 + 3 * len(LIVE)
            # / host:h2 → only h2; Esc clears
            await pilot.press("slash", *"host:h2", "enter")
            await pilot.pause()
            assert {r.host for r in panel.rows_shown.values()} == {"h2"}
            assert panel.table.keys[0] == summary_key("h2") and panel.table.row_count == 4
            await pilot.press("slash", "escape")
            await pilot.pause()
            assert panel.table.row_count == 5 + 3 * len(LIVE)
            # h on a container row: only its host; h again: every host
            panel.table.move_cursor(row=panel.table.keys.index(summary_key("h3")) + 1)
            await pilot.press("h")
            await pilot.pause()
            assert {r.host for r in panel.rows_shown.values()} == {"h3"}
            await pilot.press("h")
            await pilot.pause()
            assert len(panel.rows_shown) == 3 * len(LIVE)
            # one connection per live host
            assert {app.monitor.ssh.connects(h) for h in LIVE} == {1}
    finally:
        listener.close()
