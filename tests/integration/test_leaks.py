"""The leak suite: the code must not appear anywhere a user or an attacker on the edge host can read.

tests/integration/leak/play.yml runs the module, the lookup, the role and the failure paths, each
without and with no_log. It runs here under several output settings; each run is searched
(``Run.leaks``: stdout, stderr, ANSIBLE_LOG_PATH, every file left under the run's directory, the
client's argv) and, while it runs, the files of the controller and edge host (memory-backed
directories included) and every process's argv and environment are sampled. test_leakscan.py proves the
scanner finds a code that is there.
"""

from __future__ import annotations

import os

import pytest

from integration.harness import BIN
from integration.harness import HERE
from integration.harness import edge_tmp
from integration.harness import run_ansible_runner
from integration.harness import run_playbook
from integration.leakscan import RunSampler

PLAY = HERE / "leak" / "play.yml"
SITECUSTOMIZE = HERE / "leak" / "sitecustomize"

SETTINGS = {
    "v-default": ("-v", {}),
    "vvv-yaml": ("-vvv", {"ANSIBLE_CALLBACK_RESULT_FORMAT": "yaml"}),
    "vvvvvv-json": ("-vvvvvv", {"ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json"}),
    # edge.snowball refuses to handle a code with ANSIBLE_DEBUG on (leak/debug.yml checks that).
    "vvvv-debug": ("-vvvv", {"ANSIBLE_DEBUG": "1"}),
    # boto3.set_stream_logger('') in every Python process of the run, the lookup's included.
    "vvvv-boto-debug": ("-vvvv", {"EDGE_SNOWBALL_TEST_BOTO_DEBUG": "{tmp}/boto-debug.log"}),
}


#: The sampler the leak suite uses (files, argv and environment, during the run); kept under its old name.
ProcessSampler = RunSampler


def prepare(tmp_path):
    for name in ("ready1", "ready2", "ready3"):
        (tmp_path / "edge" / name).mkdir(parents=True, exist_ok=True)


@pytest.mark.parametrize("setting", sorted(SETTINGS))
def test_no_code_anywhere(setting, emulator, devices, tmp_path):
    verbosity, env = SETTINGS[setting]
    env = dict(env, ANSIBLE_CONFIG=str(HERE.parent.parent / "playbooks" / "ansible.cfg"))
    if "EDGE_SNOWBALL_TEST_BOTO_DEBUG" in env:
        env["EDGE_SNOWBALL_TEST_BOTO_DEBUG"] = env["EDGE_SNOWBALL_TEST_BOTO_DEBUG"].format(tmp=tmp_path)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(SITECUSTOMIZE), os.environ.get("PYTHONPATH"))))
    prepare(tmp_path)
    playbook = HERE / "leak" / ("debug.yml" if setting == "vvvv-debug" else "play.yml")
    with RunSampler(emulator.secrets(), [tmp_path, edge_tmp(tmp_path)]) as sampler:
        run = run_playbook(playbook, emulator, tmp_path, verbosity=verbosity, extra_env=env, devices=devices)
    assert run.rc == 0, run.tail()
    assert not run.leaks(), run.leaks()
    assert not sampler.leaks(run.codes), sampler.leaks(run.codes)
    if setting == "vvvv-debug":
        assert "done with _execute_module" in run.stdout + run.stderr, "ANSIBLE_DEBUG output was not on"
        return
    assert sampler.client_runs(), "the sampler never saw the client run: the process check proved nothing"
    assert run.client_calls(), "the client was never called"
    if setting == "vvvv-boto-debug":
        # The log file is under tmp_path, so run.leaks() above searched it; it must hold something.
        logged = (tmp_path / "boto-debug.log").read_text()
        assert "botocore.endpoint [DEBUG] Making request for OperationModel(name=GetJobUnlockCode" in logged
        assert "Response body" in logged, "the response-body records were not logged at all"


def test_no_code_in_ansible_runner_artifacts(emulator, devices, tmp_path):
    """Run through ansible-runner, as AWX does; job_events/ and stdout are searched."""
    if not (BIN / "ansible-runner").exists():
        pytest.skip("ansible-runner is installed in the main test venv only")
    prepare(tmp_path)
    run, private = run_ansible_runner(
        [HERE / "leak" / "play.yml", HERE / "leak" / "tasks.yml"], emulator, devices, tmp_path, verbosity=4
    )
    assert run.rc == 0, run.tail()
    events = list((private / "artifacts").rglob("job_events/*.json"))
    assert len(events) > 50, "ansible-runner wrote no job events"
    assert list((private / "artifacts").rglob("stdout")), "ansible-runner wrote no stdout artifact"
    assert not run.leaks(), run.leaks()


def test_no_secret_key_anywhere_while_device_credentials_runs(emulator, devices, tmp_path):
    """The device_credentials target (keys read, profile written, key rotated, a client echoing the key,
    the key put in a wrong option) at -vvvv with ANSIBLE_LOG_PATH: every secret key the devices issued,
    in every form, is looked for in the output, the log and every file left (``Run.leaks``), and, while
    it runs, in every process's argv and environment and every file but the credentials file asked for."""
    playbook = tmp_path / "play.yml"
    playbook.write_text("- hosts: localhost\n  gather_facts: false\n  roles:\n    - role: device_credentials\n")
    allowed = [tmp_path / "edge" / "aws" / "credentials"]
    roots = [tmp_path, edge_tmp(tmp_path)]
    with RunSampler(emulator.secrets(), roots, keys=devices.secret_keys, allowed=allowed) as sampler:
        run = run_playbook(playbook, emulator, tmp_path, devices=devices)
    assert run.rc == 0, run.tail()
    assert len(run.keys) > len(devices.devices), "no key was rotated: the run did not do what it should"
    assert not run.leaks(), run.leaks()
    assert not sampler.leaks(run.codes), sampler.leaks(run.codes)
    assert sampler.client_runs(), "the sampler never saw the client run: the process check proved nothing"
