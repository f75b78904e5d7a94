from __future__ import annotations

from unittest import mock

import pytest
from botocore.stub import Stubber

from ansible_collections.edge.snowball.plugins.module_utils.device_management import ManagedDevices
from ansible_collections.edge.snowball.plugins.modules import managed_device_info
from unit.helpers import VALID_JOB_ID
from unit.helpers import run_module
from unit.plugins.module_utils.test_device_management import JOB2
from unit.plugins.module_utils.test_device_management import LATER
from unit.plugins.module_utils.test_device_management import device
from unit.plugins.module_utils.test_device_management import sdm_client
from unit.plugins.module_utils.test_device_management import summary

BASE_ARGS = {"region": "us-east-1", "access_key": "AKIAUNITTEST00000000", "secret_key": "unit-test-secret"}


@pytest.fixture
def stub():
    client = sdm_client()
    stubber = Stubber(client)
    api = ManagedDevices(client, retrying=False, concurrency=1)
    with mock.patch.object(managed_device_info, "managed_devices", return_value=(api, [])) as factory:
        with stubber:
            stubber.factory = factory
            yield stubber
    stubber.assert_no_pending_responses()


def full(device_id, job=VALID_JOB_ID):
    answer = device(device_id, "UNLOCKED", LATER, job)
    answer.update(
        deviceType="SNC1_SSD",
        managedDeviceArn=f"arn:aws:snow-device-management:us-east-1:123456789012:managed-device/{device_id}",
        software={"installedVersion": "122", "installState": "INSTALLED"},
        physicalNetworkInterfaces=[{"ipAddress": "192.0.2.10", "physicalConnectorType": "RJ45"}],
        tags={"siteName": "north"},
    )
    return answer


def test_describes_the_devices_of_jobs_in_snake_case(stub):
    stub.add_response("list_devices", {"devices": [summary("smd-1")]}, {"jobId": VALID_JOB_ID})
    stub.add_response("list_devices", {"devices": []}, {"jobId": JOB2})
    stub.add_response("describe_device", full("smd-1"), {"managedDeviceId": "smd-1"})
    result = run_module(managed_device_info.main, dict(BASE_ARGS, job_ids=[VALID_JOB_ID, JOB2]))
    assert not result.failed, result.result
    (one,) = result.result["devices"]
    assert one["managed_device_id"] == "smd-1"
    assert one["job_id"] == VALID_JOB_ID
    assert one["device_state"] == "UNLOCKED"
    assert one["device_type"] == "SNC1_SSD"
    assert one["last_updated_at"] == LATER.isoformat()
    assert one["software"] == {"installed_version": "122", "install_state": "INSTALLED"}
    assert one["physical_network_interfaces"] == [{"ip_address": "192.0.2.10", "physical_connector_type": "RJ45"}]
    assert one["tags"] == {"siteName": "north"}  # tags are the user's: unchanged
    assert result.result["jobs_without_device"] == [JOB2]
    assert result.result["changed"] is False


def test_no_selection_lists_every_device_on_every_page(stub):
    stub.add_response("list_devices", {"devices": [summary("smd-1")], "nextToken": "bmV4dA=="}, {})
    stub.add_response("list_devices", {"devices": [summary("smd-2", JOB2)]}, {"nextToken": "bmV4dA=="})
    stub.add_response("describe_device", full("smd-1"), {"managedDeviceId": "smd-1"})
    stub.add_response("describe_device", full("smd-2", JOB2), {"managedDeviceId": "smd-2"})
    result = run_module(managed_device_info.main, dict(BASE_ARGS))
    assert [d["job_id"] for d in result.result["devices"]] == [VALID_JOB_ID, JOB2]


def test_by_managed_device_id(stub):
    stub.add_response("describe_device", full("smd-2", JOB2), {"managedDeviceId": "smd-2"})
    result = run_module(managed_device_info.main, dict(BASE_ARGS, managed_device_ids=["smd-2"]))
    assert result.result["devices"][0]["job_id"] == JOB2


def test_bad_job_id_fails_before_any_call(stub):
    result = run_module(managed_device_info.main, dict(BASE_ARGS, job_ids=["JID-nope"]))
    assert result.failed and "39 characters" in result.result["msg"]
    stub.factory.assert_not_called()


def test_unknown_device_is_a_readable_failure(stub):
    stub.add_client_error("describe_device", service_error_code="ResourceNotFoundException", http_status_code=404)
    result = run_module(managed_device_info.main, dict(BASE_ARGS, managed_device_ids=["smd-9"]))
    assert result.failed and "smd-9 was not found" in result.result["msg"]
    assert "exception" not in result.result
