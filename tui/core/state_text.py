"""How states look, on the war room's panels and in `warroom status`: every state carries a
symbol and a word, so it reads without color (rich `Text`, no Textual)."""

from __future__ import annotations

from rich.text import Text

from tui.core.model import State

STATE_STYLE = {
    State.OK: "bold green",
    State.DEGRADED: "bold yellow",
    State.DOWN: "bold white on red",
    State.UNKNOWN: "bold magenta",
    State.STALE: "bold magenta",
}

MAINTENANCE_STYLE = "bold dodger_blue1"
"""Planned maintenance: calm, not an alarm (the banner's MAINTENANCE is blue too)."""

COLOR_STYLE = {"blue": "bold white on blue", "green": "bold black on green"}


def state_text(state: State, width: int = 0) -> Text:
    """`✓ OK`, `✗ DOWN` ... styled, optionally padded to `width`."""
    label = f"{state.symbol} {state.value}"
    return Text(label.ljust(width), style=STATE_STYLE[state])


def maintenance_text(width: int = 0) -> Text:
    """`◐ MAINT`: a failure explained by planned maintenance, padded to `width`."""
    return Text("◐ MAINT".ljust(width), style=MAINTENANCE_STYLE)


def color_badge(color: str | None) -> Text:
    if not color:
        return Text(" ? unknown ", style="bold white on magenta")
    return Text(f" {color.upper()} ", style=COLOR_STYLE.get(color, "bold reverse"))
