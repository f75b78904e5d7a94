"""What a user installs: the built tarball holds no strays, and ansible-doc renders every plugin."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import tarfile

import pytest

from integration.harness import BIN
from integration.harness import COLLECTIONS
from integration.harness import REPO

# Main column of make test only: the package is built once (tests/conftest.py).
pytestmark = pytest.mark.once

STRAYS = (
    ".venv",
    ".build",
    ".cache",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "tests/output",
    ".git/",
    ".ansible/",
)


def test_tarball_has_the_plugins_and_no_strays(tmp_path):
    subprocess.run(
        [str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )
    (tarball,) = tmp_path.glob("edge-snowball-*.tar.gz")
    with tarfile.open(tarball) as tar:
        names = tar.getnames()
    for needed in (
        "plugins/modules/job_unlock_code.py",
        "plugins/action/job_unlock_code.py",
        "plugins/lookup/unlock_code.py",
        "plugins/modules/job_manifest.py",
        "plugins/action/job_manifest.py",
        "plugins/modules/device_unlock.py",
        "plugins/modules/device_info.py",
        "plugins/modules/device_credentials.py",
        "plugins/action/device_credentials.py",
        "plugins/module_utils/_edge/aws_cli_files.py",
        "plugins/modules/eks_anywhere_credentials.py",
        "plugins/action/eks_anywhere_credentials.py",
        "plugins/plugin_utils/eks_anywhere_files.py",
        "plugins/modules/managed_device_unlock.py",
        "plugins/modules/managed_device_info.py",
        "plugins/module_utils/_sdm/api.py",
        "roles/unlock/tasks/remote.yml",
        "plugins/module_utils/_edge/client.py",
        "plugins/module_utils/_edge/profile.py",
        "plugins/module_utils/_edge/stop.py",
        "plugins/module_utils/_edge/state.py",
        "roles/unlock/tasks/main.yml",
        "roles/unlock/tasks/client.yml",
        "roles/unlock/tasks/summary.yml",
        "roles/unlock/templates/unlock-summary.j2",
        "roles/unlock/meta/argument_specs.yml",
        "roles/unlock/defaults/main.yml",  # ansible_pipelining: true, so the role pipelines from any directory
        "roles/unlock/vars/main.yml",
        "playbooks/unlock.yml",
        "meta/runtime.yml",
        "MANIFEST.json",
        "LICENSE",
        "README.md",
        "CHANGELOG.rst",
        "changelogs/changelog.yaml",
    ):
        assert needed in names
    strays = [name for name in names if any(part in name for part in STRAYS) or name.endswith(".pyc")]
    assert not strays, f"stray files in the tarball: {strays[:20]}"


def _ansible_doc(*args: str) -> str:
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR="1")
    proc = subprocess.run([str(BIN / "ansible-doc"), *args], env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    # amazon.aws 10 imports ansible.module_utils._text, which ansible-core 2.21 deprecates: not ours.
    # ansible-core 2.21's own internal collection has no MANIFEST.json: not ours either.
    upstream = ("module_utils._text", "Deprecation warnings can be disabled", "_protomatter")
    ours = [line for line in proc.stderr.splitlines() if "WARNING" in line and not any(u in line for u in upstream)]
    assert not ours, proc.stderr
    return proc.stdout


def test_ansible_doc_lists_every_plugin():
    modules = _ansible_doc("-l", "edge.snowball")
    lookups = _ansible_doc("-t", "lookup", "-l", "edge.snowball")
    for module in (
        "job_unlock_code",
        "job_manifest",
        "device_unlock",
        "device_info",
        "device_credentials",
        "eks_anywhere_credentials",
        "managed_device_unlock",
        "managed_device_info",
    ):
        assert f"edge.snowball.{module}" in modules
    assert "edge.snowball.unlock_code" in lookups
    assert "edge.snowball.unlock" in _ansible_doc("-t", "role", "-l", "edge.snowball")


def test_ansible_doc_renders_module_and_lookup():
    module = _ansible_doc("edge.snowball.job_unlock_code")
    assert "job_id" in module and "check_state" in module and "access_key" in module
    lookup = _ansible_doc("-t", "lookup", "edge.snowball.unlock_code")
    assert "concurrency" in lookup and "region" in lookup


def test_ansible_doc_renders_the_edge_host_modules_and_the_role():
    manifest = _ansible_doc("edge.snowball.job_manifest")
    assert "dest" in manifest and "backup" in manifest and "region" in manifest and "_content" not in manifest
    unlock = _ansible_doc("edge.snowball.device_unlock")
    assert "cluster_ips" in unlock and "poll_interval" in unlock
    assert "cluster_ips" in _ansible_doc("edge.snowball.device_info")
    assert "services" in _ansible_doc("edge.snowball.device_info")
    credentials = _ansible_doc("edge.snowball.device_credentials")
    for option in ("access_key_id", "aws_profile", "credentials_file", "config_file", "secret_access_key", "ca_bundle"):
        assert option in credentials, option
    eksa = _ansible_doc("edge.snowball.eks_anywhere_credentials")
    for option in ("devices", "credentials_file", "ca_bundles_file", "EKSA_AWS_CREDENTIALS_FILE", "0600"):
        assert option in eksa, option
    role = _ansible_doc("-t", "role", "edge.snowball.unlock")
    for variable in (
        "unlock_job_id",
        "unlock_endpoint",
        "unlock_manifest_path",
        "unlock_client",
        "unlock_timeout",
        "unlock_cluster_ips",
        "unlock_aws_profile",
    ):
        assert variable in role


# The modules whose file is documentation only (the action plugin does the whole task): ansible-test's
# validate-modules cannot compare their argument spec with their documentation, so this does.
DOCS_ONLY_SPECS = {
    "job_unlock_code": ("plugins.module_utils._jobs.codes", "job_unlock_code_argument_spec"),
    "export_unlock_codes": ("plugins.action.export_unlock_codes", "argument_spec"),
}


def _as_documented(option: dict) -> dict:
    return {
        "type": option.get("type") or "str",
        "default": option.get("default"),
        "aliases": sorted(option.get("aliases") or []),
        "choices": option.get("choices"),
        "elements": option.get("elements"),
        "required": bool(option.get("required")),
    }


@pytest.mark.parametrize("module", sorted(DOCS_ONLY_SPECS))
def test_docs_only_modules_document_the_argument_spec_their_action_plugin_checks(module):
    where, name = DOCS_ONLY_SPECS[module]
    spec = getattr(importlib.import_module(f"ansible_collections.edge.snowball.{where}"), name)()
    documented = json.loads(_ansible_doc("-j", f"edge.snowball.{module}"))[f"edge.snowball.{module}"]["doc"]["options"]
    assert sorted(documented) == sorted(spec)
    mismatched = {
        option: (_as_documented(spec[option]), _as_documented(documented[option]))
        for option in spec
        if _as_documented(spec[option]) != _as_documented(documented[option])
    }
    assert not mismatched, mismatched
