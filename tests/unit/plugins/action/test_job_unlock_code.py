"""The action plugin of edge.snowball.job_unlock_code: it censors a result holding the code and
refuses, on the controller, what would show it (a bad job id, ANSIBLE_DEBUG, failed_when in a
block with rescue). Real Task, Block, PlayContext, DataLoader and Templar; only the module run
(``_execute_module``) and the connection (never used) are stand-ins."""

from __future__ import annotations

from unittest import mock

import pytest

from ansible import constants
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.block import Block
from ansible.playbook.play_context import PlayContext
from ansible.playbook.task import Task
from ansible.template import Templar

from ansible_collections.edge.snowball.plugins.action.job_unlock_code import ActionModule

from unit.constants import FAKE_CODE
from unit.constants import VALID_JOB_ID


def action(args, task=None, module_result=None):
    loader = DataLoader()
    task = task or Task()
    task.action = "edge.snowball.job_unlock_code"
    task.args = dict(args)
    connection = mock.MagicMock()
    connection._shell.tmpdir = None
    plugin = ActionModule(task, connection, PlayContext(), loader, Templar(loader=loader), None)
    plugin._execute_module = mock.MagicMock(return_value=dict(module_result or {}))
    return plugin


def test_a_result_holding_the_code_is_censored_like_no_log():
    plugin = action({"job_id": VALID_JOB_ID}, module_result={"changed": False, "unlock_code": FAKE_CODE})
    result = plugin.run(task_vars={})
    assert result["unlock_code"] == FAKE_CODE
    assert result["_ansible_no_log"] is True
    assert plugin._task.no_log is True


def test_a_failure_without_the_code_stays_readable():
    plugin = action({"job_id": VALID_JOB_ID}, module_result={"failed": True, "msg": "AccessDenied: ask for ..."})
    result = plugin.run(task_vars={})
    assert result["failed"] is True
    assert "_ansible_no_log" not in result
    assert not plugin._task.no_log


@pytest.mark.parametrize("job_id", [FAKE_CODE, "JID-short", "", None, "JID123e4567-e89b-12d3-a456-42665544000\x00"])
def test_a_bad_job_id_is_refused_on_the_controller_without_repeating_it(job_id, assert_no_code):
    plugin = action({"job_id": job_id})
    result = plugin.run(task_vars={})
    assert result["failed"] is True
    assert result["error_code"] == "InvalidJobId"
    plugin._execute_module.assert_not_called()
    assert_no_code(result)
    if job_id:
        assert job_id not in result["msg"]


def test_ansible_debug_is_refused_before_the_module_runs():
    plugin = action({"job_id": VALID_JOB_ID}, module_result={"unlock_code": FAKE_CODE})
    with mock.patch.object(constants, "DEFAULT_DEBUG", True):
        result = plugin.run(task_vars={})
    assert result["failed"] is True
    assert "ANSIBLE_DEBUG" in result["msg"]
    plugin._execute_module.assert_not_called()
    assert "unlock_code" not in result


@pytest.mark.parametrize("keyword", ["failed_when", "until"])
@pytest.mark.parametrize("section", ["rescue", "always"])
def test_a_condition_on_the_result_inside_rescue_or_always_is_refused(keyword, section):
    block = Block.load({"block": [{"debug": None}], section: [{"debug": None}]}, loader=DataLoader())
    task = Task(block=block)
    setattr(task, keyword, ["result.job_state != 'Complete'"])
    plugin = action({"job_id": VALID_JOB_ID}, task=task, module_result={"unlock_code": FAKE_CODE})
    result = plugin.run(task_vars={})
    assert result["failed"] is True
    assert "ansible_failed_result" in result["msg"]
    plugin._execute_module.assert_not_called()


def test_a_condition_outside_rescue_or_always_runs():
    block = Block.load({"block": [{"debug": None}]}, loader=DataLoader())
    task = Task(block=block)
    task.failed_when = ["false"]
    plugin = action({"job_id": VALID_JOB_ID}, task=task, module_result={"unlock_code": FAKE_CODE})
    result = plugin.run(task_vars={})
    assert not result.get("failed"), result
    assert result["_ansible_no_log"] is True
