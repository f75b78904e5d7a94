"""Every bad job id of bad_job_ids.py through managed_device_unlock and managed_device_info, next to a
good one: each refused with a one-line message naming the rule, and not one request reaches the
emulator (Snow Device Management calls are counted with the Snowball ones)."""

from __future__ import annotations

import json

from integration.bad_job_ids import CORPUS
from integration.bad_job_ids import GOOD
from integration.bad_job_ids import hand_back
from integration.bad_job_ids import refusal_problems
from integration.harness import emulator_play
from integration.harness import run_playbook

PLAYBOOK = emulator_play(
    """
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
"""
    + hand_back(unlock="unlock_results.results", info="info_results.results")
).replace("GOOD_JOB_ID", GOOD)

# A list element that is not a string is turned into one by ansible-core (None -> "None", 5 -> "5"),
# so the collection's rule names what is wrong with that text instead.
CONVERTED = r"|must be 39 characters|must start with JID or MID|leading or trailing whitespace"


def test_bad_job_ids_are_refused_before_any_request(emulator, tmp_path):
    (tmp_path / "play.yml").write_text(PLAYBOOK)
    emulator.state.reset()
    run = run_playbook(tmp_path / "play.yml", emulator, tmp_path, verbosity="-v", extra_vars={"corpus": CORPUS})
    assert run.rc == 0, run.tail()
    requests = emulator.state.stats()["total"]
    problems = [] if requests == 0 else [f"{requests} request(s) reached the API"]
    refusals = json.loads((tmp_path / "refusals.json").read_text())
    problems += refusal_problems(refusals, ("unlock", "info"), also=CONVERTED)
    assert not problems, "\n".join(problems)
