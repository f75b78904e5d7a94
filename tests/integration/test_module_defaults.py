"""The module_defaults groups, through ansible-playbook in every column (ansible-core 2.17 included):
``group/edge.snowball.aws`` (this collection's AWS modules and amazon.aws's) is the target
module_defaults_group; ``group/edge.snowball.snowball`` holds this collection's alone, so resolving it
prints none of amazon.aws's deprecation warnings (ansible-core 2.17 and 2.18 print "amazon.aws.ec2_vpc_peer
has been deprecated" for any play that names amazon.aws's group, ours extending it included: issue 23 item 12)."""

from __future__ import annotations

from integration.harness import run_playbook

PLAY = """- hosts: localhost
  gather_facts: false
  module_defaults:
    group/edge.snowball.snowball:
      endpoint_url: "{{ emulator_url }}"
      access_key: "{{ aws_access_key }}"
      secret_key: "{{ aws_secret_key }}"
      region: "{{ aws_region }}"
  tasks:
    - name: The module gets its connection from the group
      edge.snowball.job_unlock_code:
        job_id: "{{ emulator_jobs.ready3.job_id }}"
      register: result

    - name: The right code came back
      ansible.builtin.assert:
        that: (result.unlock_code | hash('sha256')) == emulator_jobs.ready3.unlock_code_sha256
        quiet: true
"""


def test_the_collections_own_group_configures_its_modules_without_amazon_aws_warnings(emulator, tmp_path):
    playbook = tmp_path / "play.yml"
    playbook.write_text(PLAY)
    run = run_playbook(playbook, emulator, tmp_path, verbosity="-v")
    assert run.rc == 0, run.tail()
    assert not run.leaks(), run.leaks()
    said = " ".join((run.stdout + run.stderr).split())
    assert "has been deprecated" not in said and "ec2_vpc_peer" not in said, run.tail()


DEVICE_PLAY = """- hosts: localhost
  gather_facts: false
  vars:
    conn: {endpoint_url: "{{ emulator_url }}", access_key: "{{ aws_access_key }}",
           secret_key: "{{ aws_secret_key }}", region: "{{ aws_region }}"}
    job: "{{ emulator_jobs.ready2.job_id }}"
  module_defaults:
    group/edge.snowball.snowball: "{{ conn }}"
    group/edge.snowball.device:
      endpoint: "{{ endpoint }}"
      manifest_file: "{{ work_dir }}/manifest.bin"
      unlock_code: "{{ lookup('edge.snowball.unlock_code', job, **conn) }}"
      job_id: "{{ job }}"
  tasks:
    - name: The manifest, from the snowball group's connection
      edge.snowball.job_manifest:
        job_id: "{{ job }}"
        dest: "{{ work_dir }}/manifest.bin"

    - name: The device described with the device group's arguments alone
      edge.snowball.device_info: {}
      register: before

    - name: And unlocked so
      edge.snowball.device_unlock:
        poll_interval: 0.2
        timeout: 30
      register: unlocked

    - name: It was LOCKED and is UNLOCKED
      ansible.builtin.assert:
        that:
          - before.state == 'LOCKED' and before.device_id == job
          - unlocked is changed and unlocked.state == 'UNLOCKED'
        quiet: true
"""


def test_the_device_group_gives_the_edge_modules_their_device(emulator, devices, tmp_path):
    """``group/edge.snowball.device`` (device_unlock, device_info, device_credentials): the device's
    endpoint, manifest, code and job written once, as the unlock role does; in every column."""
    playbook = tmp_path / "play.yml"
    playbook.write_text(DEVICE_PLAY)
    run = run_playbook(
        playbook, emulator, tmp_path, devices=devices, extra_vars={"endpoint": devices.endpoint("ready2")}
    )
    assert run.rc == 0, run.tail()
    assert not run.leaks(), run.leaks()
    assert devices.device("ready2").state == "UNLOCKED"
