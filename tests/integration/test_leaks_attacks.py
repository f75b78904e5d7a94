"""The leak suite, part two: what an outside review tried as an attacker would (issue 12), with variants.

Each test runs a real playbook through ansible-playbook against the emulator, the simulated devices
and the simulated client, samples files (controller, edge host, memory-backed directories) and every
process's argv and environment while it runs, and searches everything left afterwards. One test per
channel; docs/security-model.md points to them.
"""

from __future__ import annotations

import json
import os
import pathlib
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from integration.harness import BIN
from integration.harness import HERE
from integration.harness import edge_host_env
from integration.harness import edge_tmp
from integration.harness import emulator_vars
from integration.harness import run_playbook
from integration.leakscan import RunSampler
from integration.leakscan import find_leaks
from integration.leakscan import leftovers
from integration.leakscan import redact

CFG = str(HERE.parent.parent / "playbooks" / "ansible.cfg")

HEAD = """
- name: Attack
  hosts: localhost
  gather_facts: false
  vars:
    conn:
      endpoint_url: "{{ emulator_url }}"
      access_key: "{{ aws_access_key }}"
      secret_key: "{{ aws_secret_key }}"
      region: "{{ aws_region }}"
    endpoints: "{{ emulator_devices.endpoints }}"
    edge: "{{ work_dir }}/edge"
    ids: ["{{ emulator_jobs.ready1.job_id }}", "{{ emulator_jobs.ready2.job_id }}"]
  module_defaults:
    group/edge.snowball.aws: "{{ conn }}"
  tasks:
    - name: The manifests
      edge.snowball.job_manifest:
        job_id: "{{ emulator_jobs[item].job_id }}"
        dest: "{{ edge }}/{{ item }}/manifest.bin"
      loop: [ready1, ready2]

    - name: The code, kept in a fact that is never shown
      ansible.builtin.set_fact:
        code: "{{ lookup('edge.snowball.unlock_code', emulator_jobs.ready1.job_id, **conn) }}"
      no_log: true
"""


def attack(tmp_path, emulator, devices, tasks, verbosity="-v", env=None, head=HEAD, extra_vars=None):
    """Run HEAD + tasks, sampling while it runs; the Run and the sampler."""
    playbook = tmp_path / "attack.yml"
    playbook.write_text(head + textwrap.indent(textwrap.dedent(tasks), "    "))
    for name in ("ready1", "ready2", "ready3"):
        (tmp_path / "edge" / name).mkdir(parents=True, exist_ok=True)
    env = dict({"ANSIBLE_CONFIG": CFG}, **(env or {}))
    with RunSampler(emulator.secrets(), [tmp_path, edge_tmp(tmp_path)]) as sampler:
        run = run_playbook(
            playbook, emulator, tmp_path, verbosity=verbosity, extra_env=env, devices=devices, extra_vars=extra_vars
        )
    return run, sampler


def messages(run, marker="MSG:"):
    return [line.split(marker, 1)[1].strip() for line in run.stdout.splitlines() if marker in line]


def assert_sealed(run, sampler):
    leaks = run.leaks() + sampler.leaks(run.codes) + leftovers(run.codes)
    lines = run.stdout.splitlines()
    context = [
        redact(lines[int(where.split()[2]) - 1][:300], run.codes)
        for where in leaks
        if where.startswith("stdout line") and int(where.split()[2]) <= len(lines)
    ]
    assert not leaks, (leaks, context[:6])


# ---------------------------------------------------------------- 1. pipelining off
NO_PIPELINING = {
    "pipelining off": {"ANSIBLE_PIPELINING": "0"},
    "keep remote files": {"ANSIBLE_KEEP_REMOTE_FILES": "1"},
    "become su": {"EDGE_TEST_BECOME": "su"},
}


@pytest.mark.parametrize("setting", sorted(NO_PIPELINING))
def test_refuses_a_code_unless_pipelining_is_in_effect(setting, emulator, devices, tmp_path):
    """Without pipelining ansible-core writes the module with its arguments (the code) to a file on
    the edge host (and briefly on the controller): device_unlock and device_info refuse first."""
    env = dict(NO_PIPELINING[setting])
    become = env.pop("EDGE_TEST_BECOME", "")
    tasks = """
    - name: device_info with a code, the client slow (so a file would be seen)
      edge.snowball.device_info:
        endpoint: "{{ endpoints.ready1 }}"
        manifest_file: "{{ edge }}/ready1/manifest.bin"
        unlock_code: "{{ code }}"
        timeout: 3
      environment: {SNOWBALL_CLIENT_FAULT: hang}
      register: info
      ignore_errors: true
      become: "{{ test_become != '' }}"
      become_method: "{{ test_become or 'sudo' }}"

    - name: device_unlock with a code
      edge.snowball.device_unlock:
        endpoint: "{{ endpoints.ready1 }}"
        manifest_file: "{{ edge }}/ready1/manifest.bin"
        unlock_code: "{{ code }}"
        poll_interval: 0.2
      register: unlocked
      ignore_errors: true
      become: "{{ test_become != '' }}"
      become_method: "{{ test_become or 'sudo' }}"

    - name: "MSG: {{ info.msg | default('') }}"
      ansible.builtin.assert:
        that: [info is failed, unlocked is failed, "'pipelining' in info.msg", "'pipelining' in unlocked.msg"]
    """
    run, sampler = attack(tmp_path, emulator, devices, tasks, env=env, extra_vars={"test_become": become})
    assert run.rc == 0, run.tail()
    assert_sealed(run, sampler)
    assert not run.client_calls(), "the client ran although the code was not pipelined"


# ---------------------------------------------------------------- 2. a code given as a job id
CODE_AS_JOB_ID = """
- name: The forms of the code a user could confuse with a job id (the loop items hold only their index)
  ansible.builtin.set_fact:
    forms:
      - "{{ code }}"
      - " {{ code }}"
      - "{{ code }}\\n"
      - "{{ code | lower }}"
      - "{{ code | replace('-', '') }}"
      - "{{ code[:-1] }}"
      - "{{ code }}X"
      - "JID{{ code }}{{ code[:7] }}"
  no_log: true

- name: A code where a job id belongs
  edge.snowball.job_unlock_code:
    job_id: "{{ forms[item] }}"
  loop: "{{ range(8) | list }}"
  register: module_refusals
  ignore_errors: true

- name: job_manifest, the same
  edge.snowball.job_manifest:
    job_id: "{{ forms[item] }}"
    dest: "{{ edge }}/ready3/manifest.bin"
  loop: "{{ range(8) | list }}"
  ignore_errors: true

- name: The lookup, the same
  ansible.builtin.set_fact:
    refused: "{{ lookup('edge.snowball.unlock_code', forms[item], **conn) }}"
  loop: "{{ range(8) | list }}"
  ignore_errors: true

- name: A code where an AWS option belongs (botocore quotes region, endpoint and profile), region
  edge.snowball.job_unlock_code:
    job_id: "{{ emulator_jobs.ready3.job_id }}"
    region: "{{ code }}"
    endpoint_url: "{{ conn.endpoint_url }}"
  ignore_errors: true

- name: The same, endpoint_url
  edge.snowball.job_unlock_code:
    job_id: "{{ emulator_jobs.ready3.job_id }}"
    endpoint_url: "https://{{ code | replace('-', '') }}"
  ignore_errors: true

- name: The same, profile
  edge.snowball.job_unlock_code:
    job_id: "{{ emulator_jobs.ready3.job_id }}"
    profile: "{{ code }}"
    access_key: "{{ omit }}"
    secret_key: "{{ omit }}"
  ignore_errors: true

- name: device_info, a code as the device's endpoint (its messages quote the endpoint)
  edge.snowball.device_info:
    endpoint: "https://{{ code }}"
    manifest_file: "{{ edge }}/ready3/manifest.bin"
    unlock_code: "{{ code }}"
  ignore_errors: true

- name: device_unlock, a code in the manifest path (its messages quote the path)
  edge.snowball.device_unlock:
    endpoint: "{{ endpoints.ready3 }}"
    manifest_file: "{{ edge }}/{{ code | replace('-', '') }}/manifest.bin"
    unlock_code: "{{ code }}"
  ignore_errors: true

- name: The lookup, a code as the region
  ansible.builtin.set_fact:
    refused: "{{ lookup('edge.snowball.unlock_code', emulator_jobs.ready3.job_id, **(conn | combine({'region': code}))) }}"
  ignore_errors: true

- name: managed_device_info, a code as the region
  edge.snowball.managed_device_info:
    job_ids: ["{{ emulator_jobs.ready3.job_id }}"]
    region: "{{ code }}"
    endpoint_url: "{{ conn.endpoint_url }}"
    access_key: "{{ conn.access_key }}"
    secret_key: "{{ conn.secret_key }}"
  ignore_errors: true

- name: The role, the two fields confused
  ansible.builtin.include_role:
    name: edge.snowball.unlock
    apply: {ignore_errors: true}
  vars:
    unlock_job_id: "{{ code }}"
    unlock_endpoint: "{{ endpoints.ready3 }}"
    unlock_manifest_path: "{{ edge }}/ready3/manifest.bin"
    unlock_lookup_options: "{{ conn }}"
  ignore_errors: true

- name: "MSG: {{ module_refusals.results[0].msg }}"
  ansible.builtin.assert:
    that: "{{ module_refusals.results | map(attribute='failed') | list == [true] * 8 }}"
"""


def test_a_code_given_as_a_job_id_is_never_echoed(emulator, devices, tmp_path):
    run, sampler = attack(tmp_path, emulator, devices, CODE_AS_JOB_ID, verbosity="-vvv")
    assert run.rc == 0, run.tail()
    assert_sealed(run, sampler)
    assert "this looks like an unlock code, not a job id" in messages(run)[0], messages(run)


# ---------------------------------------------------------------- 3. whitespace and malformed codes
MALFORMED = """
- name: A code with whitespace, the client printing its profile
  edge.snowball.device_info:
    endpoint: "{{ endpoints.ready1 }}"
    manifest_file: "{{ edge }}/ready1/manifest.bin"
    unlock_code: "{{ item.value }}"
  environment: {SNOWBALL_CLIENT_FAULT: "{{ item.fault }}"}
  loop:
    - {name: newline crash, value: "{{ code }}\\n", fault: crash}
    - {name: newline echo, value: "{{ code }}\\n", fault: echo}
    - {name: spaces crash, value: "  {{ code }}\\t", fault: crash}
    - {name: CRLF crash, value: "{{ code }}\\r\\n", fault: crash}
  loop_control: {label: "{{ item.name }}"}
  register: stripped
  ignore_errors: true

- name: Malformed codes
  edge.snowball.device_unlock:
    endpoint: "{{ endpoints.ready1 }}"
    manifest_file: "{{ edge }}/ready1/manifest.bin"
    unlock_code: "{{ item }}"
  environment: {SNOWBALL_CLIENT_FAULT: crash}
  loop:
    - "{{ code[:-1] }}"
    - "{{ code }}-ABCDE"
    - "{{ code | replace('-', ' ') }}"
    - "\\"{{ code }}\\""
    - "{{ code[:11] }}\\n{{ code[12:] }}"
  loop_control: {label: "a malformed code"}
  register: malformed
  ignore_errors: true

- name: "MSG: {{ malformed.results[0].msg }}"
  ansible.builtin.assert:
    that:
      - "{{ malformed.results | map(attribute='failed') | list == [true] * 5 }}"
      - "{{ malformed.results | map(attribute='msg') | select('search', 'shape of an unlock code') | list | length == 5 }}"
"""


def test_a_code_with_whitespace_is_stripped_and_a_malformed_one_refused(emulator, devices, tmp_path):
    run, sampler = attack(tmp_path, emulator, devices, MALFORMED, verbosity="-vvv")
    assert run.rc == 0, run.tail()
    assert_sealed(run, sampler)
    # `snowballEdge version` (once, cached) carries no profile: only the describes count here.
    calls = [call for call in run.client_calls() if "version" not in call["argv"][1:2]]
    assert len(calls) == 4, f"the stripped codes should reach the client 4 times, not {len(calls)}"


# ---------------------------------------------------------------- 4. loop labels
LOOPS = """
- name: The README's batch, zipped into loop items
  edge.snowball.device_info:
    endpoint: "{{ endpoints[item.0 is search(emulator_jobs.ready1.job_id) | ternary('ready1', 'ready2')] }}"
    manifest_file: "{{ edge }}/{{ item.0 is search(emulator_jobs.ready1.job_id) | ternary('ready1', 'ready2') }}/manifest.bin"
    unlock_code: "{{ item.1 }}"
  loop: "{{ ids | zip(query('edge.snowball.unlock_code', *ids, **conn)) | list }}"

- name: with_together
  edge.snowball.device_info:
    endpoint: "{{ endpoints.ready1 }}"
    manifest_file: "{{ edge }}/ready1/manifest.bin"
    unlock_code: "{{ item.1 }}"
  with_together:
    - "{{ ids[:1] }}"
    - "{{ query('edge.snowball.unlock_code', ids[0], **conn) }}"

- name: A label that shows the code, with until
  edge.snowball.device_info:
    endpoint: "{{ endpoints.ready1 }}"
    manifest_file: "{{ edge }}/ready1/manifest.bin"
    unlock_code: "{{ item }}"
  loop: ["{{ code }}"]
  loop_control: {label: "job {{ ids[0] }} code {{ item }}"}
  register: polled
  until: polled.state == 'NEVER'
  retries: 2
  delay: 0
  ignore_errors: true

- name: The lookup as the loop of a task that is not this collection's and has no no_log
  ansible.builtin.debug:
    msg: "unlocking {{ item | length }}"
  with_edge.snowball.unlock_code: "{{ ids }}"
  register: foreign
  ignore_errors: true

- name: The same with loop and query
  ansible.builtin.debug:
    msg: "unlocking {{ item | length }}"
  loop: "{{ query('edge.snowball.unlock_code', *ids, **conn) }}"
  register: foreign_query
  ignore_errors: true

- name: "MSG: {{ foreign.msg | default('') }}"
  ansible.builtin.assert:
    that: [foreign is failed, foreign_query is failed]
"""


def test_loop_items_holding_a_code_are_censored(emulator, devices, tmp_path):
    run, sampler = attack(
        tmp_path, emulator, devices, LOOPS, verbosity="-vv", env={"AWS_ENDPOINT_URL_SNOWBALL": emulator.url}
    )
    assert run.rc == 0, run.tail()
    assert_sealed(run, sampler)
    # 2.19 labels a censored item "(censored due to no_log)"; 2.17 drops the label with the result (item=None)
    assert "(censored due to no_log)" in run.stdout or "(item=None)" in run.stdout
    assert "item=" in run.stdout


# ---------------------------------------------------------------- 5. the profile lives one client command
LIFETIME = """
- name: The device takes 7 s to unlock
  ansible.builtin.uri:
    url: "{{ endpoints.ready1 }}/_device/behaviour"
    method: POST
    body_format: json
    body: {unlock_delay: 7}

- name: Unlock; the device takes a few seconds and is polled every 3 s
  edge.snowball.device_unlock:
    endpoint: "{{ endpoints.ready1 }}"
    manifest_file: "{{ edge }}/ready1/manifest.bin"
    unlock_code: "{{ code }}"
    poll_interval: 3
    timeout: 40
"""


def test_the_profile_exists_only_while_a_client_command_runs(emulator, devices, tmp_path):
    run, sampler = attack(tmp_path, emulator, devices, LIFETIME)
    assert run.rc == 0, run.tail()
    assert_sealed(run, sampler)
    assert sampler.samples > 20, "the sampler hardly ran"
    # The profile used to stay the whole poll interval, through every command: each command must have
    # its own, gone before the next starts. Told by which commands saw each profile file, not by a clock.
    assert sampler.commands_with_a_profile() >= 2, "the sampler never saw a profile during two commands"
    longest = sampler.longest_profile_without_client()
    assert not sampler.shared_profiles(), f"one profile served several commands (alone for {longest:.2f}s at most)"


# ---------------------------------------------------------------- 6. killed modules, 7. task timeout
KILL_PLAY = """
- name: Kill target
  hosts: localhost
  gather_facts: false
  tasks:
    - name: The manifest
      edge.snowball.job_manifest:
        job_id: "{{ emulator_jobs.ready1.job_id }}"
        dest: "{{ work_dir }}/edge/ready1/manifest.bin"
        endpoint_url: "{{ emulator_url }}"
        access_key: "{{ aws_access_key }}"
        secret_key: "{{ aws_secret_key }}"
        region: "{{ aws_region }}"

    - name: A module whose client hangs
      edge.snowball.%(module)s:
        endpoint: "{{ emulator_devices.endpoints.ready1 }}"
        manifest_file: "{{ work_dir }}/edge/ready1/manifest.bin"
        unlock_code: "{{ lookup('edge.snowball.unlock_code', emulator_jobs.ready1.job_id, endpoint_url=emulator_url,
                         access_key=aws_access_key, secret_key=aws_secret_key, region=aws_region) }}"
        timeout: 600
      environment: {SNOWBALL_CLIENT_FAULT: %(fault)s}
      %(timeout)s
      ignore_errors: true
"""


def _children(pid: int) -> list[int]:
    kids = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = pathlib.Path(entry.path, "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry.name))
    return kids


def _client_processes(tag: str) -> list[int]:
    """Simulated client processes started for this test (its argv log path is in their environment)."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                argv = pathlib.Path(entry.path, "cmdline").read_bytes()
                environ = pathlib.Path(entry.path, "environ").read_bytes()
            except OSError:
                continue
            # Only commands that read the profile (--profile): `snowballEdge version`, which a module runs
            # first on a fresh host, has no profile and no code, and its module has no stop guard yet.
            if b"emulator.client" in argv and b"--profile" in argv and tag.encode() in environ:
                found.append(int(entry.name))
    return found


def _start(tmp_path, emulator, devices, module, timeout="", fault="hang"):
    playbook = tmp_path / "kill.yml"
    playbook.write_text(KILL_PLAY % {"module": module, "timeout": timeout, "fault": fault})
    (tmp_path / "edge" / "ready1").mkdir(parents=True, exist_ok=True)
    variables = emulator_vars(emulator, devices)
    variables["work_dir"] = str(tmp_path)
    (tmp_path / "vars.json").write_text(json.dumps(variables))
    env = edge_host_env(tmp_path)
    env.update(ANSIBLE_CONFIG=CFG, ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-local"))
    inventory = tmp_path / "inventory.ini"
    inventory.write_text(f"localhost ansible_connection=local ansible_python_interpreter={sys.executable}\n")
    return subprocess.Popen(
        [str(BIN / "ansible-playbook"), "-i", str(inventory), "-e", f"@{tmp_path / 'vars.json'}", str(playbook)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_for(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    return None


def _stop_strays(tag):
    for pid in _client_processes(tag):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


SIGNALS = ["SIGKILL", "SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM"]


@pytest.mark.parametrize("module", ["device_unlock", "device_info"])
@pytest.mark.parametrize("signame", SIGNALS)
def test_a_killed_module_leaves_no_code_on_disk(module, signame, emulator, devices, tmp_path):
    tag = str(tmp_path)
    proc = _start(tmp_path, emulator, devices, module)
    try:
        clients = _wait_for(lambda: _client_processes(tag), 60)
        assert clients, "the client never started"
        module_pid = int(pathlib.Path(f"/proc/{clients[0]}/stat").read_text().rsplit(")", 1)[1].split()[1])
        os.kill(module_pid, getattr(signal, signame))
        output, _err = proc.communicate(timeout=120)
        codes = emulator.secrets()
        persistent = leftovers(codes, [tmp_path, edge_tmp(tmp_path)])
        persistent = [
            hit for hit in persistent if not hit.startswith(("/dev/shm", os.environ.get("XDG_RUNTIME_DIR") or "//"))
        ]
        assert not persistent, persistent
        assert not find_leaks(output, codes)
        if signame != "SIGKILL":
            assert not leftovers(codes), "a caught signal must clean up everything, memory-backed files too"
            assert _wait_for(lambda: not _client_processes(tag), 5) is not None, "the client outlived its module"
        else:
            # The next start of a module sweeps what a killed one left in memory-backed storage.
            _stop_strays(tag)
            again = _start(tmp_path, emulator, devices, "device_info", timeout="timeout: 5")
            again.communicate(timeout=120)
            # (the second module, stopped by its task timeout, may still be cleaning up its own home)
            assert _wait_for(lambda: not leftovers(codes), 10), (
                "the next start did not sweep the killed module's profile"
            )
    finally:
        _stop_strays(tag)
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def test_a_stopped_module_keeps_no_profile_once_its_client_is_done(emulator, devices, tmp_path):
    """A module stopped (not killed) while its client runs cannot remove the profile itself: the
    profile's remover, in a session of its own, removes it as soon as the client exits (issue 22, W8).
    SIGSTOP stands for every stop: SIGTSTP is discarded here (the module's process group is orphaned,
    the kernel then ignores the terminal stops), and the remover does not depend on which signal."""
    signame = "SIGSTOP"
    tag = str(tmp_path)
    proc = _start(tmp_path, emulator, devices, "device_info", fault="slow")
    module_pid = None
    try:
        clients = _wait_for(lambda: _client_processes(tag), 60)
        assert clients, "the client never started"
        module_pid = int(pathlib.Path(f"/proc/{clients[0]}/stat").read_text().rsplit(")", 1)[1].split()[1])
        os.kill(module_pid, getattr(signal, signame))
        assert _wait_for(lambda: not _client_processes(tag), 60), "the client never finished"
        codes = emulator.secrets()
        assert _wait_for(lambda: not leftovers(codes), 30), (
            "the profile outlived its client while the module was stopped"
        )
        assert pathlib.Path(f"/proc/{module_pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "T", (
            "the module was not stopped the whole time: the test proved nothing"
        )
    finally:
        if module_pid is not None:
            os.kill(module_pid, signal.SIGCONT)
        proc.communicate(timeout=120)
        _stop_strays(tag)


@pytest.mark.parametrize("module", ["device_unlock", "device_info"])
def test_a_task_timeout_stops_the_module_and_its_client(module, emulator, devices, tmp_path):
    tag = str(tmp_path)
    proc = _start(tmp_path, emulator, devices, module, timeout="timeout: 4")
    try:
        output, _err = proc.communicate(timeout=120)
        assert "terminated" in output or "timed out" in output.lower() or "time frame" in output, output[-2000:]
        gone = _wait_for(lambda: not _client_processes(tag), 6)
        assert gone, "the client was still running after the task timed out"
        assert not leftovers(emulator.secrets(), [tmp_path, edge_tmp(tmp_path)]), "a profile outlived the task"
    finally:
        _stop_strays(tag)


# ---------------------------------------------------------------- 8. fact caching
FACT_CACHE = """
- name: The README's batch into a cacheable fact
  ansible.builtin.set_fact:
    snowball_codes: "{{ dict(ids | zip(query('edge.snowball.unlock_code', *ids, **conn))) }}"
    cacheable: true
  no_log: true
  register: cached
  ignore_errors: true

- name: "MSG: {{ cached.msg | default('') }}"
  ansible.builtin.assert:
    that: [cached is failed]
"""


def test_codes_are_not_written_to_a_fact_cache(emulator, devices, tmp_path):
    env = {"ANSIBLE_CACHE_PLUGIN": "jsonfile", "ANSIBLE_CACHE_PLUGIN_CONNECTION": str(tmp_path / "facts")}
    run, sampler = attack(tmp_path, emulator, devices, FACT_CACHE, env=env)
    assert run.rc == 0, run.tail()
    assert_sealed(run, sampler)
    assert "fact cache" in " ".join(messages(run)), messages(run)


# ---------------------------------------------------------------- 9. rescue / always
RESCUE = """
- name: A block whose failed result reaches rescue and always
  block:
    - name: job_unlock_code failed by a condition on its result
      edge.snowball.job_unlock_code:
        job_id: "{{ emulator_jobs.ready2.job_id }}"
      register: got
      failed_when: got.job_state != 'Complete'
  rescue:
    - name: "MSG: {{ ansible_failed_result.msg | default('') }}"
      ansible.builtin.debug:
        var: ansible_failed_result
  always:
    - name: Always shows it too
      ansible.builtin.debug:
        var: ansible_failed_result

- name: The same with until
  block:
    - name: job_unlock_code retried until a condition that never holds
      edge.snowball.job_unlock_code:
        job_id: "{{ emulator_jobs.ready2.job_id }}"
      register: got2
      until: got2.job_state == 'Complete'
      retries: 1
      delay: 0
  rescue:
    - name: Rescue shows the failed result
      ansible.builtin.debug:
        var: ansible_failed_result

- name: The lookup in a fact, failed by a condition
  block:
    - name: set_fact from the lookup with failed_when
      ansible.builtin.set_fact:
        fact_code: "{{ lookup('edge.snowball.unlock_code', emulator_jobs.ready2.job_id, **conn) }}"
      no_log: true
      failed_when: true
  rescue:
    - name: Rescue shows the failed result
      ansible.builtin.debug:
        var: ansible_failed_result
"""


def test_failed_results_in_rescue_and_always_hold_no_code(emulator, devices, tmp_path):
    run, sampler = attack(tmp_path, emulator, devices, RESCUE)
    assert run.rc == 0, run.tail()
    assert_sealed(run, sampler)
    assert any("failed_when" in line for line in messages(run)), messages(run)


# ---------------------------------------------------------------- 10. a code given as a device id or an optional job id
CODE_AS_DEVICE_ID = (
    CODE_AS_JOB_ID.split("- name: A code where a job id belongs", maxsplit=1)[0]
    + """
- name: managed_device_info, a code where a job id belongs (its invocation echoes its arguments)
  edge.snowball.managed_device_info:
    job_ids: ["{{ forms[item] }}"]
  loop: "{{ range(8) | list }}"
  register: info_jobs
  ignore_errors: true

- name: managed_device_unlock, the same
  edge.snowball.managed_device_unlock:
    job_ids: ["{{ emulator_jobs.ready1.job_id }}", "{{ forms[item] }}"]
  loop: [0, 5, 7]
  register: unlock_jobs
  ignore_errors: true

- name: managed_device_unlock, a code where a managed device id belongs (AWS would echo it)
  edge.snowball.managed_device_unlock:
    managed_device_ids: ["{{ forms[item] }}"]
  loop: "{{ range(5) | list }}"
  register: unlock_devices
  ignore_errors: true

- name: managed_device_info, the same
  edge.snowball.managed_device_info:
    managed_device_ids: ["{{ forms[item] }}"]
  loop: [0, 2]
  register: info_devices
  ignore_errors: true

- name: device_info, a code form in its optional job_id
  edge.snowball.device_info:
    endpoint: "{{ endpoints.ready1 }}"
    manifest_file: "{{ edge }}/ready1/manifest.bin"
    unlock_code: "{{ code }}"
    job_id: "{{ forms[item] }}"
  loop: [0, 3, 5]
  register: info_job_id
  ignore_errors: true

- name: The role's remote unlock, the two fields confused
  ansible.builtin.include_role:
    name: edge.snowball.unlock
    apply: {ignore_errors: true}
  vars:
    unlock_method: remote
    unlock_job_id: "{{ code }}"
    unlock_lookup_options: "{{ conn }}"
  ignore_errors: true

- name: managed_device_info, a code and an option ansible-core refuses before the module starts
  edge.snowball.managed_device_info:
    job_ids: ["{{ code }}"]
    managed_device_ids: [smd-0123456789abcdef]
  register: refused_by_core
  ignore_errors: true

- name: managed_device_unlock, a code and an option of the wrong type
  edge.snowball.managed_device_unlock:
    job_ids: ["{{ code }}"]
    timeout: soon
  register: refused_by_core2
  ignore_errors: true

- name: "MSG: {{ unlock_devices.results[0].msg }}"
  ansible.builtin.assert:
    that:
      - "{{ (info_jobs.results + unlock_jobs.results + info_job_id.results) | map(attribute='failed') | list == [true] * 14 }}"
      - "{{ (unlock_devices.results + info_devices.results) | map(attribute='failed') | list == [true] * 7 }}"
      - refused_by_core is failed
      - refused_by_core2 is failed
"""
)


def test_a_code_given_as_a_device_id_is_never_echoed(emulator, devices, tmp_path):
    """managed_device_* and device_info's job_id run as modules: ansible-core echoes their arguments in
    ``invocation``, and AWS's answer repeats an unknown managed device id. Neither may show a code."""
    run, sampler = attack(tmp_path, emulator, devices, CODE_AS_DEVICE_ID, verbosity="-vvv")
    assert run.rc == 0, run.tail()
    assert_sealed(run, sampler)
    assert "this looks like an unlock code, not a managed device id" in messages(run)[0], messages(run)


# ---------------------------------------------------------------- 11. a code in any other option (issue 22, leak 6)
CODE_FORMS = """
- name: The forms of a code put in another option (the loop items hold only their index)
  ansible.builtin.set_fact:
    forms:
      - "{{ code }}"
      - "x{{ code }}y"
      - "{{ code | replace('-', '') }}"
      - "%27{{ code }}%27"
      - "{{ code | lower | replace('-', '_') }}"
      - "{{ code | replace('-', '', 1) }}"
      - "{{ code | replace('-', '--') }}"
      - "{{ code[:5] }}_{{ code[6:11] }}.{{ code[12:23] }}{{ code[24:] }}"
  no_log: true
"""
#: How many forms CODE_FORMS gives (the last three: a hyphen dropped, doubled, mixed and dropped; issue 21).
FORMS = 8
CODE_IN_OPTIONS = {
    # (module, its other arguments, the option that gets the code, how)
    "export vault_id": (
        "export_unlock_codes",
        {"job_ids": ["{{ ids[0] }}"], "dest": "{{ work_dir }}/x/c.yml"},
        "vault_id",
        "{{ forms[item] }}",
    ),
    "export dest": (
        "export_unlock_codes",
        {"job_ids": ["{{ ids[0] }}"]},
        "dest",
        "{{ work_dir }}/x/{{ forms[item] }}.yml",
    ),
    "export concurrency": (
        "export_unlock_codes",
        {"job_ids": ["{{ ids[0] }}"], "dest": "{{ work_dir }}/x/c.yml"},
        "concurrency",
        "{{ forms[item] }}",
    ),
    "export retries": (
        "export_unlock_codes",
        {"job_ids": ["{{ ids[0] }}"], "dest": "{{ work_dir }}/x/c.yml"},
        "retries",
        "{{ forms[item] }}",
    ),
    "job_manifest src": (
        "job_manifest",
        {"job_id": "{{ ids[0] }}", "dest": "{{ edge }}/ready3/m.bin"},
        "src",
        "{{ work_dir }}/{{ forms[item] }}.bin",
    ),
    "job_unlock_code wait_timeout": (
        "job_unlock_code",
        {"job_id": "{{ ids[0] }}"},
        "wait_timeout",
        "{{ forms[item] }}",
    ),
    "managed_device_unlock timeout": (
        "managed_device_unlock",
        {"job_ids": ["{{ ids[0] }}"]},
        "timeout",
        "{{ forms[item] }}",
    ),
    "managed_device_info region": ("managed_device_info", {"job_ids": ["{{ ids[0] }}"]}, "region", "{{ forms[item] }}"),
    "device_info timeout": (
        "device_info",
        {
            "endpoint": "{{ endpoints.ready1 }}",
            "manifest_file": "{{ edge }}/ready1/manifest.bin",
            "unlock_code": "{{ code }}",
        },
        "timeout",
        "{{ forms[item] }}",
    ),
    "device_unlock client": (
        "device_unlock",
        {
            "endpoint": "{{ endpoints.ready1 }}",
            "manifest_file": "{{ edge }}/ready1/manifest.bin",
            "unlock_code": "{{ code }}",
        },
        "client",
        "/opt/{{ forms[item] }}/snowballEdge",
    ),
}
LOOKUP_OPTIONS = {
    "lookup codes_file": "codes_file=work_dir ~ '/' ~ forms[item]",
    "lookup concurrency": "concurrency=forms[item]",
}


def _code_in_options_tasks() -> str:
    tasks = [CODE_FORMS]
    for name, (module, args, option, value) in CODE_IN_OPTIONS.items():
        task = {"name": name, f"edge.snowball.{module}": dict(args, **{option: value})}
        task.update(loop=f"{{{{ range({FORMS}) | list }}}}", register=name.replace(" ", "_"), ignore_errors=True)
        tasks.append("- " + json.dumps(task))
    for name, option in LOOKUP_OPTIONS.items():
        lookup = f"{{{{ lookup('edge.snowball.unlock_code', ids[0], {option}, **conn) }}}}"
        task = {"name": name, "ansible.builtin.debug": {"msg": lookup}, "loop": f"{{{{ range({FORMS}) | list }}}}"}
        task.update(register=name.replace(" ", "_"), ignore_errors=True)
        tasks.append("- " + json.dumps(task))
    # ansible-core 2.17 fails a looped task whose arguments' lookup fails as a whole (no results): count it once.
    names = [name.replace(" ", "_") for name in list(CODE_IN_OPTIONS) + list(LOOKUP_OPTIONS)]
    results = " + ".join(f"({name}.results | default([{name}]))" for name in names)
    that = [
        f"{{{{ ({results}) | length >= {len(names)} }}}}",
        f"{{{{ ({results}) | rejectattr('failed') | list | length == 0 }}}}",
        f"{{{{ ({results}) | map(attribute='msg') | reject('search', 'holds something shaped like an unlock code"
        " [(]not shown[)]') | list | length == 0 }}",
    ]
    tasks.append(
        "- "
        + json.dumps({"name": "Every one refused, naming the option only", "ansible.builtin.assert": {"that": that}})
    )
    return "\n".join(tasks)


def test_a_code_in_any_other_option_is_refused_before_anything_quotes_it(emulator, devices, tmp_path):
    """ansible-core's type checks quote the value (concurrency, retries, timeout), and so do our own
    messages and AWS (a path, a vault id, a region): the one check in the action base and the lookup
    refuses first, for every option of every plugin."""
    run, sampler = attack(tmp_path, emulator, devices, _code_in_options_tasks(), verbosity="-vvv")
    assert run.rc == 0, run.tail()
    assert_sealed(run, sampler)


# ---------------------------------------------------------------- 12. a careless client (issue 22, leak 1, weakness 7)
CARELESS_CLIENT = """
- name: A client whose words straddle the cut at 1,000 characters, then time out
  edge.snowball.device_info:
    endpoint: "{{ endpoints.ready1 }}"
    manifest_file: "{{ edge }}/ready1/manifest.bin"
    unlock_code: "{{ code }}"
    timeout: 20
  environment: {SNOWBALL_CLIENT_FAULT: cut-hang}
  register: cut
  ignore_errors: true

- name: A client that splits the code between its streams, or prints it as Java arrays
  edge.snowball.device_unlock:
    endpoint: "{{ endpoints.ready1 }}"
    manifest_file: "{{ edge }}/ready1/manifest.bin"
    unlock_code: "{{ code }}"
  environment: {SNOWBALL_CLIENT_FAULT: "{{ item }}", SNOWBALL_CLIENT_ERRORS: "{{ 'stdout' if item == 'arrays' else '' }}"}
  loop: [split, arrays]
  register: careless
  ignore_errors: true

- name: "MSG: {{ cut.msg }}"
  ansible.builtin.assert:
    that:
      - cut is failed
      - careless.results | map(attribute='failed') | list == [true, true]
"""


def test_a_careless_client_shows_no_part_of_the_code(emulator, devices, tmp_path):
    """Masked first, cut after: a code straddling the 1,000-character cut, split between stdout and
    stderr, or printed as Arrays.toString would, leaves no two of its groups anywhere."""
    run, sampler = attack(tmp_path, emulator, devices, CARELESS_CLIENT, verbosity="-vvv")
    assert run.rc == 0, run.tail()
    assert_sealed(run, sampler)
    assert "did not finish within 20s" in messages(run)[0], messages(run)


# ---------------------------------------------------------------- 13. AWS's escaped echo (issue 22, leak 7)
CODE_AS_ESCAPED_DEVICE_ID = (
    CODE_FORMS
    + """
- name: managed_device_unlock and managed_device_info, a code inside a managed device id
  edge.snowball.managed_device_unlock:
    managed_device_ids: ["{{ forms[item] }}"]
  loop: [1, 3, 4]
  register: escaped_unlock
  ignore_errors: true

- name: managed_device_info, the same
  edge.snowball.managed_device_info:
    managed_device_ids: ["'{{ code }}'", "smd-{{ forms[item] }}"]
  loop: [0, 2]
  register: escaped_info
  ignore_errors: true

- name: Every one refused
  ansible.builtin.assert:
    that:
      - (escaped_unlock.results + escaped_info.results) | map(attribute='failed') | list == [true] * 5
"""
)


def test_a_code_inside_a_device_id_is_refused_and_never_echoed(emulator, devices, tmp_path):
    """AWS echoes an unknown managed device id URL-encoded (%27<code>%27); a code with a letter more
    either side, or escaped, is still a code: refused before AWS, and masked in anything AWS says."""
    run, sampler = attack(tmp_path, emulator, devices, CODE_AS_ESCAPED_DEVICE_ID, verbosity="-vvv")
    assert run.rc == 0, run.tail()
    assert_sealed(run, sampler)
