"""Waiting for a device: booting, unlocking, retrying (plugins/module_utils/_edge/state.py)."""

from __future__ import annotations

import pytest

from ansible_collections.edge.snowball.plugins.module_utils._edge import errors
from ansible_collections.edge.snowball.plugins.module_utils._edge import output
from ansible_collections.edge.snowball.plugins.module_utils._edge import state


class ScriptedClient:
    """Stands in for EdgeClient.describe/unlock only: answers a scripted list of descriptions, where
    an exception in the list is raised instead (a failed client command)."""

    def __init__(self, answers, cluster=False, unlocks=()):
        self.answers = list(answers)
        self.cluster = cluster
        self.cluster_ips = ["192.0.2.21", "192.0.2.22"] if cluster else []
        self.endpoint = "https://192.0.2.10"
        self.unlocks = list(unlocks)
        self.calls = []

    def describe(self, timeout):
        self.calls.append(("describe", timeout))
        return self._answer(self.answers.pop(0))

    @staticmethod
    def _answer(answer):
        if isinstance(answer, errors.DeviceError):
            # The lists hold descriptions and failures: only failures get here.
            raise answer  # pylint: disable=raising-bad-type
        return answer

    def unlock(self, timeout):
        self.calls.append(("unlock", timeout))
        return self._answer(self.unlocks.pop(0) if self.unlocks else "unlocking")


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_waits_through_unlocking_looking_first_after_one_interval(edge_device):
    clock = Clock()
    client = ScriptedClient([edge_device("UNLOCKING"), edge_device("UNLOCKING"), edge_device("UNLOCKED")])
    summary = state.wait_until_unlocked(client, state.Patience(60, 10, clock.sleep, clock))
    # Looks at 10, 20 and 30 s: no describe right after unlock-device, which only starts unlocking.
    assert summary["state"] == "UNLOCKED" and clock.now == 30 and client.answers == []


def test_a_timeout_shorter_than_the_interval_still_gets_one_look(edge_device):
    clock = Clock()
    client = ScriptedClient([edge_device("UNLOCKED")])
    assert state.wait_until_unlocked(client, state.Patience(3, 10, clock.sleep, clock))["state"] == "UNLOCKED"
    assert clock.now == 3


def test_times_out_with_the_last_state(edge_device):
    clock = Clock()
    client = ScriptedClient([edge_device("UNLOCKING")] * 10)
    with pytest.raises(errors.DeviceError, match="timed out after 25s .* last state was UNLOCKING"):
        state.wait_until_unlocked(client, state.Patience(25, 10, clock.sleep, clock))


def test_locked_after_unlocking_started_is_a_failure(edge_device):
    with pytest.raises(errors.DeviceError, match="LOCKED again"):
        state.wait_until_unlocked(ScriptedClient([edge_device("LOCKED")]), state.Patience(60, 1, lambda s: None))


def test_an_unknown_state_is_reported_not_guessed(edge_device):
    with pytest.raises(errors.DeviceError, match="reported the unlock state SLEEPING"):
        state.wait_until_unlocked(ScriptedClient([edge_device("SLEEPING")]), state.Patience(60, 1, lambda s: None))


def test_an_unreachable_cluster_member_is_waited_for_not_called_locked(edge_device):
    clock = Clock()
    cluster = {
        "Devices": [
            edge_device("UNLOCKED", "192.0.2.21", reach="REACHABLE"),
            edge_device("LOCKED", "192.0.2.22", reach="UNREACHABLE"),
        ]
    }
    with pytest.raises(errors.DeviceError, match="unreachable: 192.0.2.22"):
        state.wait_until_unlocked(
            ScriptedClient([cluster] * 5, cluster=True), state.Patience(20, 10, clock.sleep, clock)
        )


@pytest.mark.parametrize(("remaining", "expected"), [(-3, 5), (0, 5), (60, 60), (1000, 120)])
def test_each_command_gets_the_time_left_within_bounds(remaining, expected):
    assert state.call_timeout(remaining) == expected


def connection_failure(words="Unable to execute HTTP request: Connection refused (Connection refused)"):
    return errors.CommandError(
        f"snowballEdge describe-device failed (exit status 1): {words}", output.CONNECTION, words, rc=1
    )


def refusal(words="The unlock code is not valid for this device. (Status Code: 403)"):
    return errors.CommandError(
        f"snowballEdge describe-device failed (exit status 1): {words}", output.REFUSAL, words, rc=1
    )


def unknown(words="java.lang.IllegalStateException: cluster is locked"):
    return errors.CommandError(
        f"snowballEdge describe-device failed (exit status 1): {words}", output.UNKNOWN, words, rc=1
    )


def silent_stop(seconds=1):
    stopped = f"snowballEdge describe-device did not finish within {seconds}s; the client was stopped"
    return errors.CommandError(stopped, output.CONNECTION, f"({stopped})", rc=None, silent=True)


@pytest.mark.parametrize("calls", ["describe", "unlock"])
def test_a_last_attempt_stopped_in_silence_still_quotes_what_the_client_said_before(calls):
    """Near the deadline an attempt gets a second or so, too little for the client to start on a busy
    machine: 2.0.0 then quoted only "did not finish within 1s", hiding the "Connection refused" of
    every attempt before it."""
    clock = Clock()
    failures = [connection_failure(), connection_failure(), silent_stop()]
    patience = state.Patience(30, 15, clock.sleep, clock)
    with pytest.raises(errors.DeviceError) as failure:
        if calls == "describe":
            state.describe_when_reachable(ScriptedClient(failures), patience)
        else:  # between unlock attempts the device is described: it cannot be reached either
            state.start_unlock(ScriptedClient([connection_failure()] * 3, unlocks=failures), patience)
    message = failure.value.message
    assert "The client's last words: Unable to execute HTTP request: Connection refused" in message
    assert "on the last attempt (snowballEdge describe-device did not finish within 1s" in message
    assert failure.value.details["rc"] == 1


def test_a_booting_device_is_tried_again_until_it_answers(edge_device):
    clock = Clock()
    client = ScriptedClient([connection_failure()] * 40 + [edge_device("LOCKED")])
    patience = state.Patience(1200, 15, clock.sleep, clock)
    assert state.describe_when_reachable(client, patience)["UnlockStatus"]["State"] == "LOCKED"
    assert clock.now == 600  # 40 failures, 15 s apart: ten minutes of booting


def test_a_device_that_never_answers_fails_naming_endpoint_time_and_last_words():
    clock = Clock()
    client = ScriptedClient(
        [connection_failure()] * 100 + [connection_failure("java.net.NoRouteToHostException: last")]
    )
    with pytest.raises(errors.DeviceError) as failure:
        state.describe_when_reachable(client, state.Patience(60, 15, clock.sleep, clock))
    message = failure.value.message
    assert message.startswith("could not reach the device at https://192.0.2.10")
    assert "for 60s (5 attempts, timeout 60s)" in message
    assert "Connection refused (Connection refused)" in message and "Picked up" not in message
    assert "about 10 minutes after it is powered on" in message


@pytest.mark.parametrize("failure", [refusal(), unknown()])
def test_before_unlocking_a_refusal_or_unknown_failure_is_not_tried_again(failure, edge_device):
    client = ScriptedClient([failure, edge_device("LOCKED")])
    with pytest.raises(errors.CommandError):
        state.describe_when_reachable(client, state.Patience(600, 15, lambda s: None, lambda: 0.0))
    assert len(client.calls) == 1


def test_transient_failures_while_unlocking_are_tried_again(edge_device):
    clock = Clock()
    answers = [edge_device("UNLOCKING"), connection_failure("Connection reset"), unknown(), edge_device("UNLOCKED")]
    summary = state.wait_until_unlocked(ScriptedClient(answers), state.Patience(120, 10, clock.sleep, clock))
    assert summary["state"] == "UNLOCKED" and clock.now == 40


def test_a_refusal_while_unlocking_ends_the_wait(edge_device):
    client = ScriptedClient([edge_device("UNLOCKING"), refusal()])
    with pytest.raises(errors.CommandError, match="unlock code is not valid"):
        state.wait_until_unlocked(client, state.Patience(120, 1, lambda s: None))


def test_locked_after_a_dropped_connection_is_still_a_failure(edge_device):
    clock = Clock()
    client = ScriptedClient([edge_device("UNLOCKING"), connection_failure(), edge_device("LOCKED")])
    with pytest.raises(errors.DeviceError, match="LOCKED again"):
        state.wait_until_unlocked(client, state.Patience(120, 10, clock.sleep, clock))


def test_a_wait_in_a_later_task_looks_at_once(edge_device):
    clock = Clock()
    summary = state.wait_until_unlocked(
        ScriptedClient([edge_device("UNLOCKED")]), state.Patience(60, 10, clock.sleep, clock), first_look_after=0
    )
    assert summary["state"] == "UNLOCKED" and clock.now == 0


def test_a_wait_that_shares_the_deadline_of_earlier_steps(edge_device):
    clock = Clock()
    patience = state.Patience(30, 10, clock.sleep, clock)
    clock.now = 25  # booting took 25 of the 30 s
    with pytest.raises(errors.DeviceError, match="timed out after 30s"):
        state.wait_until_unlocked(ScriptedClient([edge_device("UNLOCKING")] * 5), patience)


def test_an_unlock_whose_answer_was_lost_is_not_sent_again_when_the_device_is_unlocking(edge_device):
    clock = Clock()
    client = ScriptedClient([edge_device("UNLOCKING")], unlocks=[connection_failure("Connection reset")])
    state.start_unlock(client, state.Patience(600, 15, clock.sleep, clock))
    assert [call[0] for call in client.calls] == ["unlock", "describe"]


def test_an_unlock_that_never_arrived_is_sent_again(edge_device):
    clock = Clock()
    client = ScriptedClient([edge_device("LOCKED")], unlocks=[connection_failure(), "unlocking"])
    state.start_unlock(client, state.Patience(600, 15, clock.sleep, clock))
    assert [call[0] for call in client.calls] == ["unlock", "describe", "unlock"]


def test_an_unlock_refused_is_not_sent_again():
    client = ScriptedClient([], unlocks=[refusal()])
    with pytest.raises(errors.CommandError):
        state.start_unlock(client, state.Patience(600, 15, lambda s: None, lambda: 0.0))
    assert len(client.calls) == 1
