"""`i`: declare an incident (with the impact × urgency classifier), or change the open one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from tui.core.config.incident import IncidentPolicy
from tui.core.incident import (
    MILESTONES,
    QUESTIONS,
    SCOPES,
    STATUSES,
    Declaration,
    classify,
    parse_when,
)
from tui.core.incident.model import SCOPE_LABELS
from tui.core.incident.tracker import ClockView
from tui.core.model import utcnow
from tui.core.sanitize import one_line
from tui.screens.confirm import ConfirmScreen
from tui.screens.modal import WarroomModal
from tui.screens.postmortem_edit import postmortem_choices


@dataclass(frozen=True)
class FirstSignal:
    """The default start offered: the first failing check of the current outage."""

    at: dt.datetime
    text: str


def _start_text(at: dt.datetime) -> str:
    """``HH:MM:SS`` (UTC) for a signal of the last 12 hours, else the full ISO time."""
    if utcnow() - at < dt.timedelta(hours=12):
        return f"{at:%H:%M:%S}"
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


class DeclareScreen(WarroomModal[Declaration | None]):
    """The declaration form: title and start (prefilled with the first signal) first, so both
    show without scrolling at 80x24. Escape cancels — after asking, once something was typed;
    the classifier keeps suggesting a severity."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="declare-cancel"),
        Binding("ctrl+s", "declare", "Declare", id="declare-submit"),
    ]

    def __init__(self, policy: IncidentPolicy, commander: str,
                 first_signal: FirstSignal | None = None) -> None:
        super().__init__()
        self.policy = policy
        self.commander = commander
        self.first_signal = first_signal
        self._start_text = _start_text(first_signal.at) if first_signal else ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("Declare an incident (ctrl+s declares, Esc cancels)", style="bold"))
            with VerticalScroll():
                with Horizontal(classes="row"):
                    yield Label("title")
                    yield Input(placeholder="what is broken", id="title")
                with Horizontal(classes="row"):
                    yield Label("start UTC")
                    yield Input(self._start_text, id="start",
                                placeholder="blank = now · 10m · 06:40 · ISO")
                yield Static(self._start_hint(), id="start-hint", markup=False)
                with Horizontal(classes="row"):
                    yield Label("severity")
                    yield Select([(Text(f"{lv.name} — {lv.description}"), lv.name)
                                  for lv in self.policy.levels], value=self.policy.default,
                                 allow_blank=False, id="severity")
                yield Static("", id="suggestion", markup=False)
                with Horizontal(classes="row"):
                    yield Label("scope")
                    yield Select([(SCOPE_LABELS[s], s) for s in SCOPES], value="platform",
                                 allow_blank=False, id="scope")
                    yield Input(placeholder="which tenant / feature", id="scope_detail")
                with Horizontal(classes="row"):
                    yield Label("impact")
                    yield Input(placeholder="what users see", id="impact")
                for q in QUESTIONS[1:]:
                    with Horizontal(classes="question"):
                        yield Label(q.text)
                        yield Select([(Text(label), value) for value, label in q.choices],
                                     prompt="(not sure)", id=f"q-{q.key}")
                with Horizontal(classes="row"):
                    yield Label("commander")
                    yield Input(value=self.commander, placeholder="incident commander",
                                id="commander")
            yield Static("", id="error", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Declare (ctrl+s)", variant="error", id="declare")
                yield Button("Cancel (Esc)", id="cancel")

    def _start_hint(self) -> Text:
        signal = self.first_signal
        if signal is None:
            return Text("no failing check now: blank starts it at the declaration")
        return Text(f"first signal {signal.at:%H:%M:%S} UTC: {one_line(signal.text)[:120]}")

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()
        self._suggest(apply=False)

    def filled(self) -> bool:
        """Whether anything was typed or answered (the severity follows the answers)."""
        initial = {"title": "", "start": self._start_text, "scope_detail": "", "impact": "",
                   "commander": self.commander}
        if any(w.value != initial.get(w.id or "", "") for w in self.query(Input)):
            return True
        if self.query_one("#scope", Select).value != "platform":
            return True
        return any(isinstance(self.query_one(f"#q-{q.key}", Select).value, str)
                   for q in QUESTIONS[1:])

    def answers(self) -> dict[str, str]:
        out = {"scope": str(self.query_one("#scope", Select).value)}
        for q in QUESTIONS[1:]:
            value = self.query_one(f"#q-{q.key}", Select).value
            if isinstance(value, str):
                out[q.key] = value
        return out

    def _suggest(self, apply: bool) -> None:
        result = classify(self.answers(), self.policy)
        self.query_one("#suggestion", Static).update(
            Text(f"suggested: {result.describe()}", style="italic"))
        if apply:
            self.query_one("#severity", Select).value = result.severity

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id and (event.select.id.startswith("q-") or event.select.id == "scope"):
            self._suggest(apply=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "declare":
            self.action_declare()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        """Close; once something was typed or chosen, ask before throwing it away."""
        if not self.filled():
            self.dismiss(None)
            return
        title = one_line(str(self.query_one("#title", Input).value))[:60] or "(no title yet)"
        self.app.push_screen(ConfirmScreen(
            "Discard this declaration?", f"throw away the form: {title}",
            "nothing is declared and nothing is written", confirm_label="Discard"),
            lambda result: self.dismiss(None) if result else None)

    def start(self) -> dt.datetime | None:
        """The start typed (None = now); the first signal's exact time while untouched."""
        text = self.query_one("#start", Input).value.strip()
        if self.first_signal is not None and text == self._start_text:
            return self.first_signal.at
        return parse_when(text, utcnow()) if text else None

    def action_declare(self) -> None:
        error = self.query_one("#error", Static)
        title = self.query_one("#title", Input).value.strip()
        if not title:
            error.update("a title is required")
            self.query_one("#title", Input).focus()
            return
        try:
            start = self.start()
        except ValueError as exc:
            error.update(f"start: {exc}")
            self.query_one("#start", Input).focus()
            return
        value = lambda wid: self.query_one(wid, Input).value.strip()  # noqa: E731
        self.dismiss(Declaration(
            title, str(self.query_one("#severity", Select).value), value("#commander"),
            str(self.query_one("#scope", Select).value), value("#scope_detail"),
            value("#impact"), start, self.answers()))


SEND_UPDATE = (("notify",), "send a status update to the [[notify]] targets… (asks first)")


class IncidentScreen(WarroomModal[tuple[str, ...] | None]):
    """Changes to the open incident, as a list of choices (Enter picks, Esc closes)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="incident-cancel"),
    ]

    def __init__(self, view: ClockView, policy: IncidentPolicy) -> None:
        super().__init__()
        self.view = view
        self.policy = policy

    def _milestone_choice(self, name: str) -> list[tuple[tuple[str, ...], str]]:
        """`name` now — or, when a later milestone is already set (acknowledged after the
        mitigation was confirmed), at the latest time the order allows, said so; never a
        choice that would be refused."""
        state = self.view.state
        assert state is not None
        later = [(state.milestones[m], m) for m in MILESTONES[MILESTONES.index(name) + 1:]
                 if m in state.milestones]
        if not later:
            return [(("milestone", name, ""), f"milestone: {name} now")]
        bound, which = min(later)
        earlier = [state.milestones[m] for m in MILESTONES[:MILESTONES.index(name)]
                   if m in state.milestones]
        if earlier and max(earlier) > bound:
            return []
        return [(("milestone", name, bound.isoformat(), f"set no later than {which}"),
                 f"milestone: {name} at {bound:%H:%M:%S} UTC (no later than {which})")]

    def choices(self) -> list[tuple[tuple[str, ...], str]]:
        state = self.view.state
        assert state is not None
        out: list[tuple[tuple[str, ...], str]] = []
        if state.resolved:  # after the fact: the exports and the post-mortem's written parts
            out.append((("export", "postmortem"), "export the post-mortem draft (Markdown file)"))
            out += [(("export", kind), f"export status update: {kind}")
                    for kind in ("resolved", "internal")]
            out.append(SEND_UPDATE)
            return out + postmortem_choices(state, self.policy.osc52)
        for s in self.view.suggestions:
            out.append((("milestone", s.milestone, s.at.isoformat(),
                         "suggested by checks, confirmed"),
                        f"confirm suggested {s.milestone} at {s.at:%H:%M:%S} UTC "
                        f"({one_line(s.reason)[:60]})"))
        for name in MILESTONES[:-1]:
            if name not in state.milestones:
                out.extend(self._milestone_choice(name))
        out += [(("status", s), f"status → {s}") for s in STATUSES[:-1] if s != state.status]
        out.append((("resolve",), "resolve the incident now"))
        out += [(("severity", lv.name), f"severity → {lv.name} ({lv.description})")
                for lv in self.policy.levels if lv.name != state.severity]
        out.append((("export", "postmortem"), "export the post-mortem draft (Markdown file)"))
        for kind in ("internal", "investigating", "identified", "monitoring", "resolved"):
            out.append((("export", kind), f"export status update: {kind}"))
        out.append(SEND_UPDATE)
        out.append((("update-sent",), "record: status update sent (restarts the cadence)"))
        return out + postmortem_choices(state, self.policy.osc52)

    def compose(self) -> ComposeResult:
        state = self.view.state
        assert state is not None
        with Vertical():
            yield Label(Text(f"{state.severity} {state.status.upper()}: "
                             f"{one_line(state.title)[:70]}", style="bold"))
            self._choices = self.choices()
            yield OptionList(*(Option(Text(label), id=str(i))
                               for i, (_, label) in enumerate(self._choices)), markup=False)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._choices[int(event.option.id or 0)][0])

    def action_cancel(self) -> None:
        self.dismiss(None)
