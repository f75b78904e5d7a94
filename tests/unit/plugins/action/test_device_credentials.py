"""The action plugin of edge.snowball.device_credentials: device_unlock's guards (it takes a code
too), and, because its result holds the device's secret access key, that result censored even
without task no_log, a key-shaped option refused before the module runs, and no failed_when/until
inside a block with rescue or always."""

from __future__ import annotations

from unittest import mock

import pytest

from ansible.errors import AnsibleActionFail

from unit.constants import FAKE_CODE
from unit.constants import FAKE_SECRET_KEY

ARGS = {"endpoint": "https://192.0.2.10", "manifest_file": "/m", "unlock_code": FAKE_CODE}
KEYS = {"changed": False, "access_key_id": "AKIAEXAMPLEDEVICE001", "secret_access_key": FAKE_SECRET_KEY}


def test_a_result_holding_the_secret_key_is_censored_without_task_no_log(action_plugin):
    plugin = action_plugin("device_credentials", ARGS, KEYS)
    result = plugin.run(task_vars={})
    assert result["secret_access_key"] == FAKE_SECRET_KEY and result["_ansible_no_log"] is True
    assert plugin._task.no_log is True  # 2.17/2.18 rebuild the task for the callbacks


def test_a_failure_holds_no_key_and_stays_readable(action_plugin):
    failed = {"failed": True, "msg": "snowballEdge list-access-keys failed (exit status 1): ********"}
    result = action_plugin("device_credentials", ARGS, failed).run(task_vars={})
    assert result["failed"] is True and "_ansible_no_log" not in result


@pytest.mark.parametrize("option", ["aws_profile", "credentials_file", "access_key_id"])
def test_a_secret_key_in_another_option_is_refused_before_the_module_runs(action_plugin, option):
    plugin = action_plugin("device_credentials", dict(ARGS, **{option: FAKE_SECRET_KEY}), KEYS)
    result = plugin.run(task_vars={})
    assert result["failed"] is True and result["error_code"] == "SecretKeyInWrongOption"
    assert result["msg"].startswith(f"{option} holds something shaped like a secret access key (not shown)")
    assert FAKE_SECRET_KEY[:10] not in str(result)
    plugin._execute_module.assert_not_called()


def test_without_pipelining_the_module_is_not_run(action_plugin, assert_no_code):
    plugin = action_plugin("device_credentials", ARGS, KEYS, pipelining=False)
    result = plugin.run(task_vars={})
    assert result["msg"].startswith("device_credentials refused: pipelining is off")
    plugin._execute_module.assert_not_called()
    assert_no_code(result)


def test_async_is_refused_before_the_module_runs(action_plugin):
    plugin = action_plugin("device_credentials", ARGS, KEYS, async_val=60)
    with pytest.raises(AnsibleActionFail, match="does not support async"):
        plugin.run(task_vars={})
    plugin._execute_module.assert_not_called()


def test_a_condition_that_could_hand_the_key_to_a_rescue_is_refused(action_plugin):
    plugin = action_plugin("device_credentials", ARGS, KEYS, failed_when=["result.changed"])
    with mock.patch("ansible_collections.edge.snowball.plugins.plugin_utils.secrets_guard.rescue_or_always") as inside:
        inside.return_value = True
        result = plugin.run(task_vars={})
    assert "would hand the key to ansible_failed_result" in result["msg"]
    plugin._execute_module.assert_not_called()
