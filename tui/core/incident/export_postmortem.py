"""The post-mortem in Markdown, following the runbooks' templates, from the journal.

`SECTIONS` lists the sections in order, each a function of the `Draft` returning its lines
(extend by adding one): header, summary, impact table (the declare form's answers and the
checks failing), response metrics (MTTD, MTTA, time to mitigate / recover, MTTR against the
severity's configured targets: met, or missed by how much), timeline in UTC (pinned notes and
automatic key events), root cause and contributing factors, resolution (the actions that ran,
with their results), what went well, what went poorly, action items (``item`` entries:
`items`), lessons learned, links, and an appendix with every note.

People write the prose with `warroom incident set FIELD=…` or the TUI's edit form; a section
not written yet says so and how (`not_written`) rather than vanishing. Untrusted text is made
inert: controls and escape sequences removed, table cells one line with ``|`` escaped, and
prose keeps no heading, HTML or unclosed code fence it could use to break the document.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..auto_events import amended
from ..config.incident import IncidentPolicy
from ..journal import Entry
from ..runbook.ticks import ticked_steps
from .classify import QUESTIONS
from .clock import LABELS, TargetView, targets
from .escalation import duty_lines
from .export_common import (
    action_result,
    credit,
    describe,
    duration,
    key_event,
    ran,
    utc,
)
from .items import ActionItem, fold_items
from .model import IncidentState
from .paging import FAILING, is_failure
from .postmortem_text import bullets, cell, not_written, notes_appendix, prose

_METRICS = (  # metric label, target name, explanation
    ("MTTD", "detect", "start → detected"),
    ("MTTA", "acknowledge", "detected → acknowledged"),
    ("Time to mitigate", "mitigate", "detected → mitigated"),
    ("Time to recover", "recover", "mitigated → resolved"),
    ("MTTR", "mttr", "start → resolved"),
)
_ACTION_ITEM = re.compile(r"^\s*(?:todo|action(?: item)?|ai)\s*:\s*(.+)", re.I | re.S)
ADD_ITEM = ("`warroom incident action-item add TEXT --owner NAME --due DATE` or the TUI's "
            "action-item form")


@dataclass
class Draft:
    """What every section reads: the incident, its policy, now, and what the journal holds."""

    state: IncidentState
    policy: IncidentPolicy
    now: dt.datetime
    prelude: list[Entry]
    views: dict[str, TargetView] = field(default_factory=dict)
    items: list[ActionItem] = field(default_factory=list)

    @property
    def entries(self) -> list[Entry]:
        """The prelude and the incident's entries not superseded by a correction."""
        return [*self.prelude, *self.state.live_entries()]

    def text(self, key: str) -> str:
        return self.state.fields.get(key, "").strip()


def timeline_rows(state: IncidentState, prelude: list[Entry]) -> list[Entry]:
    """Pinned notes and automatic key events, by event time (corrections replace originals;
    a crash loop's row is its latest amendment)."""
    hidden = amended([*prelude, *state.entries])
    rows = [e for e in [*prelude, *state.live_entries()] if e.id not in hidden
            and ((e.kind == "note" and e.pinned) or (e.kind != "note" and key_event(e)))]
    return sorted(rows, key=lambda e: (row_time(e), e.entry_time))


def row_time(entry: Entry) -> dt.datetime:
    """When a timeline row happened: the declaration row at its entry time, others at their
    event time (the open entry's event time is the backdated start, shown as its own row)."""
    if entry.kind == "incident" and entry.data.get("op") == "open":
        return entry.entry_time
    return entry.event_time


def postmortem(state: IncidentState, policy: IncidentPolicy, now: dt.datetime,
               prelude: list[Entry] = (),  # type: ignore[assignment]
               ) -> str:
    """The whole draft as Markdown."""
    draft = Draft(state, policy, now, list(prelude),
                  {v.name: v for v in targets(state, policy, now)}, fold_items(state.entries))
    out: list[str] = []
    for section in SECTIONS:
        out += section(draft)
    return "\n".join(out).rstrip() + "\n"


def _header(d: Draft) -> list[str]:
    state = d.state
    writers = {e.author for e in state.entries if e.kind in ("note", "item")
               or (e.kind == "incident" and e.data.get("op") == "set")}
    authors = sorted(writers | {state.declared_by})
    return [
        f"# Post-Mortem: {cell(state.title)}", "",
        f"**Date:** {state.start:%Y-%m-%d}  ",
        f"**Author(s):** {cell(', '.join(authors))}  ",
        f"**Severity:** {cell(state.severity)}  ",
        "**Status:** Draft  ",
        f"**Incident:** `{state.id}` — commander {cell(state.commander or '—')}, "
        f"status {state.status}{'' if state.resolved else ' (still open)'}  ",
        f"**Duration:** {_elapsed(d)} (start → {'resolution' if state.resolved else 'now'})",
        "", "---", "",
    ]


def _summary(d: Draft) -> list[str]:
    return ["## Summary", "", prose(d.text("summary")) or not_written("summary"), ""]


def _impact(d: Draft) -> list[str]:
    state = d.state
    failing = "; ".join(f"{f.get('key')} {f.get('state')}" + (
        f" ({f['reason']})" if f.get("reason") else "") for f in state.failing)
    return [
        "## Impact", "", "| Dimension | Detail |", "|-----------|--------|",
        f"| Who was affected | {cell(state.scope_text)} |",
        f"| Reported impact | {cell(state.impact) if state.impact else not_written('impact')} |",
        f"| Approximate user count | {_answer(state, 'users')} |",
        f"| Service accessible | {_answer(state, 'accessible')} |",
        f"| Revenue impacted or getting worse | {_answer(state, 'worsening')} |",
        f"| Duration | {_elapsed(d)} ({utc(state.start)} → "
        f"{utc(state.resolved_at) if state.resolved else 'ongoing'}) |",
        f"| Failing when declared | {cell(failing or 'no check was failing', 600)} |",
        f"| Features degraded | {cell(_degraded(state, d.prelude), 600)} |",
        f"| Data at risk | {_answer(state, 'data_risk')} |",
        "",
    ]


def _metrics(d: Draft) -> list[str]:
    state = d.state
    out = ["## Response metrics", "", f"Against the configured {cell(state.severity)} targets.",
           "", "| Metric | Measured | Target | Result |", "|--------|----------|--------|--------|"]
    for label, target, span in _METRICS:
        view = d.views[target]
        limit = duration(view.limit) if view.limit else "—"
        out.append(f"| {label} ({span}) | {cell(_measured(state, span))} | {limit} | "
                   f"{_result(view)} |")
    out += ["", "Milestones: " + ", ".join(
        f"{m} {utc(state.milestones.get(m), date=False)}"
        for m in ("detected", "acknowledged", "mitigated", "resolved")) + " (UTC).", ""]
    out += [f"Out of order in the journal (not measured): {cell(c)}." for c in state.conflicts()]
    return out


def _timeline(d: Draft) -> list[str]:
    state, prelude = d.state, d.prelude
    out = ["## Timeline (all times UTC)", "", "| Time | Event | By |", "|------|-------|----|",
           f"| {utc(state.start)} | {cell(_start_row(state, prelude))} | — |"]
    by_id = {e.id: e for e in [*prelude, *state.entries]}
    for e in timeline_rows(state, prelude):
        text = describe(e)
        if e.kind == "note":
            text = "📌 " + text
        if e.supersedes:
            text += " (correction)"
        if row_time(e) < e.entry_time - dt.timedelta(seconds=60):
            text += f" (noted {utc(e.entry_time, date=False)})"
        out.append(f"| {utc(row_time(e))} | {cell(text)} | {cell(credit(e, by_id))} |")
    out += [f"| {utc(d.now)} | Post-mortem draft generated | — |", ""]
    return out


def _root_cause(d: Draft) -> list[str]:
    factors = bullets(d.text("contributing_factors"), numbered=True)
    return ["## Root Cause", "", prose(d.text("root_cause")) or not_written("root_cause"), "",
            "### Contributing Factors", "",
            *(factors or [not_written("contributing_factors")]), ""]


def _resolution(d: Draft) -> list[str]:
    out = ["## Resolution", "", "What was done to stop the bleeding and restore service:", ""]
    entries = d.entries
    actions = ran(entries)  # not refused, blocked nor dismissed at confirmation
    overrides = _overrides(entries)
    for i, e in enumerate(actions, 1):
        why = overrides.get(str(e.data.get("attempt")))
        out.append(f"{i}. {utc(e.event_time, date=False)} — {cell(describe(e), 500)} "
                   f"(by {cell(e.author)})" + (f" — {cell(why, 600)}" if why else ""))
    if not actions:
        out.append("- No action was run from the war room.")
    out.append("")
    # Ticked runbook steps and other records of what was done: one call each, here, e.g.
    # out += ticked_steps(d.state, d.entries)   (lines ending with "")
    out += ticked_steps(d.state, d.entries)  # tui/core/runbook/ticks.py
    out += duty_lines(d.state, d.policy, d.now)  # checklist, escalations (escalation.py)
    if d.text("summary") and d.state.resolved:
        out += [f"Resolution note: {cell(d.text('summary'), 1000)}", ""]
    return out


def _went_well(d: Draft) -> list[str]:
    state, found = d.state, []
    for view in d.views.values():
        if view.state == "met" and view.limit and view.took is not None:
            found.append(f"{LABELS[view.name]} within the {cell(state.severity)} target "
                         f"({duration(view.took)} ≤ {duration(view.limit)}).")
    updates = sum(1 for e in state.live_entries()
                  if e.kind == "incident" and e.data.get("op") == "update")
    updates += len({e.data.get("send") for e in state.live_entries()  # sent to [[notify]]
                    if e.kind == "notify" and e.data.get("outcome") == "sent"})
    if updates:
        found.append(f"{updates} status update(s) sent from the war room.")
    return _people_and_journal("What Went Well", "went_well", d, found)


def _went_poorly(d: Draft) -> list[str]:
    state, found = d.state, []
    for view in d.views.values():
        if view.state == "missed" and view.limit and view.took is not None:
            found.append(f"{LABELS[view.name]} took {duration(view.took)}, over the "
                         f"{cell(state.severity)} target of {duration(view.limit)}.")
        elif view.state == "red" and view.limit and view.remaining is not None:
            running = duration(view.limit - view.remaining)
            found.append(f"{LABELS[view.name]} still open after {running}, over the "
                         f"{cell(state.severity)} target of {duration(view.limit)}.")
    for conflict in state.conflicts():
        found.append(f"Milestones recorded out of order ({cell(conflict)}): correct them in "
                     "the journal so the figures can be measured.")
    for e in d.entries:
        if action_result(e) and str(e.data.get("outcome", "")).lower() in ("failed", "blocked"):
            found.append(f"Action failed at {utc(e.event_time, date=False)}: "
                         f"{cell(describe(e), 300)}.")
    found += [f"Preflight overridden: {cell(why, 400)}." for why in _overrides(d.entries).values()]
    return _people_and_journal("What Went Poorly", "went_poorly", d, found)


def _people_and_journal(title: str, key: str, d: Draft, found: list[str]) -> list[str]:
    out = [f"## {title}", "", *(bullets(d.text(key)) or [not_written(key)]), ""]
    if found:
        out += ["From the journal:", "", *(f"- {line}" for line in found), ""]
    return out


def _action_items(d: Draft) -> list[str]:
    out = ["## Action Items", ""]
    today = d.now.astimezone(dt.UTC).date()
    if d.items:
        out += ["| ID | Action | Owner | Due | Status |", "|----|--------|-------|-----|--------|"]
        for item in d.items:
            status = "open — OVERDUE" if item.overdue(today) else item.status
            out.append(f"| `{item.id}` | {cell(item.text, 600)} | {cell(item.owner or '—')} | "
                       f"{item.due.isoformat() if item.due else '—'} | {status} |")
        done = sum(1 for i in d.items if i.status == "done")
        counted = sum(1 for i in d.items if i.status != "cancelled")
        out += ["", f"Completed: {done} of {counted}"
                + (f" ({100 * done // counted} %)" if counted else "") + "."]
    else:
        out.append(f"(none yet — {ADD_ITEM})")
    suggested = [(e, m.group(1)) for e in d.state.live_entries()
                 if e.kind == "note" and (m := _ACTION_ITEM.match(e.text()))]
    if suggested:
        out += ["", f"Suggested in notes, not tracked yet ({ADD_ITEM}):", ""]
        out += [f"- {cell(text, 600)} ({cell(e.author)}, {utc(e.event_time)})"
                for e, text in suggested]
    return [*out, ""]


def _lessons(d: Draft) -> list[str]:
    return ["## Lessons Learned", "",
            *(bullets(d.text("lessons"), numbered=True) or [not_written("lessons")]), ""]


def _prevention(d: Draft) -> list[str]:
    """How it will not happen again: the text written, else the action items still open."""
    out = ["## Prevention", ""]
    if d.text("prevention"):
        return [*out, *(bullets(d.text("prevention")) or []), ""]
    open_items = [i for i in d.items if i.status == "open"]
    if open_items:
        out.append(f"{len(open_items)} action item(s) still open (above); "
                   "the plan in words:")
    return [*out, not_written("prevention"), ""]


def _links(d: Draft) -> list[str]:
    """The template's Appendix: the journal (every entry), the links given, and the war
    room notes (below)."""
    out = ["## Appendix", "", f"- Incident journal: `{cell(d.state.path)}`"]
    if d.text("links"):
        out += [f"- {cell(link.strip())}" for link in d.text("links").split(",")
                if link.strip()]
    else:
        out.append(f"- Logs, metrics, tickets: {not_written('links')}")
    if any(e.kind == "note" for e in d.state.entries):
        out.append("- War room notes: below")
    return [*out, ""]


def _appendix(d: Draft) -> list[str]:
    out = notes_appendix(d.state)
    if d.state.skipped:
        out += ["", "## Journal warnings", ""] + [f"- {cell(s)}" for s in d.state.skipped]
    return out


SECTIONS: tuple[Callable[[Draft], list[str]], ...] = (
    _header, _summary, _impact, _metrics, _timeline, _root_cause, _resolution, _went_well,
    _went_poorly, _action_items, _lessons, _prevention, _links, _appendix,
)
"""The post-mortem's sections in order (each returns its lines, ending with "")."""


def _elapsed(d: Draft) -> str:
    span = d.state.elapsed(d.now)
    if span is None:
        return "— (" + d.state.span("start", "resolved").note + ")"
    return duration(span)


def _measured(state: IncidentState, span: str) -> str:
    begin, end = span.split(" → ")
    measured = state.span(begin, end)
    return duration(measured.delta) if measured.delta is not None else f"— ({measured.note})"


def _result(view: TargetView) -> str:
    """MET / MISSED by how much for a measured figure; else what the target shows now."""
    if view.state == "met" and view.remaining is not None:
        return f"MET ({duration(view.remaining)} to spare)"
    if view.state == "missed" and view.remaining is not None:
        return f"MISSED by {duration(-view.remaining)}"
    if view.state == "red" and view.remaining is not None:
        return f"BREACHED by {duration(-view.remaining)} (still running)"
    if view.state in ("ok", "amber") and view.remaining is not None:
        return f"{view.word} ({duration(view.remaining)} left, still running)"
    return view.word


def _answer(state: IncidentState, key: str) -> str:
    """A declare-form answer in words, marked as such."""
    value = state.answers.get(key)
    question = next((q for q in QUESTIONS if q.key == key), None)
    if value is None or question is None:
        return "(not answered at declaration)"
    label = dict(question.choices).get(value, value)
    return f"{cell(label.capitalize())} (answered at declaration)"


def _start_row(state: IncidentState, prelude: list[Entry]) -> str:
    """The incident start, and the first failing check at that moment if one was recorded."""
    for e in sorted([*prelude, *state.entries], key=lambda e: e.event_time):
        if is_failure(e) and abs(e.event_time - state.start) <= dt.timedelta(seconds=2):
            return f"Incident start — first signal: {describe(e)}"
    return "Incident start"


def _degraded(state: IncidentState, prelude: list[Entry]) -> str:
    """Checks that failed during the incident (and those failing when it was declared)."""
    failed: dict[str, str] = {}

    def add(key: str, new: str) -> None:
        if failed.get(key) != "DOWN":
            failed[key] = new
    for item in state.failing:
        if item.get("state") in FAILING:
            add(item["key"], item["state"])
    planned: set[str] = set()
    for e in [*prelude, *state.entries]:
        if e.kind == "check" and e.data.get("maintenance"):
            planned.add(str(e.data.get("key")))  # planned maintenance is not degradation
        elif e.kind == "check" and e.data.get("new") in FAILING:
            add(str(e.data.get("key")), str(e.data.get("new")))
    aside = sorted(planned - set(failed))
    note = f" (in planned maintenance, not counted: {', '.join(aside)})" if aside else ""
    if not failed:
        return "none recorded by the war room's checks (say what users saw in the impact)" \
            + note
    return ", ".join(f"{k} ({v})" for k, v in sorted(failed.items())) + note


def _overrides(entries: list[Entry]) -> dict[str, str]:
    """Attempt id → "preflight failed (…), overridden: <reason>" for every attempt that ran
    although its preflight failed (the reason is on the attempt's `started` entry)."""
    found = {}
    for e in entries:
        d = e.data
        if e.kind == "action" and d.get("outcome") == "started" and d.get("overridden"):
            failed = "; ".join(f"{p.get('check')}: {p.get('reason')}"
                               for p in d.get("preflight") or []
                               if isinstance(p, dict) and not p.get("ok"))
            found[str(d.get("attempt"))] = (f"preflight failed ({failed}), overridden: "
                                            f"{d.get('override_reason') or '(no reason)'}")
    return found
