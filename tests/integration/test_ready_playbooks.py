"""The ready playbooks a new user runs, at every verbosity, with nothing leaked."""

from __future__ import annotations

import pytest

from integration.harness import REPO
from integration.harness import run_playbook
from integration.harness import user_env
from integration.inventories import demo_inventory
from integration.leakscan import find_leaks


# Each host's manifest in this test's own directory.
MANIFESTS = {"unlock_manifest_path": "{{ work_dir }}/edge/{{ inventory_hostname }}/manifest.bin"}


@pytest.mark.parametrize("verbosity", ["-v", "-vvv", "-vvvvvv"])
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
    assert not run.leaks(), f"an unlock code leaked: {run.leaks()}"
    text = " ".join(run.stdout.split())  # callbacks wrap long messages differently per version
    assert "must be 39 characters, got 38" in text
    assert "InTransitToCustomer: the device has not arrived yet" in text
    assert "censored:" in run.stdout or '"censored":' in run.stdout
    assert emulator.state.stats()["requests"]["GetJobUnlockCode"] >= 6
    for name in ("ready1", "ready2", "cluster1", "cluster2", "cluster3"):
        assert devices.device(name).state == "UNLOCKED", name
    assert run.client_calls(), "the simulated client was never called"
    for call in run.client_calls():
        assert not find_leaks(" ".join(call["argv"]), run.codes), "an unlock code was on the client's command line"
