"""The ready playbooks a new user runs, at every verbosity, with nothing leaked."""

from __future__ import annotations

import pytest

from integration.harness import REPO
from integration.harness import aws_env
from integration.harness import run_playbook
from integration.harness import user_env
from integration.inventories import demo_inventory
from integration.inventories import edge_inventory
from integration.inventories import next_to
from integration.leakscan import find_leaks

PLAYBOOK = REPO / "playbooks" / "unlock.yml"

# Each host's manifest in this test's own directory.
MANIFESTS = {"unlock_manifest_path": "{{ work_dir }}/edge/{{ inventory_hostname }}/manifest.bin"}


@pytest.mark.parametrize("verbosity", ["", "-v", "-vvv", "-vvvvvv"])
def test_demo_playbook_runs_and_never_shows_a_code(emulator, devices, protocol, tmp_path, verbosity):
    run = run_playbook(
        REPO / "playbooks" / "demo.yml",
        emulator,
        tmp_path,
        protocol,
        extra_env=user_env(emulator),
        verbosity=verbosity,
        inventory=demo_inventory(devices, tmp_path),
        devices=devices,
        extra_vars=MANIFESTS,
    )
    assert run.rc == 0, run.tail()
    text = " ".join(run.stdout.split())  # callbacks wrap long messages differently per version
    # After the unlock: site-north's S3 endpoint found, its profile and EKS Anywhere's files written; the
    # two credentials files are the only ones allowed to hold the device's secret key (the scan covers the rest).
    assert "S3 endpoint found: https://127.0.0.11:8443 (service s3, ACTIVE)" in text
    assert "its secret key (40 characters) only in the credentials file" in text
    after = tmp_path / "edge" / "after-unlock"
    for secret_file in (after / "aws" / "credentials", after / "eksa" / "credentials"):
        assert "[" in secret_file.read_text() and secret_file.stat().st_mode & 0o777 == 0o600
        secret_file.unlink()
    assert run.keys and not run.leaks(), f"a code or a key leaked: {run.leaks()}"
    assert "must be 39 characters, got 38" in text
    assert "InTransitToCustomer: the device has not arrived yet" in text
    if not verbosity:  # as make demo shows it (issue 23 item 9): each deliberate failure once, no fatal line
        assert (
            text.count("must be 39 characters, got 38") == 1
            and text.count("InTransitToCustomer: the device has not arrived yet") == 1
        ), text
        assert "fatal:" not in run.stdout and "[ERROR]" not in run.stdout + run.stderr, run.tail()
    if verbosity:  # results are shown from -v on
        assert "censored:" in run.stdout or '"censored":' in run.stdout
    assert emulator.state.stats()["requests"]["GetJobUnlockCode"] >= 6
    for name in ("ready1", "ready2", "cluster1", "cluster2", "cluster3"):
        assert devices.device(name).state == "UNLOCKED", name
    assert run.client_calls(), "the simulated client was never called"
    for call in run.client_calls():
        assert not find_leaks(" ".join(call["argv"]), run.codes), "an unlock code was on the client's command line"


# A user's first run (issue 23): no ANSIBLE_CONFIG and no ANSIBLE_PIPELINING, from wherever they are.
def without_config(emulator) -> dict:
    return {**aws_env(emulator), "ANSIBLE_CONFIG": None, "ANSIBLE_PIPELINING": None}


def elsewhere(tmp_path):
    """A directory with no ansible.cfg and nothing of the checkout's."""
    path = tmp_path / "elsewhere"
    path.mkdir(exist_ok=True)
    return path


@pytest.mark.parametrize("where", ["checkout root", "another directory"])
def test_ready_playbook_unlocks_from_any_directory_with_no_ansible_config(emulator, devices, tmp_path, where):
    inv = edge_inventory(tmp_path / "inventory.yml", {"north": next_to(devices, emulator, "ready1")})
    # As README says: `ansible-playbook -i inventory.yml playbooks/unlock.yml` from the checkout root.
    cwd, playbook = (REPO, "playbooks/unlock.yml") if where == "checkout root" else (elsewhere(tmp_path), PLAYBOOK)
    assert not (cwd / "ansible.cfg").exists()

    run = run_playbook(
        playbook, emulator, tmp_path, extra_env=without_config(emulator), verbosity="-v", inventory=inv, cwd=cwd
    )

    assert run.rc == 0, run.tail()
    assert not run.leaks(), run.leaks()
    assert devices.device("ready1").state == "UNLOCKED"
    assert (tmp_path / "edge" / "north" / "manifest.bin").exists()


def test_collection_playbook_by_name_unlocks_from_an_unrelated_directory(emulator, devices, tmp_path):
    inv = edge_inventory(tmp_path / "inventory.yml", {"north": next_to(devices, emulator, "ready1")})

    run = run_playbook(
        "edge.snowball.unlock",
        emulator,
        tmp_path,
        extra_env=without_config(emulator),
        verbosity="-v",
        inventory=inv,
        cwd=elsewhere(tmp_path),
    )

    assert run.rc == 0, run.tail()
    assert not run.leaks(), run.leaks()
    assert devices.device("ready1").state == "UNLOCKED"


FAKE_SU = """#!/bin/sh
# su on this test's edge host: asks for a password as su does, then runs "su root -c COMMAND"'s
# command as the same user (the role must refuse before it is ever used).
printf 'Password: '
read -r _password
exec /bin/sh -c "$3"
"""


@pytest.mark.parametrize("cause", ["become_method su", "ANSIBLE_KEEP_REMOTE_FILES", "ansible_pipelining false"])
def test_a_run_that_cannot_pipeline_is_refused_before_the_manifest_is_written(emulator, devices, tmp_path, cause):
    host = next_to(devices, emulator, "ready1")
    env = without_config(emulator)
    if cause == "become_method su":
        su = tmp_path / "su"
        su.write_text(FAKE_SU)
        su.chmod(0o755)
        host.update(
            ansible_become=True, ansible_become_method="su", ansible_become_exe=str(su), ansible_become_password="x"
        )
        why = "become_method su cannot pipeline"
    elif cause == "ANSIBLE_KEEP_REMOTE_FILES":
        env["ANSIBLE_KEEP_REMOTE_FILES"] = "1"
        why = "ANSIBLE_KEEP_REMOTE_FILES is on"
    else:
        host["ansible_pipelining"] = False  # the user's explicit override wins over the role's default
        why = "pipelining is off"
    inv = edge_inventory(tmp_path / "inventory.yml", {"north": host})

    run = run_playbook(PLAYBOOK, emulator, tmp_path, extra_env=env, verbosity="-v", inventory=inv)

    assert run.rc != 0, run.tail()
    assert not run.leaks(), run.leaks()
    assert not list((tmp_path / "edge").rglob("manifest.bin")), "the manifest was written before the refusal"
    said = " ".join(run.stdout.split())
    assert f"job_manifest refused before writing anything on the edge host: {why}" in said, run.tail()
    assert "become_method: sudo, not su" in said
    assert "GetJobManifest" not in emulator.state.stats()["requests"]
    assert not run.client_calls()
    assert devices.device("ready1").state == "LOCKED"
