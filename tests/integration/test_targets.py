"""Every target in targets/, through ansible-playbook, in both wire protocols, with a leak scan."""

from __future__ import annotations

import pathlib

import pytest

from integration.conftest import run_playbook
from integration.leakscan import find_leaks

TARGETS = sorted(
    p.name for p in (pathlib.Path(__file__).parent / "targets").iterdir() if (p / "tasks" / "main.yml").is_file()
)


@pytest.mark.parametrize("target", TARGETS)
def test_target(target, emulator, devices, protocol, tmp_path):
    playbook = tmp_path / "play.yml"
    playbook.write_text(f"- hosts: localhost\n  gather_facts: false\n  roles:\n    - role: {target}\n")
    run = run_playbook(playbook, emulator, tmp_path, protocol, devices=devices)
    assert run.rc == 0, f"target {target} failed (rc={run.rc}):\n{run.tail()}"
    assert not run.leaks(), f"an unlock code leaked: {run.leaks()}"
    assert "ok=" in run.stdout
    assert emulator.state.stats()["protocols"].get(protocol, 0) > 0, f"no request went out as {protocol}"
    for call in run.client_calls():
        assert not find_leaks(" ".join(call["argv"]), run.codes), "an unlock code was on the client's command line"
