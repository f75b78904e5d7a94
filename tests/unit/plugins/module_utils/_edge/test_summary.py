"""Reading a device or cluster description (plugins/module_utils/_edge/summary.py)."""

from __future__ import annotations

from ansible_collections.edge.snowball.plugins.module_utils._edge import summary as summary_mod


def test_summary_of_one_device(edge_device):
    assert summary_mod.summarize(edge_device("UNLOCKING")) == {
        "state": "UNLOCKING",
        "device_id": "JID1",
        "active_ip": "192.0.2.10",
    }


def test_a_cluster_is_unlocked_only_when_every_device_is(edge_device):
    cluster = {
        "ClusterId": "CID1",
        "Devices": [edge_device("UNLOCKED", reach="REACHABLE"), edge_device("UNLOCKING", reach="REACHABLE")],
    }
    assert summary_mod.summarize(cluster, ["192.0.2.10"])["state"] == "UNLOCKING"
    cluster["Devices"][1] = edge_device("UNLOCKED", reach="REACHABLE")
    assert summary_mod.summarize(cluster, ["192.0.2.10"])["state"] == "UNLOCKED"


# ---------------------------------------------------------------- every node of a cluster
def test_a_cluster_is_not_unlocked_while_a_given_node_is_not_listed(edge_device):
    cluster = {"Devices": [edge_device("UNLOCKED", "192.0.2.21", reach="REACHABLE")]}
    summary = summary_mod.summarize(cluster, ["192.0.2.21", "192.0.2.22"])
    assert summary["state"] != "UNLOCKED" and summary["missing"] == ["192.0.2.22"]
    assert "192.0.2.22 (not listed)" in summary_mod.unreachable(summary)


def test_an_unreachable_node_without_a_state_is_waited_for_not_unknown(edge_device):
    entry = {"DeviceId": None, "NetworkReachability": {"State": "UNREACHABLE"}}
    summary = summary_mod.summarize(
        {"Devices": [edge_device("UNLOCKED", "192.0.2.21"), entry]}, ["192.0.2.21", "192.0.2.22"]
    )
    assert summary_mod.unknown_states(summary) == [] and summary["state"] != "UNLOCKED"
