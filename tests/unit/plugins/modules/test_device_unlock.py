"""device_unlock's decisions (``describe_before`` and ``unlock``), against a scripted client: what it
does for each state it finds, in check mode and with wait false, and what it never does (unlock a
device that is already UNLOCKING or UNLOCKED). The client's own commands, and the module through
ansible-playbook, are proven elsewhere (module_utils/_edge/test_client.py, the device_unlock target).
The clock is injected: nothing here sleeps."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ansible_collections.edge.snowball.plugins.module_utils._edge.errors import CommandError
from ansible_collections.edge.snowball.plugins.module_utils._edge.errors import DeviceError
from ansible_collections.edge.snowball.plugins.module_utils._edge.output import CONNECTION
from ansible_collections.edge.snowball.plugins.module_utils._edge.output import REFUSAL
from ansible_collections.edge.snowball.plugins.module_utils._edge.state import Patience
from ansible_collections.edge.snowball.plugins.modules import device_unlock


def device(state, ip="192.0.2.10"):
    return {"DeviceId": "JID1", "UnlockStatus": {"State": state}, "ActiveNetworkInterface": {"IpAddress": ip}}


class ScriptedClient:
    """Answers each ``describe`` with the next item of ``answers`` (a description, or a CommandError to
    raise; the last one repeats) and records every ``unlock``."""

    endpoint = "https://192.0.2.10"

    def __init__(self, *answers, cluster_ips=()):
        self.answers = list(answers)
        self.cluster_ips = list(cluster_ips)
        self.cluster = bool(cluster_ips)
        self.unlocks = 0
        self.describes = 0

    def describe(self, timeout):
        assert timeout > 0
        self.describes += 1
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def unlock(self, timeout):
        assert timeout > 0
        self.unlocks += 1


def patience(timeout=600.0, poll_interval=15.0):
    now = [0.0]

    def sleep(seconds):
        now[0] += seconds

    return Patience(timeout, poll_interval, sleep=sleep, clock=lambda: now[0])


def module(wait=True, check_mode=False):
    return SimpleNamespace(params={"wait": wait}, check_mode=check_mode)


def lost():
    return CommandError("the client could not connect", CONNECTION, "Connection refused")


def test_an_unlocked_device_is_left_alone():
    client = ScriptedClient(device("UNLOCKED"))
    result = device_unlock.unlock(module(), client, patience())
    assert (result["changed"], result["state"], client.unlocks) == (False, "UNLOCKED", 0)


@pytest.mark.parametrize("wait", [True, False])
def test_an_unlocking_device_is_never_unlocked_again(wait):
    client = ScriptedClient(device("UNLOCKING"), device("UNLOCKING"), device("UNLOCKED"))
    result = device_unlock.unlock(module(wait=wait), client, patience())
    assert client.unlocks == 0 and result["changed"] is False
    assert result["state"] == ("UNLOCKED" if wait else "UNLOCKING"), result


def test_a_locked_device_is_unlocked_once_and_waited_for():
    client = ScriptedClient(device("LOCKED"), device("UNLOCKING"), device("UNLOCKED"))
    result = device_unlock.unlock(module(), client, patience())
    assert (result["changed"], result["state"], client.unlocks) == (True, "UNLOCKED", 1)
    assert result["msg"] == "the device is UNLOCKED"


def test_with_wait_false_unlocking_is_started_and_not_waited_for():
    client = ScriptedClient(device("LOCKED"))
    result = device_unlock.unlock(module(wait=False), client, patience())
    assert (result["changed"], result["state"], client.unlocks, client.describes) == (True, "UNLOCKING", 1, 1)


def test_check_mode_says_what_would_happen_and_unlocks_nothing():
    client = ScriptedClient(device("LOCKED"))
    result = device_unlock.unlock(module(check_mode=True), client, patience())
    assert (result["changed"], client.unlocks) == (True, 0)
    assert result["msg"] == "the device is LOCKED; it would be unlocked"


def test_a_booting_device_is_described_again_until_it_answers():
    client = ScriptedClient(lost(), lost(), device("LOCKED"))
    before = device_unlock.describe_before(client, patience())
    assert before["state"] == "LOCKED" and client.describes == 3


def test_a_device_that_never_answers_fails_naming_the_endpoint_and_the_wait():
    client = ScriptedClient(lost())
    with pytest.raises(DeviceError) as failure:
        device_unlock.describe_before(client, patience(timeout=60, poll_interval=15))
    assert "could not reach the device at https://192.0.2.10" in failure.value.message
    assert "for 60s" in failure.value.message and client.unlocks == 0


def test_a_refusal_is_not_tried_again():
    client = ScriptedClient(CommandError("the client refused", REFUSAL, "Invalid unlock code"))
    with pytest.raises(CommandError):
        device_unlock.describe_before(client, patience())
    assert client.describes == 1


def test_a_cluster_that_cannot_be_described_is_unlocked_anyway():
    nodes = ("192.0.2.11", "192.0.2.12")
    refused = CommandError("describe-cluster failed", REFUSAL, "cluster is locked")
    client = ScriptedClient(refused, cluster_ips=nodes)
    before = device_unlock.describe_before(client, patience())
    assert before == {"state": None, "unknown_because": "cluster is locked"} and client.describes == 1
    checked = device_unlock.unlock(module(check_mode=True), ScriptedClient(refused, cluster_ips=nodes), patience())
    assert checked["changed"] is True and "describe-cluster failed" in checked["msg"]
