"""The floors of docs/DESIGN.md, enforced twice: by the imports each file writes (anywhere in
it, deferred ones included), and by what importing each module really loads (in a fresh
interpreter per module, as harlequin checks its lazy imports), so an import through a
package `__init__` or a re-export cannot sneak a floor in.

    tui/core      ground floor: config, model, data types, store, journal, incident, verdict
    probes/       observe (I/O); import only tui.core
    tui/engine/   drives the probes: monitor, SSH pool, action executor; UI-free
    widgets/      render what they are given; no I/O, no engine
    tui/screens/  dialogs; no I/O, no engine
    tui/features/ the app's features (mixins), tui/app.py the wiring, tui/cli/ the commands
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UI = ("textual", "widgets", "tui.app", "tui.screens", "tui.features")
NETWORK = ("httpx", "docker", "asyncssh", "subprocess", "requests", "urllib.request")
IO = (*NETWORK, "socket")
ABOVE_CORE = ("probes", "tui.engine", "tui.cli", "tui.demo", "tui.palette", *UI)

RULES: dict[str, tuple[str, ...]] = {
    "tui/core": (*ABOVE_CORE, *NETWORK),  # socket: gethostname() for the journal's author
    "probes": ("tui.engine", "tui.cli", "tui.demo", "tui.palette", *UI),
    "tui/engine": ("tui.cli", "tui.demo", "tui.palette", *UI),
    "widgets": ("probes", "tui.engine", "tui.cli", "tui.demo", "tui.app", "tui.screens",
                "tui.features", *IO),
    "tui/screens": ("probes", "tui.engine", "tui.cli", "tui.demo", "tui.app", "tui.features",
                    *IO),
    "tui/features": ("tui.app", "tui.cli", "tui.demo"),
}
"""Per folder: the modules its files may never import."""


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports (relative imports resolved), at any depth."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.append((node.lineno, module))
    return found


def banned(module: str, rules: tuple[str, ...]) -> bool:
    return any(module == b or module.startswith(b + ".") for b in rules)


@pytest.mark.parametrize("folder", sorted(RULES))
def test_direct_imports_respect_the_floors(folder: str) -> None:
    bad = [f"{path.relative_to(ROOT)}:{line} imports {module}"
           for path in sorted((ROOT / folder).rglob("*.py"))
           for line, module in imports(path) if banned(module, RULES[folder])]
    assert bad == []


def test_screens_folder_holds_only_screens() -> None:
    """Feature wiring lives in tui/features; tui/screens holds screens (and their base)."""
    for path in sorted((ROOT / "tui" / "screens").glob("*.py")):
        tree = ast.parse(path.read_text())
        mixins = [n.name for n in tree.body if isinstance(n, ast.ClassDef)
                  and n.name.endswith("Mixin")]
        assert mixins == [], f"{path.name}: {mixins}"


def test_no_feature_types_the_app_as_any() -> None:
    offenders = [f"{p.relative_to(ROOT)}:{i}" for folder in ("tui", "widgets")
                 for p in sorted((ROOT / folder).rglob("*.py"))
                 for i, line in enumerate(p.read_text().splitlines(), 1)
                 if "app: Any" in line or "app: Any = self" in line]
    assert offenders == []


# -- what importing really loads ----------------------------------------------------------------
PROBE = r"""
import json, os, sys
names, watched, preload = (json.loads(arg) for arg in sys.argv[1:4])
for heavy in preload:  # loaded once here, shared by every fork (none of them is watched)
    __import__(heavy)
early = sorted(m for m in sys.modules if any(m == w or m.startswith(w + ".") for w in watched))
assert not early, f"preloading loaded watched modules: {early}"
report = {}
for name in names:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            __import__(name)
            loaded = sorted(m for m in sys.modules
                            if any(m == w or m.startswith(w + ".") for w in watched))
        except Exception as exc:
            loaded = [f"import failed: {exc!r}"]
        os.write(write, json.dumps(loaded).encode())
        os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    os.waitpid(pid, 0)
    report[name] = json.loads(b"".join(chunks) or b"[]")
print(json.dumps(report))
"""


HEAVY = ("textual.app", "textual.widgets", "rich.console", "httpx", "docker", "asyncssh")
"""Third-party packages imported once before the forks when not watched (each fork of a bare
interpreter re-imported them: ~0.5 s a module). What they load is in every fork's
`sys.modules`, so a watched one among it would fail the probe at once."""


def loaded_by(modules: list[str], watched: tuple[str, ...]) -> dict[str, list[str]]:
    """For each module, the `watched` modules that importing it alone loads (one fork each
    of an interpreter that has loaded only the unwatched `HEAVY` packages)."""
    preload = [m for m in HEAVY if not banned(m, watched)]
    out = subprocess.run([sys.executable, "-c", PROBE, json.dumps(modules), json.dumps(watched),
                          json.dumps(preload)],
                         capture_output=True, text=True, check=True, cwd=ROOT, timeout=120)
    return {m: found for m, found in json.loads(out.stdout).items() if found}


def modules_in(folder: str) -> list[str]:
    return [module_name(p) for p in sorted((ROOT / folder).rglob("*.py"))
            if p.name != "__main__.py"]


def test_widgets_and_screens_load_no_probes_and_no_engine() -> None:
    modules = modules_in("widgets") + modules_in("tui/screens")
    assert loaded_by(modules, ("probes", "tui.engine", "httpx", "docker", "asyncssh")) == {}


def test_core_loads_nothing_above_it() -> None:
    watched = ("probes", "tui.engine", "tui.features", "tui.screens", "widgets", "textual",
               "httpx", "docker", "asyncssh")
    assert loaded_by(modules_in("tui/core"), watched) == {}


def test_probes_and_engine_load_no_ui() -> None:
    modules = modules_in("probes") + modules_in("tui/engine")
    assert loaded_by(modules, ("textual", "widgets", "tui.screens", "tui.features")) == {}


def test_status_command_never_imports_textual() -> None:
    """`warroom status` over ssh must not pay for (or depend on) the UI."""
    modules = ["tui.cli", "tui.cli.status", "tui.cli.check_config", "tui.cli.incident",
               "tui.engine.status_round"]
    assert loaded_by(modules, ("textual", "widgets")) == {}
