"""Inventories of edge hosts on this machine (local connection), each next to a simulated device.

The hosts' variables are the role edge.snowball.unlock's: the job whose code unlocks the device, the
device's endpoint, each host's manifest under the test's directory (``work_dir``) and short polling.
"""

from __future__ import annotations

import pathlib

import yaml

from integration.harness import REPO

#: The ready playbook's site: three hosts next to single devices, three next to the devices of one cluster.
SINGLE = {"north": "ready1", "south": "ready2", "west": "ready3"}
CLUSTER = {"cluster-a": "cluster1", "cluster-b": "cluster2", "cluster-c": "cluster3"}


def edge_inventory(path: pathlib.Path, hosts: dict[str, dict], **group_vars) -> pathlib.Path:
    """Write an inventory of ``hosts`` (name: host variables) in the group ``edge`` to ``path``;
    ``group_vars`` add to the role's defaults for a test (or replace them)."""
    defaults = {
        "ansible_connection": "local",
        "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        "unlock_manifest_path": "{{ work_dir }}/edge/{{ inventory_hostname }}/manifest.bin",
        "unlock_poll_interval": 0.2,
        "unlock_timeout": 30,
    }
    data = {"all": {"vars": {**defaults, **group_vars}, "children": {"edge": {"hosts": hosts}}}}
    path.write_text(yaml.safe_dump(data))
    return path


def next_to(devices, emulator, name: str, job: str | None = None, **variables) -> dict:
    """The variables of a host next to device ``name``, whose job is ``job``'s (by default its own)."""
    return {
        "unlock_job_id": emulator.state.by_name[job or name].job_id,
        "unlock_endpoint": devices.endpoint(name),
        **variables,
    }


def site_inventory(devices, emulator, tmp_path: pathlib.Path, **group_vars) -> pathlib.Path:
    """``SINGLE`` and ``CLUSTER``: all three cluster hosts name cluster1's job, the cluster is unlocked
    with cluster1's manifest and code. ``group_vars`` as for ``edge_inventory``."""
    ips = [devices.device(name).ip for name in CLUSTER.values()]
    hosts = {host: next_to(devices, emulator, name) for host, name in SINGLE.items()}
    for host, name in CLUSTER.items():
        hosts[host] = next_to(devices, emulator, name, "cluster1", unlock_cluster_ips=ips)
    return edge_inventory(tmp_path / "inventory.yml", hosts, **group_vars)


def demo_inventory(devices, tmp_path: pathlib.Path) -> pathlib.Path:
    """The demo inventory, with the simulated devices on this test's port."""
    text = (REPO / "playbooks" / "inventory" / "demo.yml").read_text().replace(":9091", f":{devices.port}")
    path = tmp_path / "demo-inventory.yml"
    path.write_text(text)
    return path
