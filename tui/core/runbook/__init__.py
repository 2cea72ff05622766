"""Runbooks as checklists: parse Markdown/plain-text runbooks into scenarios and steps
(`parse`), find and reload the configured ones (`library`), and fold the ticks journaled in an
incident (`ticks`). UI-free; the TUI pane, the CLI and the post-mortem use it."""

from .library import Library, read_runbook, runbook_files
from .model import Runbook, RunbookError, Scenario, Step
from .parse import parse
from .ticks import KIND, Tick, fold_ticks, step_text, tick_data, ticked_steps

__all__ = ["KIND", "Library", "Runbook", "RunbookError", "Scenario", "Step", "Tick",
           "fold_ticks", "parse", "read_runbook", "runbook_files", "step_text", "tick_data",
           "ticked_steps"]
