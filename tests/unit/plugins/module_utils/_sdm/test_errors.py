"""Snow Device Management errors become messages that say what to do (plugins/module_utils/_sdm/errors.py)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ConnectTimeoutError
from botocore.exceptions import EndpointConnectionError

from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._sdm import errors as _sdm_errors

from unit.constants import VALID_JOB_ID


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("ThrottlingException", 429, "kept throttling CreateTask"),
        ("ResourceNotFoundException", 404, "was not found by Snow Device Management in region us-east-1"),
        ("ValidationException", 400, "refused CreateTask"),
        ("AccessDeniedException", 403, "snow-device-management:CreateTask"),
        ("ServiceQuotaExceededException", 402, "quota"),
        ("InternalServerException", 500, "on the AWS side"),
    ],
)
def test_service_errors_say_what_to_do(code, status, expected, sdm_stub):
    sdm_stub.add_client_error("create_task", service_error_code=code, service_message="nope", http_status_code=status)
    with pytest.raises(SnowballError) as info:
        sdm_stub.api.create_unlock_tasks(["smd-1"])
    assert expected in info.value.message
    assert "smd-1" in info.value.message
    assert info.value.error_code == code
    assert info.value.__cause__ is None and info.value.__context__ is None


def test_time_out_and_unreachable_endpoint_are_explained():
    timeout = _sdm_errors.service_error(
        ConnectTimeoutError(endpoint_url="http://x"), "ListDevices", f"job {VALID_JOB_ID}", "us-east-1", None
    )
    assert "timed out" in timeout.message and "read_timeout" in timeout.message
    down = _sdm_errors.service_error(
        EndpointConnectionError(endpoint_url="http://127.0.0.1:9"), "ListDevices", f"job {VALID_JOB_ID}", None, None
    )
    assert "could not connect" in down.message and "http://127.0.0.1:9" in down.message
