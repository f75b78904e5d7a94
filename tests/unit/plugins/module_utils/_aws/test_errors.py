"""AWS and botocore errors become messages that say what to do (plugins/module_utils/_aws/errors.py)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ConnectTimeoutError
from botocore.exceptions import EndpointConnectionError
from botocore.exceptions import NoCredentialsError
from botocore.exceptions import NoRegionError
from botocore.exceptions import ReadTimeoutError
from botocore.parsers import ResponseParserError

from ansible_collections.edge.snowball.plugins.module_utils._aws import errors as aws_errors
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._jobs.api import SnowballJobs

from unit.constants import FAKE_CODE
from unit.constants import VALID_JOB_ID

GOOD = VALID_JOB_ID


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("InvalidJobStateException", 400, "only available while the job is WithCustomer"),
        ("InvalidResourceException", 400, "was not found in region us-east-1"),
        ("AccessDeniedException", 400, "Allow the IAM action snowball:GetJobUnlockCode"),
        ("UnrecognizedClientException", 400, "did not accept the credentials"),
        ("InvalidSignatureException", 400, "did not accept the credentials"),
        ("ExpiredTokenException", 400, "have expired"),
        ("ThrottlingException", 400, "kept throttling"),
        ("InternalFailure", 500, "failed with HTTP 500"),
        ("ServiceUnavailableException", 503, "failed with HTTP 503"),
        ("SomethingNew", 400, "GetJobUnlockCode failed for job"),
    ],
)
def test_client_errors_become_actionable_messages(code, status, expected, stub):
    client = stub.client
    stub.add_client_error(
        "get_job_unlock_code", service_error_code=code, service_message="aws text", http_status_code=status
    )
    with pytest.raises(SnowballError) as info:
        SnowballJobs(client, region="us-east-1", retrying=False).unlock_code(GOOD)
    assert expected in info.value.message
    assert f"job {GOOD}" in info.value.message
    assert "job job" not in info.value.message, "the job named twice (2.0.0's HTTP 5xx message)"
    assert info.value.__cause__ is None and info.value.__context__ is None


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (EndpointConnectionError(endpoint_url="http://127.0.0.1:9"), "could not connect"),
        (ConnectTimeoutError(endpoint_url="http://127.0.0.1:9"), "timed out"),
        (ReadTimeoutError(endpoint_url="http://127.0.0.1:9"), "timed out"),
        (NoCredentialsError(), "no AWS credentials"),
        (NoRegionError(), "no AWS region"),
    ],
)
def test_botocore_errors_become_actionable_messages(error, expected):
    message = aws_errors.to_snowball_error(error, "GetJobUnlockCode", GOOD, SnowballJobs.WORDS).message
    assert expected in message


def test_parser_error_never_repeats_the_body(assert_no_code):
    error = ResponseParserError(f'Unable to parse response: b\'{{"UnlockCode": "{FAKE_CODE}\'')
    message = aws_errors.to_snowball_error(error, "GetJobUnlockCode", GOOD, SnowballJobs.WORDS).message
    assert "not a Snowball API response" in message
    assert_no_code(message)


def test_to_snowball_error_refuses_other_exceptions():
    with pytest.raises(TypeError):
        aws_errors.to_snowball_error(ValueError("x"), "GetJobUnlockCode", GOOD, SnowballJobs.WORDS)
