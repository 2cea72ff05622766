"""Demo-only key bindings handed to the app (`run_app(..., extra_bindings=demo_keys(dir))`).

Keys avoid tmux's ctrl+b and the app's own `? q r i n`. Callbacks do tiny file writes and
return a sentence for a notification; the app may run them in a thread worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import files


@dataclass(frozen=True)
class DemoKey:
    key: str
    id: str
    description: str
    callback: Callable[[], str]


def demo_keys(demo_dir: Path) -> list[DemoKey]:
    def break_live() -> str:
        live = files.read_kv(demo_dir / files.STATE).get("active", "green")
        color = live if live in files.COLORS else "green"
        return files.break_color(demo_dir, color, "redis")

    def heal_all() -> str:
        return files.heal_color(demo_dir)

    return [
        DemoKey("B", "demo_break", "Demo: break the live color (redis fails)", break_live),
        DemoKey("H", "demo_heal", "Demo: heal every color", heal_all),
    ]
