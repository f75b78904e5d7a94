# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Action plugin for edge.snowball.device_unlock and device_info: guards the code they are given.

Runs the module as ansible-core's ``normal`` action does, after checks on the controller, before
the code leaves it:

- no ANSIBLE_DEBUG (which prints module arguments in clear);
- nothing that prints task arguments (display_args_to_stdout, the junit callback, ...) unless the task
  has no_log: they print at the task's start, so this refusal keeps the module from running, and says how;
- no ``async`` (whose wrapper writes the module's arguments, code included, to a file on the edge host);
- pipelining really in effect for this task, connection and become method (without it ansible-core
  writes the module with its arguments to a file on the edge host);
- the code has the shape of an unlock code; surrounding whitespace (``ansible-vault encrypt_string``
  keeps a newline) is stripped before the module gets it, so every form it could be printed in is masked;
- a looped task whose item (or label) holds the code has its results censored as with ``no_log``:
  ansible-core prints the item label at every verbosity and the item in the result;
- no option holds something shaped like a secret access key (the device's, which device_credentials
  reads): refused before anything can quote it.

device_unlock then runs in periods of ``progress_interval`` seconds, each that runs out showing the device's
state (plugin_utils/progress.py).

The code usually comes from the edge.snowball.unlock_code lookup in this task's arguments, which
ansible-core templates in the worker it forks for each host. Importing this plugin warms
botocore (plugin_utils/prefork.py): ansible-core's strategy imports action plugins in its
main process before forking, so every worker inherits botocore and the Snowball model, instead
of each importing and loading them again (about 0.2 CPU-seconds per host).
"""

from __future__ import annotations

from ansible.errors import AnsibleError
from ansible.utils.display import Display

from ansible_collections.edge.snowball.plugins.module_utils._edge.client import cluster_ips_problem
from ansible_collections.edge.snowball.plugins.module_utils._edge.client import endpoint_problem
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._secret import unlock_code_problem
from ansible_collections.edge.snowball.plugins.plugin_utils.action_base import SnowballActionBase
from ansible_collections.edge.snowball.plugins.plugin_utils.prefork import warm_up_botocore
from ansible_collections.edge.snowball.plugins.plugin_utils.progress import device_line
from ansible_collections.edge.snowball.plugins.plugin_utils.progress import run_in_periods
from ansible_collections.edge.snowball.plugins.plugin_utils.secrets_guard import argument_refusal
from ansible_collections.edge.snowball.plugins.plugin_utils.secrets_guard import debug_refusal
from ansible_collections.edge.snowball.plugins.plugin_utils.secrets_guard import loop_shows_code
from ansible_collections.edge.snowball.plugins.plugin_utils.secrets_guard import pipelining_refusal

# At import, in the strategy's main process before it forks (plugin_utils/prefork.py says why).
warm_up_botocore()


class ActionModule(SnowballActionBase):
    _own_checks = ("endpoint", "cluster_ips")
    _job_id_hint = ". job_id is optional: leave it out, or give the device's job id."

    def _act(self, result, task_vars):
        task_vars = task_vars or {}
        name = self._task.action.rsplit(".", 1)[-1]
        args = dict(self._task.args)
        # The module's own checks, on the controller as well: before the code leaves it, and before a NUL
        # byte reaches ansible-core's module logging (whose syslog call fails on it, naming no option).
        endpoint, cluster_ips = args.get("endpoint"), args.get("cluster_ips")
        problem = (endpoint_problem(endpoint) if isinstance(endpoint, str) else None) or (
            cluster_ips_problem(cluster_ips) if isinstance(cluster_ips, list) else None
        )
        if problem:
            raise SnowballError(f"{name} refused: {problem}", "InvalidParameter")
        code = args.get("unlock_code")
        # Read before any censoring below marks the task no_log itself.
        printed = argument_refusal(name, self._given_no_log) if code else None
        if isinstance(code, str) and code.strip():
            if loop_shows_code(self._task, task_vars, code.strip(), self._label(task_vars)):
                self._censor(result)
        refusal = debug_refusal(name) or printed or pipelining_refusal(self, name)
        if refusal is None and isinstance(code, str):
            problem = unlock_code_problem(code)
            refusal = f"{name} refused: {problem}" if problem else None
            args["unlock_code"] = code.strip()
        if refusal:
            if printed:
                # ansible-core 2.19 prints a banner held back by display_skipped_hosts/display_ok_hosts with the
                # first result, from the task this worker templated: marked no_log, it shows no argument. The
                # result is then hidden, so the refusal (which never holds a code) is also given as a warning.
                self._censor(result)
                Display().warning(refusal)
            raise SnowballError(refusal)
        if name != "device_unlock":
            return self._run_module(result, task_vars, module_args=args)
        # In periods of progress_interval, each ending with a line on the device's state (plugin_utils/progress.py).
        return run_in_periods(
            lambda period_args: self._run_module(dict(result), task_vars, module_args=period_args),
            args,
            device_line(str(task_vars.get("inventory_hostname", "")), str(args.get("endpoint", ""))),
            Display().display,
        )

    def _label(self, task_vars):
        """The task's loop label as ansible-core will print it (None without one)."""
        label = getattr(getattr(self._task, "loop_control", None), "label", None)
        if not label:
            return None
        try:
            templar = self._templar.copy_with_new_env(available_variables=task_vars)
            return templar.template(label)
        except (AnsibleError, TypeError, ValueError):
            # a label that cannot be rendered here counts as showing the code: the stricter answer
            return f"{label} {self._task.args.get('unlock_code')}"
