"""The molecule scenario (extensions/molecule/default): converge, idempotence, verify.

molecule runs the role against this test's emulator and simulated devices, the way
`make molecule` does by hand; its whole output and every file it left are leak-scanned.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from emulator.api import CREDENTIALS
from emulator.api import DEFAULT_ACCESS_KEY
from integration.conftest import BIN
from integration.conftest import CLIENT_BIN
from integration.conftest import COLLECTIONS
from integration.conftest import REPO
from integration.conftest import Run
from integration.conftest import edge_tmp


def test_molecule_scenario_converges_idempotently(emulator, devices, tmp_path):
    if not (BIN / "molecule").exists():
        pytest.skip("molecule is installed in the main test venv only (make test runs it there)")
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_", "MOLECULE_"))}
    env.update(
        HOME=str(home),
        TMPDIR=str(edge_tmp(tmp_path)),
        PATH=os.pathsep.join((str(BIN), str(CLIENT_BIN), os.environ.get("PATH", ""))),
        ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_NOCOLOR="1",
        NO_COLOR="1",
        AWS_ENDPOINT_URL_SNOWBALL=emulator.url,
        AWS_ACCESS_KEY_ID=DEFAULT_ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY=CREDENTIALS[DEFAULT_ACCESS_KEY][0],
        AWS_REGION="us-east-1",
        SNOWBALL_DEVICE_PORT=str(devices.port),
        SNOWBALL_CLIENT_ARGV_LOG=str(tmp_path / "client-argv.jsonl"),
    )
    # molecule writes into the scenario's directory; run a copy so parallel runs never meet.
    project = tmp_path / "project"
    shutil.copytree(REPO / "extensions", project / "extensions")
    shutil.copy(REPO / "galaxy.yml", project / "galaxy.yml")
    proc = subprocess.run(
        [str(BIN / "molecule"), "test", "-s", "default"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    run = Run(proc.returncode, proc.stdout, proc.stderr, "", emulator.secrets(), tmp_path)
    assert run.rc == 0, run.tail(120)
    text = proc.stdout + proc.stderr
    for step in ("converge", "idempotence", "verify"):
        assert f"{step}: Executed: Successful" in " ".join(text.split()), f"molecule step {step} did not run"
    assert not run.leaks(), run.leaks()
    for name in ("ready1", "cluster1", "cluster2", "cluster3"):
        assert devices.device(name).state == "UNLOCKED"
        assert devices.device(name).unlock_requests == 1, "the idempotence converge unlocked again"
