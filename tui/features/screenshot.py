"""ctrl+p → Screenshot: saved where a directory exists, and the toast says where (or why not).

Textual saves into the Downloads directory and, on a server where there is none, shows only
"Failed to save screenshot". Here: Downloads if it exists, otherwise
`$XDG_STATE_HOME/warroom/screenshots` (created, 0700; ~/.local/state when unset); a failure
names its reason.
"""

from __future__ import annotations

import os
from pathlib import Path

from textual import events

from tui.features.base import WarroomBase


def screenshot_dir() -> Path:
    """Where a screenshot goes: Downloads when it exists, else warroom's state directory."""
    from platformdirs import user_downloads_path

    downloads = user_downloads_path()
    if downloads.is_dir():
        return downloads
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "warroom" / "screenshots"


class ScreenshotMixin(WarroomBase):
    """Mixed into the App before `App`."""

    def deliver_screenshot(self, filename: str | None = None, path: str | None = None,
                           time_format: str | None = None) -> str | None:
        where = Path(path) if path else screenshot_dir()
        try:
            where.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            self.notify(f"screenshot not saved: cannot create {where}: {exc.strerror or exc}",
                       severity="error", markup=False)
            return None
        return super().deliver_screenshot(filename, str(where), time_format)

    def on_delivery_complete(self, event: events.DeliveryComplete) -> None:
        if event.name == "screenshot":
            event.prevent_default()  # Textual's own toast uses markup around the path
            self.notify(f"screenshot saved to {event.path}", markup=False, timeout=8)

    def on_delivery_failed(self, event: events.DeliveryFailed) -> None:
        if event.name == "screenshot":
            event.prevent_default()  # Textual's own toast gives no reason
            self.notify(f"screenshot not saved: {event.exception}", severity="error",
                       markup=False)
