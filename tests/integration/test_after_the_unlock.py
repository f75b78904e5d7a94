"""After the unlock, as docs/after-the-unlock.md says: the page's playbook, run as written, finds each
device's S3 endpoint, reads its keys and certificate, writes EKS Anywhere's two files on the
controller (edge.snowball.eks_anywhere_credentials), and drives amazon.aws against each device's S3.

The devices' S3 is a real S3 implementation (moto's server, tests/emulator/s3_adapter.py) on each
device's IP, over HTTPS with the device's own certificate: amazon.aws gets through only if the CA
bundle written holds that certificate and the endpoint found is the right one. Every run is
leak-scanned at -vvvv (output, log, every file but the credentials file) for the codes and every
secret key the devices issued. Runs in the main column (moto is a test requirement there only).
"""

from __future__ import annotations

import configparser
import os
import re

import pytest

from emulator.device import DEMO_DEVICES
from emulator.device import DeviceFleet
from integration.harness import REPO
from integration.harness import edge_tmp
from integration.harness import recap
from integration.harness import run_playbook
from integration.harness import user_env
from integration.inventories import SINGLE
from integration.inventories import edge_inventory
from integration.inventories import next_to
from integration.leakscan import RunSampler

PAGE = REPO / "docs" / "after-the-unlock.md"
UNLOCK = REPO / "playbooks" / "unlock.yml"
SITE = dict(list(SINGLE.items())[:2])

pytestmark = pytest.mark.once


def page_playbook() -> str:
    text = PAGE.read_text()
    block = re.search(
        r"<!-- after-the-unlock playbook: begin -->\n```yaml\n(.*?)```\n<!-- after-the-unlock playbook: end -->",
        text,
        re.S,
    )
    assert block, f"{PAGE} has no marked playbook"
    return block.group(1)


def status(run, task: str) -> str:
    """How the (run_once) task named ``task`` ended: the first status word after its banner."""
    lines = run.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"TASK [{task}"))
    return next(line.split(":")[0] for line in lines[start + 1 :] if re.match(r"(ok|changed|failed|fatal):", line))


@pytest.fixture
def s3_devices(emulator):
    with DeviceFleet(emulator.state.by_name, DEMO_DEVICES, port=0, unlock_delay=0.2, s3=True) as fleet:
        yield fleet


def test_the_pages_playbook_writes_eks_anywhere_files_and_amazon_aws_reaches_each_devices_s3(
    emulator, s3_devices, tmp_path
):
    devices = s3_devices
    hosts = {host: next_to(devices, emulator, name) for host, name in SITE.items()}
    inventory = edge_inventory(tmp_path / "inventory.yml", hosts)
    playbook = tmp_path / "after-the-unlock.yml"
    playbook.write_text(page_playbook())
    eksa = tmp_path / "eksa"
    env = user_env(emulator)
    # The page's playbook as a user runs it: no ansible.cfg and no ANSIBLE_PIPELINING; the plays set it.
    page_env = {**env, "ANSIBLE_CONFIG": None, "ANSIBLE_PIPELINING": None}
    unlocked = run_playbook(UNLOCK, emulator, tmp_path, extra_env=env, inventory=inventory, devices=devices)
    assert unlocked.rc == 0, unlocked.tail()
    # While the page's playbook runs: no key in any process's argv or environment, nor in any file but
    # EKS Anywhere's credentials file (the sampler looks at every file under the run's directories).
    allowed = [eksa / "credentials"]
    with RunSampler(
        emulator.secrets(), [tmp_path, edge_tmp(tmp_path)], keys=devices.secret_keys, allowed=allowed
    ) as sampler:
        runs = [
            run_playbook(
                playbook,
                emulator,
                tmp_path,
                extra_env=page_env,
                inventory=inventory,
                devices=devices,
                extra_vars={"eksa_dir": str(eksa)},
            )
            for _time in range(2)
        ]
    assert not sampler.leaks(runs[0].codes), sampler.leaks(runs[0].codes)
    assert sampler.client_runs(), "the sampler never saw the client run: the process check proved nothing"
    assert runs[0].rc == 0, runs[0].tail()
    assert runs[1].rc == 0, runs[1].tail()

    # EKS Anywhere's files: one section per device IP, the device's own key pair, its certificate.
    credentials = configparser.RawConfigParser()
    credentials.read(eksa / "credentials")
    bundles = (eksa / "ca-bundles.pem").read_text()
    for name in SITE.values():
        device = devices.device(name)
        akid = next(iter(device.access_keys))
        section = credentials[device.ip]
        assert (section["aws_access_key_id"], section["region"]) == (akid, "snow")
        assert section["aws_secret_access_key"] == device.access_keys[akid]
        assert device.pem in bundles
    assert sorted(credentials.sections()) == sorted(devices.device(name).ip for name in SITE.values())
    for path in (eksa / "credentials", eksa / "ca-bundles.pem"):
        assert os.stat(path).st_mode & 0o777 == 0o600
    assert sorted(os.listdir(eksa)) == ["ca-bundles.pem", "credentials"]

    # amazon.aws reached each device's own S3 (over TLS, trusting the bundle written) and found its object.
    for name in SITE.values():
        device = devices.device(name)
        assert f"{device.ip}:{device.s3_port} holds hello.txt" in runs[0].stdout, runs[0].tail()

    # The first run wrote the files, the second changed nothing (the files, the buckets, the objects).
    assert status(runs[0], "EKS Anywhere's two files") == "changed"
    assert status(runs[1], "EKS Anywhere's two files") == "ok"
    assert all(counts["changed"] == 0 for counts in recap(runs[1]).values()), recap(runs[1])

    (eksa / "credentials").unlink()  # the one file allowed to hold the keys
    for run in (unlocked, *runs):
        assert run.keys and not run.leaks(), run.leaks()
