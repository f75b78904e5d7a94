"""The action plugin of edge.snowball.managed_device_unlock (and managed_device_info, which shares
it): on the controller, before ansible-core can echo the module's arguments in ``invocation``, it
refuses a bad job id and a managed device id shaped like an unlock code, never repeating the value,
and runs no module; it refuses ``async``; valid ids (in check mode too) reach the module unchanged."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleActionFail

from ansible_collections.edge.snowball.plugins.action.managed_device_unlock import check_ids

from unit.constants import FAKE_CODE
from unit.constants import OTHER_JOB_ID
from unit.constants import VALID_JOB_ID

CODE = "AB3DE-FGH1J-KLMN0-PQRST-UVWX9"
JOB = VALID_JOB_ID
DEVICES = {"changed": True, "devices": [{"job_id": JOB, "managed_device_id": "smd-1", "state": "UNLOCKED"}]}


@pytest.mark.parametrize(
    "args",
    [
        {"job_ids": [JOB, CODE]},
        {"job_ids": f"{JOB},{CODE}"},
        {"job_ids": [CODE.lower()]},
        {"job_ids": [CODE[:-1]]},
        {"managed_device_ids": [f" {CODE}\n"]},
        {"managed_device_ids": [CODE.replace("-", "")]},
    ],
)
def test_id_refusal_never_repeats_the_value(args, action_plugin):
    """The base class's job id check and this plugin's own id checks, as a task meets them."""
    result = action_plugin("managed_device_unlock", args, DEVICES).run(task_vars={})
    assert result["failed"] is True and result["error_code"] in ("InvalidJobId", "InvalidManagedDeviceId")
    for form in (CODE, CODE.lower(), CODE[:-1], CODE.replace("-", ""), CODE[:17]):
        assert form.lower() not in str(result).lower()


def test_real_ids_pass_the_check():
    check_ids({"job_ids": [JOB], "managed_device_ids": None})
    check_ids({"managed_device_ids": ["smd-0123456789abcdef"], "task_ids": "st-ficthmqoc2pht9gd"})


@pytest.mark.parametrize("module", ["managed_device_unlock", "managed_device_info"])
@pytest.mark.parametrize("value", ["smd-" + "a" * 61, " smd-1", "smd 1", ""])
def test_each_module_refuses_a_device_id_with_the_modules_own_rule_on_the_controller(action_plugin, module, value):
    """One device-id check (_sdm/input.require_valid_device_ids) for the module and its action plugin:
    an id too long, with blanks or empty is refused before any module runs, and not quoted."""
    plugin = action_plugin(module, {"managed_device_ids": ["smd-1", value], "region": "us-east-1"}, DEVICES)
    result = plugin.run(task_vars={})
    assert result["failed"] is True and result["error_code"] == "InvalidManagedDeviceId", result
    assert "which is not a managed device id" in result["msg"]
    plugin._execute_module.assert_not_called()
    if value.strip():
        assert value.strip() not in result["msg"]


@pytest.mark.parametrize(
    ("args", "error_code"),
    [
        ({"job_ids": [VALID_JOB_ID, FAKE_CODE]}, "InvalidJobId"),
        ({"job_ids": f"{VALID_JOB_ID},{FAKE_CODE}"}, "InvalidJobId"),
        ({"job_ids": ["JID-short"]}, "InvalidJobId"),
        ({"managed_device_ids": ["smd-1", f"{FAKE_CODE}\n"]}, "InvalidManagedDeviceId"),
        ({"managed_device_ids": [FAKE_CODE.replace("-", "").upper()]}, "InvalidManagedDeviceId"),
    ],
)
def test_a_bad_id_is_refused_on_the_controller_and_no_module_runs(action_plugin, assert_no_code, args, error_code):
    plugin = action_plugin("managed_device_unlock", dict(args, region="us-east-1"), DEVICES)
    result = plugin.run(task_vars={})
    assert result["failed"] is True and result["changed"] is False
    assert result["error_code"] == error_code
    plugin._execute_module.assert_not_called()
    assert_no_code(result)
    assert "invocation" not in result


def test_a_code_as_an_id_is_refused_in_check_mode_too(action_plugin, assert_no_code):
    plugin = action_plugin("managed_device_unlock", {"managed_device_ids": [FAKE_CODE]}, DEVICES, check_mode=True)
    result = plugin.run(task_vars={})
    assert result["failed"] is True and result["error_code"] == "InvalidManagedDeviceId"
    plugin._execute_module.assert_not_called()
    assert_no_code(result)


@pytest.mark.parametrize("check_mode", [False, True])
def test_valid_ids_reach_the_module_unchanged(action_plugin, check_mode):
    args = {"job_ids": [VALID_JOB_ID, OTHER_JOB_ID], "managed_device_ids": ["smd-0123456789abcdef"], "wait": False}
    plugin = action_plugin("managed_device_unlock", args, DEVICES, check_mode=check_mode)
    result = plugin.run(task_vars={})
    assert not result.get("failed"), result
    assert result["devices"] == DEVICES["devices"] and result["changed"] is True
    plugin._execute_module.assert_called_once()
    assert "module_args" not in plugin._execute_module.call_args.kwargs  # the task's own arguments
    assert plugin._task.args == args
    assert "_ansible_no_log" not in result  # nothing secret in an id check's result


def test_async_is_refused_before_the_module_runs(action_plugin):
    plugin = action_plugin("managed_device_unlock", {"job_ids": [VALID_JOB_ID]}, DEVICES, async_val=60)
    with pytest.raises(AnsibleActionFail, match="does not support async"):
        plugin.run(task_vars={})
    plugin._execute_module.assert_not_called()


def test_a_long_wait_runs_in_periods_each_after_the_first_waiting_for_its_tasks(action_plugin, monkeypatch):
    """Issue 23 item 4, remote half: the action shows the devices' states between periods; the second
    period is given the first's task_ids (no second task); the whole task is changed."""
    from ansible_collections.edge.snowball.plugins.action import managed_device_unlock as action

    waiting = {
        "failed": True,
        "timed_out": True,
        "changed": True,
        "msg": "still IN_PROGRESS after 2s; ...",
        "task_ids": ["st-1"],
        "devices": [{"job_id": JOB, "managed_device_id": "smd-1", "state": "LOCKED", "execution_state": "IN_PROGRESS"}],
    }
    done = dict(DEVICES, changed=False, task_ids=["st-1"])
    lines = []
    monkeypatch.setattr(action.Display, "display", lambda self, msg, *a, **k: lines.append(msg))
    plugin = action_plugin("managed_device_unlock", {"job_ids": [JOB], "timeout": 10, "progress_interval": 2})
    plugin._execute_module.side_effect = [dict(waiting), dict(done)]
    result = plugin.run(task_vars={})
    assert not result.get("failed"), result
    first, second = (call.kwargs["module_args"] for call in plugin._execute_module.call_args_list)
    assert first["timeout"] == 2 and "task_ids" not in first
    assert second["task_ids"] == ["st-1"] and second["timeout"] == 2
    assert result["changed"] is True
    assert len(lines) == 1 and lines[0].startswith(f"remote unlock: 0 of 1 device(s) UNLOCKED; waiting for {JOB}")


def test_no_periods_without_a_wait(action_plugin):
    plugin = action_plugin("managed_device_unlock", {"job_ids": [JOB], "wait": "no", "progress_interval": 2})
    plugin.run(task_vars={})
    plugin._execute_module.assert_called_once()
    assert "timeout" not in plugin._execute_module.call_args.kwargs.get("module_args", {})


@pytest.mark.parametrize("form", [FAKE_CODE, FAKE_CODE.replace("-", "").lower(), f"st-{FAKE_CODE}"])
def test_a_code_in_task_ids_is_refused_before_the_module_runs(action_plugin, assert_no_code, form):
    """The new option has no check of its own: the common one of every option refuses a code there."""
    plugin = action_plugin("managed_device_unlock", {"job_ids": [JOB], "task_ids": [form]}, DEVICES)
    result = plugin.run(task_vars={})
    assert result["failed"] is True and result["error_code"] == "CodeInWrongOption", result
    plugin._execute_module.assert_not_called()
    assert_no_code(result)


@pytest.mark.parametrize(
    "args, code",
    [
        ({"job_ids": [JOB], "task_ids": ["Zq8/Xv3+Lm5kZq8/Xv3+Lm5kZq8/Xv3+Lm5kZq8/"]}, "SecretKeyInWrongOption"),
        ({"managed_device_ids": ["Zq8/Xv3+Lm5kZq8/Xv3+Lm5kZq8/Xv3+Lm5kZq8/"]}, "SecretKeyInWrongOption"),
        ({"job_ids": [JOB], "task_ids": ["ab3defgh1j-klmn0-pqrs7-uvwx9"]}, "CodeInWrongOption"),
        ({"job_ids": [JOB], "task_ids": ["st-ab3de_fgh1j-klmn0-pqrs7-uvwx9"]}, "CodeInWrongOption"),
        ({"job_ids": [JOB], "task_ids": ["st-Ab3De"]}, "InvalidTaskId"),
    ],
)
def test_a_key_or_anything_but_a_task_id_in_the_id_options_is_refused_unshown(action_plugin, args, code):
    """Attack review: a secret key in task_ids or managed_device_ids, and a code with a dropped or mixed
    separator in task_ids (which the code's shape misses), were passed to the module and echoed in invocation."""
    plugin = action_plugin("managed_device_unlock", args, DEVICES)
    result = plugin.run(task_vars={})
    assert result["failed"] is True and result["error_code"] == code, result
    plugin._execute_module.assert_not_called()
    value = (args.get("task_ids") or args.get("managed_device_ids"))[0]
    assert value not in str(result) and value.lower() not in str(result).lower()


def test_each_device_changed_by_an_earlier_period_stays_changed(action_plugin):
    first = {
        "failed": True,
        "timed_out": True,
        "changed": True,
        "msg": "still IN_PROGRESS after 2s; ...",
        "task_ids": ["st-1"],
        "devices": [{"job_id": JOB, "managed_device_id": "smd-1", "state": "LOCKED", "changed": True}],
    }
    last = {
        "changed": False,
        "task_ids": ["st-1"],
        "devices": [dict(first["devices"][0], state="UNLOCKED", changed=False)],
    }
    plugin = action_plugin("managed_device_unlock", {"job_ids": [JOB], "timeout": 10, "progress_interval": 2})
    plugin._execute_module.side_effect = [first, last]
    result = plugin.run(task_vars={})
    assert result["changed"] is True and result["devices"][0]["changed"] is True, result
