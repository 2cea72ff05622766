"""`[runbooks]` config errors (file:line:key) and `warroom runbook list|show` as a real process."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.incident.conftest import repo_env
from tui.core.config import ConfigError, load_config

FIXTURES = Path(__file__).with_name("fixtures")
DEMO = Path(__file__).resolve().parents[2] / "tui" / "demo" / "runbooks"


def _config(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / "books").mkdir(exist_ok=True)
    for name in ("rollbacks.txt", "nexus_first_response.txt"):
        shutil.copy(FIXTURES / name, tmp_path / "books" / name)
    path = tmp_path / "warroom.toml"
    path.write_text('[environment]\nname = "t"\n[[actions]]\nname = "rollback"\nkey = "b"\n'
                    'argv = ["true"]\n[runbooks]\npaths = ["books"]\n' + extra)
    return path


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], capture_output=True,
                          text=True, env=repo_env(), cwd=cwd, timeout=60)


def test_unknown_action_and_missing_path_name_the_key(tmp_path: Path) -> None:
    path = _config(tmp_path, '[runbooks.actions]\n"(?i)roll ?back" = "rollbak"\n')
    path.write_text(path.read_text().replace('["books"]', '["books", "gone.md"]'))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    text = info.value.render()
    assert "warroom.toml:8: runbooks.paths[1]: no such file or folder" in text
    assert "warroom.toml:10: runbooks.actions.(?i)roll ?back: no action named 'rollbak'" in text


def test_list_and_show_plain_on_a_pipe(tmp_path: Path) -> None:
    path = _config(tmp_path, '[runbooks.actions]\n"(?i)roll ?back" = "rollback"\n')
    out = _run("-c", str(path), "runbook", "list", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "nexus_first_response  Incident Response Runbook — 3 scenarios, 7 steps" in out.stdout
    assert "   2. Application rollback › If using Docker/containers (4 steps)" in out.stdout
    shown = _run("-c", str(path), "runbook", "show", "nexus_first_response", "rollback",
                 cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "\x1b" not in shown.stdout  # a pipe: no color
    assert ("  [ ] 1. Rollback is the preferred response when a deploy caused the incident  "
            "[action rollback, key b]") in shown.stdout
    assert "         $ sudo bash scripts/deploy/bluegreen-deploy.sh rollback --detach" \
        in shown.stdout
    assert "First Five Minutes" not in shown.stdout  # one scenario only


def test_unknown_runbook_or_scenario_exits_2(tmp_path: Path) -> None:
    path = _config(tmp_path)
    out = _run("-c", str(path), "runbook", "show", "nope", cwd=tmp_path)
    assert out.returncode == 2
    assert "no runbook 'nope' (runbooks: nexus_first_response, rollbacks)" in out.stderr
    out = _run("-c", str(path), "runbook", "show", "rollbacks", "Kubernetes", cwd=tmp_path)
    assert out.returncode == 2
    assert "no scenario 'Kubernetes' in rollbacks (scenarios: Incident handling" in out.stderr


def test_demo_runbooks_link_the_demo_actions() -> None:
    from tui.core.runbook import read_runbook
    from tui.core.runbook.library import link_actions

    names = {"rollback", "maintenance-on", "maintenance-off", "maintenance-status",
             "deploy-status"}
    linked = set()
    for path in sorted(DEMO.glob("*.md")):
        rb = link_actions(read_runbook(path, 100_000), names, {})
        assert rb.warnings == ()
        linked |= {st.action for s in rb.scenarios for st in s.steps if st.action}
    assert linked == names
