"""Actions: plan (live values + preflight), guard (operator mode, read-only), run, audit.

The data they produce (`Plan`, `Run`, `PreflightResult`, `RunResult`) lives on the ground
floor, in `tui/core/attempts.py`, so widgets can show it without loading the engine.
"""

from .audit import Redactor, secret_values, unfinished
from .executor import Executor
from .operator import OperatorMode, ReadOnlyError
from .values import LiveValues, TemplateError

__all__ = [
    "Executor",
    "LiveValues",
    "OperatorMode",
    "ReadOnlyError",
    "Redactor",
    "TemplateError",
    "secret_values",
    "unfinished",
]
