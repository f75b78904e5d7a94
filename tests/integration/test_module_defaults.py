"""The two module_defaults groups, through ansible-playbook in every column (ansible-core 2.17 included):
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
