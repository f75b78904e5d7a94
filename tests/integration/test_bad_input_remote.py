"""Every bad job id of bad_job_ids.py through managed_device_unlock and managed_device_info, next to a
good one: each refused with a one-line message naming the rule, and not one request reaches the
emulator (Snow Device Management calls are counted with the Snowball ones)."""

from __future__ import annotations

import json
import re

from integration.bad_job_ids import CASES
from integration.bad_job_ids import GOOD
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

    - name: managed_device_unlock
      edge.snowball.managed_device_unlock:
        job_ids: ["GOOD_JOB_ID", "{{ item.value }}"]
      loop: "{{ corpus }}"
      loop_control: {label: "{{ item.name }}"}
      register: unlock_results
      ignore_errors: true

    - name: managed_device_info
      edge.snowball.managed_device_info:
        job_ids: ["{{ item.value }}", "GOOD_JOB_ID"]
      loop: "{{ corpus }}"
      loop_control: {label: "{{ item.name }}"}
      register: info_results
      ignore_errors: true

    - name: Count the requests
      ansible.builtin.uri:
        url: "{{ emulator_url }}/_emulator/stats"
      register: stats

    - name: Hand the messages to the test
      ansible.builtin.copy:
        dest: "{{ work_dir }}/refusals.json"
        mode: "0600"
        content: >-
          {{ {'unlock': unlock_results.results | map(attribute='msg', default=None) | list,
              'unlock_failed': unlock_results.results | map(attribute='failed', default=False) | list,
              'info': info_results.results | map(attribute='msg', default=None) | list,
              'info_failed': info_results.results | map(attribute='failed', default=False) | list,
              'requests': stats.json.total} | to_json }}
""".replace("GOOD_JOB_ID", GOOD)

# A list element that is not a string is turned into one by ansible-core (None -> "None", 5 -> "5"),
# so the collection's rule names what is wrong with that text instead.
CONVERTED = r"|must be 39 characters|must start with JID or MID|leading or trailing whitespace"


def test_bad_job_ids_are_refused_before_any_request(emulator, tmp_path):
    (tmp_path / "play.yml").write_text(PLAYBOOK)
    corpus = [{"name": name, "value": value} for name, value, _expect in CASES]
    run = run_playbook(tmp_path / "play.yml", emulator, tmp_path, verbosity="-v", extra_vars={"corpus": corpus})
    assert run.rc == 0, run.tail()
    refusals = json.loads((tmp_path / "refusals.json").read_text())
    problems = [] if refusals["requests"] == 0 else [f"{refusals['requests']} request(s) reached the API"]
    for index, (name, _value, expect) in enumerate(CASES):
        for where in ("unlock", "info"):
            message = refusals[where][index]
            if not refusals[f"{where}_failed"][index] or not message:
                problems.append(f"{where} / {name}: not refused ({message!r})")
            elif not re.search(expect + CONVERTED, message):
                problems.append(f"{where} / {name}: {message[:300]!r} does not match {expect!r}")
            elif "\n" in message or len(message) > 400:
                problems.append(f"{where} / {name}: not one short line ({len(message)} characters)")
    assert not problems, "\n".join(problems)
