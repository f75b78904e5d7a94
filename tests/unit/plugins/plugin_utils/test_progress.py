"""device_unlock and managed_device_unlock in periods that show the devices' states (plugins/plugin_utils/progress.py), on a fake clock.
The real module in periods, through ansible-playbook, is tests/integration/test_unlock_role.py's progress test."""

from __future__ import annotations

import pytest

from ansible_collections.edge.snowball.plugins.plugin_utils.progress import device_line
from ansible_collections.edge.snowball.plugins.plugin_utils.progress import progress_line
from ansible_collections.edge.snowball.plugins.plugin_utils.progress import remote_line
from ansible_collections.edge.snowball.plugins.plugin_utils.progress import run_in_periods

from unit.constants import OTHER_JOB_ID
from unit.constants import TYPED_CODES
from unit.constants import VALID_JOB_ID

ARGS = {"endpoint": "https://192.0.2.10", "timeout": 300, "progress_interval": 60}
WEST = device_line("west", "https://192.0.2.10")


class Periods:
    """A stand-in for one module run per period: each takes its whole period on the fake clock and
    returns the next of ``results`` (the module's own behaviour is tested with the module)."""

    def __init__(self, *results):
        self.results = list(results)
        self.now = 0.0
        self.timeouts = []

    def clock(self):
        return self.now

    def run(self, args):
        self.timeouts.append(args["timeout"])
        result = dict(self.results.pop(0))
        if result.get("timed_out") and isinstance(args["timeout"], int):
            self.now += args["timeout"]
            result["msg"] = result["msg"].format(period=args["timeout"])
        return result


def timed_out(state, changed=False):
    msg = (
        f"timed out after {{period}}s waiting for the device at 192.0.2.10 to be UNLOCKED; its last state was {state}."
    )
    return {"failed": True, "timed_out": True, "state": state, "msg": msg, "changed": changed}


def test_each_period_that_runs_out_shows_the_state_and_the_time_waited():
    periods = Periods(
        {"failed": True, "timed_out": True, "state": None, "msg": "could not reach"},
        timed_out("UNLOCKING", changed=True),
        {"changed": False, "state": "UNLOCKED", "msg": "the device was already UNLOCKING", "elapsed": 3.0},
    )
    lines = []
    result = run_in_periods(periods.run, dict(ARGS), WEST, lines.append, clock=periods.clock)
    assert lines == [
        "west: waiting for https://192.0.2.10: not answering yet (still booting, or unreachable), 60s of 300s",
        "west: waiting for https://192.0.2.10: UNLOCKING, 120s of 300s",
    ]
    assert periods.timeouts == [60, 60, 60]
    # the second period started unlocking: the task changed the device, and says so
    assert result["changed"] is True and result["msg"] == "the device is UNLOCKED" and result["elapsed"] == 120.0


def test_the_last_period_has_the_time_left_and_its_failure_names_the_tasks_timeout():
    periods = Periods(*[timed_out("UNLOCKING")] * 4, timed_out("UNLOCKING"))
    lines = []
    result = run_in_periods(periods.run, dict(ARGS, timeout=290), WEST, lines.append, clock=periods.clock)
    assert periods.timeouts == [60, 60, 60, 60, 50]
    assert len(lines) == 4
    # the period's figure (50 s) would say the task gave up earlier than it did
    assert result["failed"] and result["msg"].startswith("timed out after 290s waiting"), result["msg"]


def test_a_failure_that_is_not_the_time_running_out_ends_the_task_at_once():
    refused = {"failed": True, "state": "LOCKED", "msg": "the device refused the code", "client_failure": {}}
    periods = Periods(refused)
    lines = []
    result = run_in_periods(periods.run, dict(ARGS), WEST, lines.append, clock=periods.clock)
    assert result == refused and lines == [] and periods.timeouts == [60]


def test_without_an_interval_shorter_than_the_timeout_the_module_runs_once_with_the_task_options():
    for args in (dict(ARGS, progress_interval=0), dict(ARGS, timeout=60), dict(ARGS, timeout="{{ bad }}")):
        periods = Periods(timed_out("UNLOCKING"))
        lines = []
        run_in_periods(periods.run, args, WEST, lines.append, clock=periods.clock)
        assert periods.timeouts == [args["timeout"]] and lines == []


def test_options_as_text_are_read_as_ansible_core_2_17_templates_them():
    periods = Periods(timed_out("UNLOCKING"), {"changed": True, "state": "UNLOCKED", "msg": "x"})
    lines = []
    run_in_periods(
        periods.run, dict(ARGS, timeout="300", progress_interval="60"), WEST, lines.append, clock=periods.clock
    )
    assert periods.timeouts == [60, 60] and len(lines) == 1


def test_the_line_shows_only_a_known_state_never_a_text_from_the_device():
    # Display prints the line outside any censoring: a state the client wrote (a code, say) is never shown.
    code = "ABCDE-12345-FGHIJ-67890-KLMNO"
    assert progress_line("west", "https://192.0.2.10", code, 61, 300) == (
        "west: waiting for https://192.0.2.10: state not known, 61s of 300s"
    )
    assert progress_line("west", "https://192.0.2.10", None, 1, 300).endswith(
        ": not answering yet (still booting, or unreachable), 1s of 300s"
    )
    assert progress_line("west", "https://192.0.2.10", "UNLOCKING", 120.4, 1800) == (
        "west: waiting for https://192.0.2.10: UNLOCKING, 120s of 1800s"
    )


def remote(*devices, **extra):
    return {"failed": True, "timed_out": True, "devices": list(devices), "task_ids": ["st-1"], "msg": "", **extra}


def device(job_id, state, execution, device_id="smd-1", task_id="st-1"):
    return {
        "job_id": job_id,
        "managed_device_id": device_id,
        "state": state,
        "execution_state": execution,
        "task_id": task_id,
    }


def test_remote_periods_after_the_first_wait_for_its_tasks_and_show_each_devices_states():
    """managed_device_unlock: the second period gets the first's task_ids (no second CreateTask), the task's
    timeout default is the module's (900 s), and its failure names the task's timeout, in msg and reasons."""
    late = "still IN_PROGRESS after {period}s; the device has not picked up the command"
    periods = Periods(
        remote(device(VALID_JOB_ID, "UNLOCKED", "SUCCEEDED"), device(OTHER_JOB_ID, "LOCKED", "QUEUED"), changed=True),
        remote(device(OTHER_JOB_ID, "LOCKED", "IN_PROGRESS"), msg=late, reasons={OTHER_JOB_ID: late}),
    )
    seen = []

    def run(args):
        seen.append(dict(args))
        result = periods.run(args)
        for key, text in (result.get("reasons") or {}).items():
            result["reasons"][key] = text.format(period=args["timeout"])
        return result

    lines = []
    args = {"job_ids": [VALID_JOB_ID, OTHER_JOB_ID], "progress_interval": 450}
    result = run_in_periods(
        run,
        args,
        remote_line,
        lines.append,
        resume=lambda a, last: dict(a, task_ids=last["task_ids"]),
        clock=periods.clock,
        default_timeout=900,
    )
    assert [a.get("task_ids") for a in seen] == [None, ["st-1"]] and periods.timeouts == [450, 450]
    assert lines == [
        f"remote unlock: 1 of 2 device(s) UNLOCKED; waiting for {OTHER_JOB_ID} (QUEUED, LOCKED), 450s of 900s"
    ]
    assert result["changed"] is True
    assert result["msg"].startswith("still IN_PROGRESS after 900s") and result["reasons"][OTHER_JOB_ID] == result["msg"]


def test_the_remote_line_shows_only_known_states_and_ids_and_at_most_five_devices():
    code = "ABCDE-12345-FGHIJ-67890-KLMNO"
    odd = [device(code, code, code, device_id=code), device(None, None, None, device_id="smd-2")]
    already = device(OTHER_JOB_ID, "UNLOCKED", None, task_id=None)  # UNLOCKED before: no task, counted as done
    line = remote_line({"devices": [already, *odd] + [device(VALID_JOB_ID, "LOCKED", "QUEUED")] * 5}, 60, 900)
    assert code not in line and code.lower() not in line
    assert line.startswith(
        "remote unlock: 1 of 8 device(s) UNLOCKED; waiting for a device (not started, state not known),"
        " managed device smd-2 (not started, state not known),"
    )
    assert line.endswith(" and 2 more, 60s of 900s"), line


def test_a_device_still_waited_for_is_not_counted_unlocked_on_a_stale_report():
    """Attack review: SUCCEEDED with an UNLOCKED older than the task is still waited for (the module has a
    reason for it): the line must not say it is UNLOCKED."""
    stale = device(VALID_JOB_ID, "UNLOCKED", "SUCCEEDED")
    line = remote_line({"devices": [stale], "reasons": {VALID_JOB_ID: "not reported since"}}, 61, 900)
    assert line.startswith(
        f"remote unlock: 0 of 1 device(s) UNLOCKED; waiting for {VALID_JOB_ID} (SUCCEEDED, UNLOCKED)"
    )


@pytest.mark.parametrize("form", TYPED_CODES)
def test_a_device_id_holding_any_typed_form_of_a_code_is_not_shown(form):
    """Issue 21: smd- and a code with a hyphen dropped is a managed device id's shape; the line must not show it."""
    device_id = "smd-" + form.lower()
    line = remote_line({"devices": [device(None, "LOCKED", "QUEUED", device_id=device_id)]}, 60, 900)
    assert device_id not in line and "waiting for a device (QUEUED, LOCKED)" in line
