"""On the controller botocore is imported once per play, not once per host.

ansible-core forks a worker process for every host and task; a lookup, or job_manifest's action
plugin, runs in that worker. ansible-core's strategy imports a task's action plugin in its main
process before forking, and this collection's action plugins load botocore there
(module_utils/_aws/client.py ``warm_up``), so every worker inherits it.

Python's import-time profile (``PYTHONPROFILEIMPORTTIME``) writes a line in each process that
imports a module: over a play on several hosts, one ``botocore.session`` line means the main
process imported it and no worker did. The modules on the "edge hosts" (job_manifest's) do not
import botocore at all.
"""

from __future__ import annotations

import re
import sys

import yaml

from integration.harness import run_playbook

HOSTS = 4


def test_botocore_is_imported_once_for_the_whole_play(emulator, tmp_path):
    job_id = emulator.state.by_name["ready1"].job_id
    inventory = tmp_path / "inventory.ini"
    inventory.write_text(
        "".join(
            f"edge{i} ansible_connection=local ansible_python_interpreter={sys.executable}\n"
            for i in range(1, HOSTS + 1)
        )
    )
    connection = {
        "endpoint_url": "{{ emulator_url }}",
        "access_key": "{{ aws_access_key }}",
        "secret_key": "{{ aws_secret_key }}",
        "region": "{{ aws_region }}",
    }
    lookup_options = ", ".join(f"{name}={value[3:-3]}" for name, value in connection.items())
    play = [
        {
            "hosts": "all",
            "gather_facts": False,
            "tasks": [
                {
                    "name": "The manifest, fetched on the controller in each host's worker",
                    "edge.snowball.job_manifest": {
                        "job_id": job_id,
                        "dest": "{{ work_dir }}/edge/{{ inventory_hostname }}/manifest.bin",
                        "directory_mode": "0700",
                        **connection,
                    },
                },
                {
                    "name": "The code, from the lookup in each host's worker",
                    "ansible.builtin.set_fact": {
                        "code_length": f"{{{{ lookup('edge.snowball.unlock_code', '{job_id}', {lookup_options}) | length }}}}"
                    },
                },
                {"ansible.builtin.assert": {"that": ["code_length | int == 29"]}},
            ],
        }
    ]
    playbook = tmp_path / "play.yml"
    playbook.write_text(yaml.safe_dump(play, sort_keys=False))

    run = run_playbook(
        playbook, emulator, tmp_path, verbosity="-v", inventory=inventory, extra_env={"PYTHONPROFILEIMPORTTIME": "1"}
    )

    assert run.rc == 0, run.tail()
    assert run.stdout.count("ok=3 ") == HOSTS, run.tail()
    requests = emulator.state.stats()["requests"]
    # Every host really went to AWS from its own worker (check_state adds a DescribeJob each).
    assert requests.get("GetJobManifest") == HOSTS and requests.get("GetJobUnlockCode") == HOSTS, requests
    imports = [line for line in run.stderr.splitlines() if re.search(r"\|\s+botocore\.session$", line)]
    assert len(imports) == 1, f"botocore.session was imported {len(imports)} times for {HOSTS} hosts"
    assert not run.leaks(), run.leaks()
