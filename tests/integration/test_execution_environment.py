"""The execution environment: ansible-builder makes a build context (no container engine needed)
that installs this collection and its Python requirements; the ready playbook runs through
ansible-runner, the way AWX runs it."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from integration.harness import BIN
from integration.harness import COLLECTIONS
from integration.harness import REPO
from integration.harness import run_ansible_runner
from integration.inventories import demo_inventory

# Main column of make test only: execution-environment metadata do not depend on the versions (tests/conftest.py).
pytestmark = pytest.mark.once


def need(tool):
    if not (BIN / tool).exists():
        pytest.skip(f"{tool} is installed in the main test venv only")


def test_ansible_builder_context_installs_the_collection_and_its_requirements(tmp_path):
    need("ansible-builder")
    work = tmp_path / "ee"
    shutil.copytree(REPO / "docs" / "ee", work)
    subprocess.run(
        [str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )
    (tarball,) = tmp_path.glob("edge-snowball-*.tar.gz")
    shutil.copy(tarball, work / "edge-snowball.tar.gz")
    proc = subprocess.run(
        [str(BIN / "ansible-builder"), "create", "--file", "execution-environment.yml", "--context", "context"],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    context = work / "context"
    # Containerfile with podman installed, Dockerfile otherwise: the same content.
    (containerfile_path,) = [p for p in (context / "Containerfile", context / "Dockerfile") if p.exists()]
    containerfile = containerfile_path.read_text()
    assert (context / "_build" / "collections" / "edge-snowball.tar.gz").read_bytes() == tarball.read_bytes()
    assert "edge-snowball.tar.gz" in (context / "_build" / "requirements.yml").read_text()
    assert "ansible-galaxy collection install" in containerfile or "install-from-bindep" in containerfile
    assert "introspect" in containerfile, "the build would not collect the collections' Python requirements"

    # What that introspection step finds in the installed collections: this collection's requirements.
    found = subprocess.run(
        [str(BIN / "ansible-builder"), "introspect", "--sanitize", COLLECTIONS],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for requirement in ("boto3>=1.34.0", "botocore>=1.34.0"):
        assert re.search(rf"{re.escape(requirement)}\s+# from collection edge.snowball", found), found
    assert "unzip" in found


def test_ready_playbook_runs_through_ansible_runner(emulator, devices, tmp_path):
    need("ansible-runner")
    run, private = run_ansible_runner(
        [REPO / "playbooks" / "unlock.yml"],
        emulator,
        devices,
        tmp_path,
        inventory=demo_inventory(devices, tmp_path),
        extra_vars={"unlock_manifest_path": str(tmp_path / "edge") + "/{{ inventory_hostname }}/manifest.bin"},
        user_aws_env=True,
    )
    assert run.rc == 0, run.tail()
    assert (private / "artifacts").is_dir() and list((private / "artifacts").rglob("job_events/*.json"))
    for name in ("ready1", "ready2", "cluster1", "cluster2", "cluster3"):
        assert devices.device(name).state == "UNLOCKED", name
    assert not run.leaks(), run.leaks()
