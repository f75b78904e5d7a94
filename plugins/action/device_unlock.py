# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Action plugin for edge.snowball.device_unlock and device_info: guards the code they are given.

Runs the module as ansible-core's ``normal`` action does, after two checks on the controller:
no ANSIBLE_DEBUG (which prints module arguments in clear), and no ``async`` (whose wrapper
writes the module's arguments, code included, to a file on the edge host).

The code usually comes from the edge.snowball.unlock_code lookup in this task's arguments, which
ansible-core templates in the worker it forks for each host. Importing this plugin warms
botocore (module_utils/botocore_client.py): ansible-core's strategy imports action plugins in its
main process before forking, so every worker inherits botocore and the Snowball model, instead
of each importing and loading them again (about 0.2 CPU-seconds per host).
"""

from __future__ import annotations

from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash

from ansible_collections.edge.snowball.plugins.module_utils import botocore_client
from ansible_collections.edge.snowball.plugins.plugin_utils.secrets_guard import debug_refusal

botocore_client.warm_up()


class ActionModule(ActionBase):
    _supports_check_mode = True
    # async_wrapper stores the module's arguments in a file on the target: never with a code in them.
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp  # tmp no longer has any effect
        refusal = debug_refusal(self._task.action.rsplit(".", 1)[-1])
        if refusal:
            result.update(failed=True, msg=refusal)
            return result
        result = merge_hash(result, self._execute_module(task_vars=task_vars))
        self._remove_tmp_path(self._connection._shell.tmpdir)
        return result
