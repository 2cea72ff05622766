"""Closing the terminal mid-action (SIGHUP) does not orphan the local process silently: the
app stops it (its whole process group) and the journal records it as interrupted."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from tests.e2e.conftest import make_config, wait_screen
from tests.infra.common import wait_until
from tests.infra.tmux import TmuxSession

READY = re.compile(r"\b(?:OK|DEGRADED|DOWN)\s+api-live\b")


def _pids_with(marker: str) -> list[int]:
    out = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def test_hangup_mid_action_stops_it_and_records_interrupted(
        production, tmux_session: Callable[..., TmuxSession], warroom_bin: str,
        tmp_path: Path, xdg_dirs) -> None:
    marker = f"warroom-hangup-{os.getpid()}-{tmp_path.name}"
    long_step = {"name": "long-step", "key": "k", "description": "a long runbook step",
                 "argv": ["sh", "-c", f"echo started; sleep 300; echo {marker}"],
                 "timeout": 600.0}
    config = make_config(production.demo, tmp_path / "hangup.toml",
                         {"actions": [long_step]}, drop=("maintenance",))
    tui = tmux_session(term="screen-256color").start(
        f"{warroom_bin} --config {config}", width=120, height=40)
    wait_screen(tui, lambda s: READY.search(s) is not None, "the war room")
    tui.send_keys("o")  # arm (simple confirmation: y)
    wait_screen(tui, lambda s: "Arm operator mode?" in s, "the arm dialog")
    tui.send_keys("y")
    wait_screen(tui, lambda s: "OPERATOR ARMED" in s, "armed")
    tui.send_keys("k")
    wait_screen(tui, lambda s: "Run long-step?" in s, "the confirmation")
    tui.send_keys("y")
    wait_until(lambda: _pids_with(marker), timeout=15, what="the action's process")
    tui.kill()  # the terminal goes away: the app gets SIGHUP
    wait_until(lambda: not _pids_with(marker), timeout=20, what="the action stopped")

    def outcomes() -> list[str]:
        journals = (xdg_dirs.state / "warroom" / "incidents").glob("*.jsonl")
        records = [json.loads(line) for j in journals for line in j.read_text().splitlines()]
        return [r["data"].get("outcome") for r in records
                if r["kind"] == "action" and r["data"].get("action") == "long-step"]

    # the record is written as the app winds down, just after the process group is gone
    wait_until(lambda: "interrupted" in outcomes(), timeout=20, what="the interrupted record")
    assert outcomes()[0] == "started" and outcomes()[-1] == "interrupted", outcomes()
