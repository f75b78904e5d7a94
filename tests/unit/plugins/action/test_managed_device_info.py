"""The action plugin ansible-core's loader finds for edge.snowball.managed_device_info: the same id
checks as managed_device_unlock's (test_managed_device_unlock.py), so an info task refuses a code
typed into an id field before its module runs, and a check-mode run still describes the devices."""

from __future__ import annotations

import pytest

from unit.constants import FAKE_CODE
from unit.constants import VALID_JOB_ID

DESCRIBED = {"changed": False, "devices": [{"managed_device_id": "smd-1"}], "jobs_without_device": []}


@pytest.mark.parametrize(
    ("args", "error_code"),
    [({"job_ids": [FAKE_CODE]}, "InvalidJobId"), ({"managed_device_ids": [f" {FAKE_CODE}"]}, "InvalidManagedDeviceId")],
)
def test_an_info_task_refuses_a_code_given_as_an_id(action_plugin, assert_no_code, args, error_code):
    plugin = action_plugin("managed_device_info", args, DESCRIBED)
    result = plugin.run(task_vars={})
    assert result["failed"] is True and result["error_code"] == error_code
    plugin._execute_module.assert_not_called()
    assert_no_code(result)


def test_an_info_task_in_check_mode_describes_the_devices(action_plugin):
    plugin = action_plugin("managed_device_info", {"job_ids": [VALID_JOB_ID]}, DESCRIBED, check_mode=True)
    result = plugin.run(task_vars={})
    assert not result.get("failed"), result
    assert result["devices"] == DESCRIBED["devices"] and result["changed"] is False
    plugin._execute_module.assert_called_once()
