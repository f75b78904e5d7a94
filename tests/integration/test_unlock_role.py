"""The role edge.snowball.unlock through the ready playbook, on several edge hosts at once.

Six hosts: three next to single devices, three next to the devices of one cluster that share
one job (unlocked once, checked by all). Check mode first, then the real run, then a second
run that must change nothing. Every run is leak-scanned (output, log, every file under the
run's directory, the client's argv).
"""

from __future__ import annotations

import re

import yaml

from integration.conftest import REPO
from integration.conftest import edge_tmp
from integration.leakscan import MEMORY_DIRS
from integration.conftest import run_playbook
from integration.test_ready_playbooks import user_env

PLAYBOOK = REPO / "playbooks" / "unlock.yml"
SINGLE = {"north": "ready1", "south": "ready2", "west": "ready3"}
CLUSTER = {"cluster-a": "cluster1", "cluster-b": "cluster2", "cluster-c": "cluster3"}


def inventory(devices, emulator, tmp_path):
    jobs = emulator.state.by_name
    ips = [devices.device(name).ip for name in CLUSTER.values()]
    hosts = {}
    for host, name in SINGLE.items():
        hosts[host] = {"unlock_job_id": jobs[name].job_id, "unlock_endpoint": devices.endpoint(name)}
    for host, name in CLUSTER.items():
        hosts[host] = {
            # All three hosts name the same job: the cluster is unlocked with cluster1's manifest and code.
            "unlock_job_id": jobs["cluster1"].job_id,
            "unlock_endpoint": devices.endpoint(name),
            "unlock_cluster_ips": ips,
        }
    data = {
        "all": {
            "vars": {
                "ansible_connection": "local",
                "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                "unlock_manifest_path": "{{ work_dir }}/edge/{{ inventory_hostname }}/manifest.bin",
                "unlock_poll_interval": 0.2,
                "unlock_timeout": 30,
            },
            "children": {"edge": {"hosts": hosts}},
        }
    }
    path = tmp_path / "inventory.yml"
    path.write_text(yaml.safe_dump(data))
    return path


def recap(run) -> dict[str, dict[str, int]]:
    found = {}
    for match in re.finditer(r"^(\S+)\s+:\s+((?:\w+=\d+\s*)+)$", run.stdout, re.MULTILINE):
        found[match[1]] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", match[2])}
    return found


def commands(run, name):
    return [call for call in run.client_calls() if call["argv"][1] == name]


def test_role_unlocks_many_hosts_and_a_shared_cluster_once(emulator, devices, tmp_path):
    inv = inventory(devices, emulator, tmp_path)
    env = user_env(emulator)
    env["ANSIBLE_FORKS"] = "6"
    all_devices = list(SINGLE.values()) + list(CLUSTER.values())

    checked = run_playbook(
        PLAYBOOK, emulator, tmp_path, extra_env=env, verbosity="-v", inventory=inv, extra_args=["--check"]
    )
    assert checked.rc == 0, checked.tail()
    assert not checked.leaks(), checked.leaks()
    assert all(devices.device(name).state == "LOCKED" for name in all_devices)
    assert not list((tmp_path / "edge").rglob("manifest.bin")), "check mode wrote a manifest"
    assert not commands(checked, "unlock-device") and not commands(checked, "unlock-cluster")

    (tmp_path / "client-argv.jsonl").unlink(missing_ok=True)
    # An existing directory (think /srv) keeps its mode; only a directory the role creates is 0700.
    shared = tmp_path / "edge" / "west"
    shared.mkdir(parents=True)
    shared.chmod(0o755)
    run = run_playbook(PLAYBOOK, emulator, tmp_path, extra_env=env, verbosity="-vv", inventory=inv)
    assert run.rc == 0, run.tail()
    assert not run.leaks(), run.leaks()
    assert all(devices.device(name).state == "UNLOCKED" for name in all_devices)
    assert len(commands(run, "unlock-device")) == 3
    assert len(commands(run, "unlock-cluster")) == 1, "a cluster shared by three hosts must be unlocked once"
    for call in run.client_calls():
        assert call["argv"][2:4] == ["--profile", "edge-snowball"], call["argv"]
        # the private profile's home: in memory-backed storage (issue 12), or TMPDIR on a host without any
        homes = (*MEMORY_DIRS, str(edge_tmp(tmp_path)))
        assert call["home"].startswith(homes), "the client's home was not the private profile"
        assert "/edge-snowball-client-" in call["home"], call["home"]
    totals = recap(run)
    assert set(totals) == set(SINGLE) | set(CLUSTER)
    assert all(t["failed"] == 0 and t["unreachable"] == 0 for t in totals.values()), totals
    for host in list(SINGLE) + list(CLUSTER):
        manifest = tmp_path / "edge" / host / "manifest.bin"
        assert oct(manifest.stat().st_mode & 0o777) == "0o600"
        assert oct(manifest.parent.stat().st_mode & 0o777) == ("0o755" if host == "west" else "0o700")
        assert sorted(p.name for p in manifest.parent.iterdir()) == ["manifest.bin"]

    again = run_playbook(PLAYBOOK, emulator, tmp_path, extra_env=env, verbosity="-v", inventory=inv)
    assert again.rc == 0, again.tail()
    assert not again.leaks(), again.leaks()
    assert all(t["changed"] == 0 for t in recap(again).values()), recap(again)
    assert all(devices.device(name).unlock_requests == 1 for name in all_devices)
