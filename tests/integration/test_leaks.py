"""The leak suite: the code must not appear anywhere a user or an attacker on the edge host can read.

tests/integration/leak/play.yml runs the module, the lookup, the role and the failure paths, each
without and with no_log. It runs here under several output settings; each run is searched
(``Run.leaks``: stdout, stderr, ANSIBLE_LOG_PATH, every file left under the run's directory, the
client's argv) and the process list is sampled while it runs. test_leakscan.py proves the
scanner finds a code that is there.
"""

from __future__ import annotations

import os
import pathlib
import threading

import pytest

from integration.conftest import BIN
from integration.conftest import HERE
from integration.conftest import run_ansible_runner
from integration.conftest import run_playbook
from integration.leakscan import find_leaks

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


class ProcessSampler:
    """Reads every process's argv (and environment, where readable) while the playbook runs."""

    def __init__(self):
        self.seen: dict[int, tuple[str, str]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        me = os.getpid()
        while not self._stop.is_set():
            for entry in os.scandir("/proc"):
                if not entry.name.isdigit() or int(entry.name) == me:
                    continue
                try:
                    argv = (
                        pathlib.Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
                    )
                    environ = (
                        pathlib.Path(entry.path, "environ")
                        .read_bytes()
                        .replace(b"\0", b"\n")
                        .decode("utf-8", "replace")
                    )
                except OSError:
                    continue
                self.seen[int(entry.name)] = (argv, environ)
            self._stop.wait(0.005)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def leaks(self, codes):
        return [
            f"process {pid} {what} ({argv[:80]})"
            for pid, (argv, environ) in self.seen.items()
            for what, text in (("argv", argv), ("environment", environ))
            if find_leaks(text, codes)
        ]

    def client_runs(self):
        return [argv for argv, _env in self.seen.values() if "emulator.client" in argv or "snowballEdge" in argv]


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
    with ProcessSampler() as sampler:
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
