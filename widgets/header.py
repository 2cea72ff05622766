"""The banner: environment (unmistakable when production), read-only badge, verdict, UTC clock.

At any width nothing is cut mid-word: the line is shortened by priority (`STEPS`) — the date,
then "OPERATOR ARMED" → "ARMED", the clock's seconds, "MAINTENANCE" → "MAINT" ... — and the
verdict word and the maintenance since-time are always whole.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

VERDICT_STYLE = {
    "OK": "bold green", "WARNING": "bold black on yellow",
    "CRITICAL": "bold white on red", "UNKNOWN": "bold white on magenta",
    "MAINTENANCE": "bold white on blue",
}
CLOCKS = ("%Y-%m-%d %H:%M:%S UTC", "%H:%M:%S UTC", "%H:%M UTC", "%H:%M", "")
"""The clock from longest to shortest ("" = not shown)."""
STEPS = ("clock", "mode", "clock", "maint", "prod", "sep", "clock", "maint", "ro", "clock")
"""What gives way first when the line is too long: each step takes the next shorter form of
one part. The verdict word, the maintenance since-time and the environment name never do."""


def maintenance_forms(since: str) -> tuple[str, ...]:
    """"MAINTENANCE since 05:08:21" and its shorter forms (the time always whole)."""
    if since.startswith("since "):
        return (f"MAINTENANCE {since}", f"MAINT {since}", f"MAINT {since[6:]}")
    return (f"MAINTENANCE {since}".rstrip(), f"MAINT {since}".rstrip())


class Banner(Widget):
    """One line across the top. `now` is set by the app's clock tick."""

    now: reactive[dt.datetime | None] = reactive(None)
    verdict: reactive[str] = reactive("UNKNOWN")
    mode: reactive[str] = reactive("")
    """The operator mode badge, e.g. " OPERATOR ARMED 9:33 "; empty when not armed."""
    mode_short: reactive[str] = reactive("")
    """Its short form for narrow screens ("ARMED 9:33"); empty: `mode` is not shortened."""
    maintenance: reactive[str] = reactive("")
    """"since 03:12:04" (or "on") while maintenance is on; empty when off."""

    def __init__(self, env_name: str, production: bool, read_only: bool) -> None:
        super().__init__()
        self.env_name = env_name
        self.production = production
        self.read_only = read_only
        self.set_class(production, "production")

    def forms(self) -> dict[str, tuple[str, ...]]:
        """Every part's forms, longest first (one form: never shortened)."""
        mode = self.mode.strip()
        return {
            "prod": ("▲ PRODUCTION", "▲ PROD") if self.production else ("",),
            "ro": ("READ-ONLY", "R/O") if self.read_only else ("",),
            "mode": (mode, self.mode_short.strip()) if mode and self.mode_short else (mode,),
            "maint": maintenance_forms(self.maintenance) if self.maintenance else ("",),
            "sep": ("  ", " "),
            "clock": CLOCKS if self.now is not None else ("",),
        }

    def render(self) -> Text:
        width = max(self.size.width, 1)
        forms = self.forms()
        pick = dict.fromkeys(forms, 0)
        line = self._line(forms, pick, width)
        taken: list[str] = []
        for step in STEPS:
            if line.cell_len <= width:
                return self._restore(forms, pick, taken, width, line)
            if pick[step] + 1 < len(forms[step]):
                pick[step] += 1
                taken.append(step)
                line = self._line(forms, pick, width)
        over = line.cell_len - width
        if over > 0:  # too narrow even so: the environment name gives way, then the end
            keep = max(len(self.env_name) - over - 1, 1)
            line = self._line(forms, pick, width, self.env_name[:keep] + "…")
            line.truncate(width)
        return line

    def _restore(self, forms: dict[str, tuple[str, ...]], pick: dict[str, int],
                 taken: list[str], width: int, line: Text) -> Text:
        """Give back, latest first, any shortening the line has room for after all (one step
        may have freed more than was needed)."""
        for step in reversed(taken):
            pick[step] -= 1
            longer = self._line(forms, pick, width)
            if longer.cell_len <= width:
                line = longer
            else:
                pick[step] += 1
        return line

    def _line(self, forms: dict[str, tuple[str, ...]], pick: dict[str, int], width: int,
              env: str | None = None) -> Text:
        part = {name: forms[name][i] for name, i in pick.items()}
        sep, verdict_word, maint = part["sep"], self.verdict, part["maint"]
        if self.verdict == "MAINTENANCE" and maint:  # the verdict says since when itself
            verdict_word, maint = maint, ""
        left = Text()
        if part["prod"]:
            left.append(f" {part['prod']} ", style="bold white on red")
            left.append(" ")
        left.append(self.env_name if env is None else env, style="bold")
        for text, style in ((part["ro"], "bold black on white"),
                            (part["mode"], "bold black on yellow"),
                            (maint, VERDICT_STYLE["MAINTENANCE"])):
            if text:
                left.append(sep)
                left.append(f" {text} ", style=style)
        right = Text()
        right.append(f" {verdict_word} ", style=VERDICT_STYLE.get(self.verdict, "bold"))
        if part["clock"] and self.now is not None:
            right.append(f"{sep}{self.now.strftime(part['clock'])} ")
        gap = max(1, width - left.cell_len - right.cell_len)
        return left + Text(" " * gap) + right

