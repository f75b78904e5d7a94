"""The leak suite, part three: the guards of issue 22 (leaks 2, 4, 5 and 8), each with its variants.

Every test runs a real playbook through ansible-playbook against the emulator, the simulated devices and
the simulated client, samples files and every process's argv and environment while it runs, and searches
everything left afterwards (``assert_sealed``: every form of every code the emulator knows).
"""

from __future__ import annotations

import subprocess

import pytest

from integration.harness import BIN
from integration.harness import HERE
from integration.harness import REPO
from integration.harness import edge_host_env
from integration.harness import run_playbook
from integration.harness import user_env
from integration.inventories import edge_inventory
from integration.inventories import next_to
from integration.leakscan import find_leaks
from integration.test_leaks_attacks import HEAD
from integration.test_leaks_attacks import assert_sealed
from integration.test_leaks_attacks import attack
from integration.test_leaks_attacks import messages

# ---------------------------------------------------------------- leak 2: a persistent cache, by any road
LOOKUP = "lookup('edge.snowball.unlock_code', ids[0], **conn)"

CACHE_ROADS = f"""
- name: cacheable from module_defaults, under every name set_fact is reached by, and templated
  block:
    - name: defaults for ansible.builtin.set_fact
      ansible.builtin.set_fact:
        c_builtin: "{{{{ {LOOKUP} }}}}"
      no_log: true
      register: road_builtin
      ignore_errors: true
  module_defaults:
    ansible.builtin.set_fact: {{cacheable: true}}

- name: defaults under the short name, task by its legacy name
  block:
    - name: "MSG: short"
      ansible.legacy.set_fact:
        c_short: "{{{{ {LOOKUP} }}}}"
      no_log: true
      register: road_short
      ignore_errors: true
  module_defaults:
    set_fact: {{cacheable: true}}

- name: defaults under the legacy name, templated
  block:
    - name: set_fact by its short name
      set_fact:
        c_legacy: "{{{{ {LOOKUP} }}}}"
      no_log: true
      register: road_legacy
      ignore_errors: true
  module_defaults:
    ansible.legacy.set_fact: {{cacheable: "{{{{ cache_it }}}}"}}
  vars:
    cache_it: "yes"

- name: the whole defaults entry a template
  block:
    - name: set_fact under defaults that are one template
      ansible.builtin.set_fact:
        c_whole: "{{{{ {LOOKUP} }}}}"
      no_log: true
      register: road_whole
      ignore_errors: true
  module_defaults:
    ansible.builtin.set_fact: "{{{{ set_fact_defaults }}}}"
  vars:
    set_fact_defaults: {{cacheable: true}}

- name: cacheable in the task, a template that resolves to true
  ansible.builtin.set_fact:
    c_templated: "{{{{ {LOOKUP} }}}}"
    cacheable: "{{{{ 'on' if true else 'off' }}}}"
  no_log: true
  register: road_templated
  ignore_errors: true

- name: set_stats of the lookup (custom stats are printed with show_custom_stats and kept by ansible-runner)
  ansible.builtin.set_stats:
    data:
      c_stats: "{{{{ {LOOKUP} }}}}"
  no_log: true
  register: road_stats
  ignore_errors: true

- name: "MSG: {{{{ road_builtin.msg | default('') }}}}"
  ansible.builtin.assert:
    that:
      - road_builtin is failed
      - road_short is failed
      - road_legacy is failed
      - road_whole is failed
      - road_templated is failed
      - road_stats is failed
      - "'fact cache' in road_builtin.msg"
      - "'module_defaults' in road_builtin.msg"
      - "'set_stats' in road_stats.msg"
"""


def test_no_road_writes_a_code_to_a_persistent_cache(emulator, devices, tmp_path):
    """Issue 22 leak 2: module_defaults (any name set_fact is reached by, templated) and set_stats got round
    the lookup's refusal of cacheable facts; the jsonfile cache (under tmp_path, scanned) held the code."""
    env = {
        "ANSIBLE_CACHE_PLUGIN": "jsonfile",
        "ANSIBLE_CACHE_PLUGIN_CONNECTION": str(tmp_path / "facts"),
        "ANSIBLE_SHOW_CUSTOM_STATS": "1",
    }
    run, sampler = attack(tmp_path, emulator, devices, CACHE_ROADS, env=env)
    assert run.rc == 0, run.tail()
    assert_sealed(run, sampler)
    assert any("fact cache" in line for line in messages(run)), messages(run)


# ---------------------------------------------------------------- leak 4: settings and callbacks that print arguments
ARGUMENT_PRINTERS = {
    "display_args_to_stdout": {"ANSIBLE_DISPLAY_ARGS_TO_STDOUT": "1"},
    # The banner then waits for the first result, and ansible-core 2.19 prints it from the templated task.
    "display_args_to_stdout, banner held back": {
        "ANSIBLE_DISPLAY_ARGS_TO_STDOUT": "1",
        "ANSIBLE_DISPLAY_SKIPPED_HOSTS": "0",
    },
    "display_args_to_stdout in ansible.cfg, yaml results": {
        "ANSIBLE_CONFIG": "{tmp}/args.cfg",
        "ANSIBLE_DISPLAY_OK_HOSTS": "0",
    },
    "junit": {"ANSIBLE_CALLBACKS_ENABLED": "ansible.builtin.junit", "JUNIT_OUTPUT_DIR": "{tmp}/junit"},
    "junit, short name, JUNIT_HIDE_TASK_ARGUMENTS=False": {
        "ANSIBLE_CALLBACKS_ENABLED": "junit",
        "JUNIT_OUTPUT_DIR": "{tmp}/junit",
        "JUNIT_HIDE_TASK_ARGUMENTS": "False",
    },
}

PRINTED_ARGUMENTS = """
- name: device_info, the code from a fact
  edge.snowball.device_info:
    endpoint: "{{ endpoints.ready1 }}"
    manifest_file: "{{ edge }}/ready1/manifest.bin"
    unlock_code: "{{ code }}"
  register: from_fact
  ignore_errors: true

- name: device_unlock, the code from the lookup
  edge.snowball.device_unlock:
    endpoint: "{{ endpoints.ready1 }}"
    manifest_file: "{{ edge }}/ready1/manifest.bin"
    unlock_code: "{{ lookup('edge.snowball.unlock_code', ids[0], **conn) }}"
  register: from_lookup
  ignore_errors: true

- name: A task of another collection given the lookup, without no_log
  ansible.builtin.set_fact:
    copied: "{{ lookup('edge.snowball.unlock_code', ids[0], **conn) }}"
  register: foreign
  ignore_errors: true

- name: device_info with no_log, which every one of them honours
  edge.snowball.device_info:
    endpoint: "{{ endpoints.ready1 }}"
    manifest_file: "{{ edge }}/ready1/manifest.bin"
    unlock_code: "{{ lookup('edge.snowball.unlock_code', ids[0], **conn) }}"
  no_log: true
  register: hidden

- name: The refusals
  ansible.builtin.assert:
    that:
      - from_fact is failed
      - from_lookup is failed
      - foreign is failed
      - hidden is succeeded
      - "'no_log: true' in from_fact.msg"
      - "'MARKER' in from_fact.msg"
      - "'MARKER' in from_lookup.msg"
      - "'MARKER' in foreign.msg"
"""


def _env(setting, tmp_path):
    env = {key: value.format(tmp=tmp_path) for key, value in ARGUMENT_PRINTERS[setting].items()}
    if "ANSIBLE_CONFIG" in env:
        base = (HERE.parent.parent / "playbooks" / "ansible.cfg").read_text()
        (tmp_path / "args.cfg").write_text(base.replace("[defaults]\n", "[defaults]\ndisplay_args_to_stdout = true\n"))
    return env


@pytest.mark.parametrize("setting", sorted(ARGUMENT_PRINTERS))
def test_a_code_in_arguments_is_refused_while_arguments_are_printed(setting, emulator, devices, tmp_path):
    """Issue 22 leak 4: display_args_to_stdout (banner, log) and the junit callback print task arguments;
    with the banner held back, 2.19 printed a templated code (fact or lookup) too."""
    marker = "junit" if "junit" in setting else "display_args_to_stdout"
    tasks = PRINTED_ARGUMENTS.replace("MARKER", marker)
    run, sampler = attack(tmp_path, emulator, devices, tasks, env=_env(setting, tmp_path))
    assert run.rc == 0, run.tail()
    assert_sealed(run, sampler)
    if "junit" in setting:
        assert list((tmp_path / "junit").glob("*.xml")), "the junit callback wrote no report: it was not on"
    else:
        assert "endpoint=" in run.stdout, "no task banner showed arguments: the setting was not on"


def _vaulted(code: str, password: str) -> str:
    from ansible.parsing.vault import VaultLib
    from ansible.parsing.vault import VaultSecret

    text = VaultLib([("default", VaultSecret(password.encode()))]).encrypt(code).decode()
    return "".join(f"      {line}\n" for line in text.splitlines())


INLINE_VAULT = """
- name: device_info, the code an inline vault value (printed by the banner before any plugin runs)
  edge.snowball.device_info:
    endpoint: "{{ endpoints.ready1 }}"
    manifest_file: "{{ edge }}/ready1/manifest.bin"
    unlock_code: !vault |
VAULT  register: inline
  ignore_errors: true

- name: The module never ran with it
  ansible.builtin.assert:
    that: [inline is failed, "'display_args_to_stdout' in inline.msg", "'inline !vault' in inline.msg"]
"""


def test_an_inline_vault_code_is_printed_by_the_banner_and_then_refused(emulator, devices, tmp_path):
    """What cannot be prevented, measured: ansible-core prints an inline !vault argument decrypted in the
    banner of its task (2.17, 2.19, 2.21), before any plugin of this collection runs for the task. The
    action plugin refuses it then (and says so, and why), so no module and no client ever gets it."""
    code = emulator.state.by_name["ready1"].unlock_code
    (tmp_path / "vault-password").write_text("field\n")
    tasks = INLINE_VAULT.replace("VAULT", _vaulted(code, "field"))
    env = {"ANSIBLE_DISPLAY_ARGS_TO_STDOUT": "1", "ANSIBLE_VAULT_PASSWORD_FILE": str(tmp_path / "vault-password")}
    run, _sampler = attack(tmp_path, emulator, devices, tasks, env=env)
    assert run.rc == 0, run.tail()
    banner = [line for line in run.stdout.splitlines() if line.startswith("TASK [device_info, the code an inline")]
    assert banner and find_leaks(banner[0], [code]), (
        "ansible-core no longer prints the decrypted value: update the docs"
    )
    profiles = [call for call in run.client_calls() if "--profile" in call["argv"]]
    assert not profiles, "the client ran with a code that the banner printed"


# ---------------------------------------------------------------- leak 5: sudo's I/O log on the edge host
FAKE_SUDO = """#!/bin/sh
# sudo -n -l on an edge host whose sudoers has Defaults log_input (the module runs as root: -U the user)
echo "Matching Defaults entries for ansible on edge:"
echo "    env_reset, log_input, !log_output, iolog_dir=/var/log/sudo-io"
echo "User ansible may run the following commands on edge:"
echo "    (ALL) NOPASSWD: ALL"
"""

SUDO_IO_LOG = """
- name: device_info as if become_method sudo ran it, on a host whose sudo logs input
  edge.snowball.device_info:
    endpoint: "{{ endpoints.ready1 }}"
    manifest_file: "{{ edge }}/ready1/manifest.bin"
    unlock_code: "{{ code }}"
  environment:
    SUDO_USER: ansible
    SUDO_COMMAND: /bin/sh -c python3
    PATH: "{{ work_dir }}/fake-sudo:{{ lookup('env', 'PATH') }}"
  register: logged

- name: device_info without sudo
  edge.snowball.device_info:
    endpoint: "{{ endpoints.ready1 }}"
    manifest_file: "{{ edge }}/ready1/manifest.bin"
    unlock_code: "{{ code }}"
  register: plain

- name: Seen, reported and warned about; nothing said without sudo
  ansible.builtin.assert:
    that:
      - "logged.sudo_io_log == {'input': true, 'output': false, 'seen_in': ['sudo -l']}"
      - "logged.warnings | select('search', 'I/O log') | list | length == 1"
      - plain.sudo_io_log is none
      - plain.warnings | default([]) | select('search', 'sudo') | list | length == 0
"""


def test_sudo_input_logging_is_seen_reported_and_warned_about(emulator, devices, tmp_path):
    """Issue 22 leak 5: with sudoers Defaults log_input, the pipelined module arguments (the code) are in
    sudo's I/O log on the edge host. Too late to refuse when the module runs: it reports and warns."""
    fake = tmp_path / "fake-sudo"
    fake.mkdir()
    (fake / "sudo").write_text(FAKE_SUDO)
    (fake / "sudo").chmod(0o755)
    run, sampler = attack(tmp_path, emulator, devices, SUDO_IO_LOG)
    assert run.rc == 0, run.tail()
    assert_sealed(run, sampler)
    assert "sudo's I/O log" in run.stdout + run.stderr


# ---------------------------------------------------------------- leak 8: a vaulted inventory variable
def test_ansible_inventory_graph_vars_decrypts_a_vaulted_host_variable(emulator, tmp_path):
    """Why the field check no longer takes the code from a variable (ansible-core's behaviour, measured on
    2.17, 2.19 and 2.21): --graph --vars prints vaulted host variables decrypted; --list and --host do not."""
    code = emulator.secrets()[0]
    (tmp_path / "host_vars").mkdir()
    (tmp_path / "host_vars" / "site-1.yml").write_text("field_check_unlock_code: !vault |\n" + _vaulted(code, "pw"))
    (tmp_path / "inventory.yml").write_text("all:\n  hosts:\n    site-1:\n")
    (tmp_path / "pw").write_text("pw\n")
    env = edge_host_env(tmp_path)
    shown = {}
    for how in (["--graph", "--vars"], ["--list"], ["--host", "site-1"]):
        argv = [str(BIN / "ansible-inventory"), "-i", str(tmp_path / "inventory.yml"), "--vault-password-file"]
        done = subprocess.run([*argv, str(tmp_path / "pw"), *how], env=env, capture_output=True, text=True, check=True)
        shown[how[0]] = bool(find_leaks(done.stdout, [code]))
    assert shown == {"--graph": True, "--list": False, "--host": False}


def test_the_field_check_refuses_the_code_in_a_variable(emulator, devices, tmp_path):
    """Issue 22 leak 8: field-check.yml took the code from field_check_unlock_code and suggested a vaulted
    variable. It refuses that variable now, without showing it, before anything runs."""
    code = emulator.state.by_name["ready1"].unlock_code
    inventory = edge_inventory(
        tmp_path / "inventory.yml",
        {"site-1": next_to(devices, emulator, "ready1")},
        field_check_report_dir=str(tmp_path / "reports"),
        field_check_probe_timeout=3,
        field_check_silent_endpoint=f"http://127.0.0.98:{devices.port}",
    )
    (tmp_path / "host_vars").mkdir()
    (tmp_path / "host_vars" / "site-1.yml").write_text("field_check_unlock_code: !vault |\n" + _vaulted(code, "pw"))
    (tmp_path / "pw").write_text("pw\n")
    (tmp_path / "reports").mkdir()
    env = dict(user_env(emulator), ANSIBLE_VAULT_PASSWORD_FILE=str(tmp_path / "pw"))
    run = run_playbook(REPO / "playbooks" / "field-check.yml", emulator, tmp_path, extra_env=env, inventory=inventory)
    assert run.rc != 0, run.tail()
    assert "field_check_unlock_code is not read any more" in run.stdout, run.tail()
    assert "unlock_codes_file" in run.stdout
    assert not run.leaks(), run.leaks()
    assert not list((tmp_path / "reports").iterdir()), "a report was written"
    assert devices.device("ready1").unlock_requests == 0


# ---------------------------------------------------------------- leak 4's class: names, printed at every verbosity
NAMED = """
- name: "unlocking with {{ lookup('edge.snowball.unlock_code', ids[0], **conn) }}"
  ansible.builtin.debug:
    msg: hello
  ignore_errors: true
"""


@pytest.mark.parametrize("where", ["task name", "play name"])
def test_the_lookup_in_a_name_is_refused(where, emulator, devices, tmp_path):
    """Found on the way (issue 22, leak 4's class): a task's or play's name is templated, in ansible-core's
    main process, and printed in its banner at every verbosity, before any plugin runs for the task; the
    lookup there printed the code (2.17, 2.19). With the banner held back, the worker's templated name too."""
    head, tasks = HEAD, NAMED
    if where == "play name":
        head = HEAD.replace(
            "- name: Attack", "- name: \"Attack {{ lookup('edge.snowball.unlock_code', ids[0], **conn) }}\""
        )
        tasks = "\n- name: Nothing\n  ansible.builtin.debug:\n    msg: hello\n"
    run, sampler = attack(tmp_path, emulator, devices, tasks, head=head, env={"ANSIBLE_DISPLAY_SKIPPED_HOSTS": "0"})
    assert_sealed(run, sampler)
    assert "refused in a name" in run.stdout + run.stderr or "refused outside a task" in run.stdout + run.stderr
    if where == "task name":
        assert run.rc == 0, run.tail()
