# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: this file is part of edge.snowball's device_unlock/device_info machinery and
# may change without notice. Standard library only (it runs on the edge host).

"""What a device's or a cluster's description says: the unlock state per device, which devices
cannot be reached, and the one state of the whole."""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import Sequence

KNOWN_STATES = ("LOCKED", "UNLOCKING", "UNLOCKED")


def _state_of(entry: Dict[str, Any]) -> str:
    status = entry.get("UnlockStatus")
    return str(status.get("State")) if isinstance(status, dict) and status.get("State") is not None else ""


def _ips_of(entry: Dict[str, Any]) -> List[str]:
    ips = []
    active = entry.get("ActiveNetworkInterface")
    if isinstance(active, dict) and active.get("IpAddress"):
        ips.append(str(active["IpAddress"]))
    for nic in entry.get("PhysicalNetworkInterfaces") or []:
        if isinstance(nic, dict) and nic.get("IpAddress"):
            ips.append(str(nic["IpAddress"]))
    return ips


def summarize(description: Dict[str, Any], cluster_ips: Sequence[str] = ()) -> Dict[str, Any]:
    """state / device_id / active_ip (and per-device entries for a cluster) from a description: of
    one device without ``cluster_ips``, of the cluster of those addresses with them (as the client
    chose describe-device or describe-cluster).

    A cluster is UNLOCKED when every device it lists is, and every one of ``cluster_ips`` is among
    the devices listed; ``missing`` names the addresses not listed."""
    if not cluster_ips:
        active = description.get("ActiveNetworkInterface") or {}
        return {
            "state": _state_of(description),
            "device_id": description.get("DeviceId"),
            "active_ip": active.get("IpAddress") if isinstance(active, dict) else None,
        }
    entries = [entry for entry in description.get("Devices") or [] if isinstance(entry, dict)]
    devices = [_cluster_device(entry) for entry in entries]
    missing = _missing(entries, list(cluster_ips))
    summary = {
        "state": _overall_state([device["state"] for device in devices], missing),
        "cluster_id": description.get("ClusterId"),
        "devices": devices,
    }
    if missing:
        summary["missing"] = missing
    return summary


def _cluster_device(entry: Dict[str, Any]) -> Dict[str, Any]:
    active = entry.get("ActiveNetworkInterface") or {}
    reach = entry.get("NetworkReachability") or {}
    return {
        "device_id": entry.get("DeviceId"),
        "state": _state_of(entry),
        "active_ip": active.get("IpAddress") if isinstance(active, dict) else None,
        "reachability": reach.get("State") if isinstance(reach, dict) else None,
    }


def _missing(entries: List[Dict[str, Any]], wanted: List[str]) -> List[str]:
    """The cluster addresses no listed device has."""
    addresses = [_ips_of(entry) for entry in entries]
    if all(addresses):
        reported = [ip for ips in addresses for ip in ips]
        return [ip for ip in wanted if ip not in reported]
    # Entries without addresses: compare how many devices answered.
    return wanted[len(entries) :] if len(entries) < len(wanted) else []


def _overall_state(states: List[str], missing: List[str]) -> str:
    if not states:
        return ""
    if all(state == "UNLOCKED" for state in states):
        return "UNLOCKED" if not missing else "UNLOCKING"
    # the state of the device furthest from unlocked
    order = {"LOCKED": 0, "UNLOCKING": 1, "UNLOCKED": 2}
    return min(states, key=lambda state: order.get(state, -1))


def unknown_states(summary: Dict[str, Any]) -> List[str]:
    """States nobody knows, from devices that answered (an unreachable one's or an empty state is
    not known yet, not unknown)."""
    entries = summary.get("devices") or [summary]
    return sorted(
        {
            entry["state"]
            for entry in entries
            if entry["state"]
            and entry["state"] not in KNOWN_STATES
            and entry.get("reachability") in (None, "REACHABLE")
        }
    )


def unreachable(summary: Dict[str, Any]) -> List[str]:
    lost = [
        str(entry.get("active_ip") or entry.get("device_id"))
        for entry in summary.get("devices") or []
        if entry.get("reachability") not in (None, "REACHABLE")
    ]
    return lost + [f"{ip} (not listed)" for ip in summary.get("missing") or []]


def reachable_and_locked(summary: Dict[str, Any]) -> bool:
    """True when a device that can be reached says LOCKED (an unreachable one says nothing)."""
    entries = summary.get("devices") or [summary]
    return any(entry["state"] == "LOCKED" and entry.get("reachability") in (None, "REACHABLE") for entry in entries)
