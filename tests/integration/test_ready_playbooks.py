"""The demo playbook a new user runs, at every verbosity, with nothing leaked."""

from __future__ import annotations

import pytest

from emulator.api import CREDENTIALS
from emulator.api import DEFAULT_ACCESS_KEY
from integration.conftest import REPO
from integration.conftest import run_playbook


@pytest.mark.parametrize("verbosity", ["-v", "-vvv", "-vvvvvv"])
def test_demo_playbook_runs_and_never_shows_a_code(emulator, protocol, tmp_path, verbosity):
    env = {
        # Configured the way a user points botocore at an endpoint, without endpoint_url.
        "AWS_ENDPOINT_URL_SNOWBALL": emulator.url,
        "AWS_ACCESS_KEY_ID": DEFAULT_ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": CREDENTIALS[DEFAULT_ACCESS_KEY][0],
        "AWS_REGION": "us-east-1",
        "ANSIBLE_CONFIG": str(REPO / "playbooks" / "ansible.cfg"),
    }
    run = run_playbook(
        REPO / "playbooks" / "demo.yml",
        emulator,
        tmp_path,
        protocol,
        extra_env=env,
        verbosity=verbosity,
        inventory=REPO / "playbooks" / "inventory/demo.yml",
    )
    assert run.rc == 0, run.tail()
    assert not run.leaks(), f"an unlock code leaked: {run.leaks()}"
    text = " ".join(run.stdout.split())  # callbacks wrap long messages differently per version
    assert "must be 39 characters, got 38" in text
    assert "InTransitToCustomer: the device has not arrived yet" in text
    assert "censored:" in run.stdout or '"censored":' in run.stdout
    assert emulator.state.stats()["requests"]["GetJobUnlockCode"] >= 6
