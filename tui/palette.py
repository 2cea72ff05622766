"""The command palette (ctrl+p): every key binding of the war room, searchable by what it does."""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider


class WarroomCommands(Provider):
    """Offers the app's bindings (global ones and those of the focused panel) by description."""

    def _commands(self) -> list[tuple[str, str, str]]:
        rows = []
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            key = self.app.get_key_display(binding)
            rows.append((binding.description, binding.action, key))
        return rows

    async def _run(self, action: str) -> None:
        await self.app.run_action(action)

    async def discover(self) -> Hits:
        for description, action, key in self._commands():
            yield DiscoveryHit(Text(description), partial(self._run, action), help=f"key: {key}")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for description, action, key in self._commands():
            score = matcher.match(description)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(description), partial(self._run, action),
                    help=f"key: {key}",
                )
