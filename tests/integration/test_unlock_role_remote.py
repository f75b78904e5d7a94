"""The role edge.snowball.unlock with ``unlock_method: remote``, through the ready playbook.

Six hosts: five whose jobs' devices have remote management (one already UNLOCKED) and one
(west, ready3) ordered without it. One batched managed_device_unlock on the controller sends a
single CreateTask; each host then checks its own device: west fails with the reason, the others
pass. No manifest, client call or unlock code is involved.
"""

from __future__ import annotations

import re
import textwrap

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


def ready_playbook(emulator, tmp_path, **kwargs):
    """The ready playbook over the six hosts' inventory, at -v, with the user's AWS environment."""
    return run_playbook(
        PLAYBOOK,
        emulator,
        tmp_path,
        extra_env=user_env(emulator),
        verbosity="-v",
        inventory=inventory(emulator, tmp_path),
        **kwargs,
    )


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
    run = ready_playbook(emulator, tmp_path, extra_args=["--limit", "!west"])
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


def test_each_failed_host_shows_its_own_reason_and_the_summary_one_line_per_site(emulator, fleet, tmp_path):
    """Issue 23 item 5, remote half: west has no managed device, south's device fails its unlock. Before,
    each failed host's message carried the whole batch's failures (south's said west's job had no device
    and the reverse) and the summary named states, no reason. Now each host shows its own reason only, the
    run_once host (north) passes, and the ready playbook ends with one line per site."""
    fleet.by_name["ready2"].outcome = "FAILED"
    jobs = emulator.state.by_name
    run = ready_playbook(emulator, tmp_path)
    assert run.rc != 0
    hosts = recap(run)
    assert {h for h in HOSTS if hosts[h]["failed"]} == {"west", "south"}, run.tail()
    said = {
        host: " ".join(message.split())
        for host, message in re.findall(
            r"^fatal: \[(\S+)\]: FAILED! => (.*?)(?=^\S)", run.stdout, re.MULTILINE | re.DOTALL
        )
    }
    assert set(said) == {"west", "south"}, run.tail()
    assert "remote management is not enabled" in said["west"] and jobs["ready3"].job_id in said["west"]
    assert "execution FAILED" in said["south"] and jobs["ready2"].job_id in said["south"]
    assert "execution FAILED" not in said["west"] and jobs["ready2"].job_id not in said["west"], said["west"]
    assert "remote management" not in said["south"] and jobs["ready3"].job_id not in said["south"], said["south"]

    summary = run.stdout[run.stdout.index("One line per site] ***") :]
    # The YAML callback folds long lines: read the task's msg as the YAML it is.
    shown = yaml.safe_load(textwrap.dedent(summary[summary.index("\n    msg:") : summary.index("\n\n")]))["msg"]
    lines = dict(line.split(": ", 1) for line in shown)
    assert set(lines) == set(HOSTS), summary
    assert all(lines[h] == "UNLOCKED (remote)" for h in ("north", "a", "b", "c")), lines
    west, south = lines["west"], lines["south"]
    assert west.startswith("FAILED (remote): ") and "remote management is not enabled" in west, west
    assert south.startswith("FAILED (remote): ") and "execution FAILED" in south, south
    assert jobs["ready3"].job_id not in south and jobs["ready2"].job_id not in west


def test_a_remote_wait_shows_the_batchs_states_at_default_verbosity_and_sends_one_task(emulator, tmp_path):
    """Issue 23 item 4, remote half: before, managed_device_unlock printed nothing until the whole batch was
    done. Each unlock execution takes 4 s (a lower bound: a busy machine only adds periods), periods are 1 s:
    at least one period runs out, each shows a line, and the periods after the first wait for the first's
    task (one CreateTask) rather than send another."""
    device_management.configure(emulator, execution_time=4.0)
    inv = inventory(emulator, tmp_path)
    data = yaml.safe_load(inv.read_text())
    data["all"]["vars"]["unlock_progress_interval"] = 1
    inv.write_text(yaml.safe_dump(data))
    env = dict(user_env(emulator), ANSIBLE_LOG_PATH=str(tmp_path / "ansible.log"))

    run = run_playbook(
        PLAYBOOK, emulator, tmp_path, extra_env=env, verbosity="", inventory=inv, extra_args=["--limit", "!west"]
    )

    assert run.rc == 0, run.tail()
    shown = re.findall(
        r"^remote unlock: (\d) of 5 device\(s\) UNLOCKED; waiting for (.*), \d+s of 30s$", run.stdout, re.MULTILINE
    )
    assert shown, run.stdout
    jobs = {job.job_id for job in emulator.state.jobs.values()}
    for _count, waiting in shown:
        for part in waiting.split("), "):
            job_id, states = part.split(" (", 1)
            assert job_id in jobs and states.rstrip(")").split(", ")[0] in ("QUEUED", "IN_PROGRESS", "SUCCEEDED"), part
    assert "remote unlock: " in (tmp_path / "ansible.log").read_text(), "the log a second terminal follows"
    assert emulator.state.stats()["requests"]["CreateTask"] == 1
    assert emulator.state.stats()["requests"]["DescribeTask"] >= 2, "the later periods described the first's task"
    assert all(
        d["state"] == "UNLOCKED"
        for n, d in device_management.of(emulator).public()["devices"].items()
        if n in ("ready1", "ready2", "cluster1", "cluster2")
    )
