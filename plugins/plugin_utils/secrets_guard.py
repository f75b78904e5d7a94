# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Controller-side checks made before anything in this collection handles an unlock code.

Each function names one channel through which ansible-core itself would show or store a code,
whatever the module does: its debug output, a module file written when pipelining is off, loop
item labels, ``ansible_failed_result`` in ``rescue``/``always``, a persistent fact cache.
docs/security-model.md lists them with the test that proves each.
"""

from __future__ import annotations

import sys
from typing import Any
from typing import Optional
from typing import Tuple

from ansible import constants

from ansible_collections.edge.snowball.plugins.module_utils._secret import mask

#: Modules of this collection whose action plugin censors what a looped task shows.
CENSORING_ACTIONS = ("device_unlock", "device_info")


def debug_refusal(what: str) -> Optional[str]:
    """Why ``what`` must not run now, or None.

    With ANSIBLE_DEBUG on, ansible-core prints every module's arguments and raw result to its
    own debug output, no_log or not (its documentation warns that debug output can include
    secrets). A code passed to or returned by a module would be printed there, so nothing in
    this collection handles a code while it is on.
    """
    if constants.DEFAULT_DEBUG:
        return (
            f"{what} refused: ANSIBLE_DEBUG is on, and ansible-core then prints module arguments and results"
            " in clear, no_log or not, which would show the unlock code. Turn ANSIBLE_DEBUG off (use -vvvv for"
            " detail instead)."
        )
    return None


def pipelining_refusal(action: Any, what: str) -> Optional[str]:
    """Why a module that receives the code must not run through ``action`` now, or None.

    Without pipelining ansible-core writes the module, its arguments (the code) included, into a file
    in the remote temporary directory (and, for a moment, in the controller's local temporary
    directory). ansible-core decides it in ``ActionBase._is_pipelining_enabled``: the connection must
    support it and have it on (or always pipeline, as winrm), the become plugin must support it (su
    does not), and ANSIBLE_KEEP_REMOTE_FILES must be off. The same decision is asked here.
    """
    if action._is_pipelining_enabled("new"):
        return None
    connection = action._connection
    become = getattr(connection, "become", None)
    if constants.DEFAULT_KEEP_REMOTE_FILES:
        why = "ANSIBLE_KEEP_REMOTE_FILES is on"
    elif not getattr(connection, "has_pipelining", False):
        why = f"the {getattr(connection, '_load_name', 'current')} connection cannot pipeline"
    elif become is not None and (not getattr(become, "pipelining", True) or become.name == "su"):
        why = f"become_method {become.name} cannot pipeline"
    else:
        why = "pipelining is off"
    return (
        f"{what} refused: {why}, so ansible-core would write this module with its arguments, the unlock code"
        " included, into a file on the edge host (and for a moment on the controller). Turn pipelining on"
        " (ansible.cfg [connection] pipelining = true, or ANSIBLE_PIPELINING=1), use a become method that"
        " supports it (become_method: sudo, not su) and leave ANSIBLE_KEEP_REMOTE_FILES off."
    )


def holds(value: Any, code: str, depth: int = 0) -> bool:
    """True when ``value`` (a string, or a list or dict of them, nested) contains ``code`` in any
    of the forms edge.snowball masks."""
    if depth > 20 or not code:
        return False
    if isinstance(value, str):
        return mask(value, code) != value
    if isinstance(value, dict):
        return any(holds(k, code, depth + 1) or holds(v, code, depth + 1) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(holds(item, code, depth + 1) for item in value)
    return False


def looped(task: Any) -> bool:
    return bool(getattr(task, "loop", None) or getattr(task, "loop_with", None))


def loop_shows_code(task: Any, task_vars: dict, code: str, label: Any = None) -> bool:
    """True when this looped task's item, extended loop data or label holds ``code``: ansible-core
    prints the item (or label) in the task line at every verbosity, and the item in the result."""
    if not looped(task):
        return False
    control = getattr(task, "loop_control", None)
    loop_var = getattr(control, "loop_var", None) or "item"
    return any(holds(value, code) for value in (task_vars.get(loop_var), task_vars.get("ansible_loop"), label))


def rescue_or_always(task: Any) -> bool:
    """True when a block around ``task`` (through includes and roles) has a rescue or always section,
    where ansible-core offers the failed task's raw result as ``ansible_failed_result``."""
    parent = getattr(task, "_parent", None)
    seen = 0
    while parent is not None and seen < 100:
        if getattr(parent, "rescue", None) or getattr(parent, "always", None):
            return True
        parent = getattr(parent, "_parent", None)
        seen += 1
    return False


def condition_refusal(task: Any, what: str, secret: str = "the unlock code", short: str = "the code") -> Optional[str]:
    """Why ``what`` (which returns a code, or the ``secret`` named) must not run under a condition on
    its result, or None.

    ``failed_when`` or ``until`` can fail a result that holds the code; inside a block with rescue or
    always, ansible-core then hands that raw result, code included, to every later task as
    ``ansible_failed_result`` (2.17 with ``_ansible_no_log`` False, 2.19 raw), and a
    ``debug: var=ansible_failed_result`` there prints it. No flag of a result prevents that.
    """
    if not (getattr(task, "failed_when", None) or getattr(task, "until", None)):
        return None
    if not rescue_or_always(task):
        return None
    return (
        f"{what} refused: failed_when or until on a task that returns {secret}, inside a block with"
        f" rescue or always, would hand {short} to ansible_failed_result there, which is shown by any task that"
        " prints it. Check the result in a later task instead (assert that: result.job_state == ...), or move"
        " the task out of the block."
    )


def current_task() -> Tuple[Any, Any, str]:
    """The task ansible-core is running in this worker, its TaskExecutor and the executor's method on
    the stack (``_get_loop_items`` while it builds the loop items), or (None, None, "")."""
    frame = sys._getframe(1)
    while frame is not None:
        candidate = frame.f_locals.get("self")
        kind = type(candidate)
        if kind.__name__ == "TaskExecutor" and kind.__module__ == "ansible.executor.task_executor":
            return getattr(candidate, "_task", None), candidate, frame.f_code.co_name
        frame = frame.f_back
    return None, None, ""


def _truthy(value: Any, executor: Any) -> bool:
    """A task keyword's value as a boolean, templated with the host's variables when it is a template."""
    from ansible.module_utils.parsing.convert_bool import boolean

    if isinstance(value, bool):
        return value
    if isinstance(value, str) and "{{" in value and executor is not None:
        from ansible.errors import AnsibleError
        from ansible.template import Templar

        try:
            value = Templar(loader=executor._loader, variables=executor._job_vars).template(value)
        except (AnsibleError, TypeError, ValueError):
            return False  # an unknown value counts as off: the stricter answer
    try:
        return boolean(value, strict=False)
    except TypeError:
        return False


def lookup_refusal(what: str) -> Optional[str]:
    """Why the lookup must not return codes into the task that is calling it, or None."""
    task, executor, where = current_task()
    if task is None:
        return None
    action = str(getattr(task, "action", "") or "")
    short = action.rsplit(".", 1)[-1]
    ours = short in CENSORING_ACTIONS and (action.startswith("edge.snowball.") or "." not in action)
    if where == "_get_loop_items":
        if rescue_or_always(task):
            return (
                f"{what} refused as the loop of a task inside a block with rescue or always: ansible-core keeps each"
                " loop item in the task's result, which ansible_failed_result hands to those sections. Loop over"
                ' the job ids instead and look the code up in the task (unlock_code: "{{ codes[item] }}").'
            )
        # An include prints only its label per item (no result); the tasks it includes are guarded themselves.
        control = getattr(task, "loop_control", None)
        labelled_include = short in ("include_tasks", "include_role") and getattr(control, "label", None)
        if not ours and not labelled_include and not _truthy(getattr(task, "no_log", False), executor):
            return (
                f"{what} refused as the loop of a task without no_log: ansible-core prints every loop item as the"
                " item label (item=...) and in the result, so the codes would be shown. Set no_log: true on the"
                " task, pass the codes to edge.snowball.device_unlock or device_info (which censor their loop"
                " items), or loop over the job ids instead."
            )
    if short == "set_fact" and _truthy((getattr(task, "args", None) or {}).get("cacheable", False), executor):
        plugin = constants.config.get_config_value("CACHE_PLUGIN")
        if plugin not in ("memory", "ansible.builtin.memory"):
            return (
                f"{what} refused in a set_fact with cacheable: true: the fact cache ({plugin}) stores facts in clear"
                " (jsonfile writes 0644 files), so the codes would be written there. Drop cacheable (the fact then"
                " lives in memory for the run) or fetch the code again in a later play."
            )
    refusal = condition_refusal(task, what)
    return refusal
