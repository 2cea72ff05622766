"""The key footer: one line of text, repainted only when the keys it shows change."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.screen import Screen
from textual.widget import Widget

KeyShown = tuple[str, str, bool]
"""(key as displayed, description, enabled)."""


class KeysFooter(Widget, can_focus=False):
    """The keys the focused panel and the app offer, like Textual's `Footer`, drawn as one
    line of text instead of one widget per key.

    Textual's Footer recomposes a widget per key on every focus move (~15 widgets mounted,
    styled and laid out, and its data-binding kept each removed key alive). At 3 a.m. every
    focus move is a key press; with an alert storm on the heap those short-lived widgets were
    what triggered the full garbage collections behind the slow key presses (p95 137 ms). The
    mouse is off in the war room (tmux selection keeps working), so a key in the footer is
    never clicked: text is enough. Repaints only when (key, description, enabled) change.
    Styles: `KeysFooter` and its two component classes in `tui/app.tcss`.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "keys-footer--key", "keys-footer--description", "keys-footer--palette"}
    SEPARATOR = "▏"

    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple[tuple[KeyShown, ...], KeyShown | None] | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if screen is self.screen and self.keys() != self._shown:
            self.refresh()

    def keys(self) -> tuple[tuple[KeyShown, ...], KeyShown | None]:
        """The keys shown (first binding of each action, in binding order) and the palette's."""
        app = self.app
        palette_key = app.COMMAND_PALETTE_BINDING if app.ENABLE_COMMAND_PALETTE else None
        shown: list[KeyShown] = []
        actions: set[str] = set()
        palette: KeyShown | None = None
        for key, (_node, binding, enabled, _tip) in self.screen.active_bindings.items():
            if key == palette_key:
                palette = (app.get_key_display(binding), binding.description, enabled)
            elif binding.show and binding.action not in actions:
                actions.add(binding.action)
                shown.append((app.get_key_display(binding), binding.description, enabled))
        return tuple(shown), palette

    def render(self) -> Text:
        self._shown = keys, palette = self.keys()
        key_style = self.get_component_rich_style("keys-footer--key")
        text_style = self.get_component_rich_style("keys-footer--description")
        line = Text(no_wrap=True, overflow="crop", end="")
        for display, description, enabled in keys:
            start = len(line)
            line.append(f" {display} ", key_style)
            if description:
                line.append(f"{description} ", text_style)
            if not enabled:
                line.stylize("dim", start)
        if palette is None:
            return line
        tail = Text(no_wrap=True, end="")
        tail.append(self.SEPARATOR, self.get_component_rich_style("keys-footer--palette"))
        tail.append(f"{palette[0]} ", key_style)
        tail.append(f"{palette[1]} ", text_style)
        room = max(0, self.size.width - len(tail))
        line.truncate(room, pad=True)
        return line + tail
