# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: this file is part of edge.snowball's device_unlock/device_info machinery and
# may change without notice. Standard library and ansible-core only (it runs on the edge host).

"""Waiting for a device to reach UNLOCKED through booting, dropped connections and a cluster that
cannot be described while locked (what a description says is ``_edge/summary.py``)."""

from __future__ import annotations

import time
from typing import Any
from typing import Callable
from typing import Dict
from typing import Optional

from ansible_collections.edge.snowball.plugins.module_utils._edge.client import EdgeClient
from ansible_collections.edge.snowball.plugins.module_utils._edge.errors import CommandError
from ansible_collections.edge.snowball.plugins.module_utils._edge.errors import DeviceError
from ansible_collections.edge.snowball.plugins.module_utils._edge.output import CONNECTION
from ansible_collections.edge.snowball.plugins.module_utils._edge.output import UNKNOWN
from ansible_collections.edge.snowball.plugins.module_utils._edge.summary import KNOWN_STATES
from ansible_collections.edge.snowball.plugins.module_utils._edge.summary import reachable_and_locked
from ansible_collections.edge.snowball.plugins.module_utils._edge.summary import summarize
from ansible_collections.edge.snowball.plugins.module_utils._edge.summary import unknown_states
from ansible_collections.edge.snowball.plugins.module_utils._edge.summary import unreachable


def call_timeout(remaining: float) -> float:
    """How long one client command may take: the time left, within 5..120 s."""
    return max(5.0, min(120.0, remaining))


#: device_unlock's defaults: the task's time in all, and how often the action shows the state (plugin_utils/progress.py).
UNLOCK_TIMEOUT = 1800
PROGRESS_INTERVAL = 60

#: device_unlock's message when it started unlocking and saw UNLOCKED (also after the action's periods).
UNLOCKED_BY_THIS_TASK = "the device is UNLOCKED"

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


def _gave_up(
    client: EdgeClient, patience: Patience, failure: CommandError, attempts: int, said: Optional[CommandError]
) -> DeviceError:
    """The wait's failure. ``said`` is the last failure in which the client said something: when the
    last attempt was stopped in silence (the time left was too short for the client to start, on a
    busy machine too), its words are still the ones quoted, with the last attempt's."""
    words = failure.words or "(none)"
    if said is not None and said is not failure:
        words = f"{said.words}; on the last attempt {failure.words}"
        failure = said
    return DeviceError(
        f"could not reach the device at {client.endpoint}: the Snowball Edge client failed at the connection level"
        f" for {patience.waited():.0f}s ({attempts} attempt{'s' if attempts != 1 else ''}, timeout {patience.timeout:g}s)."
        f" {BOOT_HINT} The client's last words: {words}",
        state=None,
        kind=CONNECTION,
        timed_out=True,
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
    attempts, said = 0, None
    while True:
        attempts += 1
        try:
            return call(per_call(patience.remaining()))
        except CommandError as failure:
            transient = failure.kind == CONNECTION or (accepted and failure.kind == UNKNOWN)
            if not transient:
                raise
            said = said if failure.details.get("silent") else failure
            if not patience.pause():
                raise _gave_up(client, patience, failure, attempts, said) from None


def wait_until_unlocked(
    client: EdgeClient, patience: Patience, first_look_after: Optional[float] = None, accepted: bool = True
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
    ``patience`` holds the deadline (shared with the caller's earlier steps), the poll interval, the
    clock and the sleep."""
    delay = patience.poll_interval if first_look_after is None else first_look_after
    if delay > 0:
        patience.sleep(min(delay, max(patience.remaining(), 0)))
    while True:
        description = retrying(client, patience, client.describe, accepted=accepted)
        summary = summarize(description, client.cluster_ips)
        if summary["state"] == "UNLOCKED":
            summary["description"] = description
            return summary
        _fail_unless_unlocking(client, summary, patience)
        patience.pause()


def _fail_unless_unlocking(client: EdgeClient, summary: Dict[str, Any], patience: Patience) -> None:
    """A DeviceError when the summary cannot become UNLOCKED by waiting: an unknown state, a
    reachable device LOCKED again, or no time left."""
    odd = unknown_states(summary)
    if odd:
        raise DeviceError(
            f"the device at {client.endpoint} reported the unlock state {', '.join(odd)}, which this"
            f" collection does not know (expected one of {', '.join(KNOWN_STATES)}); not guessing what it means.",
            state=summary["state"],
        )
    if reachable_and_locked(summary):
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
            timed_out=True,
        )


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
    attempts, said = 0, None
    while True:
        attempts += 1
        try:
            client.unlock(call_timeout(patience.remaining()))
            return
        except CommandError as failure:
            if failure.kind != CONNECTION:
                raise
            lost = failure
            said = said if failure.details.get("silent") else failure
        if not patience.pause():
            raise _gave_up(client, patience, lost, attempts, said)
        try:
            state = summarize(client.describe(call_timeout(patience.remaining())), client.cluster_ips)["state"]
        except CommandError:
            state = ""
        if state in ("UNLOCKING", "UNLOCKED"):
            return
