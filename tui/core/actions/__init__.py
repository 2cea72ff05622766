"""Actions: plan (live values + preflight), guard (operator mode, read-only), run, audit."""

from .audit import Redactor, secret_values, unfinished
from .executor import Executor, Plan, Run
from .live import LiveValues, TemplateError
from .operator import OperatorMode, ReadOnlyError
from .preflight import PreflightResult

__all__ = [
    "Executor",
    "LiveValues",
    "OperatorMode",
    "Plan",
    "PreflightResult",
    "ReadOnlyError",
    "Redactor",
    "Run",
    "TemplateError",
    "secret_values",
    "unfinished",
]
