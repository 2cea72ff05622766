"""Two war rooms on one journal (pairing) record a shared check transition once."""

from __future__ import annotations

import datetime as dt

from tui.core.config import parse_config
from tui.core.incident.files import Incidents
from tui.core.incident.tracker import IncidentTracker
from tui.core.model import State, Transition, utcnow


def test_the_same_transition_from_two_processes_is_journaled_once(tmp_path):
    config = parse_config(
        f'[environment]\nname = "t"\n[incident]\ndir = "{tmp_path}"\n', env={}
    )
    mine, theirs = (IncidentTracker(Incidents(config.incident)) for _ in range(2))
    mine.load()
    theirs.load()
    now = utcnow()
    assert mine.record_transition(Transition("api", State.OK, State.DOWN, "HTTP 503", now))
    theirs.poll()  # the other TUI sees the entry within its 0.5 s poll
    later = now + dt.timedelta(seconds=3)
    duplicate = Transition("api", State.OK, State.DOWN, "HTTP 503", later)
    assert theirs.record_transition(duplicate) is None
    # a different state, or the same one much later, is a new event
    assert theirs.record_transition(Transition("api", State.DOWN, State.OK, "HTTP 200", later))
    theirs.poll()
    much_later = now + dt.timedelta(minutes=5)
    assert theirs.record_transition(
        Transition("api", State.OK, State.DOWN, "HTTP 503", much_later)
    )
    mine.poll()
    checks = [e for e in mine.entries if e.kind == "check"]
    assert [e.data["new"] for e in checks] == ["DOWN", "OK", "DOWN"]
