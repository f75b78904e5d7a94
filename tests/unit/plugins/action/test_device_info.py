"""The action plugin ansible-core's loader finds for edge.snowball.device_info: device_unlock's
guards (test_device_unlock.py), so a device_info task, which takes the code too, refuses to run
without pipelining or with a value not shaped like a code, hands the module the stripped code, and
censors a looped result whose item holds it."""

from __future__ import annotations

from unit.constants import FAKE_CODE

STATE = {"changed": False, "state": "UNLOCKED"}


def test_a_device_info_task_without_pipelining_runs_no_module(action_plugin, assert_no_code):
    plugin = action_plugin("device_info", {"unlock_code": FAKE_CODE}, STATE, pipelining=False)
    result = plugin.run(task_vars={})
    assert result["failed"] is True and result["msg"].startswith("device_info refused: pipelining is off")
    plugin._execute_module.assert_not_called()
    assert_no_code(result)


def test_a_device_info_task_refuses_a_value_not_shaped_like_a_code(action_plugin, assert_no_code):
    plugin = action_plugin("device_info", {"unlock_code": FAKE_CODE[:-1]}, STATE)
    result = plugin.run(task_vars={})
    assert result["failed"] is True and result["msg"].startswith("device_info refused: unlock_code")
    plugin._execute_module.assert_not_called()
    assert_no_code(result, FAKE_CODE[:-1])


def test_a_device_info_task_gets_the_code_stripped_and_a_looped_result_censored(action_plugin):
    plugin = action_plugin("device_info", {"unlock_code": f"{FAKE_CODE}\n"}, STATE, loop=[FAKE_CODE])
    result = plugin.run(task_vars={"item": FAKE_CODE})
    assert plugin._execute_module.call_args.kwargs["module_args"] == {"unlock_code": FAKE_CODE}
    assert result["state"] == "UNLOCKED" and result["_ansible_no_log"] is True
