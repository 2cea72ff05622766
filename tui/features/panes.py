"""Panes: on a narrow screen the health panel and one pane below it (keys 1, 2 …, named in
the pane bar); from `WIDE` columns every panel is on screen and a pane key focuses its first
panel. Focus never stays — and with it every key typed — inside a pane that is not shown.
"""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Input

from tui.features.base import WarroomBase
from widgets.health import HealthPanel
from widgets.panebar import PaneBar


class PanesMixin(WarroomBase):
    """Mixed into `WarroomApp`: which pane is shown, and where focus goes."""

    panes: list[str]
    """The panes this config has, in key order (set by the app's compose)."""
    _pane: str = ""
    """The pane shown on a narrow screen."""

    def show_pane(self, name: str) -> None:
        """Bring pane `name` forward on a narrow screen (no-op when wide or absent)."""
        if name in self.panes and not self.screen_stack[0].has_class("wide"):
            self.action_pane(name)

    def action_pane(self, name: str) -> None:
        """Narrow: show pane `name` below the health panel. Both: focus its first panel (keys
        such as the timeline's `p` or the logs' `f` act on the focused panel), and never
        leave focus — and with it every key typed — inside a pane that is not shown."""
        screen = self.screen_stack[0]
        for pane in self.panes:
            screen.set_class(pane == name, f"show-{pane}")
        for bar in self.panels(PaneBar):
            bar.show(self.panes, name)
        self._pane = name
        target = self._first_focusable(name)
        if target is not None:
            target.focus()
        else:
            self._keep_focus_visible()

    def _keep_focus_visible(self) -> None:
        """Focus in a pane that is not shown moves to the health table (or nowhere)."""
        focused = self.screen_stack[0].focused
        if focused is None or not self._in_hidden_pane(focused, self._pane):
            return
        health = self.panels(HealthPanel)
        if health:
            health[0].focus()
        else:
            self.screen_stack[0].set_focus(None)

    def _first_focusable(self, pane: str) -> Widget | None:
        """The pane's first focusable widget, a filter input only if there is nothing else."""
        found = [w for top in self.screen_stack[0].query(f".pane-{pane}")
                 for w in (top, *top.query("*")) if w.can_focus and not w.disabled]
        return next((w for w in found if not isinstance(w, Input)), found[0] if found else None)

    def _in_hidden_pane(self, widget: Widget, shown: str) -> bool:
        if self.screen_stack[0].has_class("wide"):
            return False
        return any(node.has_class("pane") and not node.has_class(f"pane-{shown}")
                   for node in (widget, *widget.ancestors))
