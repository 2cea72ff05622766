"""The active blue/green color: live and idle, each color's health side by side."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from tui.core.state_text import color_badge, state_text
from tui.core.views import ColorView
from widgets.steady import SteadyStatic


class ColorPanel(SteadyStatic):
    """Renders a ColorView; shows STALE and every warning in words."""

    def __init__(self) -> None:
        super().__init__(id="color")
        self.border_title = "Active color"

    def show(self, view: ColorView | None) -> None:
        if self.shows(view):
            return  # unchanged: not even the table is built
        # the age changes every few seconds, the panel's height (a layout pass) rarely
        self.paint(self._table(view) if view else Text("no [color] section configured"), view,
                   layout=None)

    def _table(self, view: ColorView) -> Table:
        grid = Table.grid(padding=(0, 1))
        grid.add_column()
        line = Text("LIVE ")
        line.append_text(color_badge(view.live))
        if view.idle:
            line.append("   idle ")
            line.append(view.idle)
        if view.stale:
            line.append("  ~ STALE", style="bold magenta")
        line.append(f"  ({view.age} ago)", style="dim")
        grid.add_row(line)
        side = Table.grid(padding=(0, 2))
        for _column in view.columns:
            side.add_column()
        side.add_row(*(
            Text(f"{c.color}{' (live)' if c.live else ''}", style="bold") for c in view.columns
        ))
        side.add_row(*(
            state_text(c.state) if c.state is not None else Text("no checks", style="dim")
            for c in view.columns
        ))
        depth = max((len(c.services) for c in view.columns), default=0)
        for i in range(min(depth, 4)):
            cells = []
            for c in view.columns:
                if i < len(c.services):
                    name, state = c.services[i]
                    cells.append(Text(f"{state.symbol} {name}"))
                else:
                    cells.append(Text(""))
            side.add_row(*cells)
        grid.add_row(side)
        if view.deploy_state:
            deploy = " ".join(f"{k}={v}" for k, v in view.deploy_state[:4])
            grid.add_row(Text(f"last deploy: {deploy}", style="dim", overflow="ellipsis"))
        for warning in view.warnings:
            grid.add_row(Text(f"! {warning}", style="bold yellow"))
        for source, _color, error in view.sources:
            if error:
                grid.add_row(Text(f"✗ {source}: {error}", style="magenta", overflow="ellipsis"))
        return grid
