# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: this file is part of edge.snowball's action plugins and may change without notice.

"""device_unlock and managed_device_unlock in periods, so that a wait shows the devices' states
(option ``progress_interval``).

A module cannot print while it runs: ansible-core reads its output when it ends. So the action runs the
module for at most ``progress_interval`` seconds at a time within the task's ``timeout``. A period that
ends on its time limit shows one line, and the module runs again with the time left: device_unlock never
starts unlocking again while the device is UNLOCKING; managed_device_unlock waits for the tasks the first
period created (``task_ids``). The result is the last run's, with the whole task's ``changed``, ``elapsed``
and timeout.
"""

from __future__ import annotations

import math
import re
import time
from typing import Any
from typing import Callable
from typing import Dict

from ansible_collections.edge.snowball.plugins.module_utils._edge.state import PROGRESS_INTERVAL
from ansible_collections.edge.snowball.plugins.module_utils._edge.state import UNLOCK_TIMEOUT
from ansible_collections.edge.snowball.plugins.module_utils._edge.state import UNLOCKED_BY_THIS_TASK
from ansible_collections.edge.snowball.plugins.module_utils._edge.summary import KNOWN_STATES
from ansible_collections.edge.snowball.plugins.module_utils._job_id import validate_job_id
from ansible_collections.edge.snowball.plugins.module_utils._sdm.states import FAILED_EXECUTION_STATES as FAILED_STATES
from ansible_collections.edge.snowball.plugins.module_utils._sdm.states import (
    SUCCESS_EXECUTION_STATES as SUCCESS_STATES,
)
from ansible_collections.edge.snowball.plugins.module_utils._secret import holds_unlock_code

#: What a line may show of an execution: nothing else the service sent.
EXECUTION_STATES = ("QUEUED", "IN_PROGRESS", *SUCCESS_STATES, *FAILED_STATES)
#: A managed device id as the service gives them (smd-3yxpo3wcbbmcf3hm).
DEVICE_ID = re.compile(r"smd-[a-z0-9]{1,60}")

Result = Dict[str, Any]


def _whole_seconds(value: Any) -> int | None:
    """An int option as ansible-core templated it (an int, or its text before 2.19); None otherwise."""
    try:
        return int(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def progress_line(host: str, endpoint: str, state: str | None, waited: float, timeout: int) -> str:
    """What a period that ran out shows, printed outside any censoring: the endpoint (checked on the controller
    like every option) and a state only from the known few, never a text the device or its client wrote."""
    if state in KNOWN_STATES:
        shown = state
    else:
        shown = "not answering yet (still booting, or unreachable)" if not state else "state not known"
    return f"{host}: waiting for {endpoint}: {shown}, {waited:.0f}s of {timeout}s"


def run_in_periods(
    run: Callable[[Dict[str, Any]], Result],
    args: Dict[str, Any],
    line: Callable[[Result, float, int], str],
    show: Callable[[str], None],
    resume: Callable[[Dict[str, Any], Result], Dict[str, Any]] = lambda args, result: args,
    clock: Callable[[], float] = time.monotonic,
    default_timeout: int = UNLOCK_TIMEOUT,
) -> Result:
    """``run(args)`` for at most ``progress_interval`` seconds at a time until ``timeout``; after each period
    that ran out with time left, ``show(line(result, waited, timeout))`` and run again with
    ``resume(args, result)``. ``default_timeout`` is the module's when the task gives none. Runs once
    when the interval is 0, unset or not shorter than the timeout (nothing to show before the end)."""
    interval, timeout = (
        _whole_seconds(args.get("progress_interval", PROGRESS_INTERVAL)),
        _whole_seconds(args.get("timeout", default_timeout)),
    )
    if not interval or interval <= 0 or timeout is None or timeout <= interval:
        return run(args)
    started, changed = clock(), False
    while True:
        remaining = timeout - (clock() - started)
        period = max(1, math.ceil(min(interval, remaining)))
        result = run(dict(args, timeout=period))
        changed = changed or bool(result.get("changed"))
        if not (result.get("failed") and result.get("timed_out")) or remaining <= interval:
            return _whole_task(result, changed, period, timeout, clock() - started)
        show(line(result, clock() - started, timeout))
        args = resume(args, result)


def device_line(host: str, endpoint: str) -> Callable[[Result, float, int], str]:
    """device_unlock's progress line for ``host``."""
    return lambda result, waited, timeout: progress_line(host, endpoint, result.get("state"), waited, timeout)


def remote_line(result: Result, waited: float, timeout: int, most: int = 5) -> str:
    """managed_device_unlock's progress line: how many devices are UNLOCKED, and the first ``most`` others
    with their job (or device id) and states, each only from the known few."""
    devices = [d for d in result.get("devices") or [] if isinstance(d, dict)]
    # UNLOCKED after its task's execution SUCCEEDED, or with no task (it was UNLOCKED before)
    late = result.get("reasons") if isinstance(result.get("reasons"), dict) else {}
    done = [
        d
        for d in devices
        if d.get("state") == "UNLOCKED"
        and (d.get("execution_state") in SUCCESS_STATES or not d.get("task_id"))
        and (d.get("job_id") or d.get("managed_device_id")) not in late  # not a report older than its task
    ]
    pending = [d for d in devices if d not in done and d.get("execution_state") not in FAILED_STATES]
    shown = [
        f"{_shown_id(d)} ({_known(d.get('execution_state'), EXECUTION_STATES) or 'not started'},"
        f" {_known(d.get('state'), KNOWN_STATES) or 'state not known'})"
        for d in pending[:most]
    ]
    more = f" and {len(pending) - most} more" if len(pending) > most else ""
    return (
        f"remote unlock: {len(done)} of {len(devices)} device(s) UNLOCKED; waiting for {', '.join(shown) or 'none'}"
        f"{more}, {waited:.0f}s of {timeout}s"
    )


def _known(value: Any, allowed: Any) -> str | None:
    """``value`` when it is one of ``allowed``, else None: the line is printed outside any censoring, so it
    shows nothing the service sent that was not expected."""
    return value if isinstance(value, str) and value in allowed else None


def _shown_id(device: Result) -> str:
    """The device's job id when it is one, else its managed device id when it looks like one (and holds no code)."""
    job_id, device_id = device.get("job_id"), device.get("managed_device_id")
    if isinstance(job_id, str) and validate_job_id(job_id) is None:
        return job_id
    if isinstance(device_id, str) and DEVICE_ID.fullmatch(device_id) and not holds_unlock_code(device_id):
        return f"managed device {device_id}"
    return "a device"


def _whole_task(result: Result, changed: bool, period: int, timeout: int, waited: float) -> Result:
    """The last period's result said of the whole task: its time limit, whether it changed the device."""
    if result.get("failed") and result.get("timed_out"):
        # the period's limit in the messages (_edge/state.py, _sdm/states.py) is the task's
        result["msg"] = _whole_time(result.get("msg", ""), period, timeout)
        if isinstance(result.get("reasons"), dict):
            result["reasons"] = {key: _whole_time(text, period, timeout) for key, text in result["reasons"].items()}
    if changed and not result.get("changed"):
        # an earlier period started unlocking; this one only saw UNLOCKING and waited
        result["changed"] = True
        if not result.get("failed") and result.get("state") == "UNLOCKED":
            result["msg"] = UNLOCKED_BY_THIS_TASK
    if "elapsed" in result:
        result["elapsed"] = round(waited, 1)
    return result


def _whole_time(text: Any, period: int, timeout: int) -> str:
    """``text`` with the period's time limit, where a message names it, said as the task's."""
    for said in ("timed out after {}s", "timeout {}s)", "after {}s;", "within {}s;"):
        text = str(text).replace(said.format(f"{period:g}"), said.format(f"{timeout:g}"))
    return text
