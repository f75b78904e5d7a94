"""The simulated device's after-the-unlock commands, through the simulated client as a module runs it."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import time

import pytest

from emulator.api import EmulatorServer
from emulator.device import DEMO_DEVICES
from emulator.device import DeviceFleet

CLIENT = pathlib.Path(__file__).resolve().parents[2] / "emulator" / "bin" / "snowballEdge"


@pytest.fixture
def fleet_client(tmp_path):
    """``(fleet, run)``: a fleet of simulated devices and ``run(command, *args, fault=None)`` calling the
    simulated client on ready1 with its manifest and code (CompletedProcess)."""
    with EmulatorServer() as server, DeviceFleet(server.state.by_name, DEMO_DEVICES, port=0, unlock_delay=0) as fleet:
        job = server.state.by_name["ready1"]
        manifest = tmp_path / "manifest.bin"
        manifest.write_bytes(job.manifest)
        flags = ["--endpoint", fleet.endpoint("ready1"), "--manifest-file", str(manifest), "--unlock-code"]

        def run(command, *args, fault=""):
            env = {"PATH": "/usr/bin:/bin", "SNOWBALL_CLIENT_FAULT": fault, "SNOWBALL_CLIENT_PYTHON": sys.executable}
            argv = [str(CLIENT), command, *args, *flags, job.unlock_code]
            return subprocess.run(argv, capture_output=True, text=True, env=env, check=False)

        yield fleet, run


def test_the_after_unlock_commands_refuse_a_locked_device(fleet_client):
    _fleet, run = fleet_client
    refused = run("list-access-keys")
    assert refused.returncode == 1 and "IncorrectDeviceStateException" in refused.stderr


def test_keys_certificates_and_services_once_unlocked(fleet_client):
    fleet, run = fleet_client
    assert run("unlock-device").returncode == 0
    time.sleep(0.05)  # unlock_delay 0: UNLOCKED at the next look (not a timing assertion)
    akid = json.loads(run("list-access-keys").stdout)["AccessKeyIds"][0]
    ini = run("get-secret-access-key", "--access-key-id", akid).stdout
    assert ini.splitlines()[:2] == ["[snowballEdge]", f"aws_access_key_id = {akid}"]
    assert ini.splitlines()[2] == f"aws_secret_access_key = {fleet.device('ready1').access_keys[akid]}"
    arn = json.loads(run("list-certificates").stdout)["Certificates"][0]["CertificateArn"]
    pem = run("get-certificate", "--certificate-arn", arn).stdout
    assert pem.startswith("-----BEGIN CERTIFICATE-----\n") and pem.endswith("-----END CERTIFICATE-----\n")
    assert json.loads(run("list-services").stdout)["ServiceIds"] == ["s3", "ec2", "sts"]
    s3 = json.loads(run("describe-service", "--service-id", "s3").stdout)
    assert s3["Status"]["State"] == "ACTIVE"
    assert {(e["Port"], e["Protocol"]) for e in s3["Endpoints"]} == {(8080, "http"), (8443, "https")}
    assert [e["CertificateAssociation"]["CertificateArn"] for e in s3["Endpoints"] if e["Protocol"] == "https"] == [arn]
    # rotation keeps the id and changes the secret; a regenerated certificate keeps its ARN
    fleet.device("ready1").rotate_key()
    assert run("get-secret-access-key", "--access-key-id", akid).stdout != ini
    fleet.device("ready1").regenerate_certificate()
    assert run("get-certificate", "--certificate-arn", arn).stdout != pem
    assert len(fleet.secret_keys()) == len(DEMO_DEVICES) + 1


def test_the_echoing_client_quotes_the_secret_key_in_its_own_failure(fleet_client):
    fleet, run = fleet_client
    run("unlock-device")
    time.sleep(0.05)
    akid = json.loads(run("list-access-keys").stdout)["AccessKeyIds"][0]
    failed = run("get-secret-access-key", "--access-key-id", akid, fault="echo-secret")
    secret = fleet.device("ready1").access_keys[akid]
    assert failed.returncode == 1 and secret in failed.stderr and secret.replace("/", "\\/") in failed.stderr
