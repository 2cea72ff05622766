"""The key footer, recomposed only when the keys it shows change."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeysFooter(Footer):
    """Textual's Footer shows no key in the first frame, then rebuilds all its keys (a widget
    each) on every focus move, screen resume and app focus, one recompose per signal — three
    at start-up alone, each restyling every key and laying the screen out again. This one
    shows the keys bound so far in its first compose (bind keys before the app mounts), runs
    at most one recompose at a time and skips it when the keys shown (key, action,
    description, enabled, tooltip) are the ones already on screen."""

    _pending = False
    _shown: tuple[Any, ...] | None = None

    def __init__(self) -> None:
        super().__init__()
        self.set_reactive(Footer._bindings_ready, True)

    def compose(self) -> ComposeResult:
        self._shown = self._keys_shown()
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # FooterKey starts compact and is then data-bound to the footer's `compact`:
                # two restyles per key as it mounts. Give it its final state before it mounts.
                palette = widget.has_class("-command-palette")  # not bound: stays compact
                compact = True if palette else self.compact
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen[Any]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._pending:
            self._pending = True
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._pending = False
        if not self.is_attached:
            return
        shown = self._keys_shown()
        if shown == self._shown:
            return
        self._shown = shown
        await self.recompose()
        self._forget_removed_keys()

    def _forget_removed_keys(self) -> None:
        """Textual's Footer data-binds every FooterKey it composes to its `compact` reactive,
        and the watcher (holding the key widget) is never dropped when the key is removed:
        every recompose on a focus move kept ~15 dead widgets alive (≈50 KB a key press, and
        the full garbage collections that walk them took 200 ms). Drop the watchers of keys
        that are no longer mounted."""
        watchers = getattr(self, "__watchers", None)
        if not isinstance(watchers, dict):
            return
        for name, entries in watchers.items():
            live = [(node, cb) for node, cb in entries
                    if not isinstance(node, FooterKey) or node.is_attached]
            if len(live) != len(entries):
                watchers[name] = live

    def _keys_shown(self) -> tuple[Any, ...]:
        app = self.app
        palette = app.COMMAND_PALETTE_BINDING if (
            self.show_command_palette and app.ENABLE_COMMAND_PALETTE) else None
        return (self.compact, self.combine_groups, tuple(
            (key, binding.action, binding.description, binding.group,
             app.get_key_display(binding), enabled, tooltip)
            for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show or key == palette
        ))
