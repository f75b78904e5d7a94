"""The controller side of edge.snowball.job_manifest: what it refuses before anything reaches the
target (the module run is a stand-in; AWS is never called with ``src``)."""

from __future__ import annotations

import pytest

from ansible.parsing.vault import VaultSecret

from ansible_collections.edge.snowball.plugins.plugin_utils import vaulted_codes
from unit.constants import FAKE_CODE
from unit.constants import VALID_JOB_ID


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
