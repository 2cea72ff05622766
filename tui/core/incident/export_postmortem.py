"""The post-mortem draft in Markdown, following the runbooks' template, from the journal.

Sections: header, summary, impact table, response metrics (MTTD, MTTA, time to mitigate,
MTTR against the severity's targets), timeline table in UTC (pinned notes and automatic key
events), root cause, resolution (actions run and their results), what went well, what to
improve, action items, links, and an appendix with every note (corrections shown as such).
Everything people still have to write is marked ``TODO``.
"""

from __future__ import annotations

import datetime as dt
import re

from ..auto_events import amended
from ..config.incident import IncidentPolicy
from ..journal import Entry
from ..runbook.ticks import ticked_steps
from .classify import QUESTIONS
from .clock import LABELS, TargetView, targets
from .export_common import (
    action_result,
    block,
    cell,
    credit,
    describe,
    duration,
    key_event,
    utc,
)
from .model import METRIC_SPANS, IncidentState
from .paging import FAILING, is_failure

_METRICS = (  # metric label, target name, explanation
    ("MTTD", "detect", "start → detected"),
    ("MTTA", "acknowledge", "detected → acknowledged"),
    ("Time to mitigate", "mitigate", "detected → mitigated"),
    ("MTTR", "mttr", "start → resolved"),
)
_ACTION_ITEM = re.compile(r"^\s*(?:todo|action(?: item)?|ai)\s*:\s*(.+)", re.I | re.S)


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
    out: list[str] = []
    authors = sorted({e.author for e in state.entries if e.kind == "note"} | {state.declared_by})
    elapsed = _elapsed(state, now)
    out += [
        f"# Post-Mortem: {cell(state.title)}", "",
        f"**Date:** {state.start:%Y-%m-%d}  ",
        f"**Author(s):** {cell(', '.join(authors))}  ",
        f"**Severity:** {cell(state.severity)}  ",
        "**Status:** Draft  ",
        f"**Incident:** `{state.id}` — commander {cell(state.commander or '—')}, "
        f"status {state.status}{'' if state.resolved else ' (still open)'}  ",
        f"**Duration:** {elapsed} (start → {'resolution' if state.resolved else 'now'})",
        "", "---", "", "## Summary", "",
        block(state.fields.get("summary")) if state.fields.get("summary") else
        "TODO: one or two sentences: what broke, and why it matters.",
        "", "## Impact", "", "| Dimension | Detail |", "|-----------|--------|",
        f"| Who was affected | {cell(state.scope_text)} |",
        f"| Reported impact | {cell(state.impact or 'TODO')} |",
        f"| Approximate user count | {_answer(state, 'users', 'TODO')} |",
        f"| Service accessible | {_answer(state, 'accessible', 'TODO: Yes / Partially / No')} |",
        f"| Duration | {elapsed} "
        f"({utc(state.start)} → {utc(state.resolved_at) if state.resolved else 'ongoing'}) |",
        f"| Features degraded | {cell(_degraded(state, prelude))} |",
        f"| Data at risk | {_answer(state, 'data_risk', 'TODO: Yes / No — describe if yes')} |",
        "", "## Response metrics", "",
        "| Metric | Measured | Target | Result |", "|--------|----------|--------|--------|",
    ]
    views = {v.name: v for v in targets(state, policy, now)}
    for label, target, span in _METRICS:
        view = views[target]
        limit = duration(view.limit) if view.limit else "—"
        out.append(f"| {label} ({span}) | {cell(_measured(state, label))} | {limit} | "
                   f"{_result(view)} |")
    out += ["", "Milestones: " + ", ".join(
        f"{m} {utc(state.milestones.get(m), date=False)}"
        for m in ("detected", "acknowledged", "mitigated", "resolved")) + " (UTC).", ""]
    out += [f"Out of order in the journal (not measured): {cell(c)}." for c in state.conflicts()]
    out += ["## Timeline (all times UTC)", "", "| Time | Event | By |", "|------|-------|----|",
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
    out.append(f"| {utc(now)} | Post-mortem draft generated | — |")
    out += ["", "## Root Cause", "",
            block(state.fields["root_cause"]) if state.fields.get("root_cause") else
            "TODO: the technical root cause, with the file, service or config by path.", ""]
    out += _resolution(state, prelude)
    out += _went_well_and_improve(state, views, policy)
    out += _action_items(state)
    out += ["## Links", "", f"- Incident journal: `{state.path}`"]
    if state.fields.get("links"):
        out += [f"- {cell(link.strip())}" for link in state.fields["links"].split(",")]
    out += ["- CHANGELOG.md entry: TODO", "- Error tracker issue(s): TODO",
            "- New or updated SLO/alarm: TODO", ""]
    out += _notes_appendix(state)
    if state.skipped:
        out += ["", "## Journal warnings", ""] + [f"- {cell(s)}" for s in state.skipped]
    return "\n".join(out).rstrip() + "\n"


def _elapsed(state: IncidentState, now: dt.datetime) -> str:
    span = state.elapsed(now)
    if span is None:
        return "— (" + state.span("start", "resolved").note + ")"
    return duration(span)


def _measured(state: IncidentState, label: str) -> str:
    span = state.span(*METRIC_SPANS[label])
    return duration(span.delta) if span.delta is not None else f"— ({span.note})"


def _result(view: TargetView) -> str:
    """MET / MISSED only for a measured figure; else what the target shows now."""
    if view.state in ("ok", "amber", "red"):
        return f"{view.word} (still running)"
    return view.word


def _answer(state: IncidentState, key: str, default: str) -> str:
    """A declare-form answer in words, marked as such (``default`` when not answered)."""
    value = state.answers.get(key)
    question = next((q for q in QUESTIONS if q.key == key), None)
    if value is None or question is None:
        return default
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
        return "none recorded by the war room's checks (TODO: what users saw)" + note
    return ", ".join(f"{k} ({v})" for k, v in sorted(failed.items())) + note


def _resolution(state: IncidentState, prelude: list[Entry]) -> list[str]:
    out = ["## Resolution", "", "What was done to stop the bleeding and restore service:", ""]
    entries = [*prelude, *state.live_entries()]
    actions = [e for e in entries if action_result(e)]
    overrides = _overrides(entries)
    for i, e in enumerate(sorted(actions, key=lambda e: e.event_time), 1):
        why = overrides.get(str(e.data.get("attempt")))
        out.append(f"{i}. {utc(e.event_time, date=False)} — {cell(describe(e), 500)} "
                   f"(by {cell(e.author)})" + (f" — {cell(why, 600)}" if why else ""))
    if not actions:
        out.append("1. TODO (no action was run from the war room)")
    ticked = ticked_steps(state, entries)  # tui/core/runbook/ticks.py
    if ticked:
        out += ["", *ticked[:-1]]
    if state.fields.get("summary") and state.resolved:
        out += ["", f"Resolution note: {cell(state.fields['summary'], 1000)}"]
    return [*out, ""]


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


def _went_well_and_improve(state: IncidentState, views: dict, policy: IncidentPolicy
                           ) -> list[str]:
    good, bad = [], []
    for view in views.values():
        if view.state == "met" and view.limit and view.took is not None:
            good.append(f"{LABELS[view.name]} within the {state.severity} target "
                        f"({duration(view.took)} ≤ {duration(view.limit)}).")
        elif view.state == "missed" and view.limit and view.took is not None:
            bad.append(f"{LABELS[view.name]} took {duration(view.took)}, over the "
                       f"{state.severity} target of {duration(view.limit)}.")
        elif view.state == "red" and view.limit and view.remaining is not None:
            running = duration(view.limit - view.remaining)
            bad.append(f"{LABELS[view.name]} still open after {running}, over the "
                       f"{state.severity} target of {duration(view.limit)}.")
    for conflict in state.conflicts():
        bad.append(f"Milestones recorded out of order ({conflict}): correct them in the "
                   "journal so the figures can be measured.")
    updates = sum(1 for e in state.live_entries()
                  if e.kind == "incident" and e.data.get("op") == "update")
    if updates:
        good.append(f"{updates} status update(s) sent from the war room.")
    out = ["## What Went Well", ""] + [f"- {g}" for g in good] + ["- TODO", ""]
    out += ["## What to Improve", ""] + [f"- {b}" for b in bad] + ["- TODO", ""]
    return out


def _action_items(state: IncidentState) -> list[str]:
    out = ["## Action Items", "", "| Action | Owner | Due |", "|--------|-------|-----|"]
    found = False
    for e in state.live_entries():
        if e.kind == "note" and (m := _ACTION_ITEM.match(e.text())):
            out.append(f"| {cell(m.group(1))} | {cell(e.author)} | TODO |")
            found = True
    if not found:
        out.append("| TODO: add alarm / regression test / runbook change | @handle | YYYY-MM-DD |")
    return [*out, ""]


def _evidence(ev: dict) -> list[str]:
    """A note's evidence snapshot: check states, live color, log lines (all untrusted)."""
    out = []
    checks = ev.get("checks")
    if isinstance(checks, dict) and checks:
        out.append("  Evidence — checks: " + cell(", ".join(
            f"{k} {v.get('state')}" if isinstance(v, dict) else f"{k} {v}"
            for k, v in sorted(checks.items()))))
    color = ev.get("color")
    if isinstance(color, dict):
        out.append(f"  Evidence — live color: {cell(color.get('live'))}")
    logs = ev.get("logs")
    if isinstance(logs, dict) and isinstance(logs.get("lines"), list):
        out += ["", f"  Last log lines of {cell(logs.get('source'))}:", "", "  ```"]
        out += ["  " + cell(line, 300).replace("`", "'") for line in logs["lines"]]
        out.append("  ```")
    return [*out, ""] if out else []


def _notes_appendix(state: IncidentState) -> list[str]:
    notes = [e for e in state.entries if e.kind == "note"]
    if not notes:
        return []
    out = ["## Appendix: war room notes", ""]
    for e in sorted(notes, key=lambda e: (e.event_time, e.entry_time)):
        head = f"**{utc(e.event_time)}** {cell(e.author)}"
        if e.pinned:
            head += " 📌"
        if e.id in state.superseded:
            head += f" — superseded by `{state.superseded[e.id]}`"
        if e.supersedes:
            head += f" — corrects `{e.supersedes}`"
        text = block(e.text())
        if e.id in state.superseded:
            text = "~~" + text.replace("\n", "~~\n~~") + "~~"
        body = "\n".join("> " + line for line in text.splitlines())
        out += [f"- {head} (`{e.id}`)", "", body, ""]
        if isinstance(e.data.get("evidence"), dict):
            out += _evidence(e.data["evidence"])
    return out
