from __future__ import annotations

import datetime
import io
import logging

import pytest
from ansible_collections.edge.snowball.plugins.module_utils import _aws_errors as aws_errors
from ansible_collections.edge.snowball.plugins.module_utils import _job_states as job_states
from ansible_collections.edge.snowball.plugins.module_utils import snowball
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils.snowball import SnowballJobs
from botocore.exceptions import ConnectTimeoutError
from botocore.exceptions import EndpointConnectionError
from botocore.exceptions import NoCredentialsError
from botocore.exceptions import NoRegionError
from botocore.exceptions import ReadTimeoutError
from botocore.parsers import ResponseParserError

from unit.helpers import FAKE_CODE
from unit.helpers import VALID_JOB_ID
from unit.helpers import assert_no_code
from unit.helpers import job_metadata
from unit.helpers import stubbed_client

GOOD = VALID_JOB_ID


@pytest.mark.parametrize("state", sorted(job_states.STATE_MEANINGS))
def test_every_state_has_an_explanation(state):
    assert job_states.explain_state(state).startswith(state + ": ")


def test_unknown_state_is_reported_not_guessed():
    assert "does not know" in job_states.explain_state("Teleporting")


def test_expiry_is_creation_plus_360_days():
    created = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    assert job_states.expires_at(created) == datetime.datetime(2026, 12, 27, tzinfo=datetime.timezone.utc)


# -- the AWS calls, with botocore's Stubber --------------------------------


def test_unlock_code_returns_the_code_from_aws():
    client, stub = stubbed_client()
    stub.add_response("get_job_unlock_code", {"UnlockCode": FAKE_CODE}, {"JobId": GOOD})
    with stub:
        assert SnowballJobs(client, retrying=False).unlock_code(GOOD) == FAKE_CODE
    stub.assert_no_pending_responses()


def test_an_unexpected_code_shape_is_accepted():
    client, stub = stubbed_client()
    stub.add_response("get_job_unlock_code", {"UnlockCode": "x" * 64}, {"JobId": GOOD})
    with stub:
        assert SnowballJobs(client, retrying=False).unlock_code(GOOD) == "x" * 64


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
def test_client_errors_become_actionable_messages(code, status, expected):
    client, stub = stubbed_client()
    stub.add_client_error(
        "get_job_unlock_code", service_error_code=code, service_message="aws text", http_status_code=status
    )
    with stub, pytest.raises(SnowballError) as info:
        SnowballJobs(client, region="us-east-1", retrying=False).unlock_code(GOOD)
    assert expected in info.value.message
    assert GOOD in info.value.message
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
    message = aws_errors.to_snowball_error(error, "GetJobUnlockCode", GOOD).message
    assert expected in message


def test_parser_error_never_repeats_the_body():
    error = ResponseParserError(f'Unable to parse response: b\'{{"UnlockCode": "{FAKE_CODE}\'')
    message = aws_errors.to_snowball_error(error, "GetJobUnlockCode", GOOD).message
    assert "not a Snowball API response" in message
    assert_no_code(message)


def test_to_snowball_error_refuses_other_exceptions():
    with pytest.raises(TypeError):
        aws_errors.to_snowball_error(ValueError("x"), "GetJobUnlockCode", GOOD)


def test_check_job_passes_a_job_with_the_customer():
    client, stub = stubbed_client()
    stub.add_response("describe_job", job_metadata(), {"JobId": GOOD})
    with stub:
        state = SnowballJobs(client, retrying=False).check_job(GOOD)
    assert state["job_state"] == "WithCustomer"
    assert state["expires_at"] > datetime.datetime.now(datetime.timezone.utc)


def test_check_job_reports_the_real_state():
    client, stub = stubbed_client()
    stub.add_response("describe_job", job_metadata(state="InTransitToCustomer"), {"JobId": GOOD})
    with stub, pytest.raises(SnowballError) as info:
        SnowballJobs(client, retrying=False).check_job(GOOD)
    assert "InTransitToCustomer: the device has not arrived yet" in info.value.message


def test_check_job_refuses_a_job_older_than_360_days():
    client, stub = stubbed_client()
    stub.add_response("describe_job", job_metadata(age_days=361), {"JobId": GOOD})
    with stub, pytest.raises(SnowballError) as info:
        SnowballJobs(client, retrying=False).check_job(GOOD)
    assert "expired" in info.value.message and "360 days" in info.value.message


def test_check_job_waits_until_the_device_arrives():
    client, stub = stubbed_client()
    stub.add_response("describe_job", job_metadata(state="InTransitToCustomer"), {"JobId": GOOD})
    stub.add_response("describe_job", job_metadata(state="WithCustomer"), {"JobId": GOOD})
    sleeps = []
    with stub:
        jobs = SnowballJobs(client, retrying=False, sleep=sleeps.append, clock=lambda: 0.0)
        assert jobs.check_job(GOOD, wait=True, wait_timeout=60, poll_interval=5)["job_state"] == "WithCustomer"
    assert sleeps == [5]


def test_check_job_wait_times_out_with_the_last_state():
    client, stub = stubbed_client()
    now = [0.0]

    def sleep(seconds):
        now[0] += seconds

    for _attempt in range(3):
        stub.add_response("describe_job", job_metadata(state="PreparingShipment"), {"JobId": GOOD})
    with stub, pytest.raises(SnowballError) as info:
        SnowballJobs(client, retrying=False, sleep=sleep, clock=lambda: now[0]).check_job(
            GOOD, wait=True, wait_timeout=10, poll_interval=5
        )
    assert "timed out after 10s" in info.value.message and "PreparingShipment" in info.value.message


def test_check_job_does_not_wait_for_a_job_that_went_back_to_aws():
    client, stub = stubbed_client()
    stub.add_response("describe_job", job_metadata(state="Complete"), {"JobId": GOOD})
    with stub, pytest.raises(SnowballError) as info:
        SnowballJobs(client, retrying=False, sleep=pytest.fail).check_job(GOOD, wait=True)
    assert "Complete" in info.value.message


def _refused(stub, times=1):
    for _attempt in range(times):
        stub.add_client_error(
            "get_job_unlock_code",
            service_error_code="InvalidJobStateException",
            service_message="The unlock code is not available",
        )


def test_checked_unlock_code_makes_one_call_for_a_job_with_the_customer():
    client, stub = stubbed_client()
    stub.add_response("get_job_unlock_code", {"UnlockCode": FAKE_CODE}, {"JobId": GOOD})
    with stub:
        jobs = SnowballJobs(client, retrying=False)
        assert jobs.checked_unlock_code(GOOD) == (FAKE_CODE, None)
    stub.assert_no_pending_responses()
    assert jobs.counter.calls == {"GetJobUnlockCode": 1}


@pytest.mark.parametrize(
    ("metadata", "expected", "error_code"),
    [
        (
            job_metadata(state="InTransitToCustomer"),
            "InTransitToCustomer: the device has not arrived yet",
            "JobNotWithCustomer",
        ),
        (job_metadata(state="Complete"), "Complete: the job is complete", "JobNotWithCustomer"),
        (job_metadata(age_days=361), "its unlock code expired on", "JobCredentialsExpired"),
    ],
)
def test_checked_unlock_code_explains_a_refusal_as_check_job_does(metadata, expected, error_code):
    client, stub = stubbed_client()
    _refused(stub)
    stub.add_response("describe_job", metadata, {"JobId": GOOD})
    with stub, pytest.raises(SnowballError) as info:
        SnowballJobs(client, retrying=False).checked_unlock_code(GOOD)
    assert expected in info.value.message and info.value.error_code == error_code


def test_checked_unlock_code_does_not_describe_on_other_errors():
    client, stub = stubbed_client()
    stub.add_client_error("get_job_unlock_code", service_error_code="AccessDeniedException", service_message="no")
    with stub, pytest.raises(SnowballError) as info:
        SnowballJobs(client, retrying=False).checked_unlock_code(GOOD)
    assert "snowball:GetJobUnlockCode" in info.value.message


def test_checked_unlock_code_waits_for_the_device_then_asks_again():
    client, stub = stubbed_client()
    _refused(stub)
    stub.add_response("describe_job", job_metadata(state="InTransitToCustomer"), {"JobId": GOOD})
    stub.add_response("describe_job", job_metadata(state="WithCustomer"), {"JobId": GOOD})
    stub.add_response("get_job_unlock_code", {"UnlockCode": FAKE_CODE}, {"JobId": GOOD})
    sleeps = []
    with stub:
        jobs = SnowballJobs(client, retrying=False, sleep=sleeps.append, clock=lambda: 0.0)
        code, state = jobs.checked_unlock_code(GOOD, wait=True, wait_timeout=60, poll_interval=5)
    assert code == FAKE_CODE and state["job_state"] == "WithCustomer" and sleeps == [5]


def test_checked_unlock_code_says_when_aws_refuses_a_job_it_reports_with_the_customer():
    client, stub = stubbed_client()
    _refused(stub)
    stub.add_response("describe_job", job_metadata(), {"JobId": GOOD})
    _refused(stub)
    with stub, pytest.raises(SnowballError) as info:
        SnowballJobs(client, retrying=False).checked_unlock_code(GOOD)
    message = info.value.message
    assert "although DescribeJob reports the job WithCustomer" in message
    assert "AWS said: The unlock code is not available." in message
    assert info.value.error_code == "InvalidJobStateException"


def test_checked_unlock_code_reports_the_refusal_when_describe_job_is_denied():
    client, stub = stubbed_client()
    _refused(stub)
    stub.add_client_error("describe_job", service_error_code="AccessDeniedException", service_message="no")
    with stub, pytest.raises(SnowballError) as info:
        SnowballJobs(client, retrying=False).checked_unlock_code(GOOD)
    message = info.value.message
    assert "GetJobUnlockCode refused for job" in message and "only available while the job is WithCustomer" in message
    assert "failed too: access denied for snowball:DescribeJob" in message
    assert info.value.error_code == "InvalidJobStateException"


def test_botocore_debug_log_never_shows_the_response_body():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("botocore")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        client, stub = stubbed_client()

        # The Stubber skips the HTTP layer, so log the way botocore.parsers does from inside the call.
        def log_body(**kwargs):
            logging.getLogger("botocore.parsers").debug("Response body:\n%r", FAKE_CODE.encode())

        client.meta.events.register("before-parameter-build.snowball.GetJobUnlockCode", log_body)
        stub.add_response("get_job_unlock_code", {"UnlockCode": FAKE_CODE}, {"JobId": GOOD})
        with stub:
            SnowballJobs(client, retrying=False).unlock_code(GOOD)
        logging.getLogger("botocore.parsers").debug("Response body:\n%r", b"outside")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    text = stream.getvalue()
    assert "withheld by edge.snowball" in text
    assert "outside" in text, "the filter must only be active during our own calls"
    assert_no_code(text)


@pytest.mark.parametrize(("retries", "calls"), [(0, 1), (2, 3)])
def test_retries_counts_retries_after_the_first_attempt(retries, calls, monkeypatch):
    from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper

    monkeypatch.setattr("time.sleep", lambda seconds: None)
    client, stub = stubbed_client()
    for _attempt in range(calls):
        stub.add_client_error("get_job_unlock_code", service_error_code="ThrottlingException", http_status_code=400)
    wrapped = RetryingBotoClientWrapper(client, snowball.retry_decorator(retries))
    with stub, pytest.raises(SnowballError, match="kept throttling"):
        SnowballJobs(wrapped).unlock_code(GOOD)
    stub.assert_no_pending_responses()


def test_negative_retries_are_refused_not_turned_into_retry_forever():
    with pytest.raises(SnowballError, match="retries must be 0 or more, got -1"):
        snowball.retry_decorator(-1)
