"""Incident numbers that cannot lie: ordered milestones (refused with the conflict named, CLI
exit 2), no negative figure anywhere — also from journals written by older versions — MET /
MISSED only with both ends, and a seeded property test over random milestone sequences."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

import pytest

from tui.cli.incident_render import render_status
from tui.core.config.incident import IncidentPolicy
from tui.core.incident import Incidents, IncidentState, fold, ops, targets
from tui.core.incident.export_common import duration
from tui.core.incident.export_postmortem import postmortem
from tui.core.incident.export_status import KINDS, status_update
from tui.core.incident.model import METRIC_SPANS, ORDER, order_conflict
from tui.core.journal import Entry, Journal
from tui.core.model import utcnow

from .conftest import warroom

NEGATIVE = re.compile(r"(?<![\w-])-\s?\d+(?::\d\d|m \d\ds|h \d\dm|s\b)")
"""A negative mm:ss, "1m 05s", "1h 02m" or "5s" figure (dates like 2026-03-01 do not match)."""
POLICY = IncidentPolicy()


def test_cli_refuses_an_out_of_order_milestone_naming_the_conflict(tmp_path: Path) -> None:
    warroom("incident", "open", "--title", "Order test", "--severity", "P0", "--start", "10m",
            cwd=tmp_path)
    warroom("incident", "milestone", "mitigated", "--at", "5m", cwd=tmp_path)
    bad = warroom("incident", "milestone", "detected", "--at", "2m", cwd=tmp_path, check=False)
    assert bad.returncode == 2 and bad.stdout == ""
    assert re.search(r"detected \d\d:\d\d:\d\d is after mitigated \d\d:\d\d:\d\d", bad.stderr)
    early = warroom("incident", "milestone", "detected", "--at", "11m", cwd=tmp_path,
                    check=False)
    assert early.returncode == 2 and "is before start" in early.stderr
    start = warroom("incident", "set", "start=3m", cwd=tmp_path, check=False)
    assert start.returncode == 2 and "start" in start.stderr
    assert "is after mitigated" in start.stderr
    resolve = warroom("incident", "resolve", "--at", "7m", cwd=tmp_path, check=False)
    assert resolve.returncode == 2 and "resolved" in resolve.stderr
    status = warroom("incident", "status", cwd=tmp_path).stdout
    assert not NEGATIVE.search(status)
    # detected was never recorded: Detect and Mitigate are not measured, never MET
    assert re.search(r"Detect\s+NOT MEASURED\s+not measured: detected not recorded", status)
    assert re.search(r"Mitigate\s+NOT MEASURED", status) and "MET" not in status
    warroom("incident", "milestone", "detected", "--at", "6m", cwd=tmp_path)
    warroom("incident", "resolve", cwd=tmp_path)
    md = warroom("incident", "export", cwd=tmp_path).stdout  # no kind: the post-mortem
    assert md.startswith("# Post-Mortem: Order test") and not NEGATIVE.search(md)
    assert re.search(r"\| Time to mitigate \(detected → mitigated\) \| (0m 5\d|1m 0\d)s \|", md)


def _legacy(path: Path) -> list[Entry]:
    """An incident journal as an older version could write it: mitigated before detected,
    resolved before the start."""
    t0 = utcnow() - dt.timedelta(hours=1)
    rows = [("open", {"title": "Legacy", "severity": "P0"}, 0),
            ("milestone", {"milestone": "mitigated"}, 4), ("milestone", {"milestone": "detected"},
                                                           8),
            ("resolve", {}, -2)]
    journal = Journal(path)
    for op, data, minutes in rows:
        journal.append("incident", {"op": op, **data},
                       event_time=t0 + dt.timedelta(minutes=minutes))
    return journal.load().entries


def test_an_old_journal_out_of_order_shows_the_conflict_never_a_negative(tmp_path: Path
                                                                           ) -> None:
    path = tmp_path / "20260101-000000-legacy.jsonl"
    state = fold(_legacy(path), path)
    assert state is not None
    assert all(v is None or v >= dt.timedelta(0) for v in state.metrics().values())
    assert state.metrics()["Time to mitigate"] is None and state.elapsed(utcnow()) is None
    assert any("mitigated" in c and "is before detected" in c for c in state.conflicts())
    views = {v.name: v for v in targets(state, POLICY, utcnow())}
    assert views["mitigate"].state == "conflict" and views["mttr"].state == "conflict"
    md = postmortem(state, POLICY, utcnow())
    assert not NEGATIVE.search(md) and "conflict: mitigated" in md
    well = md.split("## What Went Well")[1].split("## What Went Poorly")[0]
    assert "Mitigate" not in well and "MTTR" not in well
    for kind in KINDS:
        assert not NEGATIVE.search(status_update(kind, state, POLICY, utcnow()))
    text = render_status(state, Incidents(POLICY, tmp_path), utcnow(), 5)
    assert not NEGATIVE.search(text) and "out of order" in text


# -- the property test -------------------------------------------------------------------------

CASES = 300


def _check_figures(state: IncidentState, now: dt.datetime, incidents: Incidents) -> None:
    points = state.points()
    metrics = state.metrics()
    for label, (a, b) in METRIC_SPANS.items():
        if a in points and b in points and points[b] >= points[a]:
            assert metrics[label] == points[b] - points[a]
        else:
            assert metrics[label] is None
    for view in targets(state, POLICY, now):
        if view.state in ("met", "missed"):
            begin, end = {"detect": ("start", "detected"),
                          "acknowledge": ("detected", "acknowledged"),
                          "mitigate": ("detected", "mitigated"),
                          "recover": ("mitigated", "resolved"),
                          "mttr": ("start", "resolved")}[view.name]
            assert begin in points and end in points  # both ends recorded
            assert view.took == points[end] - points[begin] >= dt.timedelta(0)
    md = postmortem(state, POLICY, now)
    assert not NEGATIVE.search(md), md
    for label in METRIC_SPANS:
        row = next(line for line in md.splitlines() if line.startswith(f"| {label} ("))
        shown = row.split(" | ")[1]
        assert shown == duration(metrics[label]) if metrics[label] is not None \
            else shown.startswith("— (")
    well = md.split("## What Went Well")[1].split("## What Went Poorly")[0]
    assert "-" not in re.sub(r"^- ", "", well, flags=re.M).replace("—", "")
    for kind in KINDS:
        assert not NEGATIVE.search(status_update(kind, state, POLICY, now))
    status = render_status(state, incidents, now, 0)
    assert not NEGATIVE.search(status), status


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_milestones_and_clocks_never_give_a_negative_or_false_figure(
        tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    incidents = Incidents(POLICY, tmp_path)
    refused = accepted = 0
    for case in range(CASES // 3):
        base = utcnow() - dt.timedelta(hours=3)
        start = base + dt.timedelta(seconds=rng.randint(0, 3600))
        path = tmp_path / f"case-{seed}-{case}.jsonl"
        Journal(path).append("incident", {"op": "open", "title": f"case {case}",
                                          "severity": rng.choice(["P0", "P1", "P2"])},
                             event_time=start)
        for _ in range(rng.randint(1, 6)):
            state = incidents.load(path)
            assert state is not None
            if state.resolved:
                break
            name = rng.choice((*ORDER[1:], "start"))
            at = start + dt.timedelta(seconds=rng.randint(-600, 3600))
            expected = order_conflict(
                {k: v for k, v in state.points().items() if k != name}, name, at)
            try:
                if name == "start":
                    ops.set_fields(state, {"start": at.isoformat()})
                elif name == "resolved":
                    ops.resolve(state, at=at)
                else:
                    ops.set_milestone(state, name, at=at)
            except ops.OrderError as exc:
                assert expected is not None and expected in str(exc)
                refused += 1
            else:
                assert expected is None
                accepted += 1
        state = incidents.load(path)
        assert state is not None and state.conflicts() == []
        for now in (utcnow(), state.start - dt.timedelta(seconds=rng.randint(0, 90)),
                    state.start + dt.timedelta(seconds=rng.randint(0, 7200))):
            _check_figures(state, now, incidents)
    assert refused > 20 and accepted > 20  # both paths exercised


def test_random_legacy_journals_read_without_a_negative_figure(tmp_path: Path) -> None:
    rng = random.Random(7)
    incidents = Incidents(POLICY, tmp_path)
    t0 = utcnow() - dt.timedelta(hours=2)
    for case in range(100):  # written as an old version could: any order, no checks
        entries = [Entry("o", "incident", t0, t0 + dt.timedelta(seconds=rng.randint(0, 600)),
                         "x", {"op": "open", "title": "t", "severity": "P1"})]
        for i, name in enumerate(rng.sample(ORDER[1:], rng.randint(1, 4))):
            op = {"op": "resolve"} if name == "resolved" else {"op": "milestone",
                                                                "milestone": name}
            entries.append(Entry(f"m{i}", "incident", t0, t0 + dt.timedelta(
                seconds=rng.randint(-300, 900)), "x", op))
        state = fold(entries, tmp_path / f"legacy-{case}.jsonl")
        assert state is not None
        _check_figures(state, utcnow(), incidents)


def test_an_old_style_pin_copy_reads_as_a_mark_on_the_original() -> None:
    from tui.core.incident.marks import apply_pins

    t = utcnow() - dt.timedelta(minutes=30)
    original = Entry("a1", "note", t, t, "bob", {"text": "api 503"})
    copy = Entry("b2", "note", t + dt.timedelta(minutes=5), t, "ann", {"text": "api 503"},
                 supersedes="a1", pinned=True)  # how pins were written before
    fix = Entry("c3", "note", t + dt.timedelta(minutes=6), t, "ann", {"text": "api 503s"},
                supersedes="b2", pinned=True)
    assert [(e.id, e.author, e.pinned, e.supersedes) for e in apply_pins([original, copy])] \
        == [("a1", "bob", True, None)]
    shown = apply_pins([original, copy, fix])
    assert [(e.id, e.supersedes) for e in shown] == [("a1", None), ("c3", "a1")]
