"""The incident clock for a narrow panel (80x24: the overview pane gives it half the width and
about eleven rows): the same facts as `render_clock`, each line short enough not to wrap, so
every target, the milestones, the next update and the suggestions stay readable."""

from __future__ import annotations

from rich.text import Text

from tui.core.incident.clock import mmss
from tui.core.incident.tracker import ClockView
from tui.core.sanitize import one_line

NARROW = 60
"""Below this many columns of content the compact form is used."""


def render_compact(view: ClockView, rank: int | None, width: int, styles: dict[str, str],
                   severity_styles: tuple[str, ...], update_styles: dict[str, str]) -> Text:
    """The open incident in lines of at most `width` cells (the caller handles no incident)."""
    state, now = view.state, view.now
    assert state is not None
    text = Text(no_wrap=True, overflow="ellipsis")
    style = (severity_styles[rank] if rank is not None and rank < len(severity_styles)
             else "reverse")
    text.append(f" {state.severity} ", style=style)
    text.append(f" {state.status.upper()} ", style="bold")
    elapsed = state.elapsed(now)
    text.append(f" {mmss(elapsed) if elapsed is not None else '— (conflict)'}\n", style="bold")
    text.append(one_line(state.title)[:width] + "\n", style="bold")
    text.append(f"start {state.start:%H:%M:%S} UTC · IC {one_line(state.commander)}"[:width] + "\n",
                style="dim")
    for t in view.targets:
        if t.limit is None:
            continue
        text.append(f"{t.symbol} {t.label:<9}", style=styles[t.state])
        if t.took is not None:
            detail = f"{t.word} {mmss(t.took, ceil=True)}/{mmss(t.limit)}"
        elif t.state in ("unmeasured", "conflict"):
            detail = t.word.lower()
        elif t.state == "red" and t.remaining is not None:
            detail = f"OVER {mmss(-t.remaining)}/{mmss(t.limit)}"
        elif t.remaining is not None:
            detail = f"{t.word} {mmss(t.remaining)} left/{mmss(t.limit)}"
        else:
            detail = t.word
        text.append(detail[:max(0, width - 11)] + "\n", style=styles[t.state])
    marks = [f"{name[:3]} {state.milestones[name]:%H:%M}" if name in state.milestones
             else f"{name[:3]} —" for name in ("detected", "acknowledged", "mitigated", "resolved")]
    line = " ".join(marks)
    if len(line) > width:  # two per line
        line = " ".join(marks[:2]) + "\n" + " ".join(marks[2:])
    text.append(line + "\n", style="dim")
    for conflict in state.conflicts():
        text.append(f"! {one_line(conflict)}"[:width] + "\n", style="bold yellow")
    if view.update is not None:
        u = view.update
        words = (f"✉ update {u.word} in {mmss(u.remaining)}" if u.state != "red"
                 else f"✉ update OVERDUE {mmss(-u.remaining)}")
        text.append(words[:width] + "\n", style=update_styles[u.state])
    for s in view.suggestions:
        text.append(f"⚑ {s.milestone} {s.at:%H:%M:%S}? i confirms"[:width] + "\n",
                    style="italic")
    text.rstrip()
    return text
