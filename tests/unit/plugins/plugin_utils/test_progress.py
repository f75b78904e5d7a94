"""device_unlock in periods that show the device's state (plugins/plugin_utils/progress.py), on a fake clock.
The real module in periods, through ansible-playbook, is tests/integration/test_unlock_role.py's progress test."""

from __future__ import annotations

from ansible_collections.edge.snowball.plugins.plugin_utils.progress import progress_line
from ansible_collections.edge.snowball.plugins.plugin_utils.progress import run_in_periods

ARGS = {"endpoint": "https://192.0.2.10", "timeout": 300, "progress_interval": 60}


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
    result = run_in_periods(periods.run, dict(ARGS), "west", lines.append, clock=periods.clock)
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
    result = run_in_periods(periods.run, dict(ARGS, timeout=290), "west", lines.append, clock=periods.clock)
    assert periods.timeouts == [60, 60, 60, 60, 50]
    assert len(lines) == 4
    # the period's figure (50 s) would say the task gave up earlier than it did
    assert result["failed"] and result["msg"].startswith("timed out after 290s waiting"), result["msg"]


def test_a_failure_that_is_not_the_time_running_out_ends_the_task_at_once():
    refused = {"failed": True, "state": "LOCKED", "msg": "the device refused the code", "client_failure": {}}
    periods = Periods(refused)
    lines = []
    result = run_in_periods(periods.run, dict(ARGS), "west", lines.append, clock=periods.clock)
    assert result == refused and lines == [] and periods.timeouts == [60]


def test_without_an_interval_shorter_than_the_timeout_the_module_runs_once_with_the_task_options():
    for args in (dict(ARGS, progress_interval=0), dict(ARGS, timeout=60), dict(ARGS, timeout="{{ bad }}")):
        periods = Periods(timed_out("UNLOCKING"))
        lines = []
        run_in_periods(periods.run, args, "west", lines.append, clock=periods.clock)
        assert periods.timeouts == [args["timeout"]] and lines == []


def test_options_as_text_are_read_as_ansible_core_2_17_templates_them():
    periods = Periods(timed_out("UNLOCKING"), {"changed": True, "state": "UNLOCKED", "msg": "x"})
    lines = []
    run_in_periods(
        periods.run, dict(ARGS, timeout="300", progress_interval="60"), "west", lines.append, clock=periods.clock
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
