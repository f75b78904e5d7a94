# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: how every module of edge.snowball ends; may change without notice.

"""The one way a module of this collection ends: after its ``try``/``except SnowballError`` block,
never inside it, so that no traceback is attached to a failed result."""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import Iterable
from typing import Optional

from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError


def report(
    module: Any,
    failure: Optional[SnowballError],
    result: Optional[Dict[str, Any]] = None,
    api: Any = None,
    resource_actions: Optional[Iterable[str]] = None,
    **extra: Any,
) -> None:
    """``fail_json`` with ``failure.as_result()`` when there is a failure (and what the module
    already knows, ``result`` without its ``msg``), else ``exit_json`` with ``result``. ``api`` (with
    ``retry_summary()``) adds ``retried``; with ``debug_botocore_endpoint_logs`` the AWS actions
    called are returned as ``resource_actions``; ``extra`` goes into both."""
    retried = api.retry_summary() if api is not None else None
    if retried:
        extra["retried"] = retried
    if module.params.get("debug_botocore_endpoint_logs"):
        extra["resource_actions"] = sorted(set(resource_actions or []))
    result = result or {}
    if failure is not None:
        known = {key: value for key, value in result.items() if key != "msg"}
        module.fail_json(**dict(known, **extra, **failure.as_result()))
    module.exit_json(**dict(result, **extra))
