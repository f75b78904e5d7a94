"""The emulator's Snow Device Management API, driven by real botocore over HTTP."""

from __future__ import annotations

import json
import time
import urllib.request

import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from emulator import device_management
from emulator.api import CREDENTIALS
from emulator.api import DEFAULT_ACCESS_KEY
from emulator.api import EmulatorServer
from emulator.jobs import default_jobs


@pytest.fixture
def sdm_server():
    with EmulatorServer(jobs=default_jobs(extra=25)) as srv:
        device_management.configure(srv, execution_time=0.3)
        yield srv


def client(sdm_server, key=DEFAULT_ACCESS_KEY, service="snow-device-management"):
    return botocore.session.get_session().create_client(
        service,
        region_name="us-east-1",
        endpoint_url=sdm_server.url,
        aws_access_key_id=key,
        aws_secret_access_key=CREDENTIALS[key][0],
        config=Config(retries={"total_max_attempts": 1}),
    )


def control(sdm_server, path, payload=None):
    data = None if payload is None else json.dumps(payload).encode()
    return json.load(urllib.request.urlopen(urllib.request.Request(sdm_server.url + path, data=data)))


def device_of(sdm_server, name):
    return control(sdm_server, "/_emulator/managed-devices")["devices"][name]["managed_device_id"]


def test_seeds_managed_devices_only_for_jobs_with_remote_management(sdm_server):
    sdm = client(sdm_server)
    jobs = sdm_server.state.by_name
    assert len(sdm.list_devices(jobId=jobs["ready1"].job_id)["devices"]) == 1
    assert sdm.list_devices(jobId=jobs["ready3"].job_id)["devices"] == []
    everything = [d for page in sdm.get_paginator("list_devices").paginate() for d in page["devices"]]
    assert len(everything) == 6 + 25  # ready1-2, import1, cluster1-3, fleet1-25
    assert {d["associatedWithJob"] for d in everything} >= {jobs["ready1"].job_id, jobs["fleet25"].job_id}
    assert "nextToken" in sdm.list_devices(), "pages of 10"


def test_unlock_goes_queued_in_progress_succeeded_and_updates_the_device_after_the_task(sdm_server):
    device_management.configure(sdm_server, execution_time=1.0)
    sdm = client(sdm_server)
    device_id = device_of(sdm_server, "ready1")
    before = sdm.describe_device(managedDeviceId=device_id)
    assert before["deviceState"] == "LOCKED"
    task = sdm.create_task(targets=[device_id], command={"unlock": {}})
    created = sdm.describe_task(taskId=task["taskId"])["createdAt"]
    assert before["lastUpdatedAt"] < created
    seen = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        state = sdm.describe_execution(taskId=task["taskId"], managedDeviceId=device_id)["state"]
        device = sdm.describe_device(managedDeviceId=device_id)["deviceState"]
        if not seen or seen[-1] != (state, device):
            seen.append((state, device))
        if state == "SUCCEEDED":
            break
        time.sleep(0.05)
    # The execution and the device are read in two calls, the device second: a switch may fall between
    # them (("QUEUED", "UNLOCKING") and ("IN_PROGRESS", "UNLOCKED") can be seen, both seen under load),
    # so the device is always at least as far along as the execution read just before it, and neither
    # ever goes back.
    executions = ["QUEUED", "IN_PROGRESS", "SUCCEEDED"]
    devices = ["LOCKED", "UNLOCKING", "UNLOCKED"]
    assert ("IN_PROGRESS", "UNLOCKING") in seen, seen
    assert seen[-1] == ("SUCCEEDED", "UNLOCKED"), seen
    assert all(devices.index(device) >= executions.index(state) for state, device in seen), seen
    for earlier, later in zip(seen, seen[1:]):
        assert executions.index(later[0]) >= executions.index(earlier[0]), seen
        assert devices.index(later[1]) >= devices.index(earlier[1]), seen
    after = sdm.describe_device(managedDeviceId=device_id)
    assert after["lastUpdatedAt"] > created
    assert sdm.describe_task(taskId=task["taskId"])["state"] == "COMPLETED"


def test_one_command_at_a_time_per_device(sdm_server):
    device_management.configure(sdm_server, execution_time=5.0)
    sdm = client(sdm_server)
    device_id = device_of(sdm_server, "ready2")
    first = sdm.create_task(targets=[device_id], command={"unlock": {}})
    second = sdm.create_task(targets=[device_id], command={"unlock": {}})
    assert sdm.describe_execution(taskId=second["taskId"], managedDeviceId=device_id)["state"] == "REJECTED"
    assert sdm.describe_execution(taskId=first["taskId"], managedDeviceId=device_id)["state"] in (
        "QUEUED",
        "IN_PROGRESS",
    )


def test_client_token_makes_create_task_idempotent(sdm_server):
    sdm = client(sdm_server)
    device_id = device_of(sdm_server, "cluster1")
    one = sdm.create_task(targets=[device_id], command={"unlock": {}}, clientToken="same")
    two = sdm.create_task(targets=[device_id], command={"unlock": {}}, clientToken="same")
    assert one["taskId"] == two["taskId"]
    assert len(control(sdm_server, "/_emulator/managed-devices")["tasks"]) == 1


@pytest.mark.parametrize("outcome", ["FAILED", "TIMED_OUT"])
def test_injected_execution_outcome(sdm_server, outcome):
    control(sdm_server, "/_emulator/managed-devices/cluster2", {"outcome": outcome})
    sdm = client(sdm_server)
    device_id = device_of(sdm_server, "cluster2")
    task = sdm.create_task(targets=[device_id], command={"unlock": {}})
    time.sleep(0.35)
    assert sdm.describe_execution(taskId=task["taskId"], managedDeviceId=device_id)["state"] == outcome
    assert sdm.describe_device(managedDeviceId=device_id)["deviceState"] == "LOCKED"


def test_a_device_that_never_reaches_out_stays_queued(sdm_server):
    control(sdm_server, "/_emulator/managed-devices/cluster3", {"reaches_out": False})
    sdm = client(sdm_server)
    device_id = device_of(sdm_server, "cluster3")
    task = sdm.create_task(targets=[device_id], command={"unlock": {}})
    time.sleep(0.35)
    assert sdm.describe_execution(taskId=task["taskId"], managedDeviceId=device_id)["state"] == "QUEUED"
    assert sdm.describe_device(managedDeviceId=device_id)["deviceState"] == "LOCKED"


@pytest.mark.parametrize(
    ("targets", "code"),
    [
        ([], "ValidationException"),
        (["smd-x"] * 2, "ValidationException"),
        (["smd-unknown"], "ResourceNotFoundException"),
    ],
)
def test_create_task_validates_targets(sdm_server, targets, code):
    sdm = client(sdm_server)
    if targets == []:
        # botocore refuses an empty list itself; send 11 targets instead.
        targets = [device_of(sdm_server, f"fleet{i}") for i in range(1, 12)]
    with pytest.raises(ClientError) as info:
        sdm.create_task(targets=targets, command={"unlock": {}})
    assert info.value.response["Error"]["Code"] == code


@pytest.mark.parametrize(
    ("kind", "code", "status"),
    [
        ("throttle", "ThrottlingException", 429),
        ("server_error", "InternalServerException", 500),
        ("denied", "AccessDeniedException", 403),
    ],
)
def test_faults_apply_to_the_api_and_are_counted(sdm_server, kind, code, status):
    control(sdm_server, "/_emulator/faults", {"kind": kind, "operation": "CreateTask", "times": 1})
    sdm = client(sdm_server)
    with pytest.raises(ClientError) as info:
        sdm.create_task(targets=[device_of(sdm_server, "ready1")], command={"unlock": {}})
    assert info.value.response["Error"]["Code"] == code
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    sdm.create_task(targets=[device_of(sdm_server, "ready1")], command={"unlock": {}})
    assert control(sdm_server, "/_emulator/stats")["requests"]["CreateTask"] == 2


def test_sigv4_is_checked_with_the_signing_name(sdm_server):
    wrong = botocore.session.get_session().create_client(
        "snow-device-management",
        region_name="us-east-1",
        endpoint_url=sdm_server.url,
        aws_access_key_id=DEFAULT_ACCESS_KEY,
        aws_secret_access_key="not-the-secret",
        config=Config(retries={"total_max_attempts": 1}),
    )
    with pytest.raises(ClientError) as info:
        wrong.list_devices()
    assert info.value.response["Error"]["Code"] == "InvalidSignatureException"
    denied = [k for k, (_s, policy) in CREDENTIALS.items() if policy == "deny"][0]
    with pytest.raises(ClientError) as info:
        client(sdm_server, denied).list_devices()
    assert info.value.response["Error"]["Code"] == "AccessDeniedException"


def test_requests_signed_for_another_service_are_refused(sdm_server):
    sdm = client(sdm_server)
    sdm._request_signer._signing_name = "snowball"  # a signature scoped to another service
    with pytest.raises(ClientError) as info:
        sdm.list_devices()
    assert "snow-device-management" in info.value.response["Error"]["Message"]


def test_reset_restores_the_seeded_states(sdm_server):
    control(sdm_server, "/_emulator/managed-devices/ready1", {"state": "UNLOCKED", "outcome": "FAILED"})
    control(sdm_server, "/_emulator/managed-devices/_reset", {})
    devices = control(sdm_server, "/_emulator/managed-devices")["devices"]
    assert devices["ready1"]["state"] == "LOCKED" and devices["ready1"]["outcome"] == "SUCCEEDED"
    assert devices["import1"]["state"] == "UNLOCKED"
