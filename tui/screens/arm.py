"""Arming operator mode, and quitting while an action runs: both are explicit confirmations."""

from __future__ import annotations

from collections.abc import Sequence

from tui.screens.confirm import ConfirmScreen


def arm_screen(env_name: str, production: bool, minutes: float,
               actions: Sequence[tuple[str, str]]) -> ConfirmScreen:
    """Confirm arming for `minutes`; lists the keys that become live."""
    keys = ", ".join(f"{key} {name}" for key, name in actions) or "(no actions configured)"
    return ConfirmScreen(
        "Arm operator mode?",
        f"Action keys become live for {minutes:g} minutes, then disarm by themselves. "
        "Every action still asks for confirmation.",
        f"{env_name}" + (" (PRODUCTION)" if production else ""),
        details=[("keys", keys)],
        production=env_name if production else None,
        confirm_label="Arm",
    )


def quit_screen(running: Sequence[str]) -> ConfirmScreen:
    """Confirm quitting while actions run (they are stopped and recorded as interrupted)."""
    return ConfirmScreen(
        "Quit while an action runs?",
        "Running actions are stopped (local: whole process group; remote: channel and "
        "process group) and recorded as interrupted in the journal.",
        "running: " + ", ".join(running),
        confirm_label="Quit",
    )
