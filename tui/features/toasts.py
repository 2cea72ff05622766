"""Toasts that inform without hiding what they inform about.

Textual stacks every notification (6 s each here, three lines high) above the footer, at the
bottom right: at 80x24 a burst of check transitions covered the incident panel and the newest
timeline row, often with the same sentence twice. Here one toast is shown at a time, on the
footer's row (self.tcss), one line high (its title goes in front of the message); the newest
replaces the one shown, except that an error is not replaced by anything milder; the same
sentence is never shown twice at once; informational toasts last `MAX_TIMEOUT` seconds.
"""

from __future__ import annotations

import contextlib

from textual.css.query import NoMatches
from textual.notifications import Notify
from textual.widget import Widget
from textual.widgets._toast import Toast, ToastRack

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

    def reap_toasts(self) -> None:
        """Every second: take down what Textual's toasts leave behind.

        - A toast whose time is up (by a second) but still mounted: its timer never fired (it
          was mounted on a dialog's screen that closed, and the screen below got a toast of
          its own for it) — seen in CI as a "wrote …" toast over the footer for 20 s+. It is
          forgotten and removed, and the screen repainted where it was.
        - The last toast gone, the screen is repainted once.
        - Textual's ToastRack removes a toast reaped by a later notify() but not its
          ToastHolder: one empty widget (and its task) per such toast, forever (found by
          benchmarks/bench_soak.py). Holders found empty on two ticks in a row are removed.
        """
        empty: set[Widget] = set()
        stale, shown = False, 0
        for screen in self.screen_stack:
            with contextlib.suppress(NoMatches):
                rack = screen.get_child_by_type(ToastRack)
                for toast in rack.query(Toast):
                    shown += 1
                    if toast._notification.time_left < -1.0:
                        self._unnotify(toast._notification, refresh=False)
                        toast.remove()
                        stale = True
                empty.update(holder for holder in rack.children if not holder.children)
        # the last toast gone: the screen is painted again where it was (a toast's text was
        # seen to stay on a terminal in CI; a full repaint of 80x24 is ~2 KB, once)
        gone = shown == 0 and getattr(self, "_toasts_shown", 0) > 0
        self._toasts_shown = shown
        for holder in empty & getattr(self, "_empty_toast_holders", set()):
            holder.remove()
        self._empty_toast_holders = empty
        expired = [n for n in self._notifications if n.time_left < -1.0]
        for notification in expired:
            self._unnotify(notification, refresh=False)
        if stale or expired:
            self._refresh_notifications()
        if stale or expired or gone:
            self.screen.refresh()
