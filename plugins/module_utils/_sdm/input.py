# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball's AWS machinery; may change without notice.

"""The checks of the managed_device_* modules' input, all made before any AWS call: job ids,
managed device ids (never an unlock code typed in their place), and time options."""

from __future__ import annotations

from typing import Any
from typing import Iterable
from typing import List

from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._job_id import job_ids_problem
from ansible_collections.edge.snowball.plugins.module_utils._secret import holds_unlock_code

DEVICE_ID_REFUSAL = (
    "managed_device_ids: this looks like an unlock code, not a managed device id (not shown). Pass the"
    " device's id (edge.snowball.managed_device_info lists them) and keep the code secret."
)


def require_valid_job_ids(values: Iterable[Any]) -> List[str]:
    """Every job id checked before any call; the first bad one fails with its reason. Duplicates dropped."""
    values = list(values)
    reason = job_ids_problem({"job_ids": values})
    if reason is not None:
        raise SnowballError(reason, error_code="InvalidJobId")
    return list(dict.fromkeys(values))


def require_valid_device_ids(values: Iterable[Any]) -> List[str]:
    out: List[str] = []
    for value in values:
        if isinstance(value, str) and holds_unlock_code(value):
            raise SnowballError(DEVICE_ID_REFUSAL, error_code="InvalidManagedDeviceId")
        if not isinstance(value, str) or not value or len(value) > 64 or any(char.isspace() for char in value):
            raise SnowballError(
                f"managed_device_ids holds {_what(value)}, which is not a managed device id (1 to 64 characters,"
                " no spaces; edge.snowball.managed_device_info lists them; the value is not shown: it could be a"
                " secret typed into the wrong option)",
                error_code="InvalidManagedDeviceId",
            )
        if value not in out:
            out.append(value)
    return out


def _what(value: Any) -> str:
    """What a refused id is, never the value itself."""
    if not isinstance(value, str):
        return f"a {type(value).__name__}"
    if not value.strip():
        return "an empty value"
    blank = " with whitespace around or inside it" if value != value.strip() or " " in value else ""
    return f"a value of {len(value)} characters{blank}"


def require_positive(name: str, value: Any, minimum: float) -> None:
    if value is None or value < minimum:
        raise SnowballError(f"{name} must be at least {minimum:g} seconds, got {value}", error_code="InvalidOption")
