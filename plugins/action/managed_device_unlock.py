# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Action plugin for edge.snowball.managed_device_unlock and managed_device_info: ids checked on the controller.

These modules carry no secret, but a value typed into the wrong field can be one (the unlock code
where a job id belongs), and ansible-core echoes a module's arguments in ``invocation`` whenever it
fails, also when it refuses an option before the module's own code runs (a wrong type, two
exclusive options). So every job id, and every managed device id shaped like an unlock code, is
checked here first; the refusal never repeats the value, and no module runs.
"""

from __future__ import annotations

import re

from ansible.module_utils.parsing.convert_bool import boolean
from ansible.utils.display import Display

from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._job_id import listed
from ansible_collections.edge.snowball.plugins.module_utils._sdm.input import require_valid_device_ids
from ansible_collections.edge.snowball.plugins.module_utils._sdm.states import REMOTE_TIMEOUT
from ansible_collections.edge.snowball.plugins.plugin_utils.action_base import SnowballActionBase
from ansible_collections.edge.snowball.plugins.plugin_utils.progress import remote_line
from ansible_collections.edge.snowball.plugins.plugin_utils.progress import run_in_periods

#: A Snow Device Management task id as the service gives them (st-ficthmqoc2pht9gd).
TASK_ID = re.compile(r"st-[a-z0-9]{1,61}")
TASK_ID_REFUSAL = (
    "task_ids holds a value that is not a task id (st- followed by lower-case letters and digits; not shown)"
)


def check_ids(args):
    """Refuse (SnowballError) task and managed device ids that must not reach the module, with the
    module's own device-id check. (The base class has refused a code or a key in any option, and a bad
    job id, already.) Values that are not strings are left to the module's argument spec."""
    for value in listed(args.get("task_ids")):
        if not isinstance(value, str) or not TASK_ID.fullmatch(value):
            raise SnowballError(TASK_ID_REFUSAL, error_code="InvalidTaskId")
    require_valid_device_ids([value for value in listed(args.get("managed_device_ids")) if isinstance(value, str)])


class ActionModule(SnowballActionBase):
    def _act(self, result, task_vars):
        check_ids(self._task.args)
        waits = boolean(self._task.args.get("wait", True), strict=False) and not self._play_context.check_mode
        if self._task.action.rsplit(".", 1)[-1] != "managed_device_unlock" or not waits:
            return self._run_module_on_controller(result, task_vars)
        # In periods of progress_interval, each ending with a line on the devices' states; each period after
        # the first waits for the tasks the first created (plugin_utils/progress.py).
        changed_devices = set()

        def run(args):
            # Each period's result says which devices it sent a task; the whole task's says which any did.
            period = self._run_module_on_controller(dict(result), task_vars, module_args=args)
            for device in [d for d in period.get("devices") or [] if isinstance(d, dict)]:
                if device.get("changed"):
                    changed_devices.add(device.get("managed_device_id"))
                device["changed"] = device.get("managed_device_id") in changed_devices
            return period

        return run_in_periods(
            run,
            dict(self._task.args),
            remote_line,
            Display().display,
            resume=lambda args, last: dict(args, task_ids=last.get("task_ids") or args.get("task_ids")),
            default_timeout=REMOTE_TIMEOUT,
        )
