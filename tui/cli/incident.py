"""`warroom incident …`: declare, annotate, resolve and export incidents from any shell.

Works without a config (default policy and `$XDG_STATE_HOME/warroom/incidents`), so a note
can be added over ssh; each change is fsynced before the command returns and shows up in
every open war room within a second.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from tui.cli import config_arg, incident_duty, incident_items
from tui.cli.incident_render import one_line_lines, render_status, unreadable_lines
from tui.core.config import ConfigError, find_config, load_config
from tui.core.config.incident import IncidentPolicy
from tui.core.incident import (
    MILESTONES,
    QUESTIONS,
    SCOPES,
    STATUSES,
    Declaration,
    IncidentError,
    Incidents,
    IncidentState,
    classify,
    marks,
    ops,
    parse_when,
)
from tui.core.incident.export_common import describe, utc
from tui.core.incident.export_postmortem import postmortem
from tui.core.incident.export_status import KINDS, osc52, status_update
from tui.core.incident.history import monthly, render_rows, rows
from tui.core.incident.ops import OrderError
from tui.core.incident.signal import failing_checks, first_signal
from tui.core.journal import Journal
from tui.core.model import utcnow
from tui.core.sanitize import one_line

EXPORTS = ("postmortem", *KINDS)


def add_parser(subparsers: argparse._SubParsersAction, parents: list) -> None:
    top = subparsers.add_parser("incident", parents=parents, help="incident commands")
    sub = top.add_subparsers(dest="incident_command", metavar="ACTION", required=True)
    common = argparse.ArgumentParser(add_help=False, parents=parents)
    common.add_argument("--as", dest="author", metavar="NAME", default=argparse.SUPPRESS,
                        help="author (default user@host)")
    common.add_argument("--incident", metavar="ID", help="incident id or prefix (default: open)")

    p = sub.add_parser("open", parents=[common], help="declare an incident")
    p.add_argument("--title", required=True)
    p.add_argument("--severity", help="e.g. P1 (default from config)")
    p.add_argument("--commander", default="", help="incident commander (default: you)")
    p.add_argument("--scope", choices=SCOPES, default="platform")
    p.add_argument("--scope-detail", default="", help="which tenant or feature")
    p.add_argument("--impact", default="", help="what users see")
    p.add_argument("--start", metavar="WHEN",
                   help="backdate to the first signal: 10m (ago), HH:MM UTC, ISO")
    p.add_argument("--force", action="store_true", help="even if another incident is open")
    _questions(p)

    p = sub.add_parser("note", parents=[common], help="add a note (text or stdin)")
    p.add_argument("text", nargs="*", help="note text; '-' or nothing reads stdin")
    p.add_argument("--pin", action="store_true", help="mark as a key event")
    p.add_argument("--at", metavar="WHEN", help="when it happened: 10m (ago), HH:MM UTC, ISO")
    p.add_argument("--supersedes", metavar="ENTRY_ID",
                   help="correct an earlier note (keeps its time unless --at is given)")

    p = sub.add_parser("pin", parents=[common], help="pin (or --unpin) an entry by id")
    p.add_argument("entry_id", metavar="ENTRY_ID")
    p.add_argument("--unpin", action="store_true")

    p = sub.add_parser("status", parents=[common], help="show the clock (or set the status)")
    p.add_argument("new_status", nargs="?", choices=STATUSES)
    p.add_argument("-n", "--last", type=int, default=10, help="entries shown (default 10)")

    p = sub.add_parser("severity", parents=[common], help="change the severity")
    p.add_argument("level")

    p = sub.add_parser("milestone", parents=[common], help="record a milestone")
    p.add_argument("name", choices=MILESTONES)
    p.add_argument("--at", metavar="WHEN")
    p.add_argument("--suggested", action="store_true", help="use the time suggested by checks")
    p.add_argument("--unset", action="store_true", help="retract it")

    p = sub.add_parser("resolve", parents=[common], help="resolve the incident")
    p.add_argument("--at", metavar="WHEN")
    p.add_argument("--summary", default="")

    p = sub.add_parser("set", parents=[common], help="set fields (open or latest incident): "
                       "title, impact, commander, root_cause, contributing_factors, summary, "
                       "went_well, went_poorly, lessons, prevention, links … as FIELD=VALUE")
    p.add_argument("assignments", nargs="+", metavar="FIELD=VALUE")

    p = sub.add_parser("update-sent", parents=[common], help="record a status update sent")
    p.add_argument("--channel", default="status-page")
    p.add_argument("--kind", default="internal")
    from tui.cli.incident_notify import add_parser as add_notify  # `incident notify KIND`

    add_notify(sub, common)

    p = sub.add_parser("list", parents=[common], help="past incidents, durations, MTTR")
    p.add_argument("--month", metavar="YYYY-MM", help="the monthly review summary")

    p = sub.add_parser("export", parents=[common], help="post-mortem or status update")
    p.add_argument("what", choices=EXPORTS, nargs="?", default="postmortem",
                   help="postmortem (default) or a status update kind")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default stdout)")
    p.add_argument("--copy", action="store_true", help="copy via OSC 52 (if config allows)")
    p.add_argument("--mark-sent", action="store_true", help="record the update as sent")

    incident_items.add_parser(sub, common)
    incident_duty.add_parser(sub, common)  # `incident checklist`, `incident escalation`

    p = sub.add_parser("classify", parents=[common], help="impact × urgency → severity")
    p.add_argument("--scope", dest="scope", choices=SCOPES, help=QUESTIONS[0].text)
    _questions(p)


def _questions(parser: argparse.ArgumentParser) -> None:
    """--accessible, --data-risk, --users, --worsening (the classifier's questions)."""
    for q in QUESTIONS[1:]:
        parser.add_argument(f"--{q.key.replace('_', '-')}", dest=q.key,
                            choices=[c for c, _ in q.choices], help=q.text)


def _incidents(args: argparse.Namespace) -> Incidents:
    """The config's incident directory (with its services' colors, to tell what pages)."""
    explicit = config_arg(args)
    try:
        config = load_config(find_config(explicit))
    except ConfigError:
        if explicit or os.environ.get("WARROOM_CONFIG"):
            raise
        return Incidents(IncidentPolicy(), ".")
    return Incidents.from_config(config)


def run(args: argparse.Namespace) -> int:
    try:
        incidents = _incidents(args)
    except ConfigError as exc:
        print(f"bad config\n{exc.render()}", file=sys.stderr)
        return 2
    author = getattr(args, "author", None)
    try:
        return _dispatch(args, incidents, author)
    except OrderError as exc:  # a time out of order: refused, like a usage error
        print(f"warroom incident: {exc}", file=sys.stderr)
        return 2
    except (IncidentError, LookupError, ValueError, OSError) as exc:
        print(f"warroom incident: {exc}", file=sys.stderr)
        return 1


def _target(args: argparse.Namespace, incidents: Incidents, latest: bool = False
            ) -> IncidentState:
    """--incident, else the open incident, else (for read-only commands) the latest one."""
    if args.incident:
        return incidents.get(args.incident)
    state = incidents.current()
    if state is None and latest:
        every = incidents.all()
        state = max(every, key=lambda s: s.declared_at) if every else None
    if state is None:
        raise LookupError(f"no open incident in {incidents.dir} (use --incident ID)")
    return state


def _dispatch(args: argparse.Namespace, incidents: Incidents, author: str | None) -> int:
    cmd, now = args.incident_command, utcnow()
    when = (lambda text: parse_when(text, now) if text else None)  # noqa: E731
    if cmd == "open":
        audit = Journal(incidents.audit_path).load().entries
        declaration = Declaration(
            args.title, args.severity, args.commander or author or "", args.scope,
            args.scope_detail, args.impact, when(args.start), _answers(args))
        state = ops.declare(incidents, declaration, author=author,
                            allow_concurrent=args.force, failing=failing_checks(audit))
        print(f"declared {state.id} ({state.severity}) — journal {state.path}")
        signal = first_signal(audit)
        if not args.start and signal is not None and signal.event_time < state.start:
            print(one_line(f"first signal {utc(signal.event_time)} UTC ({describe(signal)}); "
                           f"to start there: warroom incident set start="
                           f"{signal.event_time.isoformat()}"), file=sys.stderr)
        return 0
    if cmd == "list":
        states = incidents.all()
        if args.month:
            print(monthly(states, incidents.policy, args.month), end="")
        else:
            print(one_line_lines(render_rows(rows(states, now))), end="")
        return 0
    if cmd == "classify":
        answers = _answers(args)
        print(classify(answers, incidents.policy).describe())
        return 0
    if cmd == "note":
        text = " ".join(args.text)
        if not args.text or text == "-":
            text = sys.stdin.read()
        journal = _journal(args, incidents)
        at = when(args.at)
        if args.supersedes:
            original = marks.find(journal.load().entries, args.supersedes)
            if original is None or original.kind != "note":
                raise LookupError(f"no note {args.supersedes!r} in {journal.path.stem}")
            at = at or original.event_time  # a correction keeps the original's time
            args.supersedes = original.id
        entry = ops.note(journal, text, author=author, at=at, pinned=args.pin,
                         supersedes=args.supersedes)
        where = journal.path.stem
        print(f"noted {entry.id} at {utc(entry.event_time)} UTC in {where}")
        return 0
    if cmd == "pin":
        journal = _journal(args, incidents)
        entry = ops.pin(journal, args.entry_id, not args.unpin, author=author)
        verb = "unpinned" if args.unpin else "pinned"
        print(f"{verb} {entry.data['target']} in {journal.path.stem}")
        return 0
    if cmd == "status" and not args.incident and not incidents.all():
        print(f"no incident recorded in {incidents.dir}")
        print("".join(line + "\n" for line in unreadable_lines(None, incidents)), end="")
        return 0
    if cmd in ("checklist", "escalation"):  # K and E from a shell, on the open incident
        return incident_duty.run(args, incidents, author, now)
    if cmd == "notify":  # to the [[notify]] targets; a resolved incident's update too
        from tui.cli.incident_notify import notify

        return notify(args, incidents, _target(args, incidents, latest=True), now, author)
    state = _target(args, incidents, latest=cmd in ("status", "export", "set", "action-item"))
    if cmd == "action-item":
        return incident_items.run(args, state, author)
    if cmd == "status":
        if args.new_status:
            ops.set_status(state, args.new_status, author=author)
            state = incidents.load(state.path) or state
        print(render_status(state, incidents, now, args.last), end="")
        return 0
    if cmd == "severity":
        ops.set_severity(incidents, state, args.level, author=author)
    elif cmd == "milestone":
        at, reason = when(args.at), ""
        if args.suggested:
            found = [s for s in incidents.suggestions(state)
                     if s.milestone == args.name]
            if not found:
                raise IncidentError(f"no suggestion for {args.name} from the checks")
            at, reason = found[0].at, found[0].reason
        ops.set_milestone(state, args.name, author=author, at=at, unset=args.unset,
                          reason=reason)
    elif cmd == "resolve":
        ops.resolve(state, author=author, at=when(args.at), summary=args.summary)
    elif cmd == "set":
        values = dict(_assignment(a) for a in args.assignments)
        if "start" in values:
            values["start"] = parse_when(values["start"], now).isoformat()
        ops.set_fields(state, values, author=author)
    elif cmd == "update-sent":
        ops.update_sent(state, channel=args.channel, kind=args.kind, author=author)
    elif cmd == "export":
        return _export(args, incidents, state, now, author)
    state = incidents.load(state.path) or state
    print(render_status(state, incidents, now, 0), end="")
    return 0


def _journal(args: argparse.Namespace, incidents: Incidents) -> Journal:
    """--incident's journal, else the open incident's, else the standing audit journal."""
    if args.incident or incidents.current():
        return Journal(_target(args, incidents).path)
    return Journal(incidents.audit_path)


def _answers(args: argparse.Namespace) -> dict[str, str]:
    return {q.key: getattr(args, q.key) for q in QUESTIONS if getattr(args, q.key, None)}


def _assignment(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep:
        raise ValueError(f"expected FIELD=VALUE, got {text!r}")
    return key.strip().replace("-", "_"), value


def _export(args: argparse.Namespace, incidents: Incidents, state: IncidentState,
            now: dt.datetime, author: str | None) -> int:
    prelude = incidents.prelude(state)
    if args.what == "postmortem":
        text = postmortem(state, incidents.policy, now, prelude)
    else:
        text = status_update(args.what, state, incidents.policy, now, prelude)
    if args.output:
        path = Path(args.output)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"wrote {path}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    if args.copy:
        if not incidents.policy.osc52:
            raise ValueError("clipboard copy is off (set [incident] osc52 = true)")
        with open("/dev/tty", "w") as tty:
            tty.write(osc52(text, incidents.policy.osc52_max_bytes))
    if args.mark_sent and args.what != "postmortem":
        ops.update_sent(state, channel="cli-export", kind=args.what, author=author)
    return 0
