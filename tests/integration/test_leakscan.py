"""The leak scanner must itself be able to fail: a deliberately leaky playbook is caught."""

from __future__ import annotations

import base64
import pathlib
import shutil
import sys
import tempfile
import time

import pytest

from integration.harness import run_playbook
from integration.leakscan import MEMORY_DIRS
from integration.leakscan import RunSampler
from integration.leakscan import find_leaks
from integration.leakscan import redact

# Main column of make test only: checks the leak scanner itself (tests/conftest.py).
pytestmark = pytest.mark.once

LEAKY = """- hosts: localhost
  gather_facts: false
  tasks:
    - name: Get a code (censored by the collection)
      edge.snowball.job_unlock_code:
        job_id: "{{ emulator_jobs.ready1.job_id }}"
        endpoint_url: "{{ emulator_url }}"
        access_key: "{{ aws_access_key }}"
        secret_key: "{{ aws_secret_key }}"
        region: "{{ aws_region }}"
      register: result

    - name: Deliberately print it, as a careless playbook could
      ansible.builtin.debug:
        msg: "{{ result.unlock_code | replace('-', '') | upper }}"

    - name: Deliberately keep it in a file on the edge host, next to where a manifest would go
      ansible.builtin.copy:
        content: "{{ result.unlock_code | b64encode }}"
        dest: "{{ work_dir }}/home/code-backup.txt"
        mode: "0600"
      no_log: true

    - name: Deliberately put it on a command line for a while (no_log hides the output, not the argv)
      ansible.builtin.command:
        argv: [sh, -c, "sleep 1", "{{ result.unlock_code }}"]
      failed_when: false
      no_log: true
"""


def test_scanner_catches_a_deliberately_leaky_task(emulator, tmp_path):
    playbook = tmp_path / "leaky.yml"
    playbook.write_text(LEAKY)
    with RunSampler() as sampler:
        run = run_playbook(playbook, emulator, tmp_path, verbosity="-v")
    assert run.rc == 0, run.tail()
    leaks = run.leaks()
    assert any(where.startswith("stdout") for where in leaks), leaks
    assert any(where.startswith("log") for where in leaks), leaks
    assert any(where.startswith("file home/code-backup.txt") and "base64" in where for where in leaks), leaks
    assert any("argv" in where for where in sampler.leaks(run.codes)), "the process sampler missed a code in argv"


def test_scanner_finds_every_transformed_form():
    code = "abcde-fghij-klmno-pqrst-uvwxy"
    bare = code.replace("-", "")
    forms = (code, code.upper(), bare, bare.upper(), base64.b64encode(code.encode()).decode())
    for text in forms:
        assert find_leaks(f"first line\nsome {text} here", [code]), text
        assert find_leaks(f"first line\n{text}", [code])[0].startswith("line 2")
        assert "<UNLOCK-CODE>" in redact(text, [code]) and text not in redact(text, [code])
    assert find_leaks("nothing to see", [code]) == []


def test_scanner_finds_every_form_of_a_secret_key_and_only_in_its_own_case():
    key = "".join(("Zq8/", "Xv3+", "Lm5k")[i % 3] for i in range(10))
    forms = (
        key,
        key.replace("/", "\\/"),  # JSON with escaped slashes
        key.replace("/", "%2F").replace("+", "%2b"),  # URL-quoted
        key.replace("/", "\\u002f"),
        key.encode().hex().upper(),
        base64.b64encode(key.encode()).decode(),
        base64.b64encode(b"[snowballEdge] " + key.encode()).decode(),  # inside a longer encoded text
        key[7:21],  # a cut key
    )
    for text in forms:
        assert find_leaks(f"first line\nsome {text} here", [], [key]), text
        assert "<SECRET-KEY>" in redact(text, [], [key]), text
    assert find_leaks(key.swapcase(), [], [key]) == []  # keys are case-sensitive: another key
    assert find_leaks(key[7:20], [], [key]) == []  # 13 characters: not enough to count


def test_process_sampler_catches_a_short_lived_process_holding_a_key_or_a_code(tmp_path):
    """A command of a fraction of a second with a key in its environment and a code in its argv is seen,
    and so is a stand-in client, even while the file scan is busy with a large file (the search waits for
    leaks(), the /proc scan only records)."""
    import os
    import subprocess

    key = "".join(("Zq8/", "Xv3+", "Lm5k")[i % 3] for i in range(10))
    code = "abcde-fghij-klmno-pqrst-uvwxy"
    (tmp_path / "big.log").write_text("nothing here\n" * 300_000)
    with RunSampler([code], [tmp_path], keys=lambda: [key]) as sampler:
        for _attempt in range(3):
            env = dict(os.environ, SOME_SECRET=key)
            subprocess.run(["sh", "-c", "sleep 0.2", "bin/snowballEdge", code], env=env, check=True)
    leaks = sampler.leaks()
    assert any(where.startswith("secret key in process") and "environment" in where for where in leaks), leaks
    assert any(where.startswith("process") and "argv" in where for where in leaks), leaks
    assert sampler.client_runs()
    with RunSampler([code], [tmp_path], keys=lambda: [key]) as quiet:
        subprocess.run(["sleep", "0.2"], check=True)
    # Only what this test knows: another test running beside it (pytest -n 2) may run a client meanwhile.
    assert not quiet.leaks()


def _command(home):
    """A stand-in client command in a session of its own, with the profile's HOME, until stopped."""
    import os
    import subprocess

    env = dict(os.environ, HOME=str(home))
    argv = [sys.executable, "-c", "import sys; sys.stdin.read()", "emulator.client"]
    return subprocess.Popen(argv, stdin=subprocess.PIPE, env=env, start_new_session=True)


def _seen_with(sampler, command):
    """Wait for the sampler to match the running ``command`` with a profile, then end the command."""
    deadline = time.monotonic() + 120  # a failure's limit, not a measure: it returns once the event is seen
    while command.pid not in set().union(*sampler.profile_commands.values(), set()):
        assert time.monotonic() < deadline, "the sampler never matched the command with the profile"
        time.sleep(0.01)
    command.stdin.close()
    command.wait()


@pytest.mark.parametrize("kept", [True, False])
def test_the_sampler_tells_a_profile_kept_across_commands(tmp_path, kept):
    """The check of test_the_profile_exists_only_while_a_client_command_runs can fail: one profile
    file living through two client commands is told from a new profile for each, by the commands'
    sessions, with no clock."""
    if not MEMORY_DIRS:
        pytest.skip("no memory-backed directory to hold a profile")
    code = "ab3de-fgh1j-klmn0-pqrs7-uvwx9"
    home = pathlib.Path(tempfile.mkdtemp(dir=MEMORY_DIRS[0]))
    profile = home / "snowball-edge.config"
    try:
        with RunSampler([code], [tmp_path]) as sampler:
            for _command_number in range(2):
                if not profile.exists():
                    profile.write_text(f"[profile x]\nunlock_code = {code}\n")
                _seen_with(sampler, _command(home))
                if not kept:
                    profile.unlink()
    finally:
        shutil.rmtree(home)
    assert sampler.commands_with_a_profile() == 2
    assert sampler.shared_profiles() == (1 if kept else 0)
