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

from ansible.utils.display import Display

from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.plugin_utils.action_base import SnowballActionBase
from ansible_collections.edge.snowball.plugins.plugin_utils.secrets_guard import condition_refusal
from ansible_collections.edge.snowball.plugins.plugin_utils.secrets_guard import debug_refusal


class ActionModule(SnowballActionBase):
    _job_id_required = True

    def _act(self, result, task_vars):
        refusal = debug_refusal("job_unlock_code") or condition_refusal(self._task, "job_unlock_code")
        if refusal:
            raise SnowballError(refusal)
        result = self._run_module_on_controller(result, task_vars)
        if result.get("retried"):
            # The result may be censored below; what was retried holds no secret and helps.
            Display().vvv(f"job_unlock_code retried: {result['retried']}", host=self._play_context.remote_addr)
        if "unlock_code" in result:
            self._censor(result)
        return result
