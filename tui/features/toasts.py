"""Toasts that inform without hiding what they inform about.

Textual stacks every notification (6 s each here, three lines high) above the footer, at the
bottom right: at 80x24 a burst of check transitions covered the incident panel and the newest
timeline row, often with the same sentence twice. Here one toast is shown at a time, on the
footer's row (self.tcss), one line high (its title goes in front of the message); the newest
replaces the one shown, except that an error is not replaced by anything milder; the same
sentence is never shown twice at once; informational toasts last `MAX_TIMEOUT` seconds. A
toast that arrives while an error shows is held (the newest `PENDING`) and shown after it.
"""

from __future__ import annotations

import time

from textual.notifications import Notification, Notify

from tui.features.base import WarroomBase

MAX_TIMEOUT = {"information": 3.0, "warning": 6.0}
"""Caps per severity; errors, and a toast asking for `KEEP` s or more (a path to copy), keep
the timeout they asked for."""
KEEP = 8.0
PENDING = 3
"""Toasts held back while an error shows (the newest kept), shown one by one after it."""
ERROR_GRACE = 30.0
"""A held-back toast is still shown this many seconds past its own time (an escalation's
error toast lasts 30 s; "status update sent: HTTP 200" must not vanish unread behind it)."""
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
        errors = [n for n in shown if n.severity == "error" and RANK[new.severity] < 2]
        if errors:  # an error stays until its time is up; this one is shown after it
            self._toasts_pending = [*getattr(self, "_toasts_pending", [])[-(PENDING - 1):], new]
            left = max(n.raised_at + n.timeout for n in errors) - time.time()
            self.set_timer(max(0.1, left + 0.1), self._show_pending_toast)
            return
        for old in shown:
            self._unnotify(old, refresh=False)
        self._notifications.add(new)
        self._refresh_notifications()

    def _show_pending_toast(self) -> None:
        """The toasts held back by an error, once it is gone: the newest still worth
        reading (its own time not up), then the next when that one goes."""
        pending: list[Notification] = getattr(self, "_toasts_pending", [])
        if any(n.severity == "error" for n in self._notifications):
            return  # another error came: its own timer shows them
        now = time.time()
        pending[:] = [n for n in pending if n.raised_at + n.timeout + ERROR_GRACE > now]
        if pending:
            n = pending.pop(0)
            self.notify(n.message, severity=n.severity, timeout=n.timeout, markup=False)
            if pending:
                self.set_timer(n.timeout + 0.1, self._show_pending_toast)
