"""The role edge.snowball.unlock with ``unlock_method: remote``, through the ready playbook.

Six hosts: five whose jobs' devices have remote management (one already UNLOCKED) and one
(west, ready3) ordered without it. One batched managed_device_unlock on the controller sends a
single CreateTask; each host then checks its own device: west fails with the reason, the others
pass. No manifest, client call or unlock code is involved.
"""

from __future__ import annotations

import pytest
import yaml

from emulator import device_management
from emulator.api import CREDENTIALS
from emulator.api import DEFAULT_ACCESS_KEY
from integration.harness import REPO
from integration.harness import recap
from integration.harness import run_playbook
from integration.harness import user_env

PLAYBOOK = REPO / "playbooks" / "unlock.yml"
HOSTS = {"north": "ready1", "south": "ready2", "west": "ready3", "a": "cluster1", "b": "cluster2", "c": "import1"}


def inventory(emulator, tmp_path):
    jobs = emulator.state.by_name
    data = {
        "all": {
            "vars": {
                "ansible_connection": "local",
                "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                "unlock_method": "remote",
                "unlock_poll_interval": 0.2,
                "unlock_timeout": 30,
            },
            "children": {
                "edge": {"hosts": {host: {"unlock_job_id": jobs[name].job_id} for host, name in HOSTS.items()}}
            },
        }
    }
    path = tmp_path / "inventory.yml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.fixture
def fleet(emulator):
    """The emulator's Snow Device Management side, each task taking a second to run."""
    return device_management.configure(emulator, execution_time=1.0)


def test_remote_method_unlocks_every_host_with_one_task_and_each_host_checks_its_own(emulator, fleet, tmp_path):
    inv = inventory(emulator, tmp_path)
    env = user_env(emulator)

    checked = run_playbook(
        PLAYBOOK, emulator, tmp_path, extra_env=env, verbosity="-v", inventory=inv, extra_args=["--check"]
    )
    assert checked.rc == 0, checked.tail()
    assert "CreateTask" not in emulator.state.stats()["requests"]
    assert fleet.public()["devices"]["ready1"]["state"] == "LOCKED"

    run = run_playbook(PLAYBOOK, emulator, tmp_path, extra_env=env, verbosity="-v", inventory=inv)
    assert run.rc != 0, "west has no managed device: its host must fail"
    hosts = recap(run)
    assert hosts["west"]["failed"] == 1, run.tail()
    assert all(hosts[h]["failed"] == 0 for h in HOSTS if h != "west"), run.tail()
    # Callbacks wrap long messages differently across ansible-core versions: compare words.
    assert "remote management is not enabled" in " ".join(run.stdout.split())
    # One batched call for the whole play (ListDevices once per job, in check mode and in the run),
    # and one task for the four locked devices; import1 was already UNLOCKED.
    assert emulator.state.stats()["requests"]["ListDevices"] == 2 * len(HOSTS)
    assert emulator.state.stats()["requests"]["CreateTask"] == 1
    devices = fleet.public()["devices"]
    assert all(devices[name]["state"] == "UNLOCKED" for name in ("ready1", "ready2", "cluster1", "cluster2"))
    assert not run.client_calls()
    assert not list(tmp_path.rglob("manifest.bin"))


def test_remote_method_without_the_odd_host_unlocks_all_in_one_task(emulator, fleet, tmp_path):
    inv = inventory(emulator, tmp_path)
    run = run_playbook(
        PLAYBOOK,
        emulator,
        tmp_path,
        extra_env=user_env(emulator),
        verbosity="-v",
        inventory=inv,
        extra_args=["--limit", "!west"],
    )
    assert run.rc == 0, run.tail()
    assert emulator.state.stats()["requests"]["CreateTask"] == 1
    devices = fleet.public()["devices"]
    assert all(devices[name]["state"] == "UNLOCKED" for name in ("ready1", "ready2", "cluster1", "cluster2", "import1"))
    assert devices["cluster3"]["state"] == "LOCKED", "a device of no play host was touched"
    assert "the device of job" in run.stdout and "is UNLOCKED (remote)" in run.stdout
    assert not run.client_calls()


def test_remote_method_takes_every_aws_option_from_unlock_aws_options(emulator, fleet, tmp_path):
    # No AWS_* in the environment: region, endpoint and keys only in the role's one AWS variable.
    inv = inventory(emulator, tmp_path)
    data = yaml.safe_load(inv.read_text())
    data["all"]["vars"]["unlock_aws_options"] = {
        "region": "us-east-1",
        "endpoint_url": emulator.url,
        "access_key": DEFAULT_ACCESS_KEY,
        "secret_key": CREDENTIALS[DEFAULT_ACCESS_KEY][0],
    }
    inv.write_text(yaml.safe_dump(data))

    run = run_playbook(PLAYBOOK, emulator, tmp_path, verbosity="-vvv", inventory=inv, extra_args=["--limit", "!west"])

    assert run.rc == 0, run.tail()
    assert CREDENTIALS[DEFAULT_ACCESS_KEY][0] not in run.stdout + run.stderr + run.log
    assert emulator.state.stats()["requests"]["CreateTask"] == 1
    assert fleet.public()["devices"]["ready1"]["state"] == "UNLOCKED"
