# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Action plugin for edge.snowball.job_unlock_code: the whole task, on the controller.

No module process runs, on any host: the plugin asks AWS for the code itself, in the worker
ansible-core forked for the task, where botocore and the Snowball model are already loaded
(``plugin_utils/prefork.py``), with the task's options (``module_defaults`` merged) checked as
the module's argument spec would and its ``environment:`` applied (action_base.py). Edge hosts need
neither boto3 nor AWS credentials, and the code never crosses a process boundary but the one to
the strategy that receives every task's result.

A result holding ``unlock_code`` is marked ``_ansible_no_log``, exactly as if the task had
``no_log: true``. Failures hold no code and stay readable.

Before anything else it refuses a bad job id (without ever repeating it: it could be a code typed
into the wrong field), a run with ANSIBLE_DEBUG on (which prints task results raw, code included),
and ``failed_when``/``until`` inside a block with rescue or always (which would hand the result,
code included, to ``ansible_failed_result`` there).
"""

from __future__ import annotations

from ansible.utils.display import Display

from ansible_collections.edge.snowball.plugins.module_utils._aws.client import connect
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._jobs.api import SnowballJobs
from ansible_collections.edge.snowball.plugins.module_utils._jobs.codes import job_unlock_code
from ansible_collections.edge.snowball.plugins.module_utils._jobs.codes import job_unlock_code_argument_spec
from ansible_collections.edge.snowball.plugins.module_utils._jobs.codes import wait_options_problem
from ansible_collections.edge.snowball.plugins.module_utils._report import api_keys
from ansible_collections.edge.snowball.plugins.plugin_utils.action_base import SnowballActionBase
from ansible_collections.edge.snowball.plugins.plugin_utils.action_base import validated_args
from ansible_collections.edge.snowball.plugins.plugin_utils.prefork import warm_up_botocore
from ansible_collections.edge.snowball.plugins.plugin_utils.secrets_guard import condition_refusal
from ansible_collections.edge.snowball.plugins.plugin_utils.secrets_guard import debug_refusal

# Imported by ansible-core's strategy in its main process before it forks: load botocore there once.
warm_up_botocore()


class ActionModule(SnowballActionBase):
    TRANSFERS_FILES = False
    _job_id_required = True
    _calls_aws_here = True

    def _act(self, result, task_vars):
        refusal = debug_refusal("job_unlock_code") or condition_refusal(self._task, "job_unlock_code")
        if refusal:
            raise SnowballError(refusal)
        params = validated_args(job_unlock_code_argument_spec(), self._task.args)
        problem = wait_options_problem(params)
        if problem:
            raise SnowballError(problem, "InvalidArguments")
        jobs, failure = None, None
        try:
            jobs = connect(SnowballJobs, params)
            result.update(job_unlock_code(jobs, params["job_id"], params))
            self._censor(result)  # at once: whatever happens next, a result holding the code is censored
        except SnowballError as e:
            failure = e
        result.update(api_keys(jobs, params))
        if result.get("retried"):
            # The result is censored; what was retried holds no secret and helps.
            Display().vvv(f"job_unlock_code retried: {result['retried']}", host=self._play_context.remote_addr)
        if failure is not None:
            raise failure  # the base class fails the task with it, these keys kept
        return result
