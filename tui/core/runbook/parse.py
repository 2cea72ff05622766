"""Parse a runbook (Markdown or plain text) into scenarios and steps.

Markdown: every ATX (`## Rollback`) or setext heading opens a scenario. Top-level list items
— numbered, bulleted, checklists (`- [ ]`) — are steps; nested items and indented lines are
the step's context (a nested checklist item is a step). A fenced block of commands (```bash,
or an untagged block whose lines look like commands) attaches to the list item right above
it; otherwise it becomes steps of its own: one per `# comment` group when the block opens
with a comment (the comment is the step's text), else one step named by the short paragraph
before it ("**Diagnosis:**") or by its first command. Other blocks (templates, diagrams),
tables and prose are kept as the scenario's notes (first lines) — never as steps.

Plain text (a `.txt` file that does not open with a `#` heading and has no fences): headings
are ALL-CAPS lines, underlined lines (`===`/`---`), `## lines`, and short title-like lines
between blank lines; numbered and bulleted lines (`1.`, `-`, `•`) and `# 1. STEP` comment
lines are steps; runs of command lines are blocks as above.

A scenario without steps is left out (its heading still parents the ones below). Bounded:
the caller caps the bytes; lines and steps are capped here (`model.MAX_*`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import MAX_COMMAND, MAX_STEPS, MAX_TEXT, Draft, Runbook, Step
from .text import (
    clean_line,
    heading_title,
    inline,
    inline_commands,
    looks_like_command,
    markers,
)

_ATX = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w+.-]*)")
_ITEM = re.compile(r"^(\s*)([-*+•·▪◦]|\d{1,3}[.)])(?:\s+|$)(\[[ xX]\]\s*)?(.*)$")
_TABLE = re.compile(r"^\s*\|")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_COMMENT_STEP = re.compile(r"^#\s*(\d{1,3}[.)]\s+\S.*)$")
_NUMBERED_HEADING = re.compile(r"^(?:Scenario|Phase|Stage|Level|Part)\s+\d{1,3}\s*[:.-]\s*\S", re.I)
_GLUED = re.compile(r"(?<=[\w\")'])(?=# \d{1,3}\. |(?:Scenario|Phase) \d{1,3}: )")
"""Where a scraped page glued two lines together (`…|| echo "DOWN"# 1. IDENTIFY`)."""
_NOT_STEPS = re.compile(r"^(?:symptoms?|signs?|indicators?|(?:common )?causes?|examples?|"
                        r".*\bdetected via|.*\bincludes?)\W*$", re.I)
"""A list under such a label describes, it does not instruct: notes, not steps."""
_SCRAPE = frozenset({"skip to content", "jump to navigation", "jump to search"})
SHELL = frozenset({"bash", "sh", "shell", "console", "zsh", "shell-session", "sql", "psql",
                   "powershell", "ps1", "cmd", "fish"})
MAX_BLOCK_LINES = 200


@dataclass
class _State:
    name: str
    warnings: list[str] = field(default_factory=list)
    scenarios: list[Draft] = field(default_factory=list)
    parents: dict[int, str] = field(default_factory=dict)
    step_count: int = 0
    attach: bool = False
    """The last block was a step: a command block or marker right after it joins it."""
    label: str = ""
    """The short paragraph just above (names a command block of its own)."""
    describing: bool = False
    """The list below a "Symptoms:" label: its items are notes."""

    @property
    def current(self) -> Draft:
        if not self.scenarios:
            self.scenarios.append(Draft(self.name, 1))
        return self.scenarios[-1]

    def heading(self, level: int, title: str, line: int) -> None:
        parent = next((self.parents[lv] for lv in sorted(self.parents, reverse=True)
                       if lv < level), "")
        self.parents = {lv: t for lv, t in self.parents.items() if lv < level}
        self.parents[level] = title
        # the document's title (the first H1) parents nothing: it names the runbook
        first = self.scenarios[0] if self.scenarios else None
        if (level == 1 and first is None) or (
                first is not None and first.level == 1 and parent == first.title):
            parent = ""
        self.scenarios.append(Draft(title, level, parent, line))
        self.attach, self.label, self.describing = False, "", False

    def step(self, text: str, line: int, commands: list[str] | None = None,
             context: list[str] | None = None, action: str | None = None) -> None:
        if self.step_count >= MAX_STEPS:
            if self.step_count == MAX_STEPS:
                self.warnings.append(f"more than {MAX_STEPS} steps: the rest are not shown")
            self.step_count += 1
            return
        self.step_count += 1
        self.current.steps.append(Step(text[:MAX_TEXT] or "(step)",
                                       tuple(c[:MAX_COMMAND] for c in commands or ()),
                                       tuple(context or ()), action, line))
        self.attach, self.label = True, ""

    def amend(self, commands: list[str] = (), context: list[str] = (),  # type: ignore
              action: str | None = None) -> bool:
        steps = self.current.steps
        if not steps:
            return False
        last = steps[-1]
        steps[-1] = Step(last.text, (*last.commands, *(c[:MAX_COMMAND] for c in commands)),
                         (*last.context, *context)[:40], last.action or action, last.line)
        return True

    def paragraph(self, words: str) -> None:
        self.note(words)
        self.label = words.rstrip(":").strip() if len(words) <= 120 else ""
        self.describing = bool(_NOT_STEPS.match(words))
        self.attach = False

    def item(self, body: str, line: int, action: str | None = None) -> None:
        if self.describing:
            self.note("• " + inline(body))
        else:
            self.step(inline(body), line, inline_commands(body), action=action)

    def note(self, text: str) -> None:
        if text and len(self.current.notes) < 60:
            self.current.notes.append(text[:MAX_TEXT])

    def block(self, lang: str, lines: list[str], start: int) -> None:
        """A fenced block (or a run of plain command lines) starting on line `start`."""
        body = [ln for ln in lines[:MAX_BLOCK_LINES]]
        solid = [ln.strip() for ln in body if ln.strip()]
        if not solid:
            return
        code = [ln for ln in solid if not ln.startswith("#")]
        is_commands = lang.lower() in SHELL or (not lang and bool(code) and sum(
            looks_like_command(ln) for ln in code) * 2 >= len(code))
        if not is_commands:
            if self.attach and self.amend(context=solid[:12]):
                return
            for ln in solid[:12]:
                self.note(ln)
            self.attach = False
            return
        if self.attach and self.amend(commands=solid):
            self.attach = False
            return
        if not solid[0].startswith("#"):
            self.step(self.label or solid[0], start, solid)
            return
        groups: list[tuple[int, str, list[str], list[str]]] = []
        blank_before = True
        for offset, raw in enumerate(body):
            ln = raw.strip()
            if not ln:
                blank_before = True
                continue
            if ln.startswith("#") and not ln.startswith("#!"):
                words = ln.lstrip("#").strip()
                if not groups or groups[-1][2] or blank_before:
                    groups.append((start + offset, words, [], []))
                else:
                    groups[-1][3].append(words)
            else:
                groups[-1][2].append(ln)
            blank_before = False
        for line, text, commands, context in groups:
            self.step(inline(text), line, commands, context)


def parse(text: str, name: str, path: str = "", kind: str | None = None) -> Runbook:
    """Parse `text` (already size-capped by the caller). `kind` "markdown"/"plain"/None
    (None: sniff — Markdown when it opens with a `#` heading or has a fence)."""
    lines = [clean_line(ln) for ln in text.splitlines()]
    while lines and (not lines[0].strip() or lines[0].strip().casefold() in _SCRAPE):
        lines.pop(0)
    if kind is None:
        first = lines[0] if lines else ""
        fenced = any(_FENCE.match(ln) for ln in lines)
        kind = "markdown" if _ATX.match(first) or fenced else "plain"
    if kind == "plain":
        lines = [part for ln in lines for part in _GLUED.split(ln)]
    state = _State(name)
    title = (_markdown if kind == "markdown" else _plain)(lines, state)
    scenarios = tuple(d.freeze() for d in state.scenarios if d.steps)
    if not scenarios:
        state.warnings.append("no steps found (no lists, checklists or command blocks)")
    return Runbook(name, title or name, path, scenarios, tuple(state.warnings), kind)


def _markdown(lines: list[str], st: _State) -> str:
    title = ""
    i, n = 0, len(lines)
    blank = True
    while i < n and st.step_count <= MAX_STEPS:
        line = lines[i]
        stripped = line.strip()
        fence = _FENCE.match(line)
        if fence:
            marker, lang = fence.group(2), fence.group(3)
            body, j = [], i + 1
            while j < n and not lines[j].strip().startswith(marker[0] * len(marker)):
                body.append(lines[j])
                j += 1
            indented = len(fence.group(1)) >= 2
            if indented and st.current.steps:
                st.attach = True
            st.block(lang, body, i + 2)
            i, blank = j + 1, False
            continue
        if not stripped:
            blank = True
            i += 1
            continue
        heading = _ATX.match(line)
        setext = (i + 1 < n and _SETEXT.match(lines[i + 1]) and not _ITEM.match(line)
                  and not _TABLE.match(line) and blank and lines[i + 1].strip()[0] in "=-"
                  and not _RULE.match(line))
        if heading or setext:
            level = len(heading.group(1)) if heading else (1 if lines[i + 1].strip()[0] == "="
                                                           else 2)
            words = heading_title(heading.group(2) if heading else stripped)
            if not title and level == 1:
                title = words
            if words:
                st.heading(level, words, i + 1)
            i += 1 if heading else 2
            blank = True
            continue
        found = markers(line)
        item = _ITEM.match(line)
        if item and (item.group(4).strip() or item.group(3)):
            indent, check, body = len(item.group(1)), item.group(3), item.group(4)
            if indent >= 2 and not check and st.current.steps and not st.describing:
                st.amend(context=[inline(body)], commands=inline_commands(body))
            else:
                st.item(body, i + 1, found[0] if found else None)
            blank = False
            i += 1
            continue
        if found and not _strip_markers(stripped):  # a marker alone: the step above
            if st.attach:
                st.amend(action=found[0])
            i += 1
            continue
        if _RULE.match(line):
            i += 1
            continue
        if _TABLE.match(line):
            if not re.fullmatch(r"[\s|:-]+", stripped):
                st.note(" · ".join(inline(c) for c in stripped.strip("|").split("|")))
            st.attach, st.label = False, ""
            i += 1
            continue
        if line.startswith("  ") and not blank and st.attach and st.current.steps:
            st.amend(context=[inline(stripped)], commands=inline_commands(stripped))
            i += 1
            continue
        st.paragraph(inline(stripped))
        blank = False
        i += 1
    return title


def _strip_markers(text: str) -> str:
    return re.sub(r"<!--.*?-->", "", text).strip()


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return (len(letters) >= 6 and len(text) <= 80 and sum(c.isupper() for c in letters)
            >= 0.85 * len(letters) and not looks_like_command(text))


def _is_title(text: str, blank_before: bool, blank_after: bool) -> bool:
    words = text.split()
    return (blank_before and blank_after and 1 <= len(words) <= 9 and len(text) <= 70
            and text[0].isupper() and text[-1] not in ".:;,!?" and not looks_like_command(text)
            and not _ITEM.match(text))


def _plain(lines: list[str], st: _State) -> str:
    title = ""
    n = len(lines)
    run: list[str] = []
    run_start = 0
    pending_item = False  # a lone "-": the next line is the item

    def flush() -> None:
        nonlocal run
        if run:
            st.block("bash", run, run_start)
            run = []

    for i, line in enumerate(lines):
        if st.step_count > MAX_STEPS:
            break
        stripped = line.strip()
        blank_before = i == 0 or not lines[i - 1].strip()
        blank_after = i + 1 >= n or not lines[i + 1].strip()
        if not stripped:
            flush()
            continue
        if not title:
            title = st.name = heading_title(stripped)
            continue
        if looks_like_command(stripped) or (run and stripped.startswith("#")
                                            and not _COMMENT_STEP.match(stripped)
                                            and not stripped.startswith("##")):
            if not run:
                run_start = i + 1
            run.append(stripped)
            continue
        flush()
        atx = _ATX.match(stripped)
        step = _COMMENT_STEP.match(stripped)
        if step:
            st.step(inline(step.group(1).split(None, 1)[1]), i + 1)
            continue
        if atx and len(atx.group(1)) == 1:  # a shell comment: names the commands below
            nxt = next((ln.strip() for ln in lines[i + 1:i + 3] if ln.strip()), "")
            if looks_like_command(nxt):
                run_start, run = i + 1, [stripped]
            elif st.attach:
                st.amend(context=[inline(atx.group(2))])
            continue
        underlined = i + 1 < n and _SETEXT.match(lines[i + 1]) and len(lines[i + 1].strip()) >= 3
        if atx or underlined or _is_caps(stripped.rstrip(":")) \
                or _NUMBERED_HEADING.match(stripped) \
                or _is_title(stripped, blank_before, blank_after):
            level = len(atx.group(1)) if atx else 2
            st.heading(level, heading_title(atx.group(2) if atx else stripped), i + 1)
            continue
        if _SETEXT.match(stripped) or _RULE.match(stripped):
            continue
        item = _ITEM.match(stripped)
        if item:
            body = item.group(4).strip()
            if body:
                st.item(body, i + 1, (markers(stripped) or [None])[0])
            else:
                pending_item = True
            continue
        if pending_item:
            pending_item = False
            st.item(stripped, i + 1)
            continue
        found = markers(stripped)
        if found and not _strip_markers(stripped):
            if st.attach:
                st.amend(action=found[0])
            continue
        st.paragraph(inline(stripped))
    flush()
    return title
