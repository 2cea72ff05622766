"""The post-mortem from the war room, open or resolved incident alike (a resolved one is
reached through `I` → the incident): edit its written parts, add action items and mark them
done, copy it or a status update to the clipboard (OSC 52, when `[incident] osc52` allows).

The incident menu offers these as ``pm-…`` choices (`tui.screens.postmortem_edit.
postmortem_choices`); `IncidentMixin` hands them to `postmortem_choice`. Every write goes
through the incident's ordered, fsynced journal writer (`_write`).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from tui.core.incident import IncidentState, ops
from tui.core.incident import items as action_items
from tui.core.incident.items import MAX_OWNER, MAX_TEXT
from tui.core.model import utcnow
from tui.core.verdict import Verdict, verdict
from tui.features.base import WarroomBase

if TYPE_CHECKING:  # the dialogs and renderers are imported when first used (start-up time)
    from tui.screens.action_item import ActionItemRequest

MAX_SET_BYTES = 40_000
"""Fields are journaled together up to this size per ``set`` entry (a line holds 64 KiB)."""


def batches(values: dict[str, str], limit: int = MAX_SET_BYTES) -> list[dict[str, str]]:
    """The changed fields in as few ``set`` entries as fit the journal's line limit."""
    out: list[dict[str, str]] = []
    size = limit
    for key, value in values.items():
        n = len(value.encode()) + 2 * value.count("\n") + len(key) + 8
        if size + n > limit:
            out.append({})
            size = 0
        out[-1][key] = value
        size += n
    return out


class PostmortemMixin(WarroomBase):
    """Mixed into `WarroomApp`: the post-mortem's edit form, action items and copy."""

    def postmortem_choice(self, choice: tuple[str, ...], state: IncidentState) -> bool:
        what = choice[0]
        state = self.incident_tracker.incidents.load(state.path) or state  # latest writes
        if what == "pm-edit":
            from tui.screens.postmortem_edit import PostmortemEditScreen, current_fields

            self.push_screen(PostmortemEditScreen(state.id, current_fields(state)),
                             partial(self._postmortem_saved, state=state))
        elif what == "pm-item":
            owner = self.incident_tracker.author or ""
            from tui.screens.action_item import ActionItemScreen

            self.push_screen(ActionItemScreen(state.id, owner),
                             partial(self._item_added, state=state))
        elif what == "pm-item-edit":
            item = next((i for i in action_items.items(state) if i.id == choice[1]), None)
            if item is None or item.status != "open":
                self.notify("that action item is no longer open", severity="warning",
                            timeout=4)
                return True
            from tui.screens.action_item import ActionItemScreen

            self.push_screen(ActionItemScreen(state.id, item=item),
                             partial(self._item_edited, state=state, item=item))
        elif what == "pm-item-done":
            self._write(partial(action_items.update, state, choice[1], status="done",
                                author=self.incident_tracker.author),
                        f"action item {choice[1]} done (saved)")
        elif what == "pm-copy":
            live = verdict(self.config, self.store) if not state.resolved else None
            self._write(partial(self._copy, choice[1], state, live), None)
        else:
            return False
        return True

    def _postmortem_saved(self, values: dict[str, str] | None, state: IncidentState) -> None:
        if not values:
            return
        author = self.incident_tracker.author
        for batch in batches(values):
            self._write(partial(ops.set_fields, state, batch, author=author),
                        f"post-mortem saved: {', '.join(batch)} ({state.id})")

    def _item_added(self, request: ActionItemRequest | None, state: IncidentState) -> None:
        if request is None:
            return
        self._write(partial(action_items.add, state, request.text, owner=request.owner,
                            due=request.due, author=self.incident_tracker.author),
                    f"action item saved to {state.id}")

    def _item_edited(self, request: ActionItemRequest | None, state: IncidentState,
                     item: action_items.ActionItem) -> None:
        """Only what changed is journaled (an ``update`` entry); nothing changed: said."""
        if request is None:
            return
        from tui.screens.action_item import shown

        # compared with what the form showed: a multi-line text left alone is not flattened
        owner = request.owner if request.owner != shown(item.owner, MAX_OWNER) else None
        text = request.text if request.text != shown(item.text, MAX_TEXT) else None
        due = request.due if request.due != item.due else None
        if owner is None and text is None and due is None:
            self.notify("action item unchanged", timeout=3)
            return
        self._write(partial(action_items.update, state, item.id, owner=owner, due=due,
                            text=text, author=self.incident_tracker.author),
                    f"action item {item.id} updated (saved)")

    def _copy(self, kind: str, state: IncidentState, live: Verdict | None = None) -> None:
        """Render `kind` (postmortem or a status update) of `state` and put it on the
        clipboard through the terminal (runs off the loop: it reads the journals)."""
        incidents = self.incident_tracker.incidents
        policy = incidents.policy
        if not policy.osc52:
            message = ("clipboard copy is off: set [incident] osc52 = true in the config "
                       "(or export the file from the incident menu)")
            self.call_from_thread(self.notify, message, severity="warning", markup=False,
                                  timeout=8)
            return
        state = incidents.load(state.path) or state
        prelude, now = incidents.prelude(state), utcnow()
        from tui.core.incident.export_postmortem import postmortem
        from tui.core.incident.export_status import status_update

        text = (postmortem(state, policy, now, prelude) if kind == "postmortem" else
                status_update(kind, state, policy, now, prelude, verdict=live))
        encoded = len(text.encode()) * 4 // 3 + 16
        if encoded > policy.osc52_max_bytes:
            message = (f"too large for the clipboard ({encoded} bytes encoded, osc52_max_bytes "
                       f"= {policy.osc52_max_bytes}): export it to a file instead")
            self.call_from_thread(self.notify, message, severity="warning", markup=False)
            return
        self.call_from_thread(self.copy_to_clipboard, text)
        what = "post-mortem" if kind == "postmortem" else f"status update ({kind})"
        self.call_from_thread(self.notify, f"{what} of {state.id} copied to the clipboard "
                              f"({len(text)} characters)", markup=False, timeout=5)
