# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: this file is part of edge.snowball's device_unlock/device_info machinery and
# may change without notice. Standard library and ansible-core only (it runs on the edge host).

"""What a description says (state per device), and waiting for a device to reach UNLOCKED through
booting, dropped connections and a cluster that cannot be described while locked."""

from __future__ import annotations

import time
from typing import Any
from typing import Callable
from typing import Dict
from typing import List
from typing import Optional

from ansible_collections.edge.snowball.plugins.module_utils._edge_errors import CommandError
from ansible_collections.edge.snowball.plugins.module_utils._edge_errors import DeviceError
from ansible_collections.edge.snowball.plugins.module_utils._edge_output import CONNECTION
from ansible_collections.edge.snowball.plugins.module_utils._edge_output import UNKNOWN
from ansible_collections.edge.snowball.plugins.module_utils.snowball_edge_client import EdgeClient

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


def summarize(description: Dict[str, Any], cluster: bool, cluster_ips: Optional[List[str]] = None) -> Dict[str, Any]:
    """state / device_id / active_ip (and per-device entries for a cluster) from a description.

    A cluster is UNLOCKED when every device it lists is, and (given ``cluster_ips``) every one of
    those addresses is among the devices listed; ``missing`` names the addresses not listed."""
    if not cluster:
        active = description.get("ActiveNetworkInterface") or {}
        return {
            "state": _state_of(description),
            "device_id": description.get("DeviceId"),
            "active_ip": active.get("IpAddress") if isinstance(active, dict) else None,
        }
    devices = []
    reported: List[str] = []
    every_entry_has_an_ip = True
    for entry in description.get("Devices") or []:
        if not isinstance(entry, dict):
            continue
        active = entry.get("ActiveNetworkInterface") or {}
        reach = entry.get("NetworkReachability") or {}
        ips = _ips_of(entry)
        reported.extend(ips)
        every_entry_has_an_ip = every_entry_has_an_ip and bool(ips)
        devices.append(
            {
                "device_id": entry.get("DeviceId"),
                "state": _state_of(entry),
                "active_ip": active.get("IpAddress") if isinstance(active, dict) else None,
                "reachability": reach.get("State") if isinstance(reach, dict) else None,
            }
        )
    wanted = list(cluster_ips or [])
    if every_entry_has_an_ip:
        missing = [ip for ip in wanted if ip not in reported]
    else:
        # Entries without addresses: compare how many devices answered.
        missing = wanted[len(devices) :] if len(devices) < len(wanted) else []
    states = [device["state"] for device in devices]
    if not devices:
        overall = ""
    elif all(state == "UNLOCKED" for state in states):
        overall = "UNLOCKED" if not missing else "UNLOCKING"
    else:
        # the state of the device furthest from unlocked
        order = {"LOCKED": 0, "UNLOCKING": 1, "UNLOCKED": 2}
        overall = min(states, key=lambda state: order.get(state, -1))
    summary = {"state": overall, "cluster_id": description.get("ClusterId"), "devices": devices}
    if missing:
        summary["missing"] = missing
    return summary


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


def _locked(summary: Dict[str, Any]) -> bool:
    """True when a device that can be reached says LOCKED (an unreachable one says nothing)."""
    entries = summary.get("devices") or [summary]
    return any(entry["state"] == "LOCKED" and entry.get("reachability") in (None, "REACHABLE") for entry in entries)


def call_timeout(remaining: float) -> float:
    """How long one client command may take: the time left, within 5..120 s."""
    return max(5.0, min(120.0, remaining))


BOOT_HINT = (
    "A device answers about 10 minutes after it is powered on, a cluster node up to 20: raise timeout if it is"
    " still booting; otherwise check the endpoint, the device's display and the network (firewall, cabling)."
)


class Patience:
    """One deadline for a task, with the injected clock and sleep that every wait here uses."""

    def __init__(
        self,
        timeout: float,
        poll_interval: float,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.sleep = sleep
        self.clock = clock
        self.started = clock()
        self.deadline = self.started + timeout

    def remaining(self) -> float:
        return self.deadline - self.clock()

    def waited(self) -> float:
        return self.clock() - self.started

    def pause(self) -> bool:
        """Sleep one poll_interval (less near the deadline); False when no time is left."""
        remaining = self.remaining()
        if remaining <= 0:
            return False
        self.sleep(min(self.poll_interval, remaining))
        return True


def _gave_up(client: EdgeClient, patience: Patience, failure: CommandError, attempts: int) -> DeviceError:
    return DeviceError(
        f"could not reach the device at {client.endpoint}: the Snowball Edge client failed at the connection level"
        f" for {patience.waited():.0f}s ({attempts} attempt{'s' if attempts != 1 else ''}, timeout {patience.timeout:g}s)."
        f" {BOOT_HINT} The client's last words: {failure.words or '(none)'}",
        state=None,
        kind=CONNECTION,
        rc=failure.details.get("rc"),
        stream=failure.details.get("stream"),
    )


def retrying(
    client: EdgeClient,
    patience: Patience,
    call: Callable[[float], Any],
    accepted: bool = False,
    per_call: Callable[[float], float] = call_timeout,
) -> Any:
    """``call(per-command timeout)``, tried again while it fails at the connection level (a device
    still booting, a dropped connection), until the deadline; then a DeviceError naming the
    endpoint, the time waited and the client's last words.

    With ``accepted`` (the device already took this code and manifest in this unlock: it is
    UNLOCKING), a failure whose words are not recognised is tried again too; a refusal never is."""
    attempts = 0
    while True:
        attempts += 1
        try:
            return call(per_call(patience.remaining()))
        except CommandError as failure:
            transient = failure.kind == CONNECTION or (accepted and failure.kind == UNKNOWN)
            if not transient:
                raise
            if not patience.pause():
                raise _gave_up(client, patience, failure, attempts) from None


def wait_until_unlocked(
    client: EdgeClient,
    timeout: float,
    poll_interval: float,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    first_look_after: Optional[float] = None,
    patience: Optional[Patience] = None,
    accepted: bool = True,
) -> Dict[str, Any]:
    """Poll the description until every device is UNLOCKED; DeviceError otherwise.

    The one place that waits for a device's state after unlocking was started (by this task or an
    earlier one):
    - a describe that fails at the connection level (booting device, dropped or reset connection,
      one describe timing out) is tried again until the deadline; with ``accepted`` (the default:
      the device took this code and manifest when unlocking started) so is one whose words are not
      recognised; a refusal (code, manifest, credentials) ends the wait at once;
    - LOCKED from a reachable device after unlocking started is a failure; an unknown state is
      reported, not guessed;
    - the first look is after ``first_look_after`` seconds (default one ``poll_interval``: right
      after ``unlock-device`` the device only says UNLOCKING, and each look starts the Java client);
      pass 0 to look at once (a wait in a later task).
    ``patience`` shares one deadline with the caller's earlier steps; else the deadline is ``timeout``
    from now."""
    patience = patience or Patience(timeout, poll_interval, sleep, clock)
    delay = poll_interval if first_look_after is None else first_look_after
    if delay > 0:
        patience.sleep(min(delay, max(patience.remaining(), 0)))
    while True:
        description = retrying(client, patience, client.describe, accepted=accepted)
        summary = summarize(description, client.cluster, client.cluster_ips)
        if summary["state"] == "UNLOCKED":
            summary["description"] = description
            return summary
        odd = unknown_states(summary)
        if odd:
            raise DeviceError(
                f"the device at {client.endpoint} reported the unlock state {', '.join(odd)}, which this"
                f" collection does not know (expected one of {', '.join(KNOWN_STATES)}); not guessing what it means.",
                state=summary["state"],
            )
        if _locked(summary):
            raise DeviceError(
                f"the device at {client.endpoint} is LOCKED again after unlocking was started: the manifest or unlock"
                " code does not belong to this device, or the device refused them. Check that the job id, manifest"
                " and endpoint are for the same device.",
                state="LOCKED",
            )
        if patience.remaining() <= 0:
            lost = unreachable(summary)
            extra = f"; unreachable: {', '.join(lost)}" if lost else ""
            raise DeviceError(
                f"timed out after {patience.timeout:g}s waiting for the device at {client.endpoint} to be UNLOCKED; its"
                f" last state was {summary['state'] or '(none)'}{extra}. Raise the timeout or check the device's"
                " display.",
                state=summary["state"],
            )
        patience.pause()


def describe_when_reachable(
    client: EdgeClient, patience: Patience, per_call: Callable[[float], float] = call_timeout
) -> Dict[str, Any]:
    """The description, once the device answers: connection failures (a booting device) are tried
    again until the deadline; a refusal or a failure whose words are not recognised ends it."""
    return retrying(client, patience, client.describe, per_call=per_call)


def start_unlock(client: EdgeClient, patience: Patience) -> None:
    """``unlock-device``/``unlock-cluster``, robust to a connection lost on the way.

    A connection-level failure of the unlock command is not repeated blindly: the device is
    described (connection failures tried again) and unlocked again only while it still says
    LOCKED; UNLOCKING or UNLOCKED means the first request arrived. For a cluster whose
    description fails (it may be refused while locked), the unlock is simply tried again."""
    attempts = 0
    while True:
        attempts += 1
        try:
            client.unlock(call_timeout(patience.remaining()))
            return
        except CommandError as failure:
            if failure.kind != CONNECTION:
                raise
            lost = failure
        if not patience.pause():
            raise _gave_up(client, patience, lost, attempts)
        try:
            state = summarize(client.describe(call_timeout(patience.remaining())), client.cluster)["state"]
        except CommandError:
            state = ""
        if state in ("UNLOCKING", "UNLOCKED"):
            return
