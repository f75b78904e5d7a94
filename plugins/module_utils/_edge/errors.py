# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: this file is part of edge.snowball's device_unlock/device_info machinery and
# may change without notice. Standard library and ansible-core only (it runs on the edge host).

"""The one error family of the edge-host half: a failure fit for a person (never holding the
unlock code), a failed client command, and what a failed task returns about it."""

from __future__ import annotations

from typing import Any
from typing import Dict

from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError


class DeviceError(SnowballError):
    """A failure on the edge host (the device, the client, the task's options), with a message fit
    for a person; it never holds the unlock code. ``details`` (state, kind, rc, stream) go into the
    failed result through ``failure_details``."""

    def __init__(self, message: str, **details: Any):
        super().__init__(message)
        self.details = details

    def as_result(self) -> Dict[str, Any]:
        """The failed result: the message, the state and how a client command failed (``failure_details``)."""
        return dict(super().as_result(), **failure_details(self))


class CommandError(DeviceError):
    """A client command that failed; ``kind`` is CONNECTION, REFUSAL or UNKNOWN (``classify``)."""

    def __init__(self, message: str, kind: str, words: str, **details: Any):
        super().__init__(message, kind=kind, **details)
        self.kind = kind
        self.words = words


def failure_details(failure: DeviceError) -> Dict[str, Any]:
    """What a failed task returns besides its message: the state, and for a failed client command
    how it failed (kind, exit status, the stream its words were on), never its output; ``changed``
    when the task had started unlocking, ``timed_out`` when its timeout ran out."""
    details: Dict[str, Any] = {"state": failure.details.get("state")}
    for flag in ("changed", "timed_out"):
        if failure.details.get(flag):
            details[flag] = True
    if failure.details.get("kind"):
        details["client_failure"] = {
            "kind": failure.details.get("kind"),
            "rc": failure.details.get("rc"),
            "stream": failure.details.get("stream"),
        }
    return details
