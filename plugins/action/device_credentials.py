# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Action plugin for edge.snowball.device_credentials: device_unlock's guards (it takes a code too:
no ANSIBLE_DEBUG, no ``async``, pipelining in effect, the code's shape, a loop showing the code
censored), and, because its result holds the device's secret access key:

- the result censored as job_unlock_code's is, even without task ``no_log`` (a module cannot
  censor its own result); failures hold no key and stay readable;
- refused under ``failed_when``/``until`` inside a block with rescue or always (which would hand
  the raw result, key included, to ``ansible_failed_result`` there);
(A value shaped like a secret access key in any option is refused by device_unlock's plugin, for
all three modules.)
"""

from __future__ import annotations

from ansible_collections.edge.snowball.plugins.action.device_unlock import ActionModule as DeviceActionModule
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.plugin_utils.secrets_guard import condition_refusal

SECRET = "the device's secret access key"


class ActionModule(DeviceActionModule):
    def _act(self, result, task_vars):
        refusal = condition_refusal(self._task, "device_credentials", SECRET, "the key")
        if refusal:
            raise SnowballError(refusal)
        result = super()._act(result, task_vars)
        if "secret_access_key" in result:
            self._censor(result)
        return result
