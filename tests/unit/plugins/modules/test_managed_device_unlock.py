"""edge.snowball.managed_device_unlock's module, with Snow Device Management stubbed (``sdm_stub``)."""

from __future__ import annotations

import pytest
from botocore.stub import ANY

from ansible_collections.edge.snowball.plugins.modules import managed_device_unlock

from unit.constants import EARLIER
from unit.constants import LATER
from unit.constants import OTHER_JOB_ID
from unit.constants import T0
from unit.constants import VALID_JOB_ID

BASE_ARGS = {"region": "us-east-1", "access_key": "AKIAUNITTEST00000000", "secret_key": "unit-test-secret"}


@pytest.fixture
def listed(sdm_stub, sdm_summary):
    """``listed(job, *device_ids)``: ListDevices for ``job`` answers these devices."""

    def add(job, *device_ids):
        sdm_stub.add_response("list_devices", {"devices": [sdm_summary(d, job) for d in device_ids]}, {"jobId": job})

    return add


@pytest.fixture
def described(sdm_stub, sdm_device):
    """``described(device_id, state, updated, job)``: DescribeDevice answers this."""

    def add(device_id, state="LOCKED", updated=EARLIER, job=VALID_JOB_ID):
        sdm_stub.add_response(
            "describe_device", sdm_device(device_id, state, updated, job), {"managedDeviceId": device_id}
        )

    return add


def task(stub, task_id, targets):
    stub.add_response(
        "create_task",
        {"taskId": task_id},
        {"targets": targets, "command": {"unlock": {}}, "clientToken": ANY, "description": ANY},
    )
    stub.add_response("describe_task", {"taskId": task_id, "createdAt": T0}, {"taskId": task_id})


def execution(stub, task_id, device_id, state):
    stub.add_response("describe_execution", {"state": state}, {"taskId": task_id, "managedDeviceId": device_id})


def test_unlocks_the_locked_device_of_each_job_and_waits(sdm_stub, run_module, described, listed):
    listed(VALID_JOB_ID, "smd-1")
    listed(OTHER_JOB_ID, "smd-2")
    described("smd-1")
    described("smd-2", job=OTHER_JOB_ID)
    task(sdm_stub, "st-0", ["smd-1", "smd-2"])
    execution(sdm_stub, "st-0", "smd-1", "SUCCEEDED")
    described("smd-1", "UNLOCKED", LATER)
    execution(sdm_stub, "st-0", "smd-2", "IN_PROGRESS")
    execution(sdm_stub, "st-0", "smd-2", "SUCCEEDED")
    described("smd-2", "UNLOCKED", LATER, OTHER_JOB_ID)
    result = run_module(
        managed_device_unlock.main, dict(BASE_ARGS, job_ids=[VALID_JOB_ID, OTHER_JOB_ID], poll_interval=3)
    )
    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["task_ids"] == ["st-0"]
    devices = result.result["devices"]
    assert [(d["job_id"], d["managed_device_id"], d["state"], d["execution_state"], d["task_id"]) for d in devices] == [
        (VALID_JOB_ID, "smd-1", "UNLOCKED", "SUCCEEDED", "st-0"),
        (OTHER_JOB_ID, "smd-2", "UNLOCKED", "SUCCEEDED", "st-0"),
    ]
    assert sdm_stub.time.sleeps == [3]


def test_an_unlocked_device_gets_no_task(run_module, described, listed):
    listed(VALID_JOB_ID, "smd-1")
    described("smd-1", "UNLOCKED")
    result = run_module(managed_device_unlock.main, dict(BASE_ARGS, job_ids=[VALID_JOB_ID]))
    assert not result.failed
    assert result.result["changed"] is False and result.result["task_ids"] == []
    assert result.result["devices"][0]["task_id"] is None


def test_check_mode_creates_no_task_and_reports_what_would_change(run_module, described, listed):
    listed(VALID_JOB_ID, "smd-1", "smd-2")
    described("smd-1")
    described("smd-2", "UNLOCKED")
    result = run_module(managed_device_unlock.main, dict(BASE_ARGS, job_ids=[VALID_JOB_ID], _ansible_check_mode=True))
    assert not result.failed
    assert result.result["changed"] is True
    assert [d["changed"] for d in result.result["devices"]] == [True, False]


def test_more_than_ten_devices_take_several_tasks_and_none_twice(sdm_stub, run_module, sdm_device, described):
    ids = [f"smd-{i:02d}" for i in range(12)]
    sdm_stub.add_response("describe_device", sdm_device(ids[0]), {"managedDeviceId": ids[0]})
    for device_id in ids[1:]:
        described(device_id)
    task(sdm_stub, "st-0", ids[:10])
    task(sdm_stub, "st-1", ids[10:])
    args = dict(BASE_ARGS, managed_device_ids=ids + ids[:3], wait=False)
    result = run_module(managed_device_unlock.main, args)
    assert not result.failed, result.result
    assert result.result["task_ids"] == ["st-0", "st-1"]
    assert len(result.result["devices"]) == 12


def test_a_failed_execution_fails_naming_job_and_device(sdm_stub, run_module, described, listed):
    listed(VALID_JOB_ID, "smd-1")
    described("smd-1")
    task(sdm_stub, "st-0", ["smd-1"])
    execution(sdm_stub, "st-0", "smd-1", "TIMED_OUT")
    result = run_module(managed_device_unlock.main, dict(BASE_ARGS, job_ids=[VALID_JOB_ID]))
    assert result.failed
    assert (
        VALID_JOB_ID in result.result["msg"] and "smd-1" in result.result["msg"] and "TIMED_OUT" in result.result["msg"]
    )
    assert result.result["devices"][0]["execution_state"] == "TIMED_OUT"
    assert result.result["task_ids"] == ["st-0"]
    assert "exception" not in result.result


def test_a_job_without_managed_device_fails_after_the_others_are_unlocked(sdm_stub, run_module, described, listed):
    listed(VALID_JOB_ID, "smd-1")
    listed(OTHER_JOB_ID)
    described("smd-1")
    task(sdm_stub, "st-0", ["smd-1"])
    execution(sdm_stub, "st-0", "smd-1", "SUCCEEDED")
    described("smd-1", "UNLOCKED", LATER)
    result = run_module(managed_device_unlock.main, dict(BASE_ARGS, job_ids=[VALID_JOB_ID, OTHER_JOB_ID]))
    assert result.failed
    assert result.result["devices"][0]["state"] == "UNLOCKED"
    assert result.result["jobs_without_device"] == [OTHER_JOB_ID]
    assert OTHER_JOB_ID in result.result["msg"] and "remote management is not enabled" in result.result["msg"]
    assert "unlock_method: client" in result.result["msg"]
    assert result.result["error_code"] == "NoManagedDevice"


def test_reasons_give_each_job_its_own_failure_only(sdm_stub, run_module, described, listed):
    """One job's device fails, another job has none, a third unlocks: reasons names each failing job's own
    reason (a play host shows only its own, issue 23 item 5); the task's msg holds both."""
    third = VALID_JOB_ID.replace("0000", "0009")
    listed(VALID_JOB_ID, "smd-1")
    listed(OTHER_JOB_ID)
    listed(third, "smd-3")
    described("smd-1")
    described("smd-3", job=third)
    task(sdm_stub, "st-0", ["smd-1", "smd-3"])
    execution(sdm_stub, "st-0", "smd-1", "FAILED")
    execution(sdm_stub, "st-0", "smd-3", "SUCCEEDED")
    described("smd-3", "UNLOCKED", LATER, third)
    result = run_module(managed_device_unlock.main, dict(BASE_ARGS, job_ids=[VALID_JOB_ID, OTHER_JOB_ID, third]))
    assert result.failed
    reasons = result.result["reasons"]
    assert set(reasons) == {VALID_JOB_ID, OTHER_JOB_ID}
    assert reasons[VALID_JOB_ID].startswith("managed device smd-1, task st-0: execution FAILED: ")
    assert OTHER_JOB_ID not in reasons[VALID_JOB_ID] and "remote management" not in reasons[VALID_JOB_ID]
    assert reasons[OTHER_JOB_ID].startswith(f"no managed device for job {OTHER_JOB_ID}: ")
    assert "smd-1" not in reasons[OTHER_JOB_ID] and "FAILED" not in reasons[OTHER_JOB_ID]
    assert "smd-1, task st-0): execution FAILED" in result.result["msg"] and OTHER_JOB_ID in result.result["msg"]


def test_no_reasons_when_every_device_unlocked(run_module, described, listed):
    listed(VALID_JOB_ID, "smd-1")
    described("smd-1", "UNLOCKED")
    result = run_module(managed_device_unlock.main, dict(BASE_ARGS, job_ids=[VALID_JOB_ID]))
    assert not result.failed and "reasons" not in result.result


def test_task_ids_wait_for_an_earlier_runs_task_and_send_none_to_its_devices(sdm_stub, run_module, described, listed):
    """The second period of a wait (and a user's later wait): smd-1 is in the given task, so it gets no new
    task (the Stubber fails on a CreateTask it was not given) and is waited for; smd-2, in no given task and
    LOCKED, gets one as usual. Its target given as an ARN is understood."""
    listed(VALID_JOB_ID, "smd-1")
    listed(OTHER_JOB_ID, "smd-2")
    described("smd-1")
    described("smd-2", job=OTHER_JOB_ID)
    arn = "arn:aws:snow-device-management:us-east-1:123456789012:managed-device/smd-1"
    sdm_stub.add_response(
        "describe_task", {"taskId": "st-old", "targets": [arn], "createdAt": T0}, {"taskId": "st-old"}
    )
    task(sdm_stub, "st-new", ["smd-2"])
    execution(sdm_stub, "st-old", "smd-1", "SUCCEEDED")
    described("smd-1", "UNLOCKED", LATER)
    execution(sdm_stub, "st-new", "smd-2", "SUCCEEDED")
    described("smd-2", "UNLOCKED", LATER, OTHER_JOB_ID)
    args = dict(BASE_ARGS, job_ids=[VALID_JOB_ID, OTHER_JOB_ID], task_ids=["st-old"])
    result = run_module(managed_device_unlock.main, args)
    assert not result.failed, result.result
    assert [(d["task_id"], d["changed"], d["state"]) for d in result.result["devices"]] == [
        ("st-old", False, "UNLOCKED"),
        ("st-new", True, "UNLOCKED"),
    ]
    assert result.result["task_ids"] == ["st-old", "st-new"] and result.result["timed_out"] is False
    assert result.result["changed"] is True


def test_without_describe_task_an_earlier_task_is_found_by_describe_execution(sdm_stub, run_module, described, listed):
    """Attack review: with DescribeTask denied (IAM; CreateTask copes with it), a later period could not resume
    and failed. Now each locked device is asked about with DescribeExecution: smd-1 is in st-old (no new task)."""
    listed(VALID_JOB_ID, "smd-1")
    described("smd-1")
    sdm_stub.add_client_error("describe_task", "AccessDeniedException", "not allowed", 403, {"taskId": "st-old"})
    execution(sdm_stub, "st-old", "smd-1", "IN_PROGRESS")  # the membership probe
    execution(sdm_stub, "st-old", "smd-1", "SUCCEEDED")
    described("smd-1", "UNLOCKED", LATER)
    result = run_module(
        managed_device_unlock.main, dict(BASE_ARGS, job_ids=[VALID_JOB_ID], task_ids=["st-old"], retries=0)
    )
    assert not result.failed, result.result
    assert result.result["devices"][0]["task_id"] == "st-old" and result.result["devices"][0]["changed"] is False


def test_a_wait_that_runs_out_says_timed_out(sdm_stub, run_module, described, listed):
    listed(VALID_JOB_ID, "smd-1")
    listed(OTHER_JOB_ID, "smd-2")
    described("smd-1")
    described("smd-2", job=OTHER_JOB_ID)
    task(sdm_stub, "st-0", ["smd-1", "smd-2"])
    execution(sdm_stub, "st-0", "smd-1", "IN_PROGRESS")
    execution(sdm_stub, "st-0", "smd-2", "QUEUED")
    args = dict(BASE_ARGS, job_ids=[VALID_JOB_ID, OTHER_JOB_ID], timeout=0)
    result = run_module(managed_device_unlock.main, args)
    assert result.failed and result.result["timed_out"] is True
    assert result.result["reasons"][VALID_JOB_ID].endswith("or raise timeout")
    assert set(result.result["reasons"]) == {VALID_JOB_ID, OTHER_JOB_ID}
    # the flag is the task's, not a key of any device's entry
    assert not any("timed_out" in device for device in result.result["devices"]), result.result["devices"]


def test_check_mode_also_reports_a_job_without_managed_device(run_module, listed):
    listed(OTHER_JOB_ID)
    result = run_module(managed_device_unlock.main, dict(BASE_ARGS, job_ids=[OTHER_JOB_ID], _ansible_check_mode=True))
    assert result.failed and result.result["jobs_without_device"] == [OTHER_JOB_ID]


@pytest.mark.parametrize(
    "args",
    [
        {"job_ids": [VALID_JOB_ID, "JID123"]},
        {"job_ids": [VALID_JOB_ID.replace("a", "A")]},
        {"managed_device_ids": [""]},
        {"job_ids": [VALID_JOB_ID], "timeout": -1},
        {"job_ids": [VALID_JOB_ID], "poll_interval": 0},
        {"job_ids": []},
    ],
)
def test_bad_input_fails_before_any_call(args, sdm_stub, run_module):
    result = run_module(managed_device_unlock.main, dict(BASE_ARGS, **args))
    assert result.failed
    sdm_stub.factory.assert_not_called()


def test_aws_error_is_a_readable_failure_without_traceback(sdm_stub, run_module):
    sdm_stub.add_client_error("list_devices", service_error_code="AccessDeniedException", http_status_code=403)
    result = run_module(managed_device_unlock.main, dict(BASE_ARGS, job_ids=[VALID_JOB_ID]))
    assert result.failed
    assert "snow-device-management:ListDevices" in result.result["msg"]
    assert "exception" not in result.result
