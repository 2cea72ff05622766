"""The incident: declaration, clock, milestones and history, folded from its journal.

UI-free: the CLI (`warroom incident …`) and the TUI both use it.
"""

from .classify import QUESTIONS, Classification, classify
from .clock import Reminders, TargetView, UpdateDue, mmss, targets, update_due
from .files import AUDIT, ActiveJournal, Incidents
from .model import (
    MILESTONES,
    SCOPES,
    STATUSES,
    Declaration,
    IncidentState,
    Suggestion,
    check_states,
    fold,
    suggest_milestones,
)
from .ops import IncidentError
from .timeparse import parse_when

__all__ = [
    "AUDIT",
    "MILESTONES",
    "QUESTIONS",
    "SCOPES",
    "STATUSES",
    "ActiveJournal",
    "Classification",
    "Declaration",
    "IncidentError",
    "IncidentState",
    "Incidents",
    "Reminders",
    "Suggestion",
    "TargetView",
    "UpdateDue",
    "check_states",
    "classify",
    "fold",
    "mmss",
    "parse_when",
    "suggest_milestones",
    "targets",
    "update_due",
]
