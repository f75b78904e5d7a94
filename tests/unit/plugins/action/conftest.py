"""Fixtures of the action plugin tests: an action plugin built as ansible-core builds it."""

from __future__ import annotations

from unittest import mock

import pytest

from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext
from ansible.playbook.task import Task
from ansible.plugins.loader import action_loader
from ansible.plugins.loader import connection_loader
from ansible.template import Templar


@pytest.fixture
def action_plugin():
    """``action_plugin(name, args, module_result=None, pipelining=True, **task_attributes)``: the
    action plugin ansible-core's loader finds for ``edge.snowball.<name>``, on a real Task (``args``
    and the attributes, e.g. check_mode or async_val), PlayContext, DataLoader, Templar and the
    ``local`` connection (with ``pipelining``). Only the module run (``_execute_module``, a MagicMock
    answering ``module_result``) is a stand-in."""

    def build(name, args, module_result=None, pipelining=True, **task_attributes):
        loader = DataLoader()
        task = Task()
        task.action = f"edge.snowball.{name}"
        task.args = dict(args)
        for attribute, value in task_attributes.items():
            setattr(task, attribute, value)
        play_context = PlayContext()
        connection = connection_loader.get("ansible.builtin.local", play_context, None)
        connection.set_option("pipelining", pipelining)
        plugin = action_loader.get(
            task.action,
            task=task,
            connection=connection,
            play_context=play_context,
            loader=loader,
            templar=Templar(loader=loader),
            shared_loader_obj=None,
        )
        plugin._execute_module = mock.MagicMock(return_value=dict(module_result or {"changed": False}))
        return plugin

    return build
