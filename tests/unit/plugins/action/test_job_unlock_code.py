"""The action plugin of edge.snowball.job_unlock_code, which does the whole task on the controller:
its options checked as a module's, one GetJobUnlockCode in the common case (botocore's Stubber
answers; any other call fails the test), a result holding the code censored, and refusals, before any
call, of what would show the code (a bad job id, ANSIBLE_DEBUG, failed_when in a block with rescue).
Real Task, Block, PlayContext, DataLoader, Templar and ``local`` connection."""

from __future__ import annotations

import os
from unittest import mock

import pytest

from ansible import constants
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.block import Block
from ansible.playbook.task import Task

from unit.constants import FAKE_CODE
from unit.constants import VALID_JOB_ID

BASE_ARGS = {"region": "us-east-1", "access_key": "AKIAUNITTEST00000000", "secret_key": "unit-test-secret"}


@pytest.fixture
def run_task(action_plugin):
    """``run_task(args, task=None, base=None, **attributes)``: (the task's result, its plugin);
    ``base`` (BASE_ARGS when None) holds the options under ``args``."""

    def run(args, task=None, base=None, **attributes):
        plugin = action_plugin("job_unlock_code", dict(BASE_ARGS if base is None else base, **args), **attributes)
        if task is not None:
            task.action, task.args = plugin._task.action, plugin._task.args
            plugin._task = task
        return plugin.run(task_vars={}), plugin

    return run


def test_default_options_make_one_call_and_censor_the_result(stub, run_task):
    # The Stubber fails on any call it was not given: GetJobUnlockCode is the only one.
    stub.add_response("get_job_unlock_code", {"UnlockCode": FAKE_CODE}, {"JobId": VALID_JOB_ID})
    result, plugin = run_task({"job_id": VALID_JOB_ID})
    assert not result.get("failed"), result
    assert result["unlock_code"] == FAKE_CODE
    assert result["changed"] is False
    assert result["_ansible_no_log"] is True and plugin._task.no_log is True
    # Not known without DescribeJob: not guessed.
    assert "job_state" not in result and "expires_at" not in result
    plugin._execute_module.assert_not_called()  # no module process, on any host


def test_describe_job_returns_state_and_expiry(stub, job_metadata, run_task):
    stub.add_response("describe_job", job_metadata(age_days=10), {"JobId": VALID_JOB_ID})
    stub.add_response("get_job_unlock_code", {"UnlockCode": FAKE_CODE}, {"JobId": VALID_JOB_ID})
    result, _plugin = run_task({"job_id": VALID_JOB_ID, "describe_job": True})
    assert result["unlock_code"] == FAKE_CODE
    assert result["job_state"] == "WithCustomer"
    assert result["expires_at"].endswith("+00:00")


def test_check_state_false_skips_describe_job(stub, run_task):
    stub.add_response("get_job_unlock_code", {"UnlockCode": FAKE_CODE}, {"JobId": VALID_JOB_ID})
    result, _plugin = run_task({"job_id": VALID_JOB_ID, "check_state": "no"})  # a module's type rules
    assert result["unlock_code"] == FAKE_CODE
    assert "job_state" not in result


def test_describe_job_fails_with_the_state_and_never_asks_for_the_code(stub, job_metadata, run_task):
    stub.add_response("describe_job", job_metadata(state="InTransitToCustomer"), {"JobId": VALID_JOB_ID})
    result, plugin = run_task({"job_id": VALID_JOB_ID, "describe_job": True})
    assert result["failed"] is True
    assert "InTransitToCustomer" in result["msg"]
    assert result["error_code"] == "JobNotWithCustomer"
    assert "exception" not in result
    assert "_ansible_no_log" not in result and not plugin._task.no_log  # a failure stays readable


def test_a_refused_code_is_explained_with_the_real_state(stub, job_metadata, run_task):
    stub.add_client_error(
        "get_job_unlock_code", service_error_code="InvalidJobStateException", service_message="not available"
    )
    stub.add_response("describe_job", job_metadata(state="InTransitToCustomer"), {"JobId": VALID_JOB_ID})
    result, _plugin = run_task({"job_id": VALID_JOB_ID})
    assert result["failed"] is True
    assert "InTransitToCustomer: the device has not arrived yet" in result["msg"]
    assert result["error_code"] == "JobNotWithCustomer"


def test_waiting_for_the_device_returns_the_state_it_saw(stub, job_metadata, run_task):
    stub.add_client_error("get_job_unlock_code", service_error_code="InvalidJobStateException")
    stub.add_response("describe_job", job_metadata(state="WithCustomer"), {"JobId": VALID_JOB_ID})
    stub.add_response("get_job_unlock_code", {"UnlockCode": FAKE_CODE}, {"JobId": VALID_JOB_ID})
    result, _plugin = run_task({"job_id": VALID_JOB_ID, "wait": True})
    assert result["unlock_code"] == FAKE_CODE
    assert result["job_state"] == "WithCustomer"


def test_aws_error_is_a_readable_failure_with_what_was_called(stub, assert_no_code, run_task):
    stub.add_client_error("get_job_unlock_code", service_error_code="AccessDeniedException", service_message="no")
    result, _plugin = run_task({"job_id": VALID_JOB_ID, "check_state": False, "debug_botocore_endpoint_logs": True})
    assert result["failed"] is True and result["changed"] is False
    assert "snowball:GetJobUnlockCode" in result["msg"]
    assert result["resource_actions"] == ["snowball:GetJobUnlockCode"]  # kept on failure, as a module's
    assert "exception" not in result
    assert_no_code(result)


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("timeout", -1, "timeout (wait_timeout) must be 0 or more"),
        ("wait_timeout", -1, "timeout (wait_timeout) must be 0 or more"),
        ("poll_interval", 0, "poll_interval (wait_interval) must be at least 1"),
        ("wait_interval", 0, "poll_interval (wait_interval) must be at least 1"),
        ("timeout", "soon", "timeout"),
        ("no_such_option", 1, "no_such_option"),
    ],
)
def test_bad_options_are_refused_before_calling_aws(stub, option, value, expected, run_task):
    result, _plugin = run_task({"job_id": VALID_JOB_ID, option: value})
    assert result["failed"] is True and expected in result["msg"]
    assert result["error_code"] == "InvalidArguments"
    stub.factory.assert_not_called()


def test_the_task_environment_reaches_the_call_and_is_undone(stub, run_task):
    """``environment:`` is what a module process would see: here it gives the region (a fallback of the
    region option) and the endpoint botocore reads; afterwards the worker's environment is as before."""
    stub.add_response("get_job_unlock_code", {"UnlockCode": FAKE_CODE}, {"JobId": VALID_JOB_ID})
    seen = {}

    def record(service, title, params, pool):
        seen.update(region=params["region"], endpoint=os.environ.get("AWS_ENDPOINT_URL_SNOWBALL"))
        return stub.client

    stub.factory.side_effect = record
    keys = {k: v for k, v in BASE_ARGS.items() if k != "region"}
    environment = [{"AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL_SNOWBALL": "http://127.0.0.1:9"}]
    with mock.patch.dict(os.environ, {}, clear=False):
        os.environ.pop("AWS_REGION", None)
        os.environ.pop("AWS_ENDPOINT_URL_SNOWBALL", None)
        result, _plugin = run_task({"job_id": VALID_JOB_ID}, base=keys, environment=environment)
        assert "AWS_REGION" not in os.environ and "AWS_ENDPOINT_URL_SNOWBALL" not in os.environ
    assert result["unlock_code"] == FAKE_CODE
    assert seen == {"region": "eu-west-1", "endpoint": "http://127.0.0.1:9"}


@pytest.mark.parametrize("job_id", [FAKE_CODE, "JID-short", "", None, "JID123e4567-e89b-12d3-a456-42665544000\x00"])
def test_a_bad_job_id_is_refused_without_repeating_it(stub, job_id, run_task, assert_no_code):
    result, _plugin = run_task({"job_id": job_id})
    assert result["failed"] is True
    assert result["error_code"] == "InvalidJobId"
    stub.factory.assert_not_called()
    assert_no_code(result)
    if job_id:
        assert job_id not in result["msg"]


def test_upper_case_hex_is_refused_before_calling_aws(stub, run_task):
    result, _plugin = run_task({"job_id": VALID_JOB_ID.upper().replace("JID", "JID", 1)})
    assert result["failed"] is True and "upper-case" in result["msg"]
    stub.factory.assert_not_called()


def test_ansible_debug_is_refused_before_any_call(stub, run_task):
    with mock.patch.object(constants, "DEFAULT_DEBUG", True):
        result, _plugin = run_task({"job_id": VALID_JOB_ID})
    assert result["failed"] is True
    assert "ANSIBLE_DEBUG" in result["msg"]
    stub.factory.assert_not_called()
    assert "unlock_code" not in result


@pytest.mark.parametrize("keyword", ["failed_when", "until"])
@pytest.mark.parametrize("section", ["rescue", "always"])
def test_a_condition_on_the_result_inside_rescue_or_always_is_refused(stub, keyword, section, run_task):
    block = Block.load({"block": [{"debug": None}], section: [{"debug": None}]}, loader=DataLoader())
    task = Task(block=block)
    setattr(task, keyword, ["result.job_state != 'Complete'"])
    result, _plugin = run_task({"job_id": VALID_JOB_ID}, task=task)
    assert result["failed"] is True
    assert "ansible_failed_result" in result["msg"]
    stub.factory.assert_not_called()


def test_a_condition_outside_rescue_or_always_runs(stub, run_task):
    stub.add_response("get_job_unlock_code", {"UnlockCode": FAKE_CODE}, {"JobId": VALID_JOB_ID})
    block = Block.load({"block": [{"debug": None}]}, loader=DataLoader())
    task = Task(block=block)
    task.failed_when = ["false"]
    result, _plugin = run_task({"job_id": VALID_JOB_ID}, task=task)
    assert not result.get("failed"), result
    assert result["_ansible_no_log"] is True
