"""The EXAMPLES of every module and lookup run as written, against the emulator and simulated devices.

Only the documentation's placeholders are swapped for the emulator's: its job ids, the devices'
addresses, and a directory of this test instead of /srv. Order: job_manifest first (it makes the
directory the others use).
"""

from __future__ import annotations

import ast
import sys

import pytest
import yaml

from emulator.api import CREDENTIALS
from emulator.api import DEFAULT_ACCESS_KEY
from emulator.device import DEMO_DEVICES
from emulator.device import DeviceFleet
from integration.harness import REPO
from integration.harness import run_playbook

# Main column of make test only: the examples' plugin code paths run in every column through the targets (tests/conftest.py).
pytestmark = pytest.mark.once

PLUGINS = [
    "plugins/modules/job_manifest.py",
    "plugins/modules/job_unlock_code.py",
    # Before the lookup: its codes_file example reads what export_unlock_codes wrote.
    "plugins/modules/export_unlock_codes.py",
    "plugins/lookup/unlock_code.py",
    "plugins/modules/device_unlock.py",
    "plugins/modules/device_info.py",
    # After device_unlock's examples: the device is unlocked.
    "plugins/modules/device_credentials.py",
    # After device_credentials' examples: EKS Anywhere's files from what they registered.
    "plugins/modules/eks_anywhere_credentials.py",
    "plugins/modules/managed_device_unlock.py",
    "plugins/modules/managed_device_info.py",
]
SINGLE_JOB = "JID123e4567-e89b-12d3-a456-426655440000"
CLUSTER_JOB = "JID9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"


def examples(path: str) -> str:
    for node in ast.parse((REPO / path).read_text()).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "EXAMPLES":
            return node.value.value
    raise AssertionError(f"{path} has no EXAMPLES")


def test_every_example_runs_as_written(emulator, tmp_path):
    jobs = emulator.state.by_name
    with DeviceFleet(jobs, DEMO_DEVICES, port=0, unlock_delay=0) as devices:
        swaps = {
            SINGLE_JOB: jobs["ready1"].job_id,
            CLUSTER_JOB: jobs["cluster1"].job_id,
            "https://192.0.2.10": devices.endpoint("ready1"),
            "https://192.0.2.21": devices.endpoint("cluster1"),
            "192.0.2.21": "127.0.0.21",
            "192.0.2.22": "127.0.0.22",
            "192.0.2.23": "127.0.0.23",
            "/srv/snowball": str(tmp_path / "srv" / "snowball"),
        }
        plays = []
        for path in PLUGINS:
            text = examples(path)
            for placeholder, value in swaps.items():
                text = text.replace(placeholder, value)
            plays.append(
                {
                    "name": f"EXAMPLES of {path}",
                    "hosts": "localhost",
                    "gather_facts": False,
                    "tasks": yaml.safe_load(text),
                }
            )
        playbook = tmp_path / "examples.yml"
        playbook.write_text(yaml.safe_dump(plays, sort_keys=False))
        env = {
            "AWS_ENDPOINT_URL_SNOWBALL": emulator.url,
            "AWS_ENDPOINT_URL_SNOW_DEVICE_MANAGEMENT": emulator.url,
            "AWS_ACCESS_KEY_ID": DEFAULT_ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": CREDENTIALS[DEFAULT_ACCESS_KEY][0],
            "AWS_REGION": "us-east-1",
        }
        # The lookup's examples read each host's unlock_job_id from hostvars: an inventory variable.
        inventory = tmp_path / "inventory.ini"
        inventory.write_text(
            f"localhost ansible_connection=local ansible_python_interpreter={sys.executable}"
            f" unlock_job_id={jobs['ready2'].job_id}\n"
        )
        # export_unlock_codes encrypts with the play's vault secret; its example names the identity "site".
        password = tmp_path / "vault-password"
        password.write_text("examples\n")
        run = run_playbook(
            playbook,
            emulator,
            tmp_path,
            verbosity="-v",
            extra_env=env,
            devices=devices,
            inventory=inventory,
            extra_args=["--vault-id", f"site@{password}"],
        )
        assert run.rc == 0, run.tail()
        # device_credentials' example wrote the profile in HOME: the one file allowed to hold the key.
        credentials = tmp_path / "home" / ".aws" / "credentials"
        assert credentials.stat().st_mode & 0o777 == 0o600
        assert "[profile snowball]\nregion = snow\n" in (tmp_path / "home" / ".aws" / "config").read_text()
        credentials.unlink()
        # eks_anywhere_credentials' example wrote EKS Anywhere's files under ~/eksa, for the device at 127.0.0.11.
        eksa = tmp_path / "home" / "eksa"
        assert "[127.0.0.11]\n" in (eksa / "snowball-credentials").read_text()
        assert devices.device("ready1").pem in (eksa / "snowball-ca-bundles.pem").read_text()
        assert "export EKSA_AWS_CREDENTIALS_FILE=" in run.stdout
        (eksa / "snowball-credentials").unlink()
        assert not run.leaks(), run.leaks()
        assert devices.device("ready1").state == "UNLOCKED"
        assert all(devices.device(f"cluster{i}").state == "UNLOCKED" for i in (1, 2, 3))
        assert "failed=0" in run.stdout
        # managed_device_unlock's examples unlocked both jobs' devices remotely, with one task.
        managed = emulator.device_management.public()
        assert managed["devices"]["ready1"]["state"] == "UNLOCKED"
        assert managed["devices"]["cluster1"]["state"] == "UNLOCKED"
        assert len(managed["tasks"]) == 1
