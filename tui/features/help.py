"""`?`: every binding reachable now, in one dialog, keys of the same action grouped."""

from __future__ import annotations

from textual.screen import Screen

from tui.features.base import WarroomBase
from tui.screens.help import HelpScreen


class HelpMixin(WarroomBase):
    """Mixed into `WarroomApp`: the help dialog and the rows it lists."""

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.binding_rows()))

    def binding_rows(self) -> list[tuple[str, str, str]]:
        """Every binding reachable now, keys of the same action grouped, global ones first."""
        grouped: dict[tuple[str, str], list[str]] = {}
        descriptions: dict[tuple[str, str], str] = {}
        for active in self.active_bindings.values():
            binding = active.binding
            if not binding.description:
                continue
            where = ("anywhere" if active.node is self else
                     "Screen" if isinstance(active.node, Screen) else type(active.node).__name__)
            group = (binding.action, where)
            descriptions.setdefault(group, binding.description)
            key = self.get_key_display(binding)
            if key not in grouped.setdefault(group, []):
                grouped[group].append(key)
        rows = [(", ".join(keys), descriptions[g], g[1]) for g, keys in grouped.items()]
        rows.sort(key=lambda row: row[2] != "anywhere")
        return rows
