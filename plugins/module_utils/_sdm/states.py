# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball's AWS machinery; may change without notice.

"""What a Snow Device Management unlock execution's state means, and the messages that explain a
remote unlock that failed or found no managed device."""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import Optional

UNLOCKED = "UNLOCKED"
#: managed_device_unlock's default timeout, seconds.
REMOTE_TIMEOUT = 900
SUCCEEDED = "SUCCEEDED"
#: The model says SUCCEEDED; one AWS CLI page says COMPLETED: both mean the command ran.
SUCCESS_EXECUTION_STATES = (SUCCEEDED, "COMPLETED")
#: Execution states after which nothing more happens.
FAILED_EXECUTION_STATES = ("FAILED", "REJECTED", "TIMED_OUT", "CANCELED")

_WHAT_TO_CHECK = {
    "FAILED": "the device could not unlock itself; check it on site (power, display, snowballEdge describe-device)",
    "REJECTED": (
        "the device refused the command, usually because another command is still running on it (only one"
        " runs at a time); wait for it to finish and run again"
    ),
    "TIMED_OUT": (
        "the device did not finish the unlock in time; check that it is powered on and that it can reach the"
        " AWS region (its last contact is in last_reached_out_at)"
    ),
    "CANCELED": "the task was canceled (CancelTask) before the device ran it; run again to unlock it",
}


def device_failure(entry: Dict[str, Any], timeout: float) -> Optional[str]:
    """Why this one device's unlock failed or did not finish (its own reason, no other device's), or None."""
    execution = entry.get("execution_state")
    if execution in FAILED_EXECUTION_STATES:
        return f"execution {execution}: {_WHAT_TO_CHECK[execution]}"
    if not entry.get("timed_out"):
        return None
    if execution in SUCCESS_EXECUTION_STATES:
        return (
            f"the execution SUCCEEDED but the device has not reported UNLOCKED since the task"
            f" started (it reports {entry.get('state')}, last updated {entry.get('last_updated_at')})"
            f" within {timeout:g}s; check that it can reach the AWS region, or raise timeout"
        )
    return (
        f"still {execution or 'unknown'} after {timeout:g}s; the device has not picked up"
        " the command: check that it is powered on, that its remote management is running and that"
        " it can reach the AWS region, or raise timeout"
    )


def who(entry: Dict[str, Any]) -> str:
    return f"job {entry['job_id']} (managed device {entry['managed_device_id']}, task {entry.get('task_id')})"


def failure_message(entries: List[Dict[str, Any]], timeout: float) -> Optional[str]:
    """One message for every device whose unlock failed or did not finish, or None."""
    reasons = [(entry, device_failure(entry, timeout)) for entry in entries]
    lines = [f"{who(entry)}: {reason}" for entry, reason in reasons if reason]
    if not lines:
        return None
    return f"remote unlock failed for {len(lines)} device(s): " + "; ".join(lines)


def no_device_message(job_ids: List[str]) -> str:
    one = len(job_ids) == 1
    return (
        f"no managed device for job{'' if one else 's'} {', '.join(job_ids)}: remote management is not enabled for"
        f" {'it' if one else 'them'} (DescribeJob's RemoteManagement is not INSTALLED_AUTOSTART), or the device has"
        " never reached AWS from the job's region. Unlock"
        f" {'it' if one else 'these'} with the edge.snowball.unlock role's client method (unlock_method: client),"
        " which needs no remote management."
    )
