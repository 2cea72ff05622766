"""Config: the shipped file, strict validation, errors with file/key/line, search order."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from tui.core.config import ConfigError, find_config, load_config, parse_config
from tui.core.config.schema import Config

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = '[environment]\nname = "t"\n'


def errors(text: str, env: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as info:
        parse_config(text, "conf.toml", env=env or {})
    return info.value.render()


def warroom(*args: str, cwd: Path | None = None, env: dict | None = None):
    return subprocess.run(
        [sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=60,
        cwd=cwd, env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL,
    )


def test_shipped_config_is_valid_and_documents_every_key():
    config = load_config(ROOT / "config.toml")
    assert config.environment.production
    assert {s.name for s in config.services} == {"api-blue", "api-green", "api-live"}
    assert config.color is not None and len(config.color.sources) == 4
    text = (ROOT / "config.toml").read_text()

    for cls in config_classes(Config):
        for f in dataclasses.fields(cls):
            if f.name not in ("source", "base_dir"):
                assert re.search(rf"\b{f.name}\b", text), f"{cls.__name__}.{f.name}"


def config_classes(cls: type, seen: set | None = None) -> set[type]:
    """Every dataclass reachable from the root schema."""
    seen = set() if seen is None else seen
    if cls in seen:
        return seen
    seen.add(cls)
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        stack = [hints[f.name]]
        while stack:
            tp = stack.pop()
            if dataclasses.is_dataclass(tp):
                config_classes(tp, seen)
            stack.extend(typing.get_args(tp))
    return seen


def test_invalid_toml_names_file_and_line():
    message = errors('[environment]\nname = "x"\n\n[[services]\nname = "a"\n')
    assert message.startswith("conf.toml:4:")
    assert "invalid TOML" in message


def test_wrong_types_name_key_path_and_line():
    message = errors(MINIMAL + '[[services]]\nname = "a"\nurl = "http://h/"\ntimeout = "fast"\n')
    assert "conf.toml:6: services[0].timeout: expected a number, got a string" in message


def test_unknown_key_is_rejected_with_a_suggestion():
    message = errors(MINIMAL + '[[services]]\nname = "a"\nurl = "http://h/"\ntimout = 3\n')
    assert "conf.toml:6: services[0].timout: unknown key (did you mean 'timeout'?)" in message


def test_unknown_top_level_section():
    assert "servics: unknown key (did you mean 'services'?)" in errors(MINIMAL + "[servics]\n")


def test_errors_never_list_internal_keys(tmp_path):
    """The loader's own keys (__source__, __base_dir__) are not the user's to write."""
    path = tmp_path / "config.toml"
    path.write_text('colour = 1\n__sourc = 2\n' + MINIMAL)
    result = warroom("check-config", str(path))
    assert result.returncode == 2
    out = result.stdout + result.stderr
    assert "config.toml:1: colour: unknown key (did you mean 'color'?); known keys here: " in out
    assert "config.toml:2: __sourc: unknown key" in out  # ('resources' is a close match)
    assert "__source__" not in out and "__base_dir__" not in out
    assert "known keys here: actions, alerts, color, containers" in out


def test_duplicate_service_names():
    text = MINIMAL + '[[services]]\nname = "a"\nurl = "http://h/"\n' * 2
    assert "conf.toml:7: services[1].name: duplicate service name 'a'" in errors(text)


@pytest.mark.parametrize("url", ["ftp://h/", "http://", "not a url", "http://h:99999/"])
def test_bad_urls(url):
    message = errors(MINIMAL + f'[[services]]\nname = "a"\nurl = "{url}"\n')
    assert "services[0].url:" in message and "conf.toml:5" in message


def test_missing_variable_is_named_and_secret_values_never_echoed():
    text = MINIMAL + '[[services]]\nname = "a"\nurl = "${API_URL}"\n'
    assert "services[0].url: environment variable ${API_URL} is not set" in errors(text)
    secret = "http://user:hunter2@h:99999/"
    message = errors(text, env={"API_URL": secret})
    assert "services[0].url" in message and "hunter2" not in message
    ok = parse_config(text, env={"API_URL": "http://h/"})
    assert ok.services[0].url == "http://h/"


def test_default_and_escape_in_interpolation():
    text = MINIMAL + '[[services]]\nname = "a"\nurl = "${NOPE:-http://d/}"\n'
    text += 'headers = {x = "$${literal}"}\n'
    config = parse_config(text, env={})
    assert config.services[0].url == "http://d/"
    assert config.services[0].headers == {"x": "${literal}"}


def test_env_file_values_interpolate(tmp_path):
    (tmp_path / "deploy.env").write_text("export DEPLOY_HOST=127.0.0.1\nDEPLOY_USER='ops'\n")
    (tmp_path / "c.toml").write_text(
        'env_files = ["deploy.env"]\n' + MINIMAL + '[hosts.prod]\naddress = "${DEPLOY_HOST}"\n'
        'user = "${DEPLOY_USER}"\n'
    )
    config = load_config(tmp_path / "c.toml", env={})
    assert config.hosts["prod"].address == "127.0.0.1" and config.hosts["prod"].user == "ops"


def test_color_source_rules():
    text = MINIMAL + '[color]\n[[color.sources]]\nkind = "command"\nargv = ["x"]\n'
    text += 'pattern = "no group"\n'
    assert "color.sources[0].pattern: regular expression needs one capture group" in errors(text)
    text = MINIMAL + '[color]\n[[color.sources]]\nkind = "comand"\n'
    assert "did you mean 'command'" in errors(text)


def test_command_only_log_source_keys():
    text = MINIMAL + '[[logs.sources]]\nkind = "file"\npath = "/var/log/x"\nrestart = true\n'
    assert "logs.sources[0].restart: only applies to kind = 'command'" in errors(text)
    text = MINIMAL + '[[logs.sources]]\nkind = "docker"\ncontainer = "x"\nshell = true\n'
    assert "logs.sources[0].shell: only applies to kind = 'command'" in errors(text)


def test_search_order(tmp_path, monkeypatch):
    explicit, via_env, cwd_file = tmp_path / "a.toml", tmp_path / "b.toml", tmp_path / "config.toml"
    xdg = tmp_path / "xdg" / "warroom" / "config.toml"
    for p in (explicit, via_env, cwd_file, xdg):
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(MINIMAL)
    monkeypatch.chdir(tmp_path)
    env = {"WARROOM_CONFIG": str(via_env), "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    assert find_config(str(explicit), env) == explicit
    assert find_config(None, env) == via_env
    env.pop("WARROOM_CONFIG")
    assert find_config(None, env) == Path("config.toml")
    cwd_file.unlink()
    assert find_config(None, env) == xdg
    xdg.unlink()
    with pytest.raises(ConfigError, match="no config found"):
        find_config(None, env)


def test_check_config_exit_codes(tmp_path):
    good = warroom("check-config", str(ROOT / "config.toml"))
    assert good.returncode == 0, good.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text(MINIMAL + '[[services]]\nname = "a"\nurl = "http://h/"\ntimout = 3\n')
    result = warroom("check-config", str(bad))
    assert result.returncode == 2
    assert f"{bad}:6: services[0].timout: unknown key" in result.stderr


def test_bad_config_starts_nothing(tmp_path):
    """The TUI refuses a bad config before any terminal or probe is touched."""
    bad = tmp_path / "bad.toml"
    bad.write_text("[environment]\nname = 3\n")
    result = warroom("--config", str(bad))
    assert result.returncode == 2
    assert f"{bad}:2: environment.name: expected a string" in result.stderr
    assert "\x1b" not in result.stdout + result.stderr
    status = warroom("status", "--config", str(bad))
    assert status.returncode == 3


def test_lines_are_right_after_a_multi_line_string():
    text = MINIMAL + 'x = """\n[[services]]\ntimout = 3\n"""\n'
    text = text.replace('x = """', 'name2 = """') + '[[services]]\nname = "a"\nurl = "http://h/"\n'
    text += "timout = 3\n"
    message = errors(text)
    assert "conf.toml:10: services[0].timout: unknown key" in message
