# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: how every module of edge.snowball ends; may change without notice.

"""The one way a module of this collection ends: after its ``try``/``except SnowballError`` block,
never inside it, so that no traceback is attached to a failed result. ``run_and_report`` (and
``run_device_module`` for the edge-client modules) is that block, written once for every ``main``."""

from __future__ import annotations

from typing import Any
from typing import Callable
from typing import Dict
from typing import Optional
from typing import Type

from ansible_collections.edge.snowball.plugins.module_utils._edge.errors import DeviceError
from ansible_collections.edge.snowball.plugins.module_utils._edge.sudo_io_log import sudo_io_logging
from ansible_collections.edge.snowball.plugins.module_utils._edge.sudo_io_log import sudo_io_warning
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._job_id import values_never_shown
from ansible_collections.edge.snowball.plugins.module_utils._secret import misplaced_code_refusal
from ansible_collections.edge.snowball.plugins.module_utils._secret import misplaced_codes
from ansible_collections.edge.snowball.plugins.module_utils._secret import misplaced_key_refusal
from ansible_collections.edge.snowball.plugins.module_utils._secret import misplaced_keys


def report(
    module: Any,
    failure: Optional[SnowballError],
    result: Optional[Dict[str, Any]] = None,
    api: Any = None,
    **extra: Any,
) -> None:
    """``fail_json`` with ``failure.as_result()`` when there is a failure (and what the module
    already knows, ``result`` without its ``msg``), else ``exit_json`` with ``result``. ``api`` (an
    ``AwsApi``) adds ``retried``, and with ``debug_botocore_endpoint_logs`` the AWS actions it called
    as ``resource_actions``; ``extra`` goes into both."""
    # A code put in the wrong option (refused by _aws/client.make_client or run_device_module):
    # ansible-core echoes the module's arguments in ``invocation``; no_log_values masks it there too.
    module.no_log_values.update(value for _option, value in misplaced_codes(module.params))
    extra.update(api_keys(api, module.params))
    result = result or {}
    if failure is not None:
        known = {key: value for key, value in result.items() if key != "msg"}
        module.fail_json(**dict(known, **extra, **failure.as_result()))
    module.exit_json(**dict(result, **extra))


def api_keys(api: Any, params: Dict[str, Any]) -> Dict[str, Any]:
    """What every result of a task that called AWS adds, failed or not: ``retried`` when a call of
    ``api`` (an ``AwsApi``, or None before it connected) was retried, and with
    ``debug_botocore_endpoint_logs`` the AWS actions it called as ``resource_actions``."""
    keys: Dict[str, Any] = {}
    retried = api.retry_summary() if api is not None else None
    if retried:
        keys["retried"] = retried
    if params.get("debug_botocore_endpoint_logs"):
        keys["resource_actions"] = api.resource_actions() if api is not None else []
    return keys


class Outcome:
    """What a module knows when it ends, whatever happens: the result so far, the AWS API it
    called (``api``, set when it connects: for ``retried`` and ``resource_actions``), and ``extra``
    keys for both endings."""

    def __init__(self, result: Optional[Dict[str, Any]] = None, **extra: Any):
        self.result = result
        self.api: Any = None
        self.extra = extra


def run_and_report(
    module: Any,
    work: Callable[[Any, Outcome], Optional[Dict[str, Any]]],
    outcome: Optional[Outcome] = None,
    catch: Type[SnowballError] = SnowballError,
) -> None:
    """The one shape of a module's ``main``: ``work(module, outcome)`` checks the input, connects
    (keeping the api in ``outcome.api``) and returns the result; a ``catch`` error from any of it fails
    the module through ``report``, called after the except block."""
    outcome = outcome or Outcome()
    failure: Optional[SnowballError] = None
    try:
        outcome.result = work(module, outcome)
    except catch as e:
        failure = e
    report(module, failure, outcome.result, api=outcome.api, **outcome.extra)


def run_device_module(module: Any, work: Callable[[Any, Outcome], Optional[Dict[str, Any]]]) -> None:
    """``run_and_report`` for the modules that run the Snowball Edge client (device_unlock,
    device_info, device_credentials): a job_id that is not one (a code in the wrong field?), and a
    value shaped like a secret access key in any option, are masked in the whole result, invocation
    included, and refused; every result has ``client_version``; a DeviceError fails the task."""
    job_id = module.params["job_id"]
    module.no_log_values.update(values_never_shown([job_id] if job_id is not None else [], None))
    misplaced = misplaced_code_refusal(module.params)  # every code-shaped value is masked by ``report``
    # A secret access key typed into an option: refused, and masked in ``invocation``.
    module.no_log_values.update(value for _option, value in misplaced_keys(module.params))
    misplaced = misplaced or misplaced_key_refusal(module.params)

    def checked(module: Any, outcome: Outcome) -> Optional[Dict[str, Any]]:
        if misplaced:
            raise DeviceError(misplaced)
        return work(module, outcome)

    # sudo's I/O log has its input (the code) already when log_input is on: too late to refuse, so tell.
    sudo_io_log = sudo_io_logging()
    warning = sudo_io_warning(sudo_io_log)
    if warning:
        module.warn(warning)
    run_and_report(module, checked, Outcome(client_version=None, sudo_io_log=sudo_io_log), catch=DeviceError)
