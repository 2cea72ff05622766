"""Typeahead in a real terminal: `n`, a note and ctrl+s sent by tmux in ONE `send-keys` (as a
paste or a slow ssh link delivers them), twenty times back to back: every note is saved whole,
in order, and no key lands anywhere else."""

from __future__ import annotations

import time
from pathlib import Path

from tests.e2e.conftest import has_all, wait_screen
from tests.infra.tmux import TmuxSession
from tui.core.config import load_config
from tui.core.incident import Incidents
from tui.core.journal import Journal

NOTES = 20


def notes(config: Path) -> list[str]:
    incidents = Incidents.from_config(load_config(config))
    path = incidents.audit_path
    entries = Journal(path).load().entries if path.exists() else []
    return [e.text() for e in entries if e.kind == "note"]


def test_notes_typed_ahead_are_saved_whole(tmux_session, warroom_bin: str,
                                           unique_config: Path) -> None:
    tui: TmuxSession = tmux_session(term="screen-256color")
    tui.start([warroom_bin, "--config", str(unique_config), "--as", "typist"],
              width=80, height=24)
    wait_screen(tui, has_all("Service health", "? help"), "the war room")
    # every hot key of the main screen inside the text: i b o q r 1 2 n y
    sent = [f"typeahead-{i}: quick brown fox; i b o q r 1 2 n y — end {i}"
            for i in range(NOTES)]
    for text in sent:
        tui.send_keys("n", text, "C-s")  # one write: n, the text and ctrl+s together
    deadline = time.monotonic() + 60
    while len(saved := notes(unique_config)) < NOTES:
        assert time.monotonic() < deadline, f"{len(saved)} notes saved:\n{tui.capture()}"
        time.sleep(0.2)
    assert saved == sent
    screen = wait_screen(tui, has_all("Service health"), "back on the main screen")
    assert "Declare an incident" not in screen and "Arm operator mode" not in screen
    assert tui.exit_status() is None  # `q` inside the notes never quit
    tui.send_keys("q")
    assert tui.wait_exit() == 0
