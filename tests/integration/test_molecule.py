"""The molecule scenario (extensions/molecule/default): converge, idempotence, verify.

molecule runs the role against this test's emulator and simulated devices, the way
`make molecule` does by hand; its whole output and every file it left are leak-scanned.
"""

from __future__ import annotations

import shutil

import pytest

from integration.harness import BIN
from integration.harness import REPO
from integration.harness import edge_host_env
from integration.harness import run_command


def test_molecule_scenario_converges_idempotently(emulator, devices, tmp_path):
    if not (BIN / "molecule").exists():
        pytest.skip("molecule is installed in the main test venv only (make test runs it there)")
    env = edge_host_env(tmp_path, emulator)
    env.update(NO_COLOR="1", SNOWBALL_DEVICE_PORT=str(devices.port))
    # molecule writes into the scenario's directory; run a copy so parallel runs never meet.
    project = tmp_path / "project"
    shutil.copytree(REPO / "extensions", project / "extensions")
    shutil.copy(REPO / "galaxy.yml", project / "galaxy.yml")
    run = run_command([str(BIN / "molecule"), "test", "-s", "default"], emulator, tmp_path, env, cwd=project)
    assert run.rc == 0, run.tail(120)
    text = run.stdout + run.stderr
    for step in ("converge", "idempotence", "verify"):
        assert f"{step}: Executed: Successful" in " ".join(text.split()), f"molecule step {step} did not run"
    assert not run.leaks(), run.leaks()
    for name in ("ready1", "cluster1", "cluster2", "cluster3"):
        assert devices.device(name).state == "UNLOCKED"
        assert devices.device(name).unlock_requests == 1, "the idempotence converge unlocked again"
