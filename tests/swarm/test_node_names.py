"""How warroom names swarm nodes (pure): by hostname; nodes sharing a hostname (two engines on
one machine, cloned VMs) with their short id beside it; no hostname: the short id. Used by the
panel's rows (probes/swarm.py) and the drill-down (tui/core/swarm_detail.py) alike."""

from __future__ import annotations

from probes.swarm import build_services
from tui.core.config.swarm import SwarmConfig
from tui.core.swarm import node_names


def _node(node_id: str, hostname: str | None) -> dict:
    return {"ID": node_id, "Description": {"Hostname": hostname} if hostname else {}}


def test_names() -> None:
    names = node_names([_node("aaaaaa111", "vm"), _node("bbbbbb222", "vm"),
                        _node("cccccc333", "db\x1b[31m-1\n"), _node("dddddd444444555", None),
                        _node("eeeeee555", "x" * 80), _node("ffffff666", "x" * 80)])
    assert names["aaaaaa111"] == "vm (aaaaaa)" and names["bbbbbb222"] == "vm (bbbbbb)"
    assert names["cccccc333"] == "db-1"  # sanitized, alone: the hostname only
    assert names["dddddd444444555"] == "dddddd444444"
    assert names["eeeeee555"] == "x" * 22 + " (eeeeee)"  # the id survives a long hostname
    assert len(names["ffffff666"]) <= 32


def test_failed_task_on_a_same_named_node_is_told_apart() -> None:
    nodes = [_node("manager0001", "vm"), _node("worker00002", "vm")]
    service = {"ID": "s1", "Spec": {"Name": "web", "Mode": {"Replicated": {"Replicas": 2}},
                                    "TaskTemplate": {"ContainerSpec": {"Image": "img:1"}}}}
    tasks = [{"ServiceID": "s1", "Slot": 1, "NodeID": "manager0001", "DesiredState": "running",
              "Status": {"State": "running", "Timestamp": "2026-01-01T00:00:01Z"}},
             {"ServiceID": "s1", "Slot": 2, "NodeID": "worker00002", "DesiredState": "shutdown",
              "Status": {"State": "failed", "Err": "task: non-zero exit (137)",
                         "Timestamp": "2026-01-01T00:00:02Z"}}]
    [row] = build_services("local", SwarmConfig(), [service], tasks, nodes)
    assert row.running == 1 and row.desired == 2
    assert [(t.slot, t.node, t.error) for t in row.tasks] == [
        ("2", "vm (worker)", "task: non-zero exit (137)")]
