"""edge.snowball.managed_device_info's module, with Snow Device Management stubbed (``sdm_stub``)."""

from __future__ import annotations

import pytest

from ansible_collections.edge.snowball.plugins.modules import managed_device_info

from unit.constants import LATER
from unit.constants import OTHER_JOB_ID
from unit.constants import VALID_JOB_ID

BASE_ARGS = {"region": "us-east-1", "access_key": "AKIAUNITTEST00000000", "secret_key": "unit-test-secret"}


@pytest.fixture
def full(sdm_device):
    """``full(device_id, job)``: a DescribeDevice answer with every field managed_device_info returns."""

    def build(device_id, job=VALID_JOB_ID):
        answer = sdm_device(device_id, "UNLOCKED", LATER, job)
        answer.update(
            deviceType="SNC1_SSD",
            managedDeviceArn=f"arn:aws:snow-device-management:us-east-1:123456789012:managed-device/{device_id}",
            software={"installedVersion": "122", "installState": "INSTALLED"},
            physicalNetworkInterfaces=[{"ipAddress": "192.0.2.10", "physicalConnectorType": "RJ45"}],
            tags={"siteName": "north"},
        )
        return answer

    return build


def test_describes_the_devices_of_jobs_in_snake_case(sdm_stub, run_module, sdm_summary, full):
    sdm_stub.add_response("list_devices", {"devices": [sdm_summary("smd-1")]}, {"jobId": VALID_JOB_ID})
    sdm_stub.add_response("list_devices", {"devices": []}, {"jobId": OTHER_JOB_ID})
    sdm_stub.add_response("describe_device", full("smd-1"), {"managedDeviceId": "smd-1"})
    result = run_module(managed_device_info.main, dict(BASE_ARGS, job_ids=[VALID_JOB_ID, OTHER_JOB_ID]))
    assert not result.failed, result.result
    (one,) = result.result["devices"]
    assert one["managed_device_id"] == "smd-1"
    assert one["job_id"] == VALID_JOB_ID
    assert one["state"] == one["device_state"] == "UNLOCKED"
    assert one["device_type"] == "SNC1_SSD"
    assert one["last_updated_at"] == LATER.isoformat()
    assert one["software"] == {"installed_version": "122", "install_state": "INSTALLED"}
    assert one["physical_network_interfaces"] == [{"ip_address": "192.0.2.10", "physical_connector_type": "RJ45"}]
    assert one["tags"] == {"siteName": "north"}  # tags are the user's: unchanged
    assert result.result["jobs_without_device"] == [OTHER_JOB_ID]
    assert result.result["changed"] is False


def test_no_selection_lists_every_device_on_every_page(sdm_stub, run_module, sdm_summary, full):
    sdm_stub.add_response("list_devices", {"devices": [sdm_summary("smd-1")], "nextToken": "bmV4dA=="}, {})
    sdm_stub.add_response("list_devices", {"devices": [sdm_summary("smd-2", OTHER_JOB_ID)]}, {"nextToken": "bmV4dA=="})
    sdm_stub.add_response("describe_device", full("smd-1"), {"managedDeviceId": "smd-1"})
    sdm_stub.add_response("describe_device", full("smd-2", OTHER_JOB_ID), {"managedDeviceId": "smd-2"})
    result = run_module(managed_device_info.main, dict(BASE_ARGS))
    assert [d["job_id"] for d in result.result["devices"]] == [VALID_JOB_ID, OTHER_JOB_ID]


def test_by_managed_device_id(sdm_stub, run_module, full):
    sdm_stub.add_response("describe_device", full("smd-2", OTHER_JOB_ID), {"managedDeviceId": "smd-2"})
    result = run_module(managed_device_info.main, dict(BASE_ARGS, managed_device_ids=["smd-2"]))
    assert result.result["devices"][0]["job_id"] == OTHER_JOB_ID


def test_bad_job_id_fails_before_any_call(sdm_stub, run_module):
    result = run_module(managed_device_info.main, dict(BASE_ARGS, job_ids=["JID-nope"]))
    assert result.failed and "39 characters" in result.result["msg"]
    sdm_stub.factory.assert_not_called()


def test_unknown_device_is_a_readable_failure(sdm_stub, run_module):
    sdm_stub.add_client_error("describe_device", service_error_code="ResourceNotFoundException", http_status_code=404)
    result = run_module(managed_device_info.main, dict(BASE_ARGS, managed_device_ids=["smd-9"]))
    assert result.failed and "smd-9 was not found" in result.result["msg"]
    assert "exception" not in result.result
