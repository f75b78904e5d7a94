# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: this file is part of edge.snowball's action plugins and may change without notice.

"""device_unlock in periods, so that a waiting host shows its device's state (option ``progress_interval``).

A module cannot print while it runs: ansible-core reads its output when it ends. So the action runs
device_unlock for at most ``progress_interval`` seconds at a time within the task's ``timeout``. A period
that ends on its time limit, with the device still UNLOCKING or not answering yet, shows one line, and the
module runs again with the time left. It never starts unlocking again while the device is UNLOCKING. The
result is the last run's result, with the whole task's ``changed``, ``elapsed`` and timeout.
"""

from __future__ import annotations

import math
import time
from typing import Any
from typing import Callable
from typing import Dict

from ansible_collections.edge.snowball.plugins.module_utils._edge.state import PROGRESS_INTERVAL
from ansible_collections.edge.snowball.plugins.module_utils._edge.state import UNLOCK_TIMEOUT
from ansible_collections.edge.snowball.plugins.module_utils._edge.state import UNLOCKED_BY_THIS_TASK
from ansible_collections.edge.snowball.plugins.module_utils._edge.summary import KNOWN_STATES

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
    host: str,
    show: Callable[[str], None],
    clock: Callable[[], float] = time.monotonic,
) -> Result:
    """``run(args)`` for at most ``progress_interval`` seconds at a time until ``timeout``; ``show(line)``
    after each period that ran out with time left. Runs once when the interval is 0, unset or not
    shorter than the timeout (nothing to show before the end)."""
    interval, timeout = (
        _whole_seconds(args.get("progress_interval", PROGRESS_INTERVAL)),
        _whole_seconds(args.get("timeout", UNLOCK_TIMEOUT)),
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
        show(progress_line(host, str(args.get("endpoint", "")), result.get("state"), clock() - started, timeout))


def _whole_task(result: Result, changed: bool, period: int, timeout: int, waited: float) -> Result:
    """The last period's result said of the whole task: its time limit, whether it changed the device."""
    if result.get("failed") and result.get("timed_out"):
        # the period's limit in the messages (state.py) is the task's
        result["msg"] = (
            str(result.get("msg", ""))
            .replace(f"timed out after {period:g}s", f"timed out after {timeout:g}s", 1)
            .replace(f"timeout {period:g}s)", f"timeout {timeout:g}s)", 1)
        )
    if changed and not result.get("changed"):
        # an earlier period started unlocking; this one only saw UNLOCKING and waited
        result["changed"] = True
        if not result.get("failed") and result.get("state") == "UNLOCKED":
            result["msg"] = UNLOCKED_BY_THIS_TASK
    if "elapsed" in result:
        result["elapsed"] = round(waited, 1)
    return result
