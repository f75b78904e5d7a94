"""The Snowball Edge client helpers: masking, inputs, the private profile, running the client."""

from __future__ import annotations

import json
import os
import stat
import sys

import pytest

from ansible_collections.edge.snowball.plugins.module_utils import snowball_edge_client as sec
from unit.helpers import FAKE_CODE
from unit.helpers import assert_no_code


# ---------------------------------------------------------------- masking
@pytest.mark.parametrize(
    "form",
    [
        FAKE_CODE,
        FAKE_CODE.upper(),
        FAKE_CODE.replace("-", ""),
        FAKE_CODE.replace("-", "").upper(),
        FAKE_CODE.title(),
    ],
)
def test_mask_hides_every_spelling_of_the_code(form):
    text = f"client said: using {form} now"
    masked = sec.mask(text, FAKE_CODE)
    assert masked == f"client said: using {sec.MASK} now"
    assert_no_code(masked)


def test_mask_hides_base64_of_the_code():
    import base64

    encoded = base64.b64encode(FAKE_CODE.encode()).decode()
    assert encoded not in sec.mask(f"x {encoded} y", FAKE_CODE)


@pytest.mark.parametrize(
    "printed",
    [
        json.dumps({"unlockCode": FAKE_CODE + "\n"}),  # JSON-escaped, with the newline a vault string keeps
        repr(FAKE_CODE + "\r\n"),  # repr-escaped
        FAKE_CODE.replace("-", " "),
        FAKE_CODE.replace("-", "\\n"),
        FAKE_CODE.encode().hex(),
    ],
)
def test_mask_hides_the_escaped_and_spaced_forms(printed):
    for given in (FAKE_CODE, FAKE_CODE + "\n", "  " + FAKE_CODE + "\t"):
        assert_no_code(sec.mask(f"x {printed} y", given))
        assert FAKE_CODE[6:11] not in sec.mask(f"x {printed} y", given)


def test_mask_hides_base64_inside_a_longer_encoded_text():
    import base64

    for prefix in ("", "a", "ab", "profile: "):
        encoded = base64.b64encode((prefix + FAKE_CODE + " tail").encode()).decode()
        masked = sec.mask(encoded, FAKE_CODE)
        assert sec.MASK in masked, prefix


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        (FAKE_CODE, True),
        (FAKE_CODE + "\n", True),
        (" \t" + FAKE_CODE + "\r\n", True),
        (FAKE_CODE.upper(), True),
        (FAKE_CODE[:-1], False),
        (FAKE_CODE + "x", False),
        (FAKE_CODE.replace("-", ""), False),
        (FAKE_CODE.replace("-", " "), False),
        ('"' + FAKE_CODE + '"', False),
        ("JIDd7db2543-ce46-5560-916e-b5f651e960ce", False),
        ("", False),
        ("   ", False),
    ],
)
def test_unlock_code_shape_is_checked_without_showing_it(value, accepted):
    problem = sec.unlock_code_problem(value)
    assert (problem is None) == accepted, problem
    if problem:
        assert_no_code(problem)
        assert value.strip()[3:8] not in problem or not value.strip()


def test_mask_data_walks_nested_values():
    data = {"a": [FAKE_CODE, {"b": FAKE_CODE.upper()}], "n": 3}
    assert sec.mask_data(data, FAKE_CODE) == {"a": [sec.MASK, {"b": sec.MASK}], "n": 3}


def test_mask_without_a_code_changes_nothing():
    assert sec.mask("plain", "") == "plain"


# ---------------------------------------------------------------- inputs
@pytest.mark.parametrize("endpoint", ["https://192.0.2.10", "https://192.0.2.10:9091", "http://127.0.0.11:9091/"])
def test_accepts_endpoints_with_a_scheme(endpoint):
    assert sec.endpoint_problem(endpoint) is None


@pytest.mark.parametrize(
    ("endpoint", "reason"),
    [
        ("192.0.2.10", "must be a URL with a scheme"),
        ("ftp://192.0.2.10", "must be a URL with a scheme"),
        ("", "must be a URL with a scheme"),
        ("https://", "has no host"),
        ("https://192.0.2.10/unlock", "must not have a path"),
        ("https://192.0.2.10?x=1", "must not have a path"),
    ],
)
def test_refuses_endpoints_with_the_reason(endpoint, reason):
    assert reason in sec.endpoint_problem(endpoint)


def test_find_client_explains_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(sec.ClientError, match="was not found on the edge host's PATH.*client option"):
        sec.find_client("snowballEdge")


def test_find_client_refuses_a_file_that_is_not_executable(tmp_path):
    client = tmp_path / "snowballEdge"
    client.write_text("#!/bin/sh\n")
    client.chmod(0o644)
    with pytest.raises(sec.ClientError, match="not an executable file"):
        sec.find_client(str(client))


def test_find_client_finds_it_on_path(tmp_path, monkeypatch):
    client = tmp_path / "snowballEdge"
    client.write_text("#!/bin/sh\n")
    client.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert sec.find_client("snowballEdge") == str(client)


# ---------------------------------------------------------------- the private profile
def test_profile_is_private_in_memory_and_exists_only_while_active(tmp_path, monkeypatch):
    monkeypatch.setenv("JAVA_TOOL_OPTIONS", "-Xmx1g")
    with sec.PrivateProfile("https://192.0.2.10", "/srv/m.bin", FAKE_CODE, []) as profile:
        home = profile.home
        config = os.path.join(home, *sec.CONFIG_PATH)
        if sec.memory_dirs():
            assert home.startswith(tuple(sec.memory_dirs())), "the home must be in memory-backed storage"
        assert stat.S_IMODE(os.stat(home).st_mode) == 0o700
        assert not os.path.exists(config), "no code on disk before a client command"
        with profile.active():
            assert stat.S_IMODE(os.stat(config).st_mode) == 0o600
            data = json.load(open(config))["profiles"][sec.PROFILE_NAME]
            assert data["unlockCode"] == FAKE_CODE and data["defaultEndpoint"] == "https://192.0.2.10"
        assert not os.path.exists(config), "the profile outlived its client command"
        env = profile.environment()
        assert env["HOME"] == home
        assert env["JAVA_TOOL_OPTIONS"] == f"-Xmx1g -Duser.home={home}"
    assert not os.path.exists(home)


def test_profile_home_falls_back_to_tmpdir_without_memory_storage(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(sec, "memory_dirs", lambda: [])
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with sec.PrivateProfile("https://192.0.2.10", "/srv/m.bin", FAKE_CODE, []) as profile:
        assert profile.home.startswith(str(tmp_path))


def test_profile_is_removed_when_the_task_fails(tmp_path, monkeypatch):
    monkeypatch.setattr(sec, "memory_dirs", lambda: [str(tmp_path)])
    with pytest.raises(RuntimeError):
        with sec.PrivateProfile("https://192.0.2.10", "/srv/m.bin", FAKE_CODE, []) as profile:
            with profile.active():
                raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_sweep_removes_only_homes_whose_module_is_gone(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(sec, "memory_dirs", lambda: [str(tmp_path)])
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    # a home of a killed module: its lock file, held by no one
    dead = tmp_path / (sec.PROFILE_PREFIX + "dead")
    (dead / ".aws").mkdir(parents=True)
    (dead / ".lock").write_text("")
    (dead / ".aws" / "snowball-edge.config").write_text(FAKE_CODE)
    # a 1.0.0 home (no lock), old, and a fresh one that may be being created
    old = tmp_path / (sec.PROFILE_PREFIX + "old")
    old.mkdir()
    os.utime(old, (0, 0))
    fresh = tmp_path / (sec.PROFILE_PREFIX + "fresh")
    fresh.mkdir()
    unrelated = tmp_path / "someone-else"
    unrelated.mkdir()
    with sec.PrivateProfile("https://192.0.2.10", "/srv/m.bin", FAKE_CODE, []) as live:
        removed = sec.sweep_stale_profiles()
        assert os.path.isdir(live.home), "a running module's home was swept"
    assert sorted(removed) == []  # the sweep on entering already took the dead and old ones
    assert not dead.exists() and not old.exists()
    assert fresh.exists() and unrelated.exists()


@pytest.mark.parametrize("signame", ["SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM"])
def test_a_stop_signal_stops_the_client_and_removes_the_profile(tmp_path, monkeypatch, signame):
    import signal
    import threading

    monkeypatch.setattr(sec, "memory_dirs", lambda: [str(tmp_path)])
    client = fake_client(tmp_path / "bin", "import time\ntime.sleep(60)\n")
    before = signal.getsignal(getattr(signal, signame))
    with pytest.raises(SystemExit) as stopped:
        with sec.PrivateProfile("https://192.0.2.10", "/srv/m.bin", FAKE_CODE, []) as profile:
            ec = client_for(client, profile)
            threading.Timer(1.0, os.kill, (os.getpid(), getattr(signal, signame))).start()
            ec.run("describe-device", timeout=30)
    assert stopped.value.code == 128 + getattr(signal, signame)
    assert list(tmp_path.glob(sec.PROFILE_PREFIX + "*")) == []
    assert signal.getsignal(getattr(signal, signame)) == before, "the handler was not restored"


# ---------------------------------------------------------------- running a client
def fake_client(tmp_path, body: str):
    """An executable 'client' written in Python that runs ``body`` with argv and the profile at hand."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "fake-snowballEdge"
    path.write_text(
        f"#!{sys.executable}\nimport json, os, sys\n"
        "profile = json.load(open(os.path.join(os.environ['HOME'], '.aws/snowball/config/snowball-edge.config')))"
        "['profiles']['edge-snowball']\n" + body
    )
    path.chmod(0o755)
    return str(path)


def client_for(path, profile, cluster_ips=None):
    return sec.EdgeClient(path, "https://192.0.2.10", FAKE_CODE, profile, cluster_ips)


def test_the_code_reaches_the_client_through_the_profile_not_argv(tmp_path):
    path = fake_client(tmp_path, "print(json.dumps({'argv': sys.argv[1:], 'ok': profile['unlockCode'] != ''}))\n")
    with sec.PrivateProfile("https://192.0.2.10", "/m", FAKE_CODE, ["192.0.2.1", "192.0.2.2"]) as profile:
        out = json.loads(client_for(path, profile, ["192.0.2.1", "192.0.2.2"]).run("describe-cluster", 10))
    assert out["argv"] == [
        "describe-cluster",
        "--profile",
        "edge-snowball",
        "--device-ip-addresses",
        "192.0.2.1",
        "192.0.2.2",
    ]
    assert out["ok"]


def test_a_failing_client_is_reported_with_its_words_masked(tmp_path):
    path = fake_client(
        tmp_path,
        "sys.stderr.write('Exception in thread main: boom\\n  at x\\n  code was ' + profile['unlockCode'].upper() + '\\n')\n"
        "sys.exit(3)\n",
    )
    with sec.PrivateProfile("https://192.0.2.10", "/m", FAKE_CODE, []) as profile:
        with pytest.raises(sec.ClientError) as failure:
            client_for(path, profile).run("unlock-device", 10)
    message = failure.value.message
    assert "unlock-device failed (exit status 3)" in message
    assert "Exception in thread main: boom" in message and sec.MASK in message
    assert_no_code(message)
    assert_no_code(failure.value.details["stderr"])


def test_a_hanging_client_is_stopped(tmp_path):
    path = fake_client(tmp_path, "import time\ntime.sleep(60)\n")
    with sec.PrivateProfile("https://192.0.2.10", "/m", FAKE_CODE, []) as profile:
        with pytest.raises(sec.ClientError, match="did not finish within 0.5s"):
            client_for(path, profile).run("describe-device", 0.5)


def test_a_description_that_is_not_json_is_reported(tmp_path):
    path = fake_client(tmp_path, "print('Picked up JAVA_TOOL_OPTIONS\\nnothing useful')\n")
    with sec.PrivateProfile("https://192.0.2.10", "/m", FAKE_CODE, []) as profile:
        with pytest.raises(sec.ClientError, match="did not print the JSON description"):
            client_for(path, profile).describe(10)


def test_a_banner_before_the_json_is_skipped(tmp_path):
    path = fake_client(tmp_path, "print('banner line'); print(json.dumps({'UnlockStatus': {'State': 'LOCKED'}}))\n")
    with sec.PrivateProfile("https://192.0.2.10", "/m", FAKE_CODE, []) as profile:
        assert client_for(path, profile).describe(10) == {"UnlockStatus": {"State": "LOCKED"}}


# ---------------------------------------------------------------- reading descriptions, waiting
def device(state, ip="192.0.2.10", reach=None):
    entry = {"DeviceId": "JID1", "UnlockStatus": {"State": state}, "ActiveNetworkInterface": {"IpAddress": ip}}
    if reach:
        entry["NetworkReachability"] = {"State": reach}
    return entry


def test_summary_of_one_device():
    assert sec.summarize(device("UNLOCKING"), False) == {
        "state": "UNLOCKING",
        "device_id": "JID1",
        "active_ip": "192.0.2.10",
    }


def test_a_cluster_is_unlocked_only_when_every_device_is():
    cluster = {
        "ClusterId": "CID1",
        "Devices": [device("UNLOCKED", reach="REACHABLE"), device("UNLOCKING", reach="REACHABLE")],
    }
    assert sec.summarize(cluster, True)["state"] == "UNLOCKING"
    cluster["Devices"][1] = device("UNLOCKED", reach="REACHABLE")
    assert sec.summarize(cluster, True)["state"] == "UNLOCKED"


class ScriptedClient:
    """Stands in for EdgeClient.describe only: answers a scripted list of descriptions."""

    def __init__(self, answers, cluster=False):
        self.answers = list(answers)
        self.cluster = cluster
        self.endpoint = "https://192.0.2.10"

    def describe(self, timeout):
        return self.answers.pop(0)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_waits_through_unlocking_looking_first_after_one_interval():
    clock = Clock()
    client = ScriptedClient([device("UNLOCKING"), device("UNLOCKING"), device("UNLOCKED")])
    summary = sec.wait_until_unlocked(client, 60, 10, sleep=clock.sleep, clock=clock)
    # Looks at 10, 20 and 30 s: no describe right after unlock-device, which only starts unlocking.
    assert summary["state"] == "UNLOCKED" and clock.now == 30 and client.answers == []


def test_a_timeout_shorter_than_the_interval_still_gets_one_look():
    clock = Clock()
    client = ScriptedClient([device("UNLOCKED")])
    assert sec.wait_until_unlocked(client, 3, 10, sleep=clock.sleep, clock=clock)["state"] == "UNLOCKED"
    assert clock.now == 3


def test_times_out_with_the_last_state():
    clock = Clock()
    client = ScriptedClient([device("UNLOCKING")] * 10)
    with pytest.raises(sec.ClientError, match="timed out after 25s .* last state was UNLOCKING"):
        sec.wait_until_unlocked(client, 25, 10, sleep=clock.sleep, clock=clock)


def test_locked_after_unlocking_started_is_a_failure():
    with pytest.raises(sec.ClientError, match="LOCKED again"):
        sec.wait_until_unlocked(ScriptedClient([device("LOCKED")]), 60, 1, sleep=lambda s: None)


def test_an_unknown_state_is_reported_not_guessed():
    with pytest.raises(sec.ClientError, match="reported the unlock state SLEEPING"):
        sec.wait_until_unlocked(ScriptedClient([device("SLEEPING")]), 60, 1, sleep=lambda s: None)


def test_an_unreachable_cluster_member_is_waited_for_not_called_locked():
    clock = Clock()
    cluster = {"Devices": [device("UNLOCKED", reach="REACHABLE"), device("LOCKED", "192.0.2.22", reach="UNREACHABLE")]}
    with pytest.raises(sec.ClientError, match="unreachable: 192.0.2.22"):
        sec.wait_until_unlocked(ScriptedClient([cluster] * 5, cluster=True), 20, 10, sleep=clock.sleep, clock=clock)


@pytest.mark.parametrize(("remaining", "expected"), [(-3, 5), (0, 5), (60, 60), (1000, 120)])
def test_each_command_gets_the_time_left_within_bounds(remaining, expected):
    assert sec.call_timeout(remaining) == expected
