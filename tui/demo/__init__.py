"""`warroom demo`: a small, real blue/green "production" on loopback to watch the war room on.

Public API: `start_demo(dir) -> DemoEnv`, `running_demo(dir)`, `break_color(dir, color, mode)`,
`heal_color(dir, color=None)`, `demo_config(env) -> Config` (in `tui.demo.config`).
"""

from .env import DemoEnv, DemoError, DemoRunning, default_dir, running_demo, start_demo
from .files import COLORS, MODES, break_color, heal_color

__all__ = [
    "COLORS",
    "MODES",
    "DemoEnv",
    "DemoError",
    "DemoRunning",
    "break_color",
    "default_dir",
    "heal_color",
    "running_demo",
    "start_demo",
]
