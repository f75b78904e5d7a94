"""Remote unlock through Snow Device Management, against botocore's real model (Stubber only)
(plugins/module_utils/_sdm/api.py)."""

from __future__ import annotations

import pytest
from botocore.stub import ANY
from botocore.stub import Stubber

from ansible_collections.edge.snowball.plugins.module_utils._aws.client import connect
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._sdm import api as device_management
from ansible_collections.edge.snowball.plugins.module_utils._sdm import states as _sdm_states
from ansible_collections.edge.snowball.plugins.module_utils._sdm.api import ManagedDevices

from unit.constants import EARLIER
from unit.constants import LATER
from unit.constants import OTHER_JOB_ID
from unit.constants import T0
from unit.constants import VALID_JOB_ID

# -- ListDevices -------------------------------------------------------------


def test_list_devices_follows_every_page(sdm_stub, sdm_summary):
    sdm_stub.add_response(
        "list_devices", {"devices": [sdm_summary("smd-1")], "nextToken": "abc="}, {"jobId": VALID_JOB_ID}
    )
    sdm_stub.add_response(
        "list_devices", {"devices": [sdm_summary("smd-2")]}, {"jobId": VALID_JOB_ID, "nextToken": "abc="}
    )
    assert [d["managedDeviceId"] for d in sdm_stub.api.list_devices(VALID_JOB_ID)] == ["smd-1", "smd-2"]


def test_list_devices_drops_devices_of_other_jobs_when_the_filter_is_ignored(sdm_stub, sdm_summary):
    sdm_stub.add_response(
        "list_devices", {"devices": [sdm_summary("smd-1"), sdm_summary("smd-2", OTHER_JOB_ID)]}, {"jobId": VALID_JOB_ID}
    )
    assert [d["managedDeviceId"] for d in sdm_stub.api.list_devices(VALID_JOB_ID)] == ["smd-1"]


def test_list_devices_stops_on_a_repeated_token(sdm_stub, sdm_summary):
    sdm_stub.add_response("list_devices", {"devices": [sdm_summary("smd-1")], "nextToken": "abc="}, {})
    sdm_stub.add_response("list_devices", {"devices": [], "nextToken": "abc="}, {"nextToken": "abc="})
    assert len(sdm_stub.api.list_devices()) == 1


# -- CreateTask --------------------------------------------------------------


def test_create_tasks_in_batches_of_ten_with_a_token_each_and_no_device_twice(sdm_stub):
    ids = [f"smd-{i:02d}" for i in range(23)]
    for n, batch in enumerate((ids[0:10], ids[10:20], ids[20:23])):
        sdm_stub.add_response(
            "create_task",
            {"taskId": f"st-{n}", "taskArn": f"arn:task/st-{n}"},
            {"targets": batch, "command": {"unlock": {}}, "clientToken": f"token-{n}", "description": ANY},
        )
        sdm_stub.add_response("describe_task", {"taskId": f"st-{n}", "createdAt": LATER}, {"taskId": f"st-{n}"})
    tasks = sdm_stub.api.create_unlock_tasks(ids + ids[:5])
    assert [t["task_id"] for t in tasks] == ["st-0", "st-1", "st-2"]
    assert [len(t["targets"]) for t in tasks] == [10, 10, 3]
    assert all(t["created_at"] == LATER for t in tasks)


@pytest.mark.parametrize("answer", [{"taskId": "st-0"}, "AccessDeniedException"])
def test_task_creation_time_falls_back_to_the_local_clock_less_the_skew(answer, sdm_stub):
    sdm_stub.add_response(
        "create_task",
        {"taskId": "st-0"},
        {"targets": ["smd-1"], "command": {"unlock": {}}, "clientToken": ANY, "description": ANY},
    )
    if isinstance(answer, dict):
        sdm_stub.add_response("describe_task", answer, {"taskId": "st-0"})
    else:
        sdm_stub.add_client_error("describe_task", service_error_code=answer, http_status_code=403)
    assert sdm_stub.api.create_unlock_tasks(["smd-1"])[0]["created_at"] == T0 - device_management.CLOCK_SKEW


# -- waiting -----------------------------------------------------------------


def entry(device_id="smd-1", task="st-0"):
    return {"job_id": VALID_JOB_ID, "managed_device_id": device_id, "task_id": task, "state": "LOCKED"}


def test_waits_for_succeeded_and_a_fresh_unlocked_state(fake_time, sdm_stub, sdm_device):
    params = {"taskId": "st-0", "managedDeviceId": "smd-1"}
    sdm_stub.add_response("describe_execution", {"state": "QUEUED"}, params)
    sdm_stub.add_response("describe_execution", {"state": "IN_PROGRESS"}, params)
    sdm_stub.add_response("describe_execution", {"state": "SUCCEEDED"}, params)
    # The service's copy still says UNLOCKED from before the task: proves nothing, keep polling.
    sdm_stub.add_response("describe_device", sdm_device("smd-1", "UNLOCKED", EARLIER), {"managedDeviceId": "smd-1"})
    sdm_stub.add_response("describe_device", sdm_device("smd-1", "UNLOCKED", LATER), {"managedDeviceId": "smd-1"})
    entries = [entry()]
    sdm_stub.api.wait_for_unlock(entries, {"st-0": T0}, timeout=60, poll_interval=5)
    assert entries[0]["state"] == "UNLOCKED" and entries[0]["execution_state"] == "SUCCEEDED"
    assert fake_time.sleeps == [5, 5, 5]
    assert _sdm_states.failure_message(entries, 60) is None


def test_an_execution_reported_completed_counts_as_succeeded(sdm_stub, sdm_device):
    sdm_stub.add_response("describe_execution", {"state": "COMPLETED"}, {"taskId": "st-0", "managedDeviceId": "smd-1"})
    sdm_stub.add_response("describe_device", sdm_device("smd-1", "UNLOCKED", LATER), {"managedDeviceId": "smd-1"})
    entries = [entry()]
    sdm_stub.api.wait_for_unlock(entries, {"st-0": T0}, timeout=60, poll_interval=5)
    assert _sdm_states.failure_message(entries, 60) is None


@pytest.mark.parametrize("state", ["FAILED", "REJECTED", "TIMED_OUT", "CANCELED"])
def test_a_failed_execution_names_job_device_and_what_to_check(state, sdm_stub):
    sdm_stub.add_response("describe_execution", {"state": state}, {"taskId": "st-0", "managedDeviceId": "smd-1"})
    entries = [entry()]
    sdm_stub.api.wait_for_unlock(entries, {"st-0": T0}, timeout=60, poll_interval=5)
    message = _sdm_states.failure_message(entries, 60)
    assert VALID_JOB_ID in message and "smd-1" in message and state in message
    assert _sdm_states._WHAT_TO_CHECK[state] in message


def test_polling_is_bounded_by_the_timeout(fake_time, sdm_stub):
    for _round in range(4):
        sdm_stub.add_response("describe_execution", {"state": "QUEUED"}, {"taskId": "st-0", "managedDeviceId": "smd-1"})
    entries = [entry()]
    sdm_stub.api.wait_for_unlock(entries, {"st-0": T0}, timeout=30, poll_interval=10)
    assert fake_time.now == 30
    message = _sdm_states.failure_message(entries, 30)
    assert "still QUEUED after 30s" in message and "reach the AWS region" in message


def test_one_failure_does_not_stop_waiting_for_the_others(sdm_stub, sdm_device):
    sdm_stub.add_response("describe_execution", {"state": "FAILED"}, {"taskId": "st-0", "managedDeviceId": "smd-1"})
    sdm_stub.add_response(
        "describe_execution", {"state": "IN_PROGRESS"}, {"taskId": "st-0", "managedDeviceId": "smd-2"}
    )
    sdm_stub.add_response("describe_execution", {"state": "SUCCEEDED"}, {"taskId": "st-0", "managedDeviceId": "smd-2"})
    sdm_stub.add_response("describe_device", sdm_device("smd-2", "UNLOCKED", LATER), {"managedDeviceId": "smd-2"})
    entries = [entry("smd-1"), entry("smd-2")]
    sdm_stub.api.wait_for_unlock(entries, {"st-0": T0}, timeout=60, poll_interval=1)
    assert [e["execution_state"] for e in entries] == ["FAILED", "SUCCEEDED"]
    assert "1 device(s)" in _sdm_states.failure_message(entries, 60)


# -- input -------------------------------------------------------------------
def test_retries_must_not_be_negative():
    with pytest.raises(SnowballError, match="retries must be 0 or more"):
        device_management.ManagedDevices.backoff(-1)


def test_the_factory_builds_a_retrying_client_for_the_endpoint():
    params = {
        "region": "us-east-1",
        "endpoint_url": "http://127.0.0.1:9",
        "access_key": "AKIAUNITTEST00000000",
        "secret_key": "unit-test-secret",
        "retries": 2,
    }
    api = connect(device_management.ManagedDevices, params)
    assert api.client.client.meta.endpoint_url == "http://127.0.0.1:9"
    assert api.client.client.meta.service_model.signing_name == "snow-device-management"
    assert api.client.client.meta.config.max_pool_connections == device_management.CONCURRENCY
    assert api.resource_actions() == []


def test_throttling_is_retried_by_the_factorys_client(monkeypatch, sdm_summary):
    from ansible_collections.amazon.aws.plugins.module_utils import cloud

    monkeypatch.setattr(cloud.time, "sleep", lambda seconds: None)
    params = {"region": "us-east-1", "access_key": "AKIAUNITTEST00000000", "secret_key": "s", "retries": 3}
    api = connect(device_management.ManagedDevices, params)
    with Stubber(api.client.client) as stubber:
        for _attempt in range(2):
            stubber.add_client_error("list_devices", service_error_code="ThrottlingException", http_status_code=429)
        stubber.add_client_error("list_devices", service_error_code="InternalServerException", http_status_code=500)
        stubber.add_response("list_devices", {"devices": [sdm_summary("smd-1")]}, {"jobId": VALID_JOB_ID})
        assert len(api.list_devices(VALID_JOB_ID)) == 1


def test_fleet_calls_run_concurrently_in_order_and_the_first_failure_is_raised_after_all_end(sdm_client):
    import threading

    api = ManagedDevices(sdm_client(), retrying=False, concurrency=4)
    running = []
    peak = []
    lock = threading.Lock()
    barrier = threading.Barrier(4, timeout=5)

    def call(item):
        with lock:
            running.append(item)
            peak.append(len(running))
        barrier.wait()  # only passes when four calls are in flight together
        with lock:
            running.remove(item)
        return item * 2

    assert api._map(call, [1, 2, 3, 4]) == [2, 4, 6, 8]
    assert max(peak) == 4

    ended = []

    def fail_some(item):
        ended.append(item)
        if item % 2:
            raise SnowballError(f"failed {item}")
        return item

    with pytest.raises(SnowballError, match="failed 1"):
        api._map(fail_some, list(range(1, 9)))
    assert sorted(ended) == list(range(1, 9))
