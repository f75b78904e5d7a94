"""The controller side of edge.snowball.job_manifest: what it refuses before anything reaches the
target (the module run is a stand-in; AWS is never called with ``src``), and with require_pipelining
(the role sets it) a task whose host does not pipeline, before any AWS call and before anything is
written on the target, decided as device_unlock decides it (secrets_guard.pipelining_problem)."""

from __future__ import annotations

from unittest import mock

import pytest

from ansible.parsing.vault import VaultSecret

from ansible_collections.edge.snowball.plugins.action import job_manifest
from ansible_collections.edge.snowball.plugins.plugin_utils import vaulted_codes

from unit.constants import FAKE_CODE
from unit.constants import VALID_JOB_ID

JOB = "JID123e4567-e89b-12d3-a456-426655440000"


def test_require_pipelining_refuses_before_any_aws_call_or_transfer(action_plugin, tmp_path):
    plugin = action_plugin(
        "job_manifest", {"job_id": JOB, "dest": "/srv/m.bin", "require_pipelining": True}, pipelining=False
    )
    plugin._transfer_data = mock.MagicMock()
    with mock.patch.object(job_manifest, "connect") as jobs:
        result = plugin.run(task_vars={})
    assert result["failed"] is True
    assert result["msg"].startswith("job_manifest refused before writing anything on the edge host: pipelining is off")
    assert "ansible_pipelining" in result["msg"]
    jobs.assert_not_called()
    plugin._transfer_data.assert_not_called()
    plugin._execute_module.assert_not_called()


def test_without_require_pipelining_a_host_that_does_not_pipeline_still_gets_the_manifest(action_plugin, tmp_path):
    src = tmp_path / "manifest.bin"
    src.write_bytes(b"manifest")
    plugin = action_plugin("job_manifest", {"job_id": JOB, "dest": "/srv/m.bin", "src": str(src)}, pipelining=False)
    plugin._transfer_data = mock.MagicMock()
    plugin._make_tmp_path = mock.MagicMock(return_value="/tmp/ansible-tmp-x")
    plugin._fixup_perms2 = mock.MagicMock()
    plugin._remove_tmp_path = mock.MagicMock()
    result = plugin.run(task_vars={})
    assert not result.get("failed"), result
    plugin._transfer_data.assert_called_once()
    plugin._execute_module.assert_called_once()


def run(action_plugin, **args):
    plugin = action_plugin("job_manifest", dict({"job_id": VALID_JOB_ID}, **args))
    return plugin, plugin.run(task_vars={})


def test_a_fifo_as_src_is_refused_without_waiting_for_a_writer(action_plugin, stub, fifo, tmp_path):
    """Issue 22 W3: open() on a FIFO waits for ever."""
    src = fifo("manifest.bin")
    plugin, result = run(action_plugin, src=str(src), dest=str(tmp_path / "edge" / "manifest.bin"))
    assert result["failed"] and f"src {src} is a FIFO (named pipe), not a regular file" in result["msg"], result
    plugin._execute_module.assert_not_called()
    stub.factory.assert_not_called()


@pytest.mark.parametrize("option", ["src", "dest"])
def test_a_nul_byte_in_a_path_is_refused_by_name_before_any_call(action_plugin, stub, tmp_path, option):
    """Issue 22 W4."""
    paths = {"src": str(tmp_path / "manifest.bin"), "dest": str(tmp_path / "edge" / "manifest.bin")}
    (tmp_path / "manifest.bin").write_bytes(b"SBMANIFEST1\n")
    paths[option] = paths[option][:-4] + "\0.bin"
    plugin, result = run(action_plugin, **paths)
    assert result["failed"] and f"{option} holds a NUL byte" in result["msg"], result
    plugin._execute_module.assert_not_called()
    stub.factory.assert_not_called()


def test_a_codes_file_as_src_is_refused(action_plugin, stub, tmp_path):
    """Issue 22 W9: a vault file (a codes file, perhaps) is never put on the target as a manifest."""
    src = tmp_path / "site.vault.yml"
    src.write_bytes(vaulted_codes.encrypt_codes({VALID_JOB_ID: FAKE_CODE}, "default", VaultSecret(b"pw")))
    plugin, result = run(action_plugin, src=str(src), dest=str(tmp_path / "edge" / "manifest.bin"))
    assert result["failed"] and "is an ansible-vault file" in result["msg"], result
    plugin._execute_module.assert_not_called()
