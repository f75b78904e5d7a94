"""The Snowball Edge client: its options, finding it, running it (plugins/module_utils/_edge/client.py)."""

from __future__ import annotations

import json

import pytest

from ansible_collections.edge.snowball.plugins.module_utils import _secret as masking
from ansible_collections.edge.snowball.plugins.module_utils._edge import client as sec
from ansible_collections.edge.snowball.plugins.module_utils._edge import errors
from ansible_collections.edge.snowball.plugins.module_utils._edge import output
from ansible_collections.edge.snowball.plugins.module_utils._edge import profile as profile_mod

from unit.constants import FAKE_CODE
from unit.constants import FAKE_SECRET_KEY


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


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://192.0.2.10\x00",
        "https://192.0.\x002.10",
        "\x00https://192.0.2.10",
        "https://192.0.2.10\x1b[0m",
        "https://192.0.2.10\x7f",
        "https://192.0.2.10\t",
        "https://192.0.2.10\n",
        "https://192.0.2.10 ",
        "https://192.0.2.10\u200b",
    ],
    ids=["nul-end", "nul-inside", "nul-start", "escape", "del", "tab", "newline", "space", "zero-width"],
)
def test_refuses_an_endpoint_with_a_control_character_at_once(endpoint):
    """Issue 22 W11: urlsplit drops some of these and the client would wait the whole timeout on the others."""
    problem = sec.endpoint_problem(endpoint)
    assert problem and "endpoint holds whitespace or a control character" in problem
    assert "value is not shown" in problem


@pytest.mark.parametrize("ip", ["192.0.2.11\x00", "192.0.2.11 ", ""])
def test_refuses_a_cluster_ip_with_a_control_character(ip):
    params = {
        "endpoint": "https://192.0.2.10",
        "unlock_code": FAKE_CODE,
        "job_id": None,
        "poll_interval": 1.0,
        "cluster_ips": ["192.0.2.12", ip],
    }
    with pytest.raises(errors.DeviceError, match="cluster_ips item 2"):
        sec.check_device_options(params)


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


# ---------------------------------------------------------------- running a client
def test_the_code_reaches_the_client_through_the_profile_not_argv(tmp_path, fake_client, client_for):
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


def test_a_failing_client_is_reported_with_its_words_masked(tmp_path, assert_no_code, fake_client, client_for):
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


def test_a_hanging_client_is_stopped(tmp_path, fake_client, client_for):
    path = fake_client(tmp_path, "import time\ntime.sleep(60)\n")
    with profile_mod.PrivateProfile("https://192.0.2.10", "/m", FAKE_CODE, []) as profile:
        with pytest.raises(errors.DeviceError, match="did not finish within 0.5s"):
            client_for(path, profile).run("describe-device", 0.5)


def test_a_description_that_is_not_json_is_reported(tmp_path, fake_client, client_for):
    path = fake_client(tmp_path, "print('Picked up JAVA_TOOL_OPTIONS\\nnothing useful')\n")
    with profile_mod.PrivateProfile("https://192.0.2.10", "/m", FAKE_CODE, []) as profile:
        with pytest.raises(errors.DeviceError, match="did not print the JSON description"):
            client_for(path, profile).describe(10)


def test_a_banner_before_the_json_is_skipped(tmp_path, fake_client, client_for):
    path = fake_client(tmp_path, "print('banner line'); print(json.dumps({'UnlockStatus': {'State': 'LOCKED'}}))\n")
    with profile_mod.PrivateProfile("https://192.0.2.10", "/m", FAKE_CODE, []) as profile:
        assert client_for(path, profile).describe(10) == {"UnlockStatus": {"State": "LOCKED"}}


def test_an_error_on_stdout_is_reported_not_the_banner_on_stderr(tmp_path, fake_client, client_for, jvm_banner):
    path = fake_client(
        tmp_path,
        f"sys.stderr.write({jvm_banner!r})\nprint('Unable to execute HTTP request: Connection refused')\nsys.exit(1)\n",
    )
    with profile_mod.PrivateProfile("https://192.0.2.10", "/m", FAKE_CODE, []) as profile:
        with pytest.raises(errors.CommandError) as failure:
            client_for(path, profile).run("describe-device", 10)
    assert "Connection refused" in failure.value.message
    assert "Picked up" not in failure.value.message and "Picked up" not in failure.value.words
    assert failure.value.kind == output.CONNECTION
    assert failure.value.details["stream"] == "stdout"


def test_a_description_after_a_banner_on_stdout_is_read(tmp_path, fake_client, client_for, jvm_banner):
    body = f"print({jvm_banner!r}); print(json.dumps({{'UnlockStatus': {{'State': 'LOCKED'}}}}))\n"
    path = fake_client(tmp_path, body)
    with profile_mod.PrivateProfile("https://192.0.2.10", "/m", FAKE_CODE, []) as profile:
        assert client_for(path, profile).describe(10) == {"UnlockStatus": {"State": "LOCKED"}}


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


def test_a_bad_job_id_is_refused_and_a_code_given_as_job_id_is_not_shown(assert_no_code):
    with pytest.raises(errors.DeviceError, match="must start with JID or MID"):
        sec.check_device_options(options(job_id="CID123e4567-e89b-12d3-a456-426655440000"))
    with pytest.raises(errors.DeviceError) as failure:
        sec.check_device_options(options(job_id=FAKE_CODE))
    assert_no_code(failure.value.message)
    sec.check_device_options(options(job_id="JID123e4567-e89b-12d3-a456-426655440000"))


# ---------------------------------------------------------------- after the unlock: the secret key
def test_a_secret_key_in_a_failure_is_masked_by_its_shape_before_it_is_known(tmp_path, fake_client, client_for):
    path = fake_client(
        tmp_path,
        f"sys.stderr.write('could not cache {FAKE_SECRET_KEY} for AKIA\\n')\n"
        f"print('aws_secret_access_key = {FAKE_SECRET_KEY[:20]}')\nsys.exit(1)\n",
    )
    with profile_mod.PrivateProfile("https://192.0.2.10", "/m", FAKE_CODE, []) as profile:
        with pytest.raises(errors.CommandError) as failure:
            client_for(path, profile).run("get-secret-access-key", 10, ["--access-key-id", "AKIA"], raw=True)
    for text in (failure.value.message, failure.value.details["stderr"], failure.value.details["stdout"]):
        assert FAKE_SECRET_KEY[:10] not in text and FAKE_SECRET_KEY[4:14] not in text
    assert "could not cache ******** for AKIA" in failure.value.message


def test_raw_answers_are_unmasked_and_later_texts_mask_the_known_key(tmp_path, fake_client, client_for):
    path = fake_client(
        tmp_path,
        "if sys.argv[1] == 'get-secret-access-key':\n"
        f"    print('[snowballEdge]\\naws_secret_access_key = {FAKE_SECRET_KEY}')\n"
        "else:\n"
        f"    print(json.dumps({{'said': 'key ' + {FAKE_SECRET_KEY[5:25]!r}, 'argv': sys.argv[1:]}}))\n",
    )
    with profile_mod.PrivateProfile("https://192.0.2.10", "/m", FAKE_CODE, ["192.0.2.1"]) as profile:
        client = client_for(path, profile, ["192.0.2.1"])
        assert FAKE_SECRET_KEY in client.run("get-secret-access-key", 10, raw=True)
        assert masking.MASK in client.run("get-secret-access-key", 10)  # not raw: masked by its shape
        assert FAKE_SECRET_KEY[5:25] in client.query("list-services", 10)["said"]  # unknown, too short for the shape
        client.keys.append(FAKE_SECRET_KEY)
        answer = client.query("list-services", 10, cluster=False)
    assert answer["said"] == f"key {masking.MASK}"
    assert answer["argv"] == ["list-services", "--profile", "edge-snowball"]  # no cluster flags, no secret


def test_a_description_keeps_field_names_of_the_shape_of_a_code(tmp_path, fake_client, client_for):
    """PhysicalNetworkInterfaces is 25 letters, the shape of a code: the JSON is read before masking."""
    path = fake_client(
        tmp_path,
        "print(json.dumps({'PhysicalNetworkInterfaces': [{'IpAddress': '192.0.2.10'}],"
        " 'Echo': profile['unlockCode']}))\n",
    )
    with profile_mod.PrivateProfile("https://192.0.2.10", "/m", FAKE_CODE, []) as profile:
        described = client_for(path, profile).describe(10)
    assert described == {"PhysicalNetworkInterfaces": [{"IpAddress": "192.0.2.10"}], "Echo": masking.MASK}
