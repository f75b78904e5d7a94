# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every action plugin of this collection shares: check mode, never ``async``, one failure
path, the refusals every option shares (a code or a secret key in the wrong option, a job id that is
none, a NUL byte), and the censoring of a result that holds a secret.

A subclass writes ``_act(result, task_vars)``: it returns the task's result, or raises
SnowballError (a refusal or a failure; its message never holds a code), which ``run`` turns into
``failed`` with the error's ``as_result()`` keys, outside the except block so nothing is chained.
A subclass that calls AWS in ``_act`` itself (no module process) sets ``_calls_aws_here``: ``_act`` then
runs in the task's ``environment:``, as a module would.
Imports only ansible-core and the stdlib-only error class: plugins that need no botocore stay lean.
"""

from __future__ import annotations

import contextlib
import os
import sys

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase
from ansible.plugins.loader import connection_loader
from ansible.utils.vars import merge_hash

from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._job_id import job_ids_problem
from ansible_collections.edge.snowball.plugins.module_utils._secret import holds_secret_key
from ansible_collections.edge.snowball.plugins.module_utils._secret import holds_unlock_code
from ansible_collections.edge.snowball.plugins.module_utils._secret import misplaced_code_refusal
from ansible_collections.edge.snowball.plugins.module_utils._secret import misplaced_key_refusal

NUL = "\x00"


def nul_problem(args):
    """Which argument (an option, or an item of one, at any depth) holds a NUL byte, in words, else
    None. Never shows the value, nor a key of it."""
    for where, text in _texts(args.items()):
        if NUL in text:
            return (
                f"{where} holds a NUL byte (U+0000 at position {text.index(NUL) + 1}; the value is not shown),"
                " which no option of this collection takes: check how the value is built (a variable read"
                " from a binary file?)."
            )
    return None


def validated_args(spec, args):
    """``args`` checked against the argument ``spec`` as a module checks its own (types, defaults, aliases,
    environment fallbacks), for the plugins that run no module for it; SnowballError with every message."""
    validated = ArgumentSpecValidator(spec).validate(dict(args))
    if validated.error_messages:
        raise SnowballError("; ".join(validated.error_messages), "InvalidArguments")
    return validated.validated_parameters


def holds_a_secret(args):
    """True when any string in ``args`` (at any depth, keys included) is shaped like a code or a key."""
    return any(holds_unlock_code(text) or holds_secret_key(text) for _where, text in _texts(args.items()))


def _texts(pairs, within=""):
    """(where, text) for every string in ``pairs`` ((name, value) at the top, then items by number)."""
    for name, value in pairs:
        where = f"{within} item {name}" if within else name
        if isinstance(value, str):
            yield where, value
        elif isinstance(value, dict):
            yield from _texts(
                ((f"{n} (a key or its value)", kv) for n, pair in enumerate(value.items(), 1) for kv in pair), where
            )
        elif isinstance(value, (list, tuple)):
            yield from _texts(enumerate(value, 1), where)


class SnowballActionBase(ActionBase):
    _supports_check_mode = True
    # async_wrapper stores the module's arguments in a file on the target: never with a code in them.
    _supports_async = False
    #: Options whose own check, in ``_act`` before any request, refuses a NUL byte in better words.
    _own_checks = ()
    #: Options holding device data (PEM text, random keys) whose parts ``_act`` checks for a code itself:
    #: base64 and key alphabets hold runs a code's shape matches by chance.
    _code_checked_by_act = ()

    #: job_id must be given (else checked only when given), and what a refusal of it adds.
    _job_id_required = False
    _job_id_hint = ""

    #: Censor every result of the task, failures included (its arguments hold secrets by design).
    _censor_always = False

    #: ``_act`` calls AWS here, in the worker (no module process): it runs in the task's ``environment``.
    _calls_aws_here = False

    def run(self, tmp=None, task_vars=None):
        # Before anything can fail: a looped task prints its item (label, and "item" in the result) with any
        # failure, a refusal below or ansible-core's own (async) included, so an item holding a secret must be
        # censored from the start, as must every result of a task whose arguments hold secrets by design.
        early = self._censor_always or self._item_holds_a_secret(task_vars or {})
        #: The task's own no_log, before any censoring here marks the task (argument_refusal reads it).
        self._given_no_log = self._task.no_log
        if early:
            self._task.no_log = True
        result = super().run(tmp, task_vars)
        del tmp  # tmp no longer has any effect
        if early:
            self._censor(result)
        failure = None
        try:
            # Before anything can quote an option (ansible-core's type checks, our messages, AWS, the client).
            self._refuse_misplaced_secrets_and_job_ids()
            # ansible-core logs a module's arguments to syslog (a code as NOT_LOGGING_PARAMETER); from 2.20
            # a NUL byte there fails the module with "Failed to log to syslog (embedded null character)",
            # which names neither the option nor the fix. The options in _own_checks say more themselves.
            problem = nul_problem({k: v for k, v in self._task.args.items() if k not in self._own_checks})
            if problem:
                raise SnowballError(problem, "InvalidParameter")
            with self._task_environment() if self._calls_aws_here else contextlib.nullcontext():
                return self._act(result, task_vars)
        except SnowballError as e:
            failure = e
        result.setdefault("changed", False)
        result.update(failed=True, **failure.as_result())
        return result

    def _refuse_misplaced_secrets_and_job_ids(self):
        """The refusals every option of every module shares, on the controller before the module runs:
        a code or a secret access key in an option that does not take one, and a job id that is none
        (with the job id's own rules). None of them repeats the value."""
        args = self._task.args
        refusal = misplaced_code_refusal(args, allowed=self._code_checked_by_act)
        if refusal:
            raise SnowballError(refusal, "CodeInWrongOption")
        refusal = misplaced_key_refusal(args, allowed=self._code_checked_by_act)
        if refusal:
            raise SnowballError(refusal, "SecretKeyInWrongOption")
        reason = job_ids_problem(args, required=self._job_id_required)
        if reason:
            raise SnowballError(reason + self._job_id_hint, "InvalidJobId")

    def _item_holds_a_secret(self, task_vars):
        """True when this task is looped and its item (or the extended loop data) holds a code or a key."""
        if not (getattr(self._task, "loop", None) or getattr(self._task, "loop_with", None)):
            return False
        loop_var = getattr(getattr(self._task, "loop_control", None), "loop_var", None) or "item"
        return holds_a_secret({"item": task_vars.get(loop_var), "loop": task_vars.get("ansible_loop")})

    def _act(self, result, task_vars):
        """The task's result (``result`` is ansible-core's start of it); SnowballError to fail."""
        raise NotImplementedError

    @contextlib.contextmanager
    def _task_environment(self):
        """This worker's environment with the task's ``environment:`` (play, block and task, templated as
        ansible-core does for a module) on top, until the block ends: what a module process would see, so
        that AWS_* variables (and AWS_* option fallbacks, proxies, CA bundles) set there reach an AWS call
        made here. ansible-core forks a worker per task and host, so nothing leaks into another task."""
        wanted = {}
        self._compute_environment_string(wanted)
        saved = {name: os.environ.get(name) for name in wanted}
        os.environ.update({str(name): str(value) for name, value in wanted.items()})
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    def _run_module(self, result, task_vars, **kwargs):
        """The task's module run on the target (``kwargs`` for ``_execute_module``), its result
        merged into ``result``; Ansible's temporary directory there removed."""
        result = merge_hash(result, self._execute_module(task_vars=task_vars, **kwargs))
        self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    def _run_module_on_controller(self, result, task_vars, **kwargs):
        """``_run_module`` on the controller whatever host the task targets: the local connection, the
        controller's Python (where requirements.txt put botocore) and user, as with ``delegate_to:
        localhost``; the task's ``environment`` and arguments (``module_defaults`` merged) unchanged.
        Every AWS call of this collection is made from the controller: an edge host needs no boto3
        and no AWS credentials."""
        local = connection_loader.get("ansible.builtin.local", self._play_context, None)
        local.set_option("pipelining", True)
        target, self._connection = self._connection, local
        try:
            return self._run_module(result, dict(task_vars or {}, ansible_python_interpreter=sys.executable), **kwargs)
        finally:
            self._connection = target

    def _censor(self, result):
        """Mark ``result`` as if the task had ``no_log: true``: a module cannot (ansible-core strips a
        ``_ansible_no_log`` key a module returns). ansible-core >= 2.19 honours the result flag;
        2.17/2.18 overwrite it with the task's own no_log after this returns, but rebuild the task
        on the controller from its attributes for the callbacks, so the task is marked too."""
        result["_ansible_no_log"] = True
        self._task.no_log = True
