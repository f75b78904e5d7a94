"""The role edge.snowball.unlock through the ready playbook, on several edge hosts at once.

Six hosts: three next to single devices, three next to the devices of one cluster that share
one job (unlocked once, checked by all). Check mode first, then the real run, then a second
run that must change nothing. Every run is leak-scanned (output, log, every file under the
run's directory, the client's argv).
"""

from __future__ import annotations

import configparser
import re

import pytest

from emulator.api import CREDENTIALS
from emulator.api import DEFAULT_ACCESS_KEY
from integration.harness import REPO
from integration.harness import edge_tmp
from integration.harness import recap
from integration.harness import run_playbook
from integration.harness import user_env
from integration.inventories import CLUSTER
from integration.inventories import SINGLE
from integration.inventories import edge_inventory
from integration.inventories import next_to
from integration.inventories import site_inventory
from integration.leakscan import MEMORY_DIRS

PLAYBOOK = REPO / "playbooks" / "unlock.yml"


def commands(run, name):
    return [call for call in run.client_calls() if call["argv"][1] == name]


def test_role_unlocks_many_hosts_and_a_shared_cluster_once(emulator, devices, tmp_path):
    inv = site_inventory(devices, emulator, tmp_path)
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


def test_role_starts_every_device_first_and_a_device_that_never_unlocks_fails_its_host_only(
    emulator, devices, tmp_path
):
    inv = site_inventory(devices, emulator, tmp_path, unlock_timeout=4)
    devices.device("ready3").behaviour.never_unlocks = True  # west's device stays UNLOCKING
    env = user_env(emulator)
    env["ANSIBLE_FORKS"] = "2"  # fewer forks than hosts: the first pass must still reach every host

    run = run_playbook(PLAYBOOK, emulator, tmp_path, extra_env=env, verbosity="-v", inventory=inv)

    assert run.rc != 0, run.tail()
    assert not run.leaks(), run.leaks()
    totals = recap(run)
    assert totals["west"]["failed"] == 1, totals
    assert all(t["failed"] == 0 and t["unreachable"] == 0 for host, t in totals.items() if host != "west"), totals
    assert re.findall(r"^fatal: \[(\S+)\]", run.stdout, re.MULTILINE) == ["west"], run.tail()
    said = run.stdout + run.stderr
    assert re.search(
        r"timed out after 4s waiting for the device at \S+ to be UNLOCKED;\s+its last state was UNLOCKING", said
    )
    assert devices.device("ready3").state == "UNLOCKING"
    assert all(devices.device(name).state == "UNLOCKED" for name in ["ready1", "ready2", *CLUSTER.values()])
    # Every device was asked to unlock once: the waiting pass never starts unlocking again.
    assert all(devices.device(name).unlock_requests == 1 for name in [*SINGLE.values(), *CLUSTER.values()])
    # Pass 1 (start) ran on every host before pass 2 (wait) began on any.
    start = run.stdout.index("TASK [edge.snowball.unlock : Start unlocking")
    wait = run.stdout.index("TASK [edge.snowball.unlock : Wait until the device is UNLOCKED]")
    started = re.findall(r"^changed: \[(\S+)\]", run.stdout[start:wait], re.MULTILINE)
    assert sorted(started) == ["cluster-a", "north", "south", "west"], started
    # The ready playbook ends with one line per site, each with its own outcome (issue 23, item 5).
    summary = run.stdout[run.stdout.index("One line per site] ***") :]
    lines = dict(re.findall(r"^\s+- '(\S+): ([^']*)'?$", summary, re.MULTILINE))
    assert set(lines) == set(SINGLE) | set(CLUSTER), summary
    assert lines["west"].startswith("FAILED: timed out after 4s waiting for the device"), lines
    assert all(line == "UNLOCKED" for host, line in lines.items() if host != "west"), lines


def test_a_waiting_host_shows_its_devices_state_at_default_verbosity(emulator, devices, tmp_path):
    """Issue 23 item 4: without progress_interval the wait printed nothing for up to 30 minutes. The wait
    pass runs in periods of 2 s; west's device stays UNLOCKING until it was described 8 times (counted,
    not timed: a period of 2 s with 1 s polls describes it at most 3 times), so at least two periods run
    out before it is UNLOCKED, whatever the machine's load."""
    inv = site_inventory(
        devices, emulator, tmp_path, unlock_timeout=300, unlock_poll_interval=1, unlock_progress_interval=2
    )
    devices.device("ready3").behaviour.unlocks_after_describes = 8
    env = dict(user_env(emulator), ANSIBLE_LOG_PATH=str(tmp_path / "ansible.log"))

    run = run_playbook(PLAYBOOK, emulator, tmp_path, extra_env=env, verbosity="", inventory=inv)

    assert run.rc == 0, run.tail()
    assert not run.leaks(), run.leaks()
    endpoint = re.escape(devices.device("ready3").ip)
    shown = re.findall(rf"^west: waiting for \S*{endpoint}\S*: (\S+), \d+s of 300s$", run.stdout, re.MULTILINE)
    assert shown and set(shown) == {"UNLOCKING"}, run.stdout
    assert "west: waiting for" in (tmp_path / "ansible.log").read_text(), "the log a second terminal follows"
    assert devices.device("ready3").state == "UNLOCKED" and devices.device("ready3").unlock_requests == 1


def one_variable_aws_options(emulator) -> dict:
    """Every AWS setting a run needs (the environment has no AWS_* at all: edge_host_env drops them)."""
    return {
        "region": "us-east-1",
        "endpoint_url": emulator.url,
        "access_key": DEFAULT_ACCESS_KEY,
        "secret_key": CREDENTIALS[DEFAULT_ACCESS_KEY][0],
    }


@pytest.mark.parametrize("variable", ["unlock_aws_options", "unlock_lookup_options"])
def test_aws_options_in_one_role_variable_reach_every_aws_call_of_the_role(emulator, devices, tmp_path, variable):
    # unlock_lookup_options is the deprecated alias: before, it reached the lookup but not job_manifest.
    options = one_variable_aws_options(emulator)
    inv = edge_inventory(
        tmp_path / "inventory.yml", {"north": next_to(devices, emulator, "ready1")}, **{variable: options}
    )

    run = run_playbook(PLAYBOOK, emulator, tmp_path, verbosity="-vvv", inventory=inv)

    assert run.rc == 0, run.tail()
    assert not run.leaks(), run.leaks()
    for said in (run.stdout, run.stderr, run.log):
        assert options["secret_key"] not in said, "the AWS secret key was shown"
    assert devices.device("ready1").state == "UNLOCKED"
    requests = emulator.state.stats()["requests"]
    assert requests["GetJobManifest"] == 1 and requests["GetJobUnlockCode"] >= 1, requests
    deprecated = "unlock_lookup_options is deprecated and will be removed from edge.snowball 3.0.0"
    assert (deprecated in " ".join(run.stdout.split())) == (variable == "unlock_lookup_options")


def test_manifests_are_staged_alone_with_a_tag_and_the_devices_unlocked_later_with_another(emulator, devices, tmp_path):
    inv = edge_inventory(tmp_path / "inventory.yml", {"north": next_to(devices, emulator, "ready1")})
    env = user_env(emulator)

    staged = run_playbook(
        PLAYBOOK,
        emulator,
        tmp_path,
        extra_env=env,
        verbosity="-v",
        inventory=inv,
        extra_args=["--tags", "unlock_manifest"],
    )

    assert staged.rc == 0, staged.tail()
    assert (tmp_path / "edge" / "north" / "manifest.bin").exists(), "the manifest was not staged"
    assert "GetJobUnlockCode" not in emulator.state.stats()["requests"]
    assert not staged.client_calls() and devices.device("ready1").state == "LOCKED"

    unlocked = run_playbook(
        PLAYBOOK,
        emulator,
        tmp_path,
        extra_env=env,
        verbosity="-v",
        inventory=inv,
        extra_args=["--tags", "unlock_device"],
    )

    assert unlocked.rc == 0, unlocked.tail()
    assert not staged.leaks() and not unlocked.leaks()
    assert devices.device("ready1").state == "UNLOCKED"
    assert emulator.state.stats()["requests"]["GetJobManifest"] == 1, "the second run fetched the manifest again"


def test_a_host_without_unlock_endpoint_is_told_to_set_it_before_anything_is_written(emulator, devices, tmp_path):
    host = next_to(devices, emulator, "ready1")
    del host["unlock_endpoint"]
    inv = edge_inventory(tmp_path / "inventory.yml", {"north": host})

    run = run_playbook(PLAYBOOK, emulator, tmp_path, extra_env=user_env(emulator), verbosity="-v", inventory=inv)

    assert run.rc != 0, run.tail()
    said = " ".join(run.stdout.split())
    assert "unlock_endpoint is required with unlock_method client (the default): set it for north" in said, run.tail()
    assert "'unlock_endpoint' is undefined" not in run.stdout + run.stderr
    assert not (tmp_path / "edge").exists(), "something was written before the check"
    assert not emulator.state.stats()["requests"]


def test_a_cluster_described_per_node_is_unlocked_once(emulator, devices, tmp_path):
    """Issue 23, item 6: each node's host with its own job id and the same unlock_cluster_ips (a natural
    inventory) sent unlock-cluster once per host (2 or 3 times); the hosts of one cluster unlock it once."""
    ips = [devices.device(name).ip for name in CLUSTER.values()]
    hosts = {host: next_to(devices, emulator, name, unlock_cluster_ips=ips) for host, name in CLUSTER.items()}
    inv = edge_inventory(tmp_path / "inventory.yml", hosts)
    env = user_env(emulator)
    env["ANSIBLE_FORKS"] = "3"
    run = run_playbook(PLAYBOOK, emulator, tmp_path, extra_env=env, verbosity="-v", inventory=inv)
    assert run.rc == 0, run.tail()
    assert not run.leaks(), run.leaks()
    assert len(commands(run, "unlock-cluster")) == 1, "one cluster, one unlock-cluster"
    assert all(devices.device(name).state == "UNLOCKED" for name in CLUSTER.values())
    assert all(t["failed"] == 0 for t in recap(run).values()), recap(run)


def test_the_other_hosts_of_a_cluster_that_does_not_unlock_fail_each_with_the_state_it_reports(
    emulator, devices, tmp_path
):
    """The hosts that check a cluster another host unlocked fail unless it is UNLOCKED: cluster-a unlocks
    it, one node stays UNLOCKING, so cluster-a times out and cluster-b and cluster-c, whose describe-cluster
    answers UNLOCKING, fail too, each with the state it saw, in the summary too (it said UNLOCKING, not FAILED)."""
    ips = [devices.device(name).ip for name in CLUSTER.values()]
    hosts = {host: next_to(devices, emulator, name, unlock_cluster_ips=ips) for host, name in CLUSTER.items()}
    inv = edge_inventory(tmp_path / "inventory.yml", hosts, unlock_timeout=4)
    devices.device(CLUSTER["cluster-c"]).behaviour.never_unlocks = True
    env = dict(user_env(emulator), ANSIBLE_FORKS="3")
    run = run_playbook(PLAYBOOK, emulator, tmp_path, extra_env=env, verbosity="-v", inventory=inv)
    assert run.rc != 0, run.tail()
    assert not run.leaks(), run.leaks()
    assert all(t["failed"] == 1 for t in recap(run).values()), recap(run)
    assert len(commands(run, "unlock-cluster")) == 1, "the other hosts check the cluster, never unlock it"
    summary = run.stdout[run.stdout.index("One line per site] ***") :]
    lines = dict(re.findall(r"^\s+- '(\S+): ([^']*)'?$", summary, re.MULTILINE))
    assert lines["cluster-a"].startswith("FAILED: timed out after 4s waiting"), lines
    for host in ("cluster-b", "cluster-c"):
        assert re.fullmatch(r"FAILED: \S+ reports UNLOCKING, not UNLOCKED", lines[host]), lines


def test_role_writes_the_aws_profile_of_each_hosts_device_after_the_unlock(emulator, devices, tmp_path):
    """unlock_aws_profile: each host's device's key pair and CA bundle in the AWS CLI files of the user
    the play runs as (all hosts are this machine here, one after the other: forks 1); the second run
    changes nothing; the secret keys are looked for in every output (-vvvv), the log and every file but
    the credentials file."""
    site = dict(list(SINGLE.items())[:2])
    hosts = {host: next_to(devices, emulator, name) for host, name in site.items()}
    inv = edge_inventory(tmp_path / "inventory.yml", hosts, unlock_aws_profile="{{ inventory_hostname }}")
    env = dict(user_env(emulator), ANSIBLE_FORKS="1")
    runs = [
        run_playbook(PLAYBOOK, emulator, tmp_path, extra_env=env, verbosity="-vvvv", inventory=inv, devices=devices)
        for _time in range(2)
    ]
    assert runs[0].rc == 0, runs[0].tail()
    assert runs[1].rc == 0 and all(t["changed"] == 0 for t in recap(runs[1]).values()), recap(runs[1])
    aws = tmp_path / "home" / ".aws"
    credentials, config = configparser.RawConfigParser(), configparser.RawConfigParser()
    credentials.read(aws / "credentials")
    config.read(aws / "config")
    for host, name in site.items():
        device = devices.device(name)
        akid = next(iter(device.access_keys))
        assert credentials[host]["aws_access_key_id"] == akid
        assert credentials[host]["aws_secret_access_key"] == device.access_keys[akid]
        assert config[f"profile {host}"]["region"] == "snow"
        assert (aws / f"snowball-{host}-ca-bundle.pem").read_text() == device.pem
        assert config[f"profile {host}"]["ca_bundle"] == str(aws / f"snowball-{host}-ca-bundle.pem")
    assert (aws / "credentials").stat().st_mode & 0o777 == 0o600
    (aws / "credentials").unlink()  # the one file allowed to hold the keys
    for run in runs:
        assert run.keys and not run.leaks(), run.leaks()


@pytest.mark.parametrize("jobs", ["own", "shared"])
def test_role_writes_each_cluster_nodes_own_profile_and_refuses_hosts_sharing_one_job(
    emulator, devices, tmp_path, jobs
):
    """unlock_aws_profile on a cluster: each host writes the key pair and certificate of its own node (its
    unlock_endpoint), read with that node's own manifest and code; the cluster is unlocked once. Hosts sharing
    the leader's job hold the leader's node's manifest: refused before anything is written, saying what to do."""
    ips = [devices.device(name).ip for name in CLUSTER.values()]
    hosts = {
        host: next_to(devices, emulator, name, name if jobs == "own" else "cluster1", unlock_cluster_ips=ips)
        for host, name in CLUSTER.items()
    }
    inv = edge_inventory(tmp_path / "inventory.yml", hosts, unlock_aws_profile="{{ inventory_hostname }}")
    env = dict(user_env(emulator), ANSIBLE_FORKS="1")
    run = run_playbook(PLAYBOOK, emulator, tmp_path, extra_env=env, verbosity="-vvvv", inventory=inv, devices=devices)
    if jobs == "shared":
        assert run.rc != 0
        text = " ".join(run.stdout.split())
        for host in ("cluster-b", "cluster-c"):
            assert f"unlock_aws_profile writes the key pair of {host}'s own node" in text
        assert "Give each host of the cluster its own node's job id" in text
        assert not (tmp_path / "edge" / "cluster-b").exists()  # nothing written for a refused host
        # the leader's host holds its own node's job: it goes on, unlocks the cluster and writes its profile
        credentials = tmp_path / "home" / ".aws" / "credentials"
        written = configparser.RawConfigParser()
        written.read(credentials)
        assert written.sections() == ["cluster-a"] and recap(run)["cluster-a"]["failed"] == 0
        credentials.unlink()
        assert run.keys and not run.leaks(), run.leaks()
        return
    assert run.rc == 0, run.tail()
    aws = tmp_path / "home" / ".aws"
    credentials = configparser.RawConfigParser()
    credentials.read(aws / "credentials")
    secrets = set()
    for host, name in CLUSTER.items():
        device = devices.device(name)
        akid = next(iter(device.access_keys))
        assert credentials[host]["aws_access_key_id"] == akid
        assert credentials[host]["aws_secret_access_key"] == device.access_keys[akid]
        assert (aws / f"snowball-{host}-ca-bundle.pem").read_text() == device.pem
        secrets.add(device.access_keys[akid])
    assert len(secrets) == 3  # three nodes, three key pairs: none written for another node
    assert len(commands(run, "unlock-cluster")) == 1
    (aws / "credentials").unlink()  # the one file allowed to hold the keys
    assert run.keys and not run.leaks(), run.leaks()
