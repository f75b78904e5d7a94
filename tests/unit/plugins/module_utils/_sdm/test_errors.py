"""Snow Device Management errors become messages that say what to do (plugins/module_utils/_sdm/errors.py)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ConnectTimeoutError
from botocore.exceptions import EndpointConnectionError

from ansible_collections.edge.snowball.plugins.module_utils._aws.errors import to_snowball_error
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
        # Codes of the shared table: 2.0.0 worded them with the job API's words ("snowball:CreateTask",
        # "the Snowball API failed", the job's WithCustomer state), a refused credential with HTTP 500 as
        # "on the AWS side".
        ("UnauthorizedOperation", 403, "Allow the IAM action snow-device-management:CreateTask"),
        ("InternalFailure", 400, "CreateTask failed for managed device(s) smd-1: InternalFailure"),
        ("InvalidJobStateException", 400, "CreateTask failed for managed device(s) smd-1: InvalidJobStateException"),
        ("ExpiredTokenException", 500, "the AWS credentials in use have expired"),
        ("UnrecognizedClientException", 500, "AWS did not accept the credentials"),
    ],
)
def test_service_errors_say_what_to_do(code, status, expected, sdm_stub):
    sdm_stub.add_client_error("create_task", service_error_code=code, service_message="nope", http_status_code=status)
    with pytest.raises(SnowballError) as info:
        sdm_stub.api.create_unlock_tasks(["smd-1"])
    assert expected in info.value.message
    assert "smd-1" in info.value.message
    assert info.value.error_code == code
    assert not any(word in info.value.message for word in ("Snowball API", "snowball:", "WithCustomer"))
    assert info.value.__cause__ is None and info.value.__context__ is None


def test_time_out_and_unreachable_endpoint_are_explained():
    timeout = to_snowball_error(
        ConnectTimeoutError(endpoint_url="http://x"),
        "ListDevices",
        f"job {VALID_JOB_ID}",
        _sdm_errors.WORDS,
        "us-east-1",
    )
    assert "timed out" in timeout.message and "read_timeout" in timeout.message
    down = to_snowball_error(
        EndpointConnectionError(endpoint_url="http://127.0.0.1:9"),
        "ListDevices",
        f"job {VALID_JOB_ID}",
        _sdm_errors.WORDS,
    )
    assert "could not connect" in down.message and "http://127.0.0.1:9" in down.message
    assert "AWS_ENDPOINT_URL_SNOW_DEVICE_MANAGEMENT" in down.message


def test_an_error_the_service_does_not_word_names_the_devices_not_a_job(sdm_stub):
    """The shared error table worded every subject as "job <subject>": "for job managed device(s) smd-1"."""
    sdm_stub.add_client_error("create_task", service_error_code="ConflictException", http_status_code=409)
    with pytest.raises(SnowballError) as info:
        sdm_stub.api.create_unlock_tasks(["smd-1"])
    assert "CreateTask failed for managed device(s) smd-1: ConflictException" in info.value.message
    assert "job managed" not in info.value.message


@pytest.mark.parametrize("kind", [AttributeError, TypeError, ValueError, KeyError, IndexError])
def test_a_body_botocore_cannot_read_is_a_message_not_a_traceback(sdm_stub, kind):
    """botocore's parsers fail with these on some garbled bodies (a CBOR body cut short): the job API said
    so, Snow Device Management raised them bare, with whatever of the body str() quoted."""

    def garbled(**_kwargs):
        raise kind("body: kkkkk-33333-yyyyy-55555-kkkkk")

    sdm_stub.client.meta.events.register("after-call.snow-device-management.ListDevices", garbled)
    sdm_stub.add_response("list_devices", {"devices": []}, {"jobId": VALID_JOB_ID})
    with pytest.raises(SnowballError) as info:
        sdm_stub.api.list_devices(VALID_JOB_ID)
    assert info.value.error_code == "UnreadableResponse"
    assert f"ListDevices for job {VALID_JOB_ID} with a body botocore could not read" in info.value.message
    assert "kkkkk" not in info.value.message
    assert info.value.__cause__ is None and info.value.__context__ is None
