"""Toasts that inform without hiding what they inform about.

Textual stacks every notification (6 s each here, three lines high) above the footer, at the
bottom right: at 80x24 a burst of check transitions covered the incident panel and the newest
timeline row, often with the same sentence twice. Here one toast is shown at a time, on the
footer's row (self.tcss), one line high (its title goes in front of the message); the newest
replaces the one shown, except that an error is not replaced by anything milder; the same
sentence is never shown twice at once; informational toasts last `MAX_TIMEOUT` seconds.
"""

from __future__ import annotations

from textual.notifications import Notify

from tui.features.base import WarroomBase

MAX_TIMEOUT = {"information": 3.0, "warning": 6.0}
"""Caps per severity; errors, and a toast asking for `KEEP` s or more (a path to copy), keep
the timeout they asked for."""
KEEP = 8.0
RANK = {"information": 0, "warning": 1, "error": 2}


class ToastsMixin(WarroomBase):
    """Mixed into the App before `App`: one short, deduplicated toast at a time."""

    def _on_notify(self, event: Notify) -> None:
        event.prevent_default()  # replaces App._on_notify
        new = event.notification
        if new.title:
            new.message, new.title = f"{new.title}: {new.message}", ""
        cap = MAX_TIMEOUT.get(new.severity)
        if cap is not None and new.timeout < KEEP:
            new.timeout = min(new.timeout, cap)
        shown = list(self._notifications)
        if any((n.message, n.severity) == (new.message, new.severity) for n in shown):
            return  # already on screen
        if any(RANK[n.severity] > RANK[new.severity] for n in shown if n.severity == "error"):
            return  # an error stays until its time is up
        for old in shown:
            self._unnotify(old, refresh=False)
        self._notifications.add(new)
        self._refresh_notifications()
