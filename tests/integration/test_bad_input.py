"""More than 40 bad job ids through the module, job_manifest and the lookup: each refused with
a one-line message naming the rule, and not one request reaches the emulator."""

from __future__ import annotations

import json
import re

from integration.bad_job_ids import CASES
from integration.harness import run_playbook

PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/edge.snowball.aws:
      endpoint_url: "{{ emulator_url }}"
      access_key: "{{ aws_access_key }}"
      secret_key: "{{ aws_secret_key }}"
      region: "{{ aws_region }}"
  tasks:
    - name: Reset the counters
      ansible.builtin.uri:
        url: "{{ emulator_url }}/_emulator/reset"
        method: POST

    - name: The module
      edge.snowball.job_unlock_code:
        job_id: "{{ item.value }}"
      loop: "{{ corpus }}"
      loop_control: {label: "{{ item.name }}"}
      register: module_results
      ignore_errors: true

    - name: job_manifest
      edge.snowball.job_manifest:
        job_id: "{{ item.value }}"
        dest: "{{ work_dir }}/manifest.bin"
      loop: "{{ corpus }}"
      loop_control: {label: "{{ item.name }}"}
      register: manifest_results
      ignore_errors: true

    - name: The lookup, one case at a time
      ansible.builtin.include_tasks: lookup_case.yml
      loop: "{{ corpus }}"
      loop_control: {loop_var: case, label: "{{ case.name }}"}

    - name: Count the requests
      ansible.builtin.uri:
        url: "{{ emulator_url }}/_emulator/stats"
      register: stats

    - name: Hand the messages to the test
      ansible.builtin.copy:
        dest: "{{ work_dir }}/refusals.json"
        mode: "0600"
        content: >-
          {{ {'module': module_results.results | map(attribute='msg', default=None) | list,
              'module_failed': module_results.results | map(attribute='failed', default=False) | list,
              'manifest': manifest_results.results | map(attribute='msg', default=None) | list,
              'manifest_failed': manifest_results.results | map(attribute='failed', default=False) | list,
              'lookup': lookup_msgs | default([]),
              'requests': stats.json.total} | to_json }}
"""

LOOKUP_CASE = """
- name: The lookup refuses ({{ case.name }})
  ansible.builtin.set_fact:
    refused: "{{ lookup('edge.snowball.unlock_code', case.value, endpoint_url=emulator_url,
                 access_key=aws_access_key, secret_key=aws_secret_key, region=aws_region) }}"
  register: result
  ignore_errors: true
  no_log: true

- name: Keep its message ({{ case.name }})
  ansible.builtin.set_fact:
    lookup_msgs: "{{ lookup_msgs | default([]) + [result.msg if result is failed else 'NOT REFUSED'] }}"
"""


def test_bad_job_ids_are_refused_before_any_request(emulator, tmp_path):
    assert len(CASES) >= 40
    (tmp_path / "play.yml").write_text(PLAYBOOK)
    (tmp_path / "lookup_case.yml").write_text(LOOKUP_CASE)
    corpus = [{"name": name, "value": value} for name, value, _expect in CASES]
    run = run_playbook(tmp_path / "play.yml", emulator, tmp_path, verbosity="-v", extra_vars={"corpus": corpus})
    assert run.rc == 0, run.tail()
    assert not run.leaks(), run.leaks()
    refusals = json.loads((tmp_path / "refusals.json").read_text())
    problems = [] if refusals["requests"] == 0 else [f"{refusals['requests']} request(s) reached the API"]
    for index, (name, value, expect) in enumerate(CASES):
        for where in ("module", "manifest", "lookup"):
            message = refusals[where][index]
            failed = refusals.get(f"{where}_failed", [True] * len(CASES))[index]
            if not failed or not message or message == "NOT REFUSED":
                problems.append(f"{where} / {name}: not refused ({message!r})")
            elif not re.search(expect, message):
                problems.append(f"{where} / {name}: {message[:300]!r} does not match {expect!r}")
            elif "\n" in message or len(message) > 400:
                problems.append(f"{where} / {name}: not one short line ({len(message)} characters)")
            elif isinstance(value, str) and len(value.strip()) >= 4 and value.strip()[:12] in message:
                # a value typed into job_id could be a secret: no refusal repeats it (issue 12)
                problems.append(f"{where} / {name}: the message repeats the value")
    assert not problems, "\n".join(problems)
