"""The controller-side checks that keep a code out of output (plugins/plugin_utils/secrets_guard.py).
How the action plugins use them is proven in tests/unit/plugins/action/; these pin the building
blocks on ansible-core's real Task and Block."""

from __future__ import annotations

from ansible.parsing.dataloader import DataLoader
from ansible.playbook.block import Block
from ansible.playbook.loop_control import LoopControl
from ansible.playbook.task import Task

from ansible_collections.edge.snowball.plugins.plugin_utils import secrets_guard
from unit.constants import FAKE_CODE


def test_holds_finds_every_masked_form_in_keys_values_and_nested_containers():
    assert secrets_guard.holds({"site": [("a", {FAKE_CODE.upper(): 1})]}, FAKE_CODE)
    assert secrets_guard.holds({"x": {"y": {f"code {FAKE_CODE.replace('-', '')}"}}}, FAKE_CODE)
    assert not secrets_guard.holds({"site": ["a", 1, None, {"b": "c"}]}, FAKE_CODE)


def test_holds_ends_on_a_structure_that_contains_itself():
    looped = ["a"]
    looped.append(looped)
    assert secrets_guard.holds(looped, FAKE_CODE) is False


def test_loop_shows_code_reads_the_tasks_own_loop_var():
    task = Task()
    task.loop = ["a"]
    task.loop_control = LoopControl.load({"loop_var": "site"})
    assert secrets_guard.loop_shows_code(task, {"site": {"code": FAKE_CODE}, "item": "x"}, FAKE_CODE)
    assert not secrets_guard.loop_shows_code(task, {"site": "north", "item": FAKE_CODE}, FAKE_CODE)


def test_a_rescue_in_an_outer_block_counts():
    loader = DataLoader()
    outer = Block.load({"block": [{"debug": None}], "rescue": [{"debug": None}]}, loader=loader)
    inner = Block.load({"block": [{"debug": None}]}, parent_block=outer, loader=loader)
    task = Task(block=inner)
    task.until = ["result is success"]
    assert secrets_guard.rescue_or_always(task)
    assert "ansible_failed_result" in secrets_guard.condition_refusal(task, "job_unlock_code")
    assert secrets_guard.condition_refusal(Task(block=Block.load({"block": []}, loader=loader)), "x") is None
