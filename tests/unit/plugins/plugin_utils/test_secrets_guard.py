"""The controller-side checks that keep a code out of output (plugins/plugin_utils/secrets_guard.py).
How the action plugins use them is proven in tests/unit/plugins/action/; these pin the building
blocks on ansible-core's real Task and Block."""

from __future__ import annotations

from ansible.errors import AnsibleError
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


# ---------------------------------------------------------------- issue 22: effective cacheable, argument printers
class _Task:
    """A task as the lookup sees it while ansible-core templates its arguments."""

    def __init__(self, args, module_defaults=None):
        self.args = args
        self.module_defaults = module_defaults


def test_cacheable_counts_module_defaults_under_every_name_and_group():
    for key in ("set_fact", "ansible.builtin.set_fact", "ansible.legacy.set_fact", "group/anything"):
        assert secrets_guard.set_fact_caches(_Task({"c": "x"}, [{key: {"cacheable": True}}]), None), key
    assert not secrets_guard.set_fact_caches(_Task({"c": "x"}, [{"ansible.builtin.debug": {"cacheable": True}}]), None)
    assert not secrets_guard.set_fact_caches(_Task({"c": "x"}, []), None)


def test_the_tasks_own_cacheable_overrides_module_defaults():
    defaults = [{"ansible.builtin.set_fact": {"cacheable": True}}]
    assert not secrets_guard.set_fact_caches(_Task({"c": "x", "cacheable": False}, defaults), None)
    assert secrets_guard.set_fact_caches(_Task({"c": "x", "cacheable": "yes"}, []), None)


def test_a_template_that_cannot_be_rendered_counts_as_cacheable():
    # no executor to render with: unknown, so the stricter answer
    assert secrets_guard.set_fact_caches(_Task({"c": "x", "cacheable": "{{ later }}"}, []), None)
    assert secrets_guard.set_fact_caches(_Task({"c": "x"}, "{{ defaults }}"), None)
    assert secrets_guard.set_fact_caches(_Task({"c": "x"}, [{"set_fact": "{{ defaults }}"}]), None)


def _config(monkeypatch, **values):
    real = secrets_guard.constants.config.get_config_value

    def get(name, *args, **kwargs):
        if name in values:
            return values[name]
        if kwargs.get("plugin_type"):
            raise AnsibleError("not loaded")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(secrets_guard.constants.config, "get_config_value", get)


def test_display_args_to_stdout_prints_arguments_unless_the_task_has_no_log(monkeypatch):
    _config(monkeypatch, DISPLAY_ARGS_TO_STDOUT=True, CALLBACKS_ENABLED=[], DEFAULT_STDOUT_CALLBACK="default")
    assert "ANSIBLE_DISPLAY_ARGS_TO_STDOUT" in secrets_guard.argument_printers(False)[0]
    assert secrets_guard.argument_printers(True) == []
    refusal = secrets_guard.argument_refusal("device_info", False)
    assert "no_log: true" in refusal and "inline !vault" in refusal


def test_junit_prints_arguments_unless_hidden(monkeypatch):
    _config(monkeypatch, DISPLAY_ARGS_TO_STDOUT=False, CALLBACKS_ENABLED=["junit"], DEFAULT_STDOUT_CALLBACK="default")
    monkeypatch.delenv("JUNIT_HIDE_TASK_ARGUMENTS", raising=False)
    assert "JUNIT_HIDE_TASK_ARGUMENTS=true" in secrets_guard.argument_printers(False)[0]
    monkeypatch.setenv("JUNIT_HIDE_TASK_ARGUMENTS", "true")
    assert secrets_guard.argument_printers(False) == []


def test_opentelemetry_without_known_options_counts_and_print_task_ignores_no_log(monkeypatch):
    _config(
        monkeypatch,
        DISPLAY_ARGS_TO_STDOUT=False,
        CALLBACKS_ENABLED=["community.general.opentelemetry"],
        DEFAULT_STDOUT_CALLBACK="community.general.print_task",
    )
    found = secrets_guard.argument_printers(False)
    assert len(found) == 2 and "hide_task_arguments" in found[0] and "print_task" in found[1]
    assert [text for text in secrets_guard.argument_printers(True) if "print_task" in text] == found[1:]
