"""Keyboard safety: random text typed into every dialog, key by key and as one typeahead
burst (the dialog's own opening key included), never reaches the screen beneath.

For each dialog a small model says which key, if any, legitimately closes it (`y`/`n` on a
simple confirmation, Enter on a complete override reason, `q`/`?` on the help ...); the typed
text stops there. Then: no war-room action ran while a dialog was active (a spy on the app's
action dispatch), the only war-room action is the one that opened the dialog, a text field
holds exactly what was typed, and the journal holds only the entry the dialog was for.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from textual.screen import Screen
from textual.widgets import Input, TextArea

from tests.app.keys import burst, keys_applied, one_by_one
from tests.app.test_snapshots import FrozenMonitor
from tui.app import WarroomApp
from tui.core.config import load_config
from tui.core.incident import Declaration, ops
from tui.core.journal import Journal
from tui.core.model import CheckResult, ColorReading, ColorResult, State, utcnow
from tui.core.store import Store
from tui.demo.config import config_dict
from tui.demo.env import DemoEnv
from tui.features.key_order import KeyOrderMixin
from tui.screens.confirm import ConfirmScreen
from tui.screens.help import HelpScreen
from tui.screens.incident import DeclareScreen, IncidentScreen
from tui.screens.incident_history import HistoryScreen
from tui.screens.modal import GENERIC_ACTIONS
from tui.screens.note import NoteScreen

BURSTS = 3
STEADY = 1  # rounds typed one key at a time (slower: Pilot waits for idle per key)
LENGTH = 20
HOT = "ynibogqr12"  # keys that mean something on the main screen
TEXT = string.ascii_letters + string.digits + " .,-/?"
WRITTEN = ("note", "incident", "action")  # journal kinds a person's key can cause


@dataclass
class Dialog:
    name: str
    opens: str  # the key that opens it on the main screen
    screen: type[Screen[Any]]
    closes: Callable[[list[str], int], str | None]
    """(keys, i) → what keys[i] does if it closes the dialog ("yes", "no", "pick", "close")."""
    field: str | None = None  # the text field that must hold the typed text
    enter: bool = True  # Enter is in the alphabet
    armed: bool = False
    incident: bool = False


def simple(keys: list[str], i: int) -> str | None:  # Cancel has focus
    return {"y": "yes", "n": "no", "enter": "no"}.get(keys[i])


def reason(keys: list[str], i: int) -> str | None:  # Enter confirms a reason of 3+ characters
    typed = "".join(k for k in keys[:i] if k != "enter").strip()
    return "yes" if keys[i] == "enter" and len(typed) >= 3 else None


DIALOGS = [
    Dialog("arm", "o", ConfirmScreen, simple),
    Dialog("simple-action", "u", ConfirmScreen, simple, armed=True),
    Dialog("override-reason", "M", ConfirmScreen, reason, field="#confirm-reason", armed=True),
    Dialog("typed-and-reason", "b", ConfirmScreen, lambda k, i: None, field="#confirm-typed",
           armed=True),
    Dialog("note", "n", NoteScreen, lambda k, i: None, field="#text"),
    Dialog("help", "?", HelpScreen,
           lambda k, i: "close" if k[i] in ("q", "?") else None),
    Dialog("declare", "i", DeclareScreen, lambda k, i: None, field="#title", enter=False),
    Dialog("incident-menu", "i", IncidentScreen,
           lambda k, i: "pick" if k[i] == "enter" else None, incident=True),
    Dialog("history", "I", HistoryScreen, lambda k, i: None),
]


def random_keys(rng: random.Random, enter: bool) -> list[str]:
    keys = []
    for _ in range(LENGTH):
        roll = rng.random()
        if enter and roll < 0.1:
            keys.append("enter")
        elif roll < 0.5:
            keys.append(rng.choice(HOT))
        else:
            keys.append(rng.choice(TEXT))
    return keys


def written(incidents: Path) -> dict[str, Any]:
    """Every entry a person's key can cause, by id."""
    return {e.id: e for p in sorted(incidents.rglob("*.jsonl"))
            for e in Journal(p).load().entries if e.kind in WRITTEN}


def feed(app: WarroomApp) -> None:
    """Live blue, idle green DOWN: rollback and maintenance-off fail their preflight."""
    at = utcnow()
    for service in app.config.services:
        state = State.DOWN if service.color == "green" else State.OK
        app.store.put_check(CheckResult(service.name, state, state.value, at), 600)
    app.store.put_color(ColorResult("blue", "green", (ColorReading("state", "blue"),), at), 600)


@pytest.fixture
def app(demo: DemoEnv, tmp_path: Path) -> WarroomApp:
    data = config_dict(demo)
    data["incident"] = {"dir": str(tmp_path / "incidents")}
    (tmp_path / "warroom.toml").write_text(tomli_w.dumps(data))
    config = load_config(tmp_path / "warroom.toml")
    return WarroomApp(config, author="fuzz@test", monitor=FrozenMonitor(config, Store()))


async def settle(app: WarroomApp, pilot: Any) -> None:
    await keys_applied(app, pilot)
    for _ in range(200):
        if not any(r.running for r in app.executor.runs.values()):
            break
        await pilot.pause(0.05)
    await app.journal_writer._queue.join()
    app.incident_poll()
    await pilot.pause()


@pytest.mark.parametrize("dialog", DIALOGS, ids=lambda d: d.name)
async def test_typing_into_a_dialog_never_reaches_beneath(app: WarroomApp, dialog: Dialog,
                                                          tmp_path: Path) -> None:
    incidents = tmp_path / "incidents"
    ran: list[tuple[str, bool]] = []  # (war-room action, dialog active then)
    async with app.run_test(size=(80, 24)) as pilot:
        main = app.screen_stack[0]
        dispatch = app._dispatch_action

        async def spy(namespace: Any, name: str, params: Any) -> bool:
            beneath = namespace is app or getattr(namespace, "screen", None) is main
            if beneath and not (namespace is app and name in GENERIC_ACTIONS):
                ran.append((name, app.dialog_active()))
            return await dispatch(namespace, name, params)

        app._dispatch_action = spy  # type: ignore[method-assign]
        feed(app)
        if dialog.incident:
            ops.declare(app.incident_tracker.incidents, Declaration("fuzz"), author="fuzz@test")
            app.incident_poll()
        failsafes = KeyOrderMixin.key_failsafes
        rng = random.Random(f"{dialog.name}-seed")
        for round_ in range(BURSTS + STEADY):
            if dialog.armed:
                app.operator.arm()
            keys = random_keys(rng, dialog.enter)
            close = next(((i, what) for i in range(len(keys))
                          if (what := dialog.closes(keys, i))), None)
            if close:
                keys = keys[:close[0] + 1]
            save = dialog.name == "note" and round_ % 2 == 1
            typed = [*keys, *(["ctrl+s"] if save else [])]
            before = written(incidents)
            ran.clear()
            send = burst if round_ < BURSTS else one_by_one
            await send(app, pilot, [dialog.opens, *typed])
            await settle(app, pilot)
            trace = f"{dialog.name} round {round_}: {keys!r}"

            # nothing beneath ran while the dialog was up; only its opening key acted there
            assert not [name for name, under in ran if under], trace
            assert [name for name, _ in ran][:1] and len(ran) == 1, (trace, ran)
            new = [e for i, e in written(incidents).items() if i not in before]
            text = "".join("\n" if k == "enter" else k for k in keys)
            if close is None and not (save and text.strip()):
                assert isinstance(app.screen, dialog.screen), trace
                if dialog.field:
                    widget = app.screen.query_one(dialog.field)
                    value = widget.text if isinstance(widget, TextArea) else widget.value
                    assert isinstance(widget, (Input, TextArea))
                    expect = text if isinstance(widget, TextArea) else text.replace("\n", "")
                    assert value == expect, trace
                assert new == [], (trace, new)
                await one_by_one(app, pilot, ["escape"])
                if isinstance(app.screen, ConfirmScreen) and dialog.name == "declare":
                    await one_by_one(app, pilot, ["y"])  # discard the filled form: yes
                await settle(app, pilot)
                new = [e for i, e in written(incidents).items() if i not in before]
            assert app.screen is main, trace
            kinds = sorted({e.kind for e in new})
            if save and text.strip():
                assert [e.text() for e in new] == [text.strip("\n")], trace
            elif dialog.incident and close:
                assert kinds == ["incident"], (trace, new)
            elif dialog.armed or dialog.name == "arm":
                # an action dialog journals its own outcome (cancelled, run), nothing else
                assert kinds in ([], ["action"]), (trace, new)
                assert all(e.data.get("action") for e in new), (trace, new)
            else:
                assert new == [], (trace, new)
            app.operator.disarm()
        assert KeyOrderMixin.key_failsafes == failsafes  # every key settled by construction
