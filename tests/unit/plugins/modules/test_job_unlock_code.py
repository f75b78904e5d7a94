from __future__ import annotations

import pytest

from ansible_collections.edge.snowball.plugins.modules import job_unlock_code

from unit.constants import FAKE_CODE
from unit.constants import VALID_JOB_ID

BASE_ARGS = {"region": "us-east-1", "access_key": "AKIAUNITTEST00000000", "secret_key": "unit-test-secret"}


def test_default_options_make_one_call_and_return_no_job_state(stub, run_module):
    # The Stubber fails on any call it was not given: GetJobUnlockCode is the only one.
    stub.add_response("get_job_unlock_code", {"UnlockCode": FAKE_CODE}, {"JobId": VALID_JOB_ID})
    result = run_module(job_unlock_code.main, dict(BASE_ARGS, job_id=VALID_JOB_ID))
    assert not result.failed
    assert result.result["unlock_code"] == FAKE_CODE
    assert result.result["changed"] is False
    # Not known without DescribeJob: not guessed.
    assert "job_state" not in result.result and "expires_at" not in result.result


def test_describe_job_returns_state_and_expiry(stub, job_metadata, run_module):
    stub.add_response("describe_job", job_metadata(age_days=10), {"JobId": VALID_JOB_ID})
    stub.add_response("get_job_unlock_code", {"UnlockCode": FAKE_CODE}, {"JobId": VALID_JOB_ID})
    result = run_module(job_unlock_code.main, dict(BASE_ARGS, job_id=VALID_JOB_ID, describe_job=True))
    assert not result.failed
    assert result.result["unlock_code"] == FAKE_CODE
    assert result.result["job_state"] == "WithCustomer"
    assert result.result["expires_at"].endswith("+00:00")


def test_check_state_false_skips_describe_job(stub, run_module):
    stub.add_response("get_job_unlock_code", {"UnlockCode": FAKE_CODE}, {"JobId": VALID_JOB_ID})
    result = run_module(job_unlock_code.main, dict(BASE_ARGS, job_id=VALID_JOB_ID, check_state=False))
    assert result.result["unlock_code"] == FAKE_CODE
    assert "job_state" not in result.result


def test_rejects_uppercase_hex_before_calling_aws(stub, run_module):
    result = run_module(job_unlock_code.main, dict(BASE_ARGS, job_id=VALID_JOB_ID.upper().replace("JID", "JID", 1)))
    assert result.failed
    assert "upper-case" in result.result["msg"]
    stub.factory.assert_not_called()


def test_describe_job_fails_with_the_state_and_never_asks_for_the_code(stub, job_metadata, run_module):
    stub.add_response("describe_job", job_metadata(state="InTransitToCustomer"), {"JobId": VALID_JOB_ID})
    result = run_module(job_unlock_code.main, dict(BASE_ARGS, job_id=VALID_JOB_ID, describe_job=True))
    assert result.failed
    assert "InTransitToCustomer" in result.result["msg"]
    assert result.result["error_code"] == "JobNotWithCustomer"
    assert "exception" not in result.result


def test_a_refused_code_is_explained_with_the_real_state(stub, job_metadata, run_module):
    stub.add_client_error(
        "get_job_unlock_code", service_error_code="InvalidJobStateException", service_message="not available"
    )
    stub.add_response("describe_job", job_metadata(state="InTransitToCustomer"), {"JobId": VALID_JOB_ID})
    result = run_module(job_unlock_code.main, dict(BASE_ARGS, job_id=VALID_JOB_ID))
    assert result.failed
    assert "InTransitToCustomer: the device has not arrived yet" in result.result["msg"]
    assert result.result["error_code"] == "JobNotWithCustomer"
    assert "exception" not in result.result


def test_waiting_for_the_device_returns_the_state_it_saw(stub, job_metadata, run_module):
    stub.add_client_error("get_job_unlock_code", service_error_code="InvalidJobStateException")
    stub.add_response("describe_job", job_metadata(state="WithCustomer"), {"JobId": VALID_JOB_ID})
    stub.add_response("get_job_unlock_code", {"UnlockCode": FAKE_CODE}, {"JobId": VALID_JOB_ID})
    result = run_module(job_unlock_code.main, dict(BASE_ARGS, job_id=VALID_JOB_ID, wait=True))
    assert not result.failed
    assert result.result["unlock_code"] == FAKE_CODE
    assert result.result["job_state"] == "WithCustomer"


def test_aws_error_is_a_readable_failure_without_traceback(stub, assert_no_code, run_module):
    stub.add_client_error("get_job_unlock_code", service_error_code="AccessDeniedException", service_message="no")
    result = run_module(job_unlock_code.main, dict(BASE_ARGS, job_id=VALID_JOB_ID, check_state=False))
    assert result.failed
    assert "snowball:GetJobUnlockCode" in result.result["msg"]
    assert "exception" not in result.result
    assert_no_code(result.result)


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("timeout", -1, "timeout (wait_timeout) must be 0 or more"),
        ("wait_timeout", -1, "timeout (wait_timeout) must be 0 or more"),
        ("poll_interval", 0, "poll_interval (wait_interval) must be at least 1"),
        ("wait_interval", 0, "poll_interval (wait_interval) must be at least 1"),
    ],
)
def test_rejects_bad_wait_options_before_calling_aws(stub, option, value, expected, run_module):
    result = run_module(job_unlock_code.main, dict(BASE_ARGS, job_id=VALID_JOB_ID, **{option: value}))
    assert result.failed and expected in result.result["msg"]
    stub.factory.assert_not_called()
