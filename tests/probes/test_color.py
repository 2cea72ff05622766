"""Active color sources against real commands, files and HTTP servers."""

from __future__ import annotations

import stat
from pathlib import Path

from probes.color import ColorProbe
from probes.http import HttpClients
from tests.infra.http import Fixed, Json
from tui.core.config import parse_config


def make_config(tmp_path: Path, sources: str):
    text = f'[environment]\nname = "t"\n[color]\n{sources}'
    return parse_config(text, "c.toml", base_dir=tmp_path, env={})


async def read(config):
    clients = HttpClients()
    try:
        return await ColorProbe(config, clients).probe()
    finally:
        await clients.aclose()


def script(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bluegreen.sh"
    path.write_text("#!/bin/bash\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


async def test_command_output_in_color_is_read(tmp_path):
    """Real deploy-script output: `[INFO] Active color: green` printed with ANSI colors."""
    line = r"printf '\033[0;32m[INFO]\033[0m Active color: \033[1;32mgreen\033[0m\n'"
    sh = script(tmp_path, line)
    config = make_config(tmp_path, f"""
[[color.sources]]
kind = "command"
argv = ["{sh}", "status"]
pattern = 'Active color:\\s*(\\w+)'
""")
    result = await read(config)
    assert (result.live, result.idle) == ("green", "blue")


async def test_state_file_gives_color_and_last_deploy(tmp_path):
    (tmp_path / "state").write_text(
        "active=blue\nstatus=success\nphase=live\nupdated_at=2026-11-23T03:00:00Z\n"
    )
    config = make_config(tmp_path, '[[color.sources]]\nkind = "state_file"\npath = "state"\n')
    result = await read(config)
    assert result.live == "blue"
    assert dict(result.deploy_state) == {
        "status": "success", "phase": "live", "updated_at": "2026-11-23T03:00:00Z"
    }


async def test_apache_include_mapped_to_color(tmp_path):
    (tmp_path / "api-port.conf").write_text("# managed\nDefine API_PORT 8190\n")
    config = make_config(tmp_path, """
[[color.sources]]
kind = "file_map"
path = "api-port.conf"
pattern = 'Define\\s+API_PORT\\s+(\\d+)'
map = { "8090" = "blue", "8190" = "green" }
""")
    assert (await read(config)).live == "green"


async def test_http_header_and_json_sources(tmp_path, http_server):
    header = http_server.route("/h", Fixed(200, b"ok", {"x-color": "blue"}))
    body = http_server.route("/j", Json({"deploy": {"color": "blue"}}))
    config = make_config(tmp_path, f"""
[[color.sources]]
kind = "http"
url = "{header}"
header = "x-color"
[[color.sources]]
kind = "http"
url = "{body}"
json_path = "deploy.color"
""")
    result = await read(config)
    assert result.live == "blue" and not result.disagreement


async def test_disagreement_and_errors_are_reported(tmp_path):
    (tmp_path / "state").write_text("active=blue\n")
    (tmp_path / "other").write_text("active=green\n")
    config = make_config(tmp_path, """
[[color.sources]]
kind = "state_file"
path = "state"
[[color.sources]]
kind = "state_file"
path = "other"
[[color.sources]]
kind = "state_file"
path = "missing"
[[color.sources]]
kind = "state_file"
path = "state"
key = "nope"
""")
    result = await read(config)
    assert result.disagreement and result.live == "blue"
    errors = [r.error for r in result.readings if r.error]
    assert any("No such file" in e and "missing" in e for e in errors)
    assert any("no color found" in e for e in errors)


async def test_hostile_command_output_and_bad_color(tmp_path):
    sh = script(tmp_path, r"printf '\033]0;owned\007Active color: purple\n'; exit 3")
    config = make_config(tmp_path, f"""
[[color.sources]]
kind = "command"
argv = ["{sh}"]
pattern = 'Active color:\\s*(\\w+)'
""")
    result = await read(config)
    assert result.live is None
    assert result.readings[0].error == "output: 'purple' is not a color"


async def test_hung_command_is_killed_at_timeout(tmp_path):
    sh = script(tmp_path, "sleep 30\n")
    config = make_config(tmp_path, f"""
timeout = 0.5
[[color.sources]]
kind = "command"
argv = ["{sh}"]
pattern = '(x)'
""")
    result = await read(config)
    assert result.readings[0].error == "timeout after 0.5 s"


async def test_state_file_keys_are_inert(tmp_path):
    (tmp_path / "state").write_text("active=blue\n\x1b[2J\x1b]0;owned\x1b\\X=1\n")
    config = make_config(tmp_path, '[[color.sources]]\nkind = "state_file"\npath = "state"\n')
    result = await read(config)
    assert result.live == "blue"
    assert all("\x1b" not in k + v for k, v in result.deploy_state)


async def test_command_output_is_read_to_the_end(tmp_path):
    sh = script(tmp_path, "echo deploying; sleep 0.2; echo 'Active color: green'\n")
    config = make_config(tmp_path, f"""
[[color.sources]]
kind = "command"
argv = ["{sh}"]
pattern = 'Active color:\\s*(\\w+)'
""")
    assert (await read(config)).live == "green"
