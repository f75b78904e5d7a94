"""The Snowball Edge client helpers: masking, inputs, the private profile, running the client."""

from __future__ import annotations

import json
import os
import stat
import sys

import pytest

from ansible_collections.edge.snowball.plugins.module_utils import _device_state as state
from ansible_collections.edge.snowball.plugins.module_utils import _edge_errors as errors
from ansible_collections.edge.snowball.plugins.module_utils import _edge_masking as masking
from ansible_collections.edge.snowball.plugins.module_utils import _edge_output as output
from ansible_collections.edge.snowball.plugins.module_utils import _edge_profile as profile_mod
from ansible_collections.edge.snowball.plugins.module_utils import _edge_version as version_mod
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
    masked = masking.mask(text, FAKE_CODE)
    assert masked == f"client said: using {masking.MASK} now"
    assert_no_code(masked)


def test_mask_hides_base64_of_the_code():
    import base64

    encoded = base64.b64encode(FAKE_CODE.encode()).decode()
    assert encoded not in masking.mask(f"x {encoded} y", FAKE_CODE)


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
        assert_no_code(masking.mask(f"x {printed} y", given))
        assert FAKE_CODE[6:11] not in masking.mask(f"x {printed} y", given)


def test_mask_hides_base64_inside_a_longer_encoded_text():
    import base64

    for prefix in ("", "a", "ab", "profile: "):
        encoded = base64.b64encode((prefix + FAKE_CODE + " tail").encode()).decode()
        masked = masking.mask(encoded, FAKE_CODE)
        assert masking.MASK in masked, prefix


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
    problem = masking.unlock_code_problem(value)
    assert (problem is None) == accepted, problem
    if problem:
        assert_no_code(problem)
        assert value.strip()[3:8] not in problem or not value.strip()


def test_mask_data_walks_nested_values():
    data = {"a": [FAKE_CODE, {"b": FAKE_CODE.upper()}], "n": 3}
    assert masking.mask_data(data, FAKE_CODE) == {"a": [masking.MASK, {"b": masking.MASK}], "n": 3}


def test_mask_without_a_code_changes_nothing():
    assert masking.mask("plain", "") == "plain"


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
    with pytest.raises(errors.DeviceError, match="was not found on the edge host's PATH.*client option"):
        sec.find_client("snowballEdge")


def test_find_client_refuses_a_file_that_is_not_executable(tmp_path):
    client = tmp_path / "snowballEdge"
    client.write_text("#!/bin/sh\n")
    client.chmod(0o644)
    with pytest.raises(errors.DeviceError, match="not an executable file"):
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
    with profile_mod.PrivateProfile("https://192.0.2.10", "/srv/m.bin", FAKE_CODE, []) as profile:
        home = profile.home
        config = os.path.join(home, *profile_mod.CONFIG_PATH)
        if profile_mod.memory_dirs():
            assert home.startswith(tuple(profile_mod.memory_dirs())), "the home must be in memory-backed storage"
        assert stat.S_IMODE(os.stat(home).st_mode) == 0o700
        assert not os.path.exists(config), "no code on disk before a client command"
        with profile.active():
            assert stat.S_IMODE(os.stat(config).st_mode) == 0o600
            data = json.load(open(config))["profiles"][profile_mod.PROFILE_NAME]
            assert data["unlockCode"] == FAKE_CODE and data["defaultEndpoint"] == "https://192.0.2.10"
        assert not os.path.exists(config), "the profile outlived its client command"
        env = profile.environment()
        assert env["HOME"] == home
        assert env["JAVA_TOOL_OPTIONS"] == f"-Xmx1g -Duser.home={home}"
    assert not os.path.exists(home)


def test_profile_home_falls_back_to_tmpdir_without_memory_storage(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(profile_mod, "memory_dirs", lambda: [])
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with profile_mod.PrivateProfile("https://192.0.2.10", "/srv/m.bin", FAKE_CODE, []) as profile:
        assert profile.home.startswith(str(tmp_path))


def test_profile_is_removed_when_the_task_fails(tmp_path, monkeypatch):
    monkeypatch.setattr(profile_mod, "memory_dirs", lambda: [str(tmp_path)])
    with pytest.raises(RuntimeError):
        with profile_mod.PrivateProfile("https://192.0.2.10", "/srv/m.bin", FAKE_CODE, []) as profile:
            with profile.active():
                raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_sweep_removes_only_homes_whose_module_is_gone(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(profile_mod, "memory_dirs", lambda: [str(tmp_path)])
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    # a home of a killed module: its lock file, held by no one
    dead = tmp_path / (profile_mod.PROFILE_PREFIX + "dead")
    (dead / ".aws").mkdir(parents=True)
    (dead / ".lock").write_text("")
    (dead / ".aws" / "snowball-edge.config").write_text(FAKE_CODE)
    # a 1.0.0 home (no lock), old, and a fresh one that may be being created
    old = tmp_path / (profile_mod.PROFILE_PREFIX + "old")
    old.mkdir()
    os.utime(old, (0, 0))
    fresh = tmp_path / (profile_mod.PROFILE_PREFIX + "fresh")
    fresh.mkdir()
    unrelated = tmp_path / "someone-else"
    unrelated.mkdir()
    with profile_mod.PrivateProfile("https://192.0.2.10", "/srv/m.bin", FAKE_CODE, []) as live:
        removed = profile_mod.sweep_stale_profiles()
        assert os.path.isdir(live.home), "a running module's home was swept"
    assert sorted(removed) == []  # the sweep on entering already took the dead and old ones
    assert not dead.exists() and not old.exists()
    assert fresh.exists() and unrelated.exists()


@pytest.mark.parametrize("signame", ["SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM"])
def test_a_stop_signal_stops_the_client_and_removes_the_profile(tmp_path, monkeypatch, signame):
    import signal
    import threading

    monkeypatch.setattr(profile_mod, "memory_dirs", lambda: [str(tmp_path)])
    client = fake_client(tmp_path / "bin", "import time\ntime.sleep(60)\n")
    before = signal.getsignal(getattr(signal, signame))
    with pytest.raises(SystemExit) as stopped:
        with profile_mod.PrivateProfile("https://192.0.2.10", "/srv/m.bin", FAKE_CODE, []) as profile:
            ec = client_for(client, profile)
            threading.Timer(1.0, os.kill, (os.getpid(), getattr(signal, signame))).start()
            ec.run("describe-device", timeout=30)
    assert stopped.value.code == 128 + getattr(signal, signame)
    assert list(tmp_path.glob(profile_mod.PROFILE_PREFIX + "*")) == []
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
    with profile_mod.PrivateProfile("https://192.0.2.10", "/m", FAKE_CODE, ["192.0.2.1", "192.0.2.2"]) as profile:
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
    with profile_mod.PrivateProfile("https://192.0.2.10", "/m", FAKE_CODE, []) as profile:
        with pytest.raises(errors.DeviceError) as failure:
            client_for(path, profile).run("unlock-device", 10)
    message = failure.value.message
    assert "unlock-device failed (exit status 3)" in message
    assert "Exception in thread main: boom" in message and masking.MASK in message
    assert_no_code(message)
    assert_no_code(failure.value.details["stderr"])


def test_a_hanging_client_is_stopped(tmp_path):
    path = fake_client(tmp_path, "import time\ntime.sleep(60)\n")
    with profile_mod.PrivateProfile("https://192.0.2.10", "/m", FAKE_CODE, []) as profile:
        with pytest.raises(errors.DeviceError, match="did not finish within 0.5s"):
            client_for(path, profile).run("describe-device", 0.5)


def test_a_description_that_is_not_json_is_reported(tmp_path):
    path = fake_client(tmp_path, "print('Picked up JAVA_TOOL_OPTIONS\\nnothing useful')\n")
    with profile_mod.PrivateProfile("https://192.0.2.10", "/m", FAKE_CODE, []) as profile:
        with pytest.raises(errors.DeviceError, match="did not print the JSON description"):
            client_for(path, profile).describe(10)


def test_a_banner_before_the_json_is_skipped(tmp_path):
    path = fake_client(tmp_path, "print('banner line'); print(json.dumps({'UnlockStatus': {'State': 'LOCKED'}}))\n")
    with profile_mod.PrivateProfile("https://192.0.2.10", "/m", FAKE_CODE, []) as profile:
        assert client_for(path, profile).describe(10) == {"UnlockStatus": {"State": "LOCKED"}}


# ---------------------------------------------------------------- reading descriptions, waiting
def device(state, ip="192.0.2.10", reach=None):
    entry = {"DeviceId": "JID1", "UnlockStatus": {"State": state}, "ActiveNetworkInterface": {"IpAddress": ip}}
    if reach:
        entry["NetworkReachability"] = {"State": reach}
    return entry


def test_summary_of_one_device():
    assert state.summarize(device("UNLOCKING"), False) == {
        "state": "UNLOCKING",
        "device_id": "JID1",
        "active_ip": "192.0.2.10",
    }


def test_a_cluster_is_unlocked_only_when_every_device_is():
    cluster = {
        "ClusterId": "CID1",
        "Devices": [device("UNLOCKED", reach="REACHABLE"), device("UNLOCKING", reach="REACHABLE")],
    }
    assert state.summarize(cluster, True)["state"] == "UNLOCKING"
    cluster["Devices"][1] = device("UNLOCKED", reach="REACHABLE")
    assert state.summarize(cluster, True)["state"] == "UNLOCKED"


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


def test_waits_through_unlocking_looking_first_after_one_interval():
    clock = Clock()
    client = ScriptedClient([device("UNLOCKING"), device("UNLOCKING"), device("UNLOCKED")])
    summary = state.wait_until_unlocked(client, 60, 10, sleep=clock.sleep, clock=clock)
    # Looks at 10, 20 and 30 s: no describe right after unlock-device, which only starts unlocking.
    assert summary["state"] == "UNLOCKED" and clock.now == 30 and client.answers == []


def test_a_timeout_shorter_than_the_interval_still_gets_one_look():
    clock = Clock()
    client = ScriptedClient([device("UNLOCKED")])
    assert state.wait_until_unlocked(client, 3, 10, sleep=clock.sleep, clock=clock)["state"] == "UNLOCKED"
    assert clock.now == 3


def test_times_out_with_the_last_state():
    clock = Clock()
    client = ScriptedClient([device("UNLOCKING")] * 10)
    with pytest.raises(errors.DeviceError, match="timed out after 25s .* last state was UNLOCKING"):
        state.wait_until_unlocked(client, 25, 10, sleep=clock.sleep, clock=clock)


def test_locked_after_unlocking_started_is_a_failure():
    with pytest.raises(errors.DeviceError, match="LOCKED again"):
        state.wait_until_unlocked(ScriptedClient([device("LOCKED")]), 60, 1, sleep=lambda s: None)


def test_an_unknown_state_is_reported_not_guessed():
    with pytest.raises(errors.DeviceError, match="reported the unlock state SLEEPING"):
        state.wait_until_unlocked(ScriptedClient([device("SLEEPING")]), 60, 1, sleep=lambda s: None)


def test_an_unreachable_cluster_member_is_waited_for_not_called_locked():
    clock = Clock()
    cluster = {
        "Devices": [
            device("UNLOCKED", "192.0.2.21", reach="REACHABLE"),
            device("LOCKED", "192.0.2.22", reach="UNREACHABLE"),
        ]
    }
    with pytest.raises(errors.DeviceError, match="unreachable: 192.0.2.22"):
        state.wait_until_unlocked(ScriptedClient([cluster] * 5, cluster=True), 20, 10, sleep=clock.sleep, clock=clock)


@pytest.mark.parametrize(("remaining", "expected"), [(-3, 5), (0, 5), (60, 60), (1000, 120)])
def test_each_command_gets_the_time_left_within_bounds(remaining, expected):
    assert state.call_timeout(remaining) == expected


# ---------------------------------------------------------------- the JVM banner, the client's words
BANNER = "Picked up JAVA_TOOL_OPTIONS: -Duser.home=/tmp/edge-snowball-client-x\n"


@pytest.mark.parametrize(
    "line",
    [
        "Picked up JAVA_TOOL_OPTIONS: -Duser.home=/tmp/x",
        "Picked up _JAVA_OPTIONS: -Xmx1g",
        "NOTE: Picked up JDK_JAVA_OPTIONS: --add-opens x",
    ],
)
def test_jvm_banner_lines_are_dropped(line):
    assert output.drop_jvm_banner(f"{line}\nreal words\n") == "real words\n"


def test_a_line_that_only_mentions_picked_up_is_kept():
    assert output.drop_jvm_banner("the device Picked up JAVA_TOOL_OPTIONS: x\n") != ""


def test_an_error_on_stdout_is_reported_not_the_banner_on_stderr(tmp_path):
    path = fake_client(
        tmp_path,
        f"sys.stderr.write({BANNER!r})\nprint('Unable to execute HTTP request: Connection refused')\nsys.exit(1)\n",
    )
    with profile_mod.PrivateProfile("https://192.0.2.10", "/m", FAKE_CODE, []) as profile:
        with pytest.raises(errors.CommandError) as failure:
            client_for(path, profile).run("describe-device", 10)
    assert "Connection refused" in failure.value.message
    assert "Picked up" not in failure.value.message and "Picked up" not in failure.value.words
    assert failure.value.kind == output.CONNECTION
    assert failure.value.details["stream"] == "stdout"


def test_words_on_both_streams_are_both_kept():
    assert output.client_words("on stdout\n", BANNER + "on stderr\n") == "on stderr | on stdout"


def test_a_description_after_a_banner_on_stdout_is_read(tmp_path):
    body = f"print({BANNER!r}); print(json.dumps({{'UnlockStatus': {{'State': 'LOCKED'}}}}))\n"
    path = fake_client(tmp_path, body)
    with profile_mod.PrivateProfile("https://192.0.2.10", "/m", FAKE_CODE, []) as profile:
        assert client_for(path, profile).describe(10) == {"UnlockStatus": {"State": "LOCKED"}}


# ---------------------------------------------------------------- connection failure or refusal
@pytest.mark.parametrize(
    "words",
    [
        "Unable to execute HTTP request: Connect to 192.0.2.10:9091 [/192.0.2.10] failed: Connection refused"
        " (Connection refused)",
        "com.amazonaws.SdkClientException: Unable to execute HTTP request: connect timed out",
        "java.net.NoRouteToHostException: No route to host (Host unreachable)",
        "java.net.UnknownHostException: snowball.local",
        "java.net.SocketException: Connection reset",
        "org.apache.http.NoHttpResponseException: 192.0.2.10:9091 failed to respond",
        "java.net.SocketTimeoutException: Read timed out",
        "java.net.SocketException: Network is unreachable (connect failed)",
        "Could not connect to the device at https://192.0.2.10",
        "[Errno 111] Connection refused",
        "Service Unavailable (Service: AWSSnowballDevice; Status Code: 503)",
        # the manifest's path and the endpoint do not count as a "manifest" refusal
        "Unable to connect to https://192.0.2.10 with /srv/snowball/manifest.bin: Connection refused",
    ],
)
def test_connection_level_failures_are_recognised(words):
    assert output.classify(1, words, "https://192.0.2.10", "/srv/snowball/manifest.bin") == output.CONNECTION


@pytest.mark.parametrize(
    "words",
    [
        "The unlock code is not valid for this device. (Service: AWSSnowballDevice; Status Code: 400)",
        "InvalidUnlockCodeException: invalid unlock code",
        "Unable to read the manifest: it is not a valid Snowball manifest",
        "The request signature we calculated does not match the signature you provided",
        "AccessDeniedException: Access denied (Status Code: 403)",
        "Unauthorized (Status Code: 401)",
        "javax.net.ssl.SSLHandshakeException: PKIX path building failed",
        # a refusal wins over connection words in the same text
        "Connection refused by the device: the unlock code is wrong",
    ],
)
def test_refusals_are_recognised_and_win(words):
    assert output.classify(1, words, "https://192.0.2.10", "/srv/snowball/manifest.bin") == output.REFUSAL


@pytest.mark.parametrize(
    ("rc", "words", "kind"),
    [
        (None, "", output.CONNECTION),  # stopped after its time limit: no answer came
        (127, "Connection refused", output.UNKNOWN),  # could not even run
        (-9, "Connection refused", output.UNKNOWN),  # killed by a signal
        (1, "Profile edge-snowball was not found", output.UNKNOWN),
        (1, "", output.UNKNOWN),
    ],
)
def test_everything_else_is_unknown(rc, words, kind):
    assert output.classify(rc, words) == kind


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


def test_a_booting_device_is_tried_again_until_it_answers():
    clock = Clock()
    client = ScriptedClient([connection_failure()] * 40 + [device("LOCKED")])
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
def test_before_unlocking_a_refusal_or_unknown_failure_is_not_tried_again(failure):
    client = ScriptedClient([failure, device("LOCKED")])
    with pytest.raises(errors.CommandError):
        state.describe_when_reachable(client, state.Patience(600, 15, lambda s: None, lambda: 0.0))
    assert len(client.calls) == 1


def test_transient_failures_while_unlocking_are_tried_again():
    clock = Clock()
    answers = [device("UNLOCKING"), connection_failure("Connection reset"), unknown(), device("UNLOCKED")]
    summary = state.wait_until_unlocked(ScriptedClient(answers), 120, 10, sleep=clock.sleep, clock=clock)
    assert summary["state"] == "UNLOCKED" and clock.now == 40


def test_a_refusal_while_unlocking_ends_the_wait():
    client = ScriptedClient([device("UNLOCKING"), refusal()])
    with pytest.raises(errors.CommandError, match="unlock code is not valid"):
        state.wait_until_unlocked(client, 120, 1, sleep=lambda s: None)


def test_locked_after_a_dropped_connection_is_still_a_failure():
    clock = Clock()
    client = ScriptedClient([device("UNLOCKING"), connection_failure(), device("LOCKED")])
    with pytest.raises(errors.DeviceError, match="LOCKED again"):
        state.wait_until_unlocked(client, 120, 10, sleep=clock.sleep, clock=clock)


def test_a_wait_in_a_later_task_looks_at_once():
    clock = Clock()
    summary = state.wait_until_unlocked(
        ScriptedClient([device("UNLOCKED")]), 60, 10, sleep=clock.sleep, clock=clock, first_look_after=0
    )
    assert summary["state"] == "UNLOCKED" and clock.now == 0


def test_a_wait_that_shares_the_deadline_of_earlier_steps():
    clock = Clock()
    patience = state.Patience(30, 10, clock.sleep, clock)
    clock.now = 25  # booting took 25 of the 30 s
    with pytest.raises(errors.DeviceError, match="timed out after 30s"):
        state.wait_until_unlocked(ScriptedClient([device("UNLOCKING")] * 5), 30, 10, patience=patience)


def test_an_unlock_whose_answer_was_lost_is_not_sent_again_when_the_device_is_unlocking():
    clock = Clock()
    client = ScriptedClient([device("UNLOCKING")], unlocks=[connection_failure("Connection reset")])
    state.start_unlock(client, state.Patience(600, 15, clock.sleep, clock))
    assert [call[0] for call in client.calls] == ["unlock", "describe"]


def test_an_unlock_that_never_arrived_is_sent_again():
    clock = Clock()
    client = ScriptedClient([device("LOCKED")], unlocks=[connection_failure(), "unlocking"])
    state.start_unlock(client, state.Patience(600, 15, clock.sleep, clock))
    assert [call[0] for call in client.calls] == ["unlock", "describe", "unlock"]


def test_an_unlock_refused_is_not_sent_again():
    client = ScriptedClient([], unlocks=[refusal()])
    with pytest.raises(errors.CommandError):
        state.start_unlock(client, state.Patience(600, 15, lambda s: None, lambda: 0.0))
    assert len(client.calls) == 1


# ---------------------------------------------------------------- every node of a cluster
def test_a_cluster_is_not_unlocked_while_a_given_node_is_not_listed():
    cluster = {"Devices": [device("UNLOCKED", "192.0.2.21", reach="REACHABLE")]}
    summary = state.summarize(cluster, True, ["192.0.2.21", "192.0.2.22"])
    assert summary["state"] != "UNLOCKED" and summary["missing"] == ["192.0.2.22"]
    assert "192.0.2.22 (not listed)" in state.unreachable(summary)


def test_an_unreachable_node_without_a_state_is_waited_for_not_unknown():
    entry = {"DeviceId": None, "NetworkReachability": {"State": "UNREACHABLE"}}
    summary = state.summarize({"Devices": [device("UNLOCKED", "192.0.2.21"), entry]}, True)
    assert state.unknown_states(summary) == [] and summary["state"] != "UNLOCKED"


# ---------------------------------------------------------------- the client's version, the job id
def counting_client(tmp_path, body):
    """A client that records each start in a file next to it."""
    path = tmp_path / "bin" / "snowballEdge"
    path.parent.mkdir(exist_ok=True)
    path.write_text(f"#!{sys.executable}\nimport sys\nopen({str(tmp_path / 'starts')!r}, 'a').write('x')\n" + body)
    path.chmod(0o755)
    return str(path)


def starts(tmp_path):
    return len((tmp_path / "starts").read_text()) if (tmp_path / "starts").exists() else 0


def test_the_version_is_read_once_per_installed_client(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = counting_client(
        tmp_path,
        f"sys.stderr.write({BANNER!r})\nprint('Snowball Edge client version: 1.2.0 Build 661')\n",
    )
    assert version_mod.client_version(path) == "1.2.0 Build 661"
    assert version_mod.client_version(path) == "1.2.0 Build 661"
    assert starts(tmp_path) == 1
    # A new install (another file) is asked again.
    path = counting_client(tmp_path, "print('Snowball Edge client version: 1.3.0 Build 700')\n")
    assert version_mod.client_version(path) == "1.3.0 Build 700" and starts(tmp_path) == 2


def test_a_client_from_before_2018_is_refused_saying_what_is_needed(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = counting_client(
        tmp_path,
        "sys.stderr.write('Unknown command: version\\nCommands:\\n  unlock -i IP -m M -u C\\n  status\\n')\nsys.exit(1)\n",
    )
    with pytest.raises(errors.DeviceError, match="from before 2018.*1.2.0 Build 661"):
        version_mod.client_version(path)


def test_a_client_that_does_not_say_its_version_is_not_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = counting_client(tmp_path, "print('usage: snowballEdge unlock-device describe-device ...')\nsys.exit(2)\n")
    assert version_mod.client_version(path) is None


def test_the_job_id_goes_into_the_profile():
    job_id = "JID123e4567-e89b-12d3-a456-426655440000"
    # The profile exists only while a client command runs (profile.active()).
    with profile_mod.PrivateProfile("https://192.0.2.10", "/m", FAKE_CODE, [], job_id) as profile, profile.active():
        with open(os.path.join(profile.home, *profile_mod.CONFIG_PATH), encoding="utf-8") as handle:
            config = json.load(handle)
    assert config["profiles"][profile_mod.PROFILE_NAME]["jobId"] == job_id


def options(**given):
    params = {
        "endpoint": "https://192.0.2.10",
        "unlock_code": FAKE_CODE,
        "cluster_ips": [],
        "job_id": None,
        "poll_interval": 15,
    }
    params.update(given)
    return params


def test_a_bad_job_id_is_refused_and_a_code_given_as_job_id_is_not_shown():
    with pytest.raises(errors.DeviceError, match="must start with JID or MID"):
        sec.check_device_options(options(job_id="CID123e4567-e89b-12d3-a456-426655440000"))
    with pytest.raises(errors.DeviceError) as failure:
        sec.check_device_options(options(job_id=FAKE_CODE))
    assert_no_code(failure.value.message)
    sec.check_device_options(options(job_id="JID123e4567-e89b-12d3-a456-426655440000"))
