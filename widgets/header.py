"""The banner: environment (unmistakable when production), read-only badge, verdict, UTC clock."""

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


class Banner(Widget):
    """One line across the top. `now` is set by the app's clock tick."""

    DEFAULT_CSS = """
    Banner { height: 1; background: $panel; color: $text; }
    Banner.production { background: darkred; color: white; }
    """

    now: reactive[dt.datetime | None] = reactive(None)
    verdict: reactive[str] = reactive("UNKNOWN")
    mode: reactive[str] = reactive("")
    maintenance: reactive[str] = reactive("")
    """"since 03:12:04" (or "on") while maintenance is on; empty when off."""

    def __init__(self, env_name: str, production: bool, read_only: bool) -> None:
        super().__init__()
        self.env_name = env_name
        self.production = production
        self.read_only = read_only
        self.set_class(production, "production")

    def render(self) -> Text:
        left = Text()
        if self.production:
            left.append(" ▲ PRODUCTION ", style="bold white on red")
            left.append(" ")
        left.append(self.env_name, style="bold")
        if self.read_only:
            left.append("  ")
            left.append(" READ-ONLY ", style="bold black on white")
        if self.mode:
            left.append("  ")
            left.append(self.mode, style="bold black on yellow")
        if self.maintenance and self.verdict != "MAINTENANCE":
            left.append("  ")
            left.append(f" MAINTENANCE {self.maintenance} ", style=VERDICT_STYLE["MAINTENANCE"])
        right = self._right(self.size.width - left.cell_len)
        gap = max(1, self.size.width - left.cell_len - right.cell_len)
        line = left + Text(" " * gap) + right
        line.truncate(max(self.size.width, 1))
        return line

    def _right(self, room: int) -> Text:
        """Verdict and UTC clock, the date dropped first when the line is crowded."""
        for clock in ("%Y-%m-%d %H:%M:%S UTC", "%H:%M:%S UTC", ""):
            right = Text()
            word = self.verdict
            if word == "MAINTENANCE" and self.maintenance:
                word = f"MAINTENANCE {self.maintenance}"
            right.append(f" {word} ", style=VERDICT_STYLE.get(self.verdict, "bold"))
            if self.now is not None and clock:
                right.append(f"  {self.now.strftime(clock)} ")
            if right.cell_len + 1 <= room:
                return right
        return right
