"""Every AWS call of the collection is made from the controller, whatever host the task targets (issue 23,
item 2): job_unlock_code, job_manifest, export_unlock_codes, managed_device_info and managed_device_unlock
pasted into a play over edge hosts work though the edge hosts' Python has no botocore, and the play's
``environment:`` (here the only place the emulator's endpoints are set) and ``module_defaults`` still
reach every call, also those an action plugin makes in the controller's worker."""

from __future__ import annotations

import subprocess
import sys

from integration.harness import run_playbook

PLAYBOOK = """
- name: AWS modules in a play over edge hosts
  hosts: edge
  gather_facts: false
  environment:
    AWS_ENDPOINT_URL_SNOWBALL: "{{ emulator_url }}"
    AWS_ENDPOINT_URL_SNOW_DEVICE_MANAGEMENT: "{{ emulator_url }}"
  module_defaults:
    group/edge.snowball.aws:
      access_key: "{{ aws_access_key }}"
      secret_key: "{{ aws_secret_key }}"
      region: "{{ aws_region }}"
  tasks:
    - name: The edge host's Python has no botocore (what the modules would need if they ran there)
      ansible.builtin.command: "{{ ansible_python_interpreter }} -c 'import botocore'"
      register: no_botocore
      changed_when: false
      failed_when: no_botocore.rc == 0

    - name: The job's code, for this host's device
      edge.snowball.job_unlock_code:
        job_id: "{{ emulator_jobs[device].job_id }}"
      register: code

    - name: Its manifest, onto the edge host
      edge.snowball.job_manifest:
        job_id: "{{ emulator_jobs[device].job_id }}"
        dest: "{{ work_dir }}/{{ inventory_hostname }}/manifest.bin"
        directory_mode: "0700"
      register: manifest

    - name: The site's codes, exported into a vault file on the controller
      edge.snowball.export_unlock_codes:
        job_ids: "{{ ansible_play_hosts | map('extract', hostvars, 'device') | map('extract', emulator_jobs, 'job_id') }}"
        dest: "{{ work_dir }}/codes.vault.yml"
      run_once: true
      register: exported

    - name: Its managed device
      edge.snowball.managed_device_info:
        job_ids: ["{{ emulator_jobs[device].job_id }}"]
      register: managed

    - name: Unlocked remotely
      edge.snowball.managed_device_unlock:
        job_ids: ["{{ emulator_jobs[device].job_id }}"]
        poll_interval: 0.2
      register: unlocked

    - name: Each call was answered
      ansible.builtin.assert:
        that:
          - code.unlock_code | length == 29
          - manifest is changed
          - exported.job_ids | length == 2
          - managed.devices | length == 1
          - unlocked.devices[0].state == 'UNLOCKED'
        quiet: true
"""


def test_aws_modules_run_from_the_controller_for_edge_hosts_without_botocore(emulator, tmp_path):
    # An edge host's Python: a fresh virtual environment, without this run's site-packages (no botocore).
    edge_python = tmp_path / "edge-python"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(edge_python)], check=True)
    interpreter = edge_python / "bin" / "python"
    inventory = tmp_path / "inventory.ini"
    inventory.write_text(
        "[edge]\n"
        + "".join(
            f"{host} ansible_connection=local ansible_python_interpreter={interpreter} device={device}\n"
            for host, device in (("north", "ready1"), ("south", "ready2"))
        )
    )
    playbook = tmp_path / "play.yml"
    playbook.write_text(PLAYBOOK)
    # No AWS endpoint in the run's own environment: only the play's environment: names the emulator.
    password = tmp_path / "vault-password"
    password.write_text("controller-test-vault-password\n")
    run = run_playbook(
        playbook,
        emulator,
        tmp_path,
        verbosity="-v",
        inventory=inventory,
        extra_args=["--vault-password-file", str(password)],
    )
    assert run.rc == 0, run.tail()
    assert "botocore is required" not in run.stdout
    assert "ok: [north]" in run.stdout and "ok: [south]" in run.stdout
    stats = emulator.state.stats()["requests"]
    assert stats["GetJobUnlockCode"] == 4, stats  # two by job_unlock_code, two by export_unlock_codes
    assert stats["GetJobManifest"] == 2, stats
    for host in ("north", "south"):
        assert (tmp_path / host / "manifest.bin").stat().st_size > 0
    assert (tmp_path / "codes.vault.yml").read_bytes().startswith(b"$ANSIBLE_VAULT;1.1;AES256\n")
    assert not run.leaks(), run.leaks()
