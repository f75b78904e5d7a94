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


#: What to do when pipelining is not in effect (pipelining_refusal, manifest_pipelining_refusal).
PIPELINING_FIX = (
    "Keep pipelining on: the edge.snowball.unlock role sets the connection variable ansible_pipelining to true"
    " (a host, group, play or -e that sets it to false turns it off); in your own plays set ansible_pipelining:"
    " true, or ansible.cfg [connection] pipelining = true in the directory you run from (or ANSIBLE_PIPELINING=1),"
    " which that variable overrides. Use a become method that supports it (become_method: sudo, not su) and"
    " leave ANSIBLE_KEEP_REMOTE_FILES off."
)


def pipelining_problem(action: Any) -> Optional[str]:
    """Why pipelining is not in effect for the task ``action`` runs, or None when it is.

    ansible-core decides it in ``ActionBase._is_pipelining_enabled``: the connection must support it
    and have it on (its ``pipelining`` option: the variable ``ansible_pipelining`` over ansible.cfg and
    ANSIBLE_PIPELINING; or always pipeline, as winrm), the become plugin must support it (su does not),
    and ANSIBLE_KEEP_REMOTE_FILES must be off. The same decision is asked here: this is the one place
    edge.snowball decides it (device_unlock and device_info, and job_manifest with require_pipelining).
    """
    if action._is_pipelining_enabled("new"):
        return None
    connection = action._connection
    become = getattr(connection, "become", None)
    if constants.DEFAULT_KEEP_REMOTE_FILES:
        return "ANSIBLE_KEEP_REMOTE_FILES is on"
    if not getattr(connection, "has_pipelining", False):
        return f"the {getattr(connection, '_load_name', 'current')} connection cannot pipeline"
    if become is not None and (not getattr(become, "pipelining", True) or become.name == "su"):
        return f"become_method {become.name} cannot pipeline"
    return "pipelining is off"


def pipelining_refusal(action: Any, what: str) -> Optional[str]:
    """Why a module that receives the code must not run through ``action`` now, or None.

    Without pipelining ansible-core writes the module, its arguments (the code) included, into a file
    in the remote temporary directory (and, for a moment, in the controller's local temporary
    directory).
    """
    why = pipelining_problem(action)
    if why is None:
        return None
    return (
        f"{what} refused: {why}, so ansible-core would write this module with its arguments, the unlock code"
        f" included, into a file on the edge host (and for a moment on the controller). {PIPELINING_FIX}"
    )


def manifest_pipelining_refusal(action: Any, what: str) -> Optional[str]:
    """Why ``what`` (job_manifest with require_pipelining) must not put the manifest on the host now, or
    None: the device_unlock task after it would be refused, so refuse before anything is written."""
    why = pipelining_problem(action)
    if why is None:
        return None
    return (
        f"{what} refused before writing anything on the edge host: {why}, so the device_unlock task that follows"
        " would be refused too (ansible-core would write the unlock code, a module argument, into a file on the"
        f" edge host). {PIPELINING_FIX}"
    )


#: Callbacks that print a task's arguments (at its start, before any plugin of this collection runs for
#: it) unless the task has no_log: their names, and the option that hides the arguments.
ARGUMENT_CALLBACKS = {
    "junit": "JUNIT_HIDE_TASK_ARGUMENTS=true",
    "opentelemetry": "hide_task_arguments (ANSIBLE_OPENTELEMETRY_HIDE_TASK_ARGUMENTS=true)",
    "elastic": "hide_task_arguments (ANSIBLE_ELASTIC_HIDE_TASK_ARGUMENTS=true)",
}
#: Callbacks that print a task's source (an inline !vault value decrypted), no_log or not.
SOURCE_CALLBACKS = ("print_task",)


def _callbacks_in_effect() -> list:
    """The callbacks this run loads by name: callbacks_enabled and the stdout callback (as written)."""
    enabled = constants.config.get_config_value("CALLBACKS_ENABLED") or []
    if isinstance(enabled, str):
        enabled = enabled.split(",")
    stdout = constants.config.get_config_value("DEFAULT_STDOUT_CALLBACK") or "default"
    return [str(name).strip() for name in [*enabled, stdout] if str(name).strip()]


def _hidden_by_option(name: str, short: str) -> bool:
    """True when callback ``name`` is set to hide task arguments (an option that cannot be read counts as off)."""
    import os

    if short == "junit":
        # ansible-core's junit reads its environment itself and shows arguments only for "false" (its default).
        return os.environ.get("JUNIT_HIDE_TASK_ARGUMENTS", "False").lower() != "false"
    from ansible.errors import AnsibleError

    fqcn = name if "." in name else f"community.general.{name}"
    try:
        value = constants.config.get_config_value("hide_task_arguments", plugin_type="callback", plugin_name=fqcn)
    except (AnsibleError, KeyError, ValueError):
        return False  # the plugin's options are not known in this process (not loaded): count it as showing
    return _truthy(value, None)


def argument_printers(no_log: Any = False) -> list:
    """What prints a task's arguments in this run, each with how to turn it off ([] for nothing).

    ansible-core prints a task's arguments in its banner with display_args_to_stdout (the default
    callback and those built on it, community.general.counter_enabled, ansible-runner's and AWX's task
    events); junit, opentelemetry and elastic record them unless told to hide them. All of these skip a
    task with no_log, and all print at the task's start, before any plugin of this collection runs for
    it. print_task prints the task's source, no_log or not.
    """
    hidden = _truthy(no_log, None)
    found = []
    if constants.config.get_config_value("DISPLAY_ARGS_TO_STDOUT") and not hidden:
        found.append(
            "display_args_to_stdout is on (ANSIBLE_DISPLAY_ARGS_TO_STDOUT): the task banner, the log and ansible-runner"
            " or AWX task events show every argument; unset it or set display_args_to_stdout = false in ansible.cfg"
        )
    for name in _callbacks_in_effect():
        short = _short(name)
        if short in ARGUMENT_CALLBACKS and not hidden and not _hidden_by_option(name, short):
            found.append(f"the {name} callback records task arguments: set {ARGUMENT_CALLBACKS[short]}")
        elif short in SOURCE_CALLBACKS:
            found.append(f"the {name} callback prints every task's source, no_log or not: do not enable it")
    return found


def argument_refusal(what: str, no_log: Any) -> Optional[str]:
    """Why ``what``, a task that holds an unlock code in its arguments, must not run now, or None."""
    printers = argument_printers(no_log)
    if not printers:
        return None
    return (
        f"{what} refused: its arguments hold the unlock code, and {'; '.join(printers)}. Turn that off, or give the"
        " task no_log: true (which every one of them but print_task honours). They print when the task starts,"
        " before this check can run: if a code was written in the task itself (an inline !vault value), the output"
        " above may already show it. Keep codes in the lookup or a codes file, never inline in a task."
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


def _truthy(value: Any, executor: Any, unknown: bool = False) -> bool:
    """A task keyword's or option's value as a boolean, templated with the host's variables when it is a
    template. ``unknown`` is the answer for a value that cannot be told here: the stricter one for the caller."""
    from ansible.module_utils.parsing.convert_bool import boolean

    value = _rendered(value, executor)
    if value is _UNKNOWN:
        return unknown
    if isinstance(value, bool):
        return value
    try:
        return boolean(value, strict=False)
    except TypeError:
        return unknown


#: A value that could not be rendered here.
_UNKNOWN = object()
_rendering = []


def _rendered(value: Any, executor: Any) -> Any:
    """``value`` templated with the host's variables when it is a template, else itself; _UNKNOWN when it
    cannot be rendered here (an undefined variable, an error, a lookup of ours called while rendering)."""
    if not isinstance(value, str) or "{{" not in value:
        return value
    if executor is None or _rendering:
        return _UNKNOWN
    from ansible.errors import AnsibleError
    from ansible.template import Templar

    variables = _task_variables(executor)
    if variables is None:
        return _UNKNOWN
    _rendering.append(True)
    try:
        return Templar(loader=executor._loader, variables=variables).template(value)
    except (AnsibleError, TypeError, ValueError, KeyError, AttributeError):
        return _UNKNOWN
    finally:
        _rendering.pop()


def _task_variables(executor: Any) -> Optional[dict]:
    """The variables of the task ``executor`` runs: its ``_job_vars`` (ansible-core 2.17, 2.19), else the
    current TaskContext's (2.21); None when neither is there."""
    variables = getattr(executor, "_job_vars", None)
    if variables is not None:
        return variables
    try:
        from ansible._internal._task import TaskContext

        return TaskContext.current().task_vars
    except (ImportError, AttributeError, LookupError, RuntimeError, TypeError):
        return None


def rendering() -> bool:
    """True while secrets_guard renders a task's value itself: a lookup of ours called then refuses."""
    return bool(_rendering)


#: Fact caches that keep facts in the controller's memory for the run only.
MEMORY_CACHES = ("memory", "ansible.builtin.memory", "ansible.legacy.memory")


def _short(name: Any) -> str:
    return str(name or "").rsplit(".", 1)[-1]


def _finalizer_layers() -> list:
    """ansible-core >= 2.19 merges a task's arguments in a TaskArgsFinalizer (module_defaults that apply,
    resolved by ansible-core itself, then a templated argument string, then the task's own arguments);
    its layers, lowest precedence first, when one is on the stack; else []."""
    frame = sys._getframe(1)
    while frame is not None:
        candidate = frame.f_locals.get("self")
        if type(candidate).__name__ == "TaskArgsFinalizer":
            return list(getattr(candidate, "_args_layers", None) or [])
        frame = frame.f_back
    return []


def set_fact_caches(task: Any, executor: Any) -> bool:
    """True when this set_fact task would be cached (``cacheable``), or when that cannot be told false here.

    ansible-core merges module_defaults under the task's own arguments. Every module_defaults entry that
    could apply counts: under any name set_fact is reached by (``set_fact``, ``ansible.builtin.set_fact``,
    ``ansible.legacy.set_fact``) and every ``group/`` entry (a collection's action group may list it); a
    templated entry or value is rendered with the host's variables. Then the layers ansible-core itself
    merges (2.19+), then a templated argument string, then the task's own arguments, each overriding.
    """
    cacheable: Any = False
    defaults = _rendered(getattr(task, "module_defaults", None), executor)
    if defaults is _UNKNOWN:
        return True
    for entry in defaults if isinstance(defaults, list) else [defaults]:
        entry = _rendered(entry, executor)
        if entry is None:
            continue
        if not isinstance(entry, dict):
            return True
        for key, value in entry.items():
            if not (str(key).startswith("group/") or _short(key) == "set_fact"):
                continue
            value = _rendered(value, executor)
            if not isinstance(value, dict):
                return True
            if "cacheable" in value and _truthy(value["cacheable"], executor, unknown=True):
                cacheable = True
    args = getattr(task, "args", None) or {}
    layers = [args.get("_variable_params"), *_finalizer_layers(), args]
    for layer in layers:
        layer = _rendered(layer, executor)
        if layer is None:
            continue
        if not isinstance(layer, dict):
            return True
        if "cacheable" in layer:
            cacheable = layer["cacheable"]
    return _truthy(cacheable, executor, unknown=True)


def templating_a_name() -> bool:
    """True while ansible-core templates the ``name`` of a play, block or task (in its main process for the
    banner, or in a worker, whose templated task a held-back banner prints)."""
    frame = sys._getframe(1)
    while frame is not None:
        if (
            frame.f_code.co_name in ("post_validate", "post_validate_attribute")
            and frame.f_locals.get("name") == "name"
        ):
            return True
        frame = frame.f_back
    return False


def in_main_process() -> bool:
    """True when ansible-core's strategy or playbook executor is on the stack (its main process, templating a
    keyword there: 2.17 templates task names for the banner this way)."""
    frame = sys._getframe(1)
    while frame is not None:
        module = type(frame.f_locals.get("self")).__module__ or ""
        if module.startswith("ansible.plugins.strategy") or module == "ansible.executor.playbook_executor":
            return True
        frame = frame.f_back
    return False


def _where_refusal(what: str) -> Optional[str]:
    """Why the lookup must not run where it is called (a name, a keyword in the main process), or None."""
    if rendering():
        return f"{what} refused while edge.snowball renders another value of this task to check it"
    if templating_a_name():
        return (
            f"{what} refused in a name: ansible-core prints play and task names in their banners (and the log) at"
            " every verbosity, no_log or not, so the code would be shown. Name the job id instead, and look the code"
            " up in the arguments of the task that uses it."
        )
    return None


def _loop_refusal(task: Any, executor: Any, short: str, what: str) -> Optional[str]:
    """Why the lookup must not be the loop of ``task``, or None."""
    action = str(getattr(task, "action", "") or "")
    ours = short in CENSORING_ACTIONS and (action.startswith("edge.snowball.") or "." not in action)
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
    return None


def _task_refusal(task: Any, executor: Any, short: str, what: str) -> Optional[str]:
    """Why the lookup must not return codes into ``task`` (what it is, what would print or keep them), or None."""
    if short == "set_stats":
        return (
            f"{what} refused in set_stats: its data become custom stats, which the default callback prints with"
            " show_custom_stats (no_log or not) and ansible-runner and AWX keep as the job's artifacts (AWX stores"
            " them and hands them to later jobs), so the codes would be shown and stored. Keep codes in a set_fact"
            " with no_log: true, or look them up where they are used."
        )
    if short == "set_fact":
        plugin = str(constants.config.get_config_value("CACHE_PLUGIN") or "memory")
        if plugin not in MEMORY_CACHES and set_fact_caches(task, executor):
            return (
                f"{what} refused in a set_fact with cacheable: true (in the task or its module_defaults, or a value"
                f" that cannot be told false here): the fact cache ({plugin}) stores facts in clear (jsonfile writes"
                " 0644 files), so the codes would be written there. Drop cacheable from the task and from"
                " module_defaults for set_fact (the fact then lives in memory for the run) or fetch the code again"
                " in a later play."
            )
    if not _truthy(getattr(task, "no_log", False), executor):
        printers = argument_printers(False)
        if printers:
            return (
                f"{what} refused in a task without no_log: {'; '.join(printers)}, so the codes this lookup returns"
                " into the task's arguments could be shown. Turn that off, or give the task no_log: true."
            )
    return condition_refusal(task, what)


def lookup_refusal(what: str) -> Optional[str]:
    """Why the lookup must not return codes into the task that is calling it, or None."""
    refusal = _where_refusal(what)
    if refusal:
        return refusal
    task, executor, where = current_task()
    if task is None:
        if in_main_process():
            return (
                f"{what} refused outside a task's own run: ansible-core is templating a play or task keyword in its"
                " main process (a name for its banner, a condition of a meta task), where nothing keeps the code from"
                " being shown. Look the code up in the arguments of the task that uses it, or in a set_fact with"
                " no_log: true."
            )
        return None
    action = str(getattr(task, "action", "") or "")
    short = action.rsplit(".", 1)[-1]
    if where == "_get_loop_items":
        refusal = _loop_refusal(task, executor, short, what)
        if refusal:
            return refusal
    return _task_refusal(task, executor, short, what)
