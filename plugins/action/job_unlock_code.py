# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Action plugin for edge.snowball.job_unlock_code: censors results that carry a code.

A module cannot censor its own result (ansible-core strips a ``_ansible_no_log``
key returned by a module). The action plugin runs on the controller after the
module returns, so it can: every result holding ``unlock_code`` is marked
``_ansible_no_log``, exactly as if the task had ``no_log: true``. Failures hold
no code and stay readable.

Before the module runs it also refuses, on the controller, a bad job id (without ever
repeating it: it could be a code typed into the wrong field), a run with ANSIBLE_DEBUG on
(which would print the module's raw result, code included), and ``failed_when``/``until``
inside a block with rescue or always (which would hand the result, code included, to
``ansible_failed_result`` there).
"""

from __future__ import annotations

from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible.utils.vars import merge_hash

from ansible_collections.edge.snowball.plugins.module_utils.job_id import validate_job_id
from ansible_collections.edge.snowball.plugins.plugin_utils.secrets_guard import condition_refusal
from ansible_collections.edge.snowball.plugins.plugin_utils.secrets_guard import debug_refusal


class ActionModule(ActionBase):
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp  # tmp no longer has any effect
        refusal = debug_refusal("job_unlock_code") or condition_refusal(self._task, "job_unlock_code")
        if refusal:
            result.update(failed=True, msg=refusal)
            return result
        # Checked here first as well: a bad id fails without a trip to the host, and before
        # anything of ansible-core's can trip over it there (a NUL breaks its syslog call).
        reason = validate_job_id(self._task.args.get("job_id"))
        if reason is not None:
            result.update(failed=True, msg=reason, error_code="InvalidJobId")
            return result
        result = merge_hash(result, self._execute_module(task_vars=task_vars))
        if result.get("retried"):
            # The result may be censored below; what was retried holds no secret and helps.
            Display().vvv(f"job_unlock_code retried: {result['retried']}", host=self._play_context.remote_addr)
        if "unlock_code" in result:
            # ansible-core >= 2.19 honours the result flag. Older cores overwrite it with the
            # task's own no_log after this returns, but rebuild the task on the controller from
            # its attributes, so the task itself is marked no_log too.
            result["_ansible_no_log"] = True
            self._task.no_log = True
        self._remove_tmp_path(self._connection._shell.tmpdir)
        return result
