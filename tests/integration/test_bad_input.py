"""More than 40 bad job ids through the module, job_manifest and the lookup: each refused with
a one-line message naming the rule, and not one request reaches the emulator."""

from __future__ import annotations

import json

from integration.bad_job_ids import CASES
from integration.bad_job_ids import CORPUS
from integration.bad_job_ids import hand_back
from integration.bad_job_ids import refusal_problems
from integration.harness import emulator_play
from integration.harness import run_playbook

PLAYBOOK = emulator_play(
    """
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
"""
    + hand_back(
        module="module_results.results", manifest="manifest_results.results", lookup="lookup_msgs | default([])"
    )
)

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
    emulator.state.reset()
    run = run_playbook(tmp_path / "play.yml", emulator, tmp_path, verbosity="-v", extra_vars={"corpus": CORPUS})
    assert run.rc == 0, run.tail()
    assert not run.leaks(), run.leaks()
    requests = emulator.state.stats()["total"]
    problems = [] if requests == 0 else [f"{requests} request(s) reached the API"]
    refusals = json.loads((tmp_path / "refusals.json").read_text())
    problems += refusal_problems(refusals, ("module", "manifest", "lookup"), unrepeated=True)
    assert not problems, "\n".join(problems)
