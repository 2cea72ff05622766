"""Helpers for the incident tests: run real `warroom` / writer processes from the repo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import XdgDirs

REPO = Path(__file__).resolve().parents[2]


def repo_env(**extra: str) -> dict[str, str]:
    """The current environment (with the per-test XDG dirs) plus the repo on PYTHONPATH."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def warroom(*args: str, cwd: Path, input: str | None = None,
            check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run `python -m tui.cli ARGS` as a real process in `cwd` (no config.toml there)."""
    proc = subprocess.run([sys.executable, "-m", "tui.cli", *args], capture_output=True,
                          text=True, input=input, env=repo_env(), cwd=cwd, timeout=60)
    if check and proc.returncode != 0:
        raise AssertionError(f"warroom {' '.join(args)} → {proc.returncode}\n{proc.stderr}")
    return proc


@pytest.fixture
def incidents_dir(xdg_dirs: XdgDirs) -> Path:
    return xdg_dirs.state / "warroom" / "incidents"
