"""The Snowball job API: unlock codes, job states, waiting, retries (plugins/module_utils/_jobs/api.py),
with botocore's Stubber."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._jobs.api import SnowballJobs

from unit.constants import FAKE_CODE
from unit.constants import VALID_JOB_ID

GOOD = VALID_JOB_ID


# -- the AWS calls, with botocore's Stubber --------------------------------


def test_unlock_code_returns_the_code_from_aws(stub):
    client = stub.client
    stub.add_response("get_job_unlock_code", {"UnlockCode": FAKE_CODE}, {"JobId": GOOD})
    assert SnowballJobs(client, retrying=False).unlock_code(GOOD) == FAKE_CODE
    stub.assert_no_pending_responses()


def test_an_unexpected_code_shape_is_accepted(stub):
    client = stub.client
    stub.add_response("get_job_unlock_code", {"UnlockCode": "x" * 64}, {"JobId": GOOD})
    assert SnowballJobs(client, retrying=False).unlock_code(GOOD) == "x" * 64


def test_check_job_passes_a_job_with_the_customer(stub, job_metadata):
    client = stub.client
    stub.add_response("describe_job", job_metadata(), {"JobId": GOOD})
    state = SnowballJobs(client, retrying=False).check_job(GOOD)
    assert state["job_state"] == "WithCustomer"
    assert state["expires_at"] > datetime.datetime.now(datetime.timezone.utc)


def test_check_job_reports_the_real_state(stub, job_metadata):
    client = stub.client
    stub.add_response("describe_job", job_metadata(state="InTransitToCustomer"), {"JobId": GOOD})
    with pytest.raises(SnowballError) as info:
        SnowballJobs(client, retrying=False).check_job(GOOD)
    assert "InTransitToCustomer: the device has not arrived yet" in info.value.message


def test_check_job_refuses_a_job_older_than_360_days(stub, job_metadata):
    client = stub.client
    stub.add_response("describe_job", job_metadata(age_days=361), {"JobId": GOOD})
    with pytest.raises(SnowballError) as info:
        SnowballJobs(client, retrying=False).check_job(GOOD)
    assert "expired" in info.value.message and "360 days" in info.value.message


def test_check_job_waits_until_the_device_arrives(stub, job_metadata):
    client = stub.client
    stub.add_response("describe_job", job_metadata(state="InTransitToCustomer"), {"JobId": GOOD})
    stub.add_response("describe_job", job_metadata(state="WithCustomer"), {"JobId": GOOD})
    sleeps = []
    jobs = SnowballJobs(client, retrying=False, sleep=sleeps.append, clock=lambda: 0.0)
    assert jobs.check_job(GOOD, wait=True, wait_timeout=60, poll_interval=5)["job_state"] == "WithCustomer"
    assert sleeps == [5]


def test_check_job_wait_times_out_with_the_last_state(stub, job_metadata):
    client = stub.client
    now = [0.0]

    def sleep(seconds):
        now[0] += seconds

    for _attempt in range(3):
        stub.add_response("describe_job", job_metadata(state="PreparingShipment"), {"JobId": GOOD})
    with pytest.raises(SnowballError) as info:
        SnowballJobs(client, retrying=False, sleep=sleep, clock=lambda: now[0]).check_job(
            GOOD, wait=True, wait_timeout=10, poll_interval=5
        )
    assert "timed out after 10s" in info.value.message and "PreparingShipment" in info.value.message


def test_check_job_does_not_wait_for_a_job_that_went_back_to_aws(stub, job_metadata):
    client = stub.client
    stub.add_response("describe_job", job_metadata(state="Complete"), {"JobId": GOOD})
    with pytest.raises(SnowballError) as info:
        SnowballJobs(client, retrying=False, sleep=pytest.fail).check_job(GOOD, wait=True)
    assert "Complete" in info.value.message


def _refused(stub, times=1):
    for _attempt in range(times):
        stub.add_client_error(
            "get_job_unlock_code",
            service_error_code="InvalidJobStateException",
            service_message="The unlock code is not available",
        )


def test_checked_unlock_code_makes_one_call_for_a_job_with_the_customer(stub):
    client = stub.client
    stub.add_response("get_job_unlock_code", {"UnlockCode": FAKE_CODE}, {"JobId": GOOD})
    jobs = SnowballJobs(client, retrying=False)
    assert jobs.checked_unlock_code(GOOD) == (FAKE_CODE, None)
    stub.assert_no_pending_responses()
    assert jobs.counter.calls == {"GetJobUnlockCode": 1}


@pytest.mark.parametrize(
    ("metadata", "expected", "error_code"),
    [
        ({"state": "InTransitToCustomer"}, "InTransitToCustomer: the device has not arrived yet", "JobNotWithCustomer"),
        ({"state": "Complete"}, "Complete: the job is complete", "JobNotWithCustomer"),
        ({"age_days": 361}, "its unlock code expired on", "JobCredentialsExpired"),
    ],
)
def test_checked_unlock_code_explains_a_refusal_as_check_job_does(metadata, expected, error_code, stub, job_metadata):
    client = stub.client
    _refused(stub)
    stub.add_response("describe_job", job_metadata(**metadata), {"JobId": GOOD})
    with pytest.raises(SnowballError) as info:
        SnowballJobs(client, retrying=False).checked_unlock_code(GOOD)
    assert expected in info.value.message and info.value.error_code == error_code


def test_checked_unlock_code_does_not_describe_on_other_errors(stub):
    client = stub.client
    stub.add_client_error("get_job_unlock_code", service_error_code="AccessDeniedException", service_message="no")
    with pytest.raises(SnowballError) as info:
        SnowballJobs(client, retrying=False).checked_unlock_code(GOOD)
    assert "snowball:GetJobUnlockCode" in info.value.message


def test_checked_unlock_code_waits_for_the_device_then_asks_again(stub, job_metadata):
    client = stub.client
    _refused(stub)
    stub.add_response("describe_job", job_metadata(state="InTransitToCustomer"), {"JobId": GOOD})
    stub.add_response("describe_job", job_metadata(state="WithCustomer"), {"JobId": GOOD})
    stub.add_response("get_job_unlock_code", {"UnlockCode": FAKE_CODE}, {"JobId": GOOD})
    sleeps = []
    jobs = SnowballJobs(client, retrying=False, sleep=sleeps.append, clock=lambda: 0.0)
    code, state = jobs.checked_unlock_code(GOOD, wait=True, wait_timeout=60, poll_interval=5)
    assert code == FAKE_CODE and state["job_state"] == "WithCustomer" and sleeps == [5]


def test_checked_unlock_code_says_when_aws_refuses_a_job_it_reports_with_the_customer(stub, job_metadata):
    client = stub.client
    _refused(stub)
    stub.add_response("describe_job", job_metadata(), {"JobId": GOOD})
    _refused(stub)
    with pytest.raises(SnowballError) as info:
        SnowballJobs(client, retrying=False).checked_unlock_code(GOOD)
    message = info.value.message
    assert "although DescribeJob reports the job WithCustomer" in message
    assert "AWS said: The unlock code is not available." in message
    assert info.value.error_code == "InvalidJobStateException"


def test_checked_unlock_code_reports_the_refusal_when_describe_job_is_denied(stub):
    client = stub.client
    _refused(stub)
    stub.add_client_error("describe_job", service_error_code="AccessDeniedException", service_message="no")
    with pytest.raises(SnowballError) as info:
        SnowballJobs(client, retrying=False).checked_unlock_code(GOOD)
    message = info.value.message
    assert "GetJobUnlockCode refused for job" in message and "only available while the job is WithCustomer" in message
    assert "failed too: access denied for snowball:DescribeJob" in message
    assert info.value.error_code == "InvalidJobStateException"


@pytest.mark.parametrize(("retries", "calls"), [(0, 1), (2, 3)])
def test_retries_counts_retries_after_the_first_attempt(retries, calls, monkeypatch, stub):
    from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper

    monkeypatch.setattr("time.sleep", lambda seconds: None)
    client = stub.client
    for _attempt in range(calls):
        stub.add_client_error("get_job_unlock_code", service_error_code="ThrottlingException", http_status_code=400)
    wrapped = RetryingBotoClientWrapper(client, SnowballJobs.backoff(retries))
    with pytest.raises(SnowballError, match="kept throttling"):
        SnowballJobs(wrapped).unlock_code(GOOD)
    stub.assert_no_pending_responses()


def test_negative_retries_are_refused_not_turned_into_retry_forever():
    with pytest.raises(SnowballError, match="retries must be 0 or more, got -1"):
        SnowballJobs.backoff(-1)
