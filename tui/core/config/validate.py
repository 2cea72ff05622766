"""Rules across sections of a built config: names, hosts, services, actions, keys.

Each section checks itself while it is built (`_check` hooks, see `convert.py`); what needs
the whole `Config` is checked here, after the build, by the loader. Issues are
`(key path, message)` like the hooks', so errors still name the file, line and key.
"""

from __future__ import annotations

from . import checks
from .actions import REFRESH_TARGETS, RESERVED_KEYS, placeholders
from .alerts import alert_source_issues
from .metrics import metric_issues
from .notify import notify_issues
from .runbooks import runbook_issues
from .schema import Config


def config_issues(config: Config) -> list[tuple[str, str]]:
    """Every cross-section problem of `config` (empty when it is consistent)."""
    issues: list[tuple[str, str]] = []
    names = [s.name for s in config.services]
    for dup in checks.duplicates(names):
        index = len(names) - 1 - names[::-1].index(dup)
        issues.append((f"services[{index}].name", f"duplicate service name {dup!r}"))
    colors = config.color.colors if config.color else ()
    for i, service in enumerate(config.services):
        if service.color and colors and service.color not in colors:
            issues.append((f"services[{i}].color", f"{service.color!r} is not one of {colors}"))
    if config.color:
        for i, source in enumerate(config.color.sources):
            if source.host != "local" and source.host not in config.hosts:
                issues.append((f"color.sources[{i}].host", _unknown_host(source.host, config)))
    for i, name in enumerate(config.containers.hosts if config.containers else ()):
        if name != "local" and name not in config.hosts:
            issues.append((f"containers.hosts[{i}]", _unknown_host(name, config)))
    for i, name in enumerate(config.resources.hosts if config.resources else ()):
        if name != "local" and name not in config.hosts:
            issues.append((f"resources.hosts[{i}]", _unknown_host(name, config)))
    for i, name in enumerate(config.swarm.hosts if config.swarm else ()):
        if name != "local" and name not in config.hosts:
            issues.append((f"swarm.hosts[{i}]", _unknown_host(name, config)))
    for i, log in enumerate(config.logs.sources if config.logs else ()):
        if log.host != "local" and log.host not in config.hosts:
            issues.append((f"logs.sources[{i}].host", _unknown_host(log.host, config)))
    issues.extend(action_issues(config))
    issues.extend(maintenance_issues(config))
    issues.extend(alert_source_issues(config.alerts))
    issues.extend(runbook_issues(config))
    issues.extend(metric_issues(config.metrics, config.prometheus))
    for i, row in enumerate(config.metrics):
        if row.color and row.color not in colors:
            issues.append((f"metrics[{i}].color",
                           f"{row.color!r} is not one of the colors {colors or '(none)'}"))
    issues.extend(notify_issues(config.notify))
    return issues


def _unknown_host(name: str, config: Config) -> str:
    known = ", ".join(sorted(config.hosts)) or "none"
    return f"unknown host {name!r} (hosts defined: {known}; or use 'local')"


def action_issues(config: Config) -> list[tuple[str, str]]:
    """Rules across actions and the rest of the config: names, keys, hosts, references."""
    issues: list[tuple[str, str]] = []
    actions = config.actions
    for label, values in (("name", [a.name for a in actions]), ("key", [a.key for a in actions])):
        for dup in checks.duplicates(values):
            index = len(values) - 1 - values[::-1].index(dup)
            issues.append((f"actions[{index}].{label}", f"duplicate action {label} {dup!r}"))
    operator = config.operator
    reserved = {**dict.fromkeys(RESERVED_KEYS, "an app binding"),
                operator.arm_key: "operator.arm_key", operator.cancel_key: "operator.cancel_key"}
    if operator.arm_key == operator.cancel_key:
        issues.append(("operator.cancel_key", "must differ from operator.arm_key"))
    for key in (operator.arm_key, operator.cancel_key):
        if key in RESERVED_KEYS:
            issues.append(("operator", f"key {key!r} is taken by an app binding"))
    colors = config.color.colors if config.color else ()
    services = {s.name for s in config.services}
    for i, action in enumerate(actions):
        where = f"actions[{i}]"
        if action.key in reserved:
            issues.append((f"{where}.key", f"key {action.key!r} is taken by "
                           f"{reserved[action.key]} (reserved: {', '.join(RESERVED_KEYS)})"))
        if action.host != "local" and action.host not in config.hosts:
            known = ", ".join(sorted(config.hosts)) or "none"
            issues.append((f"{where}.host", f"unknown host {action.host!r} (hosts defined: "
                           f"{known}; or use 'local')"))
        for j, target in enumerate(action.refresh):
            if target not in REFRESH_TARGETS and target not in services:
                issues.append((f"{where}.refresh[{j}]", f"unknown refresh target {target!r} "
                               f"(use {', '.join(REFRESH_TARGETS)} or a service name)"))
        for j, cond in enumerate(action.preflight):
            if cond.check == "service" and cond.name not in services:
                issues.append((f"{where}.preflight[{j}].name", f"no service named {cond.name!r}"))
            for attr in ("color", "live"):
                value = getattr(cond, attr)
                if value and "{" not in value and colors and value not in colors:
                    issues.append((f"{where}.preflight[{j}].{attr}",
                                   f"{value!r} is not one of the colors {colors}"))
        needs_color = any(
            p in ("active", "idle")
            for text in (*action.argv, *action.env.values(), action.expect_color or "",
                         *(c.color or "" for c in action.preflight),
                         *(c.live or "" for c in action.preflight))
            for p in _safe_placeholders(text)
        )
        if needs_color and config.color is None:
            issues.append((where, "uses {active}/{idle} but there is no [color] section"))
    return issues


def _safe_placeholders(text: str) -> list[str]:
    try:
        return placeholders(text)
    except ValueError:
        return []


def maintenance_issues(config: Config) -> list[tuple[str, str]]:
    """Cross-section rules: named services and action exist, the host is known."""
    m = config.maintenance
    if m is None:
        return []
    issues: list[tuple[str, str]] = []
    known = {s.name for s in config.services}
    for i, name in enumerate(m.services):
        if name not in known:
            issues.append((f"maintenance.services[{i}]", f"no service named {name!r}"))
    if m.action:
        action = next((a for a in config.actions if a.name == m.action), None)
        if action is None:
            names = ", ".join(a.name for a in config.actions) or "none"
            issues.append(("maintenance.action", f"no action named {m.action!r} "
                           f"(actions: {names})"))
        elif any("{" in item for item in (*action.argv, *action.env.values())):
            issues.append(("maintenance.action", f"action {m.action!r} uses live placeholders; "
                           "give the status command as 'argv' here"))
    if m.argv and m.host != "local" and m.host not in config.hosts:
        issues.append(("maintenance.host", f"unknown host {m.host!r}"))
    return issues
