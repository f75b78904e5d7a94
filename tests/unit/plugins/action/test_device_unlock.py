"""The action plugin of edge.snowball.device_unlock (and device_info, which shares it): it refuses,
on the controller and before the code leaves it, a run without pipelining, with ANSIBLE_DEBUG on or
with a value that is not code-shaped (never repeating it); it strips the code and censors a looped
task whose item holds it. Real Task, PlayContext, DataLoader, Templar and ansible-core's ``local``
connection plugin; only the module run (``_execute_module``) is a stand-in."""

from __future__ import annotations

from unittest import mock

import pytest

from ansible import constants
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.loop_control import LoopControl
from ansible.playbook.play_context import PlayContext
from ansible.playbook.task import Task
from ansible.plugins.loader import connection_loader
from ansible.template import Templar

from ansible_collections.edge.snowball.plugins.action.device_unlock import ActionModule

from unit.constants import FAKE_CODE
from unit.constants import FAKE_SECRET_KEY

try:
    from ansible.template import trust_as_template
except ImportError:  # ansible-core < 2.19 templates every string

    def trust_as_template(value):
        return value


def action(args, name="device_unlock", pipelining=True, loop=None, label=None):
    loader = DataLoader()
    task = Task()
    task.action = f"edge.snowball.{name}"
    task.args = dict(args)
    if loop is not None:
        task.loop = loop
    if label is not None:
        # a label read from a playbook is trusted as a template; a Python string is not (2.19+)
        task.loop_control = LoopControl.load({"label": trust_as_template(label)})
    play_context = PlayContext()
    connection = connection_loader.get("ansible.builtin.local", play_context, None)
    connection.set_option("pipelining", pipelining)
    plugin = ActionModule(task, connection, play_context, loader, Templar(loader=loader), None)
    plugin._execute_module = mock.MagicMock(return_value={"changed": True, "state": "unlocked"})
    return plugin


@pytest.mark.parametrize("name", ["device_unlock", "device_info"])
def test_without_pipelining_the_module_is_not_run(name, assert_no_code):
    plugin = action({"unlock_code": FAKE_CODE}, name=name, pipelining=False)
    result = plugin.run(task_vars={})
    assert result["failed"] is True
    assert result["msg"].startswith(f"{name} refused: pipelining is off")
    plugin._execute_module.assert_not_called()
    assert_no_code(result)


def test_with_pipelining_the_module_gets_the_code_stripped():
    plugin = action({"unlock_code": f"  {FAKE_CODE}\n", "endpoint": "https://192.0.2.1"})
    result = plugin.run(task_vars={})
    assert not result.get("failed"), result
    args = plugin._execute_module.call_args.kwargs["module_args"]
    # the first period of the default timeout (plugin_utils/progress.py): the module ran once, it succeeded
    assert args == {"unlock_code": FAKE_CODE, "endpoint": "https://192.0.2.1", "timeout": 60}
    assert plugin._execute_module.call_count == 1
    assert "_ansible_no_log" not in result


def test_ansible_debug_is_refused_before_the_module_runs(assert_no_code):
    plugin = action({"unlock_code": FAKE_CODE})
    with mock.patch.object(constants, "DEFAULT_DEBUG", True):
        result = plugin.run(task_vars={})
    assert result["failed"] is True
    assert "ANSIBLE_DEBUG" in result["msg"]
    plugin._execute_module.assert_not_called()
    assert_no_code(result)


@pytest.mark.parametrize(
    "value", [FAKE_CODE[:-1], FAKE_CODE + "x", FAKE_CODE.replace("-", " "), "my password", FAKE_CODE.replace("-", "_")]
)
def test_a_value_not_shaped_like_a_code_is_refused_without_repeating_it(value, assert_no_code):
    plugin = action({"unlock_code": value})
    result = plugin.run(task_vars={})
    assert result["failed"] is True
    assert result["msg"].startswith("device_unlock refused: unlock_code")
    assert value not in result["msg"]
    assert_no_code(result, value)
    plugin._execute_module.assert_not_called()


@pytest.mark.parametrize("name", ["device_unlock", "device_info"])
def test_a_loop_item_holding_the_code_censors_the_result(name):
    plugin = action({"unlock_code": FAKE_CODE}, name=name, loop=[{"code": FAKE_CODE}])
    result = plugin.run(task_vars={"item": {"code": FAKE_CODE, "site": "a"}})
    assert result["_ansible_no_log"] is True
    assert plugin._task.no_log is True


def test_a_loop_label_holding_the_code_censors_the_result():
    plugin = action({"unlock_code": FAKE_CODE}, loop=["a"], label="{{ item }} {{ code }}")
    result = plugin.run(task_vars={"item": "a", "code": FAKE_CODE})
    assert result["_ansible_no_log"] is True


def test_a_loop_that_does_not_show_the_code_is_not_censored():
    plugin = action({"unlock_code": FAKE_CODE}, loop=["a"], label="{{ item }}")
    result = plugin.run(task_vars={"item": "site-a"})
    assert "_ansible_no_log" not in result
    assert not plugin._task.no_log


@pytest.mark.parametrize("name", ["device_unlock", "device_info", "device_credentials"])
def test_a_secret_access_key_in_any_option_is_refused_before_the_module_runs(name, action_plugin):
    args = {"endpoint": f"https://{FAKE_SECRET_KEY}", "manifest_file": "/m", "unlock_code": FAKE_CODE}
    plugin = action_plugin(name, args, {"changed": False})
    result = plugin.run(task_vars={})
    assert result["failed"] is True and result["error_code"] == "SecretKeyInWrongOption"
    assert result["msg"].startswith("endpoint holds something shaped like a secret access key (not shown)")
    assert FAKE_SECRET_KEY[:10] not in str(result)
    plugin._execute_module.assert_not_called()
