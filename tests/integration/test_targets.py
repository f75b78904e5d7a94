"""Every target in targets/, through ansible-playbook, in both wire protocols, with a leak scan."""

from __future__ import annotations

import os
import pathlib

import pytest

from integration.harness import run_playbook
from integration.leakscan import find_leaks

TARGETS = sorted(
    p.name for p in (pathlib.Path(__file__).parent / "targets").iterdir() if (p / "tasks" / "main.yml").is_file()
)


#: Targets that only call Snow Device Management (REST-JSON): the Snowball protocol does not apply.
REST_JSON_TARGETS = {"managed_device_unlock", "managed_device_info"}
#: Targets whose AWS calls are the lookup's and job_manifest's, which their own targets run in every
#: protocol; the rest is the Snowball Edge client, where the protocol does not apply. They run once per
#: column, in the column's first protocol.
ONE_PROTOCOL_TARGETS = {"device_unlock", "device_credentials"}


#: A part of a target (its tag) that runs as a test of its own, in the main column of make test only
#: (marked `once`, tests/conftest.py); the rest of the target runs in every column. device_unlock's
#: `client_failures` is how the module words each failure of the client and the device: the module's
#: own logic (stdlib Python on the edge host, whose unit tests run in every column). The flow, the
#: action plugin's guards and the clean-up stay in every column.
ONCE_PARTS = {"device_unlock": "client_failures"}
CASES = [pytest.param(target, None, id=target) for target in TARGETS] + [
    pytest.param(target, tag, id=f"{target}:{tag}", marks=pytest.mark.once) for target, tag in ONCE_PARTS.items()
]


@pytest.mark.parametrize(("target", "part"), CASES)
def test_target(target, part, emulator, devices, protocol, covered_protocols, tmp_path):
    if target in REST_JSON_TARGETS:
        if protocol == "cbor":
            pytest.skip("Snow Device Management speaks REST-JSON only")
        protocol = "rest-json"
    elif target in ONE_PROTOCOL_TARGETS and protocol != covered_protocols[0]:
        pytest.skip(
            f"runs once, over {covered_protocols[0]}: the lookup_unlock_code and job_manifest targets cover the rest"
        )
    playbook = tmp_path / "play.yml"
    playbook.write_text(f"- hosts: localhost\n  gather_facts: false\n  roles:\n    - role: {target}\n")
    if part is not None:
        tags = ["--tags", part]
    elif target in ONCE_PARTS:
        tags = ["--skip-tags", ONCE_PARTS[target]]
    else:
        tags = []
    run = run_playbook(playbook, emulator, tmp_path, protocol, devices=devices, extra_args=tags)
    assert run.rc == 0, f"target {target} failed (rc={run.rc}):\n{run.tail()}"
    assert not run.leaks(), f"an unlock code or a secret key leaked: {run.leaks()}"
    assert "ok=" in run.stdout
    assert emulator.state.stats()["protocols"].get(protocol, 0) > 0, f"no request went out as {protocol}"
    for call in run.client_calls():
        assert not find_leaks(" ".join(call["argv"]), run.codes), "an unlock code was on the client's command line"
    # Every failure the targets provoke ends as a message, never a Python traceback. Not checked for
    # module_defaults_group: it runs amazon.aws.aws_caller_info against the emulator, which refuses
    # STS, and with botocore 1.34 that amazon.aws module dies with a traceback (upstream, not ours).
    if target != "module_defaults_group":
        assert "Traceback (most recent call last)" not in run.stdout + run.stderr, run.tail()
    # Nothing left running: every client process the run started has ended.
    for call in run.client_calls():
        assert not os.path.exists(f"/proc/{call['pid']}") or _zombie(call["pid"]), f"client {call['pid']} still runs"
    if target == "job_unlock_code":
        # Retries are visible at -vvv although the result that carries the code is censored.
        assert "job_unlock_code retried: GetJobUnlockCode: 4 requests for 1 call(s) (3 retried)" in run.stdout


@pytest.mark.parametrize("target", TARGETS)
def test_ansible_test_is_told_not_to_run_the_target(target):
    """The targets need the emulator and the simulated devices this harness starts: ansible-test
    integration cannot, so each target's aliases say ``unsupported`` (CONTRIBUTING.md). 2.0.0's
    device_credentials said ``cloud/aws``: ansible-test took it for an AWS target and, forced, failed
    on emulator_url undefined."""
    aliases = (pathlib.Path(__file__).parent / "targets" / target / "aliases").read_text().split()
    assert aliases == ["unsupported"], aliases


def _zombie(pid: int) -> bool:
    try:
        return open(f"/proc/{pid}/stat").read().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True
