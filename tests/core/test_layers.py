"""The layers of ARCHITECTURE.md, enforced: the core and probes never import the UI, and
widgets never do I/O."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UI = ("textual", "widgets", "tui.app", "tui.screens")
IO = ("httpx", "docker", "asyncssh", "subprocess", "socket", "probes", "urllib", "requests")


def imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def offenders(folder: str, banned: tuple[str, ...]) -> list[str]:
    bad = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for line, module in imports(path):
            if any(module == b or module.startswith(b + ".") for b in banned):
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return bad


def test_core_is_ui_free():
    assert offenders("tui/core", UI) == []


def test_probes_are_ui_free():
    assert offenders("probes", (*UI, "tui.cli", "tui.demo")) == []


def test_widgets_do_no_io():
    assert offenders("widgets", IO) == []


def test_status_command_never_imports_textual():
    """`warroom status` over ssh must not pay for (or depend on) the UI."""
    import subprocess
    import sys

    code = (
        "import sys, tui.status_cmd, tui.cli, tui.check_config_cmd;"
        "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
