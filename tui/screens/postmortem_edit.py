"""The post-mortem's written parts (title, commander, impact, summary, root cause, contributing
factors, what went well / poorly, lessons): one form, open or resolved incident alike, and the
incident menu's post-mortem choices.

ctrl+s saves, Escape cancels (asking first once something changed). ctrl+s is an ordinary
binding: it bubbles up from the field after every key typed before it was applied there (the
app applies keys one at a time, `tui.screens.modal`), so text typed fast is saved whole. The
result is only the fields that changed; the app journals them as ``set`` ops.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Static, TextArea

from tui.core.incident import IncidentState
from tui.core.incident.items import items
from tui.core.incident.ops import MAX_NOTE
from tui.core.sanitize import one_line, sanitize
from tui.screens.confirm import ConfirmScreen
from tui.screens.modal import WarroomModal

LINES = ("title", "commander")
"""One-line fields (Input); the others are multi-line (TextArea)."""
FIELDS = (
    ("title", "Title"),
    ("commander", "Incident commander"),
    ("impact", "Impact — what users saw"),
    ("summary", "Summary — what broke, and why it matters"),
    ("root_cause", "Root cause"),
    ("contributing_factors", "Contributing factors (one per line)"),
    ("went_well", "What went well (one per line)"),
    ("went_poorly", "What went poorly (one per line)"),
    ("lessons", "Lessons learned (one per line)"),
    ("prevention", "Prevention — how this will not happen again"),
    ("links", "Links — logs, dashboards, tickets (comma separated)"),
)
MAX_FIELD = MAX_NOTE


def current_fields(state: IncidentState) -> dict[str, str]:
    """What the form starts with: the incident's fields as folded from its journal."""
    out = {"title": state.title, "commander": state.commander, "impact": state.impact}
    for key, _ in FIELDS:
        out.setdefault(key, state.fields.get(key, ""))
    return out


def postmortem_choices(state: IncidentState, osc52: bool
                       ) -> list[tuple[tuple[str, ...], str]]:
    """The incident menu's post-mortem entries (``pm-…`` choices, handled by the app's
    `PostmortemMixin`): edit, add an action item, mark open ones done, copy."""
    off = "" if osc52 else " — off: set [incident] osc52 = true"
    out: list[tuple[tuple[str, ...], str]] = [
        (("pm-edit",), "edit the post-mortem: title, impact, root cause, went well / poorly, "
                       "lessons …"),
        (("pm-item",), "add an action item (text, owner, due date)"),
    ]
    for item in [i for i in items(state) if i.status == "open"][:5]:
        out.append((("pm-item-done", item.id), f"action item done: {one_line(item.text)[:50]}"))
        out.append((("pm-item-edit", item.id), f"edit action item: {one_line(item.text)[:50]}"))
    kind = "resolved" if state.resolved else "internal"
    out += [(("pm-copy", "postmortem"), f"copy the post-mortem to the clipboard (OSC 52){off}"),
            (("pm-copy", kind), f"copy status update: {kind} (OSC 52){off}")]
    return out


class PostmortemEditScreen(WarroomModal[dict[str, str] | None]):
    """Every field at once in a scrolling form; dismisses with the changed fields."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="postmortem-cancel"),
        Binding("ctrl+s", "save", "Save", id="postmortem-save"),
    ]

    def __init__(self, incident: str, fields: dict[str, str]) -> None:
        super().__init__()
        self.incident = incident
        self.initial = {key: (one_line if key in LINES else sanitize)(fields.get(key, ""))
                        for key, _ in FIELDS}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"Post-mortem (ctrl+s saves, Esc cancels, Tab: next field) — "
                             f"{one_line(self.incident)[:60]}", style="bold"))
            with VerticalScroll():
                for key, label in FIELDS:
                    yield Label(label, classes="field-label")
                    if key in LINES:
                        yield Input(self.initial[key], id=key)
                    else:
                        yield TextArea(self.initial[key], id=key, soft_wrap=True)
            yield Static("", id="error", markup=False)
            with Horizontal():
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#root_cause" if self.initial["title"] else "#title").focus()

    def values(self) -> dict[str, str]:
        out = {}
        for key, _ in FIELDS:
            widget = self.query_one(f"#{key}")
            out[key] = (widget.value.strip() if isinstance(widget, Input)
                        else widget.text.strip("\n") if isinstance(widget, TextArea) else "")
        return out

    def changed(self) -> dict[str, str]:
        return {k: v for k, v in self.values().items() if v.strip() != self.initial[k].strip()}

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        error = self.query_one("#error", Static)
        changed = self.changed()
        if "title" in changed and not changed["title"].strip():
            error.update("the title cannot be empty")
            self.query_one("#title").focus()
            return
        for key, value in changed.items():
            if len(value) > MAX_FIELD:
                error.update(f"{key}: too long ({len(value)} characters, max {MAX_FIELD})")
                self.query_one(f"#{key}").focus()
                return
        self.dismiss(changed)

    def action_cancel(self) -> None:
        """Close; once something changed, ask before throwing it away."""
        changed = self.changed()
        if not changed:
            self.dismiss(None)
            return
        self.app.push_screen(ConfirmScreen(
            "Discard these post-mortem edits?", f"changed: {', '.join(changed)}",
            "nothing is written", confirm_label="Discard"),
            lambda result: self.dismiss(None) if result else None)
