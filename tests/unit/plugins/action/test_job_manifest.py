"""The action plugin of edge.snowball.job_manifest: with require_pipelining (the role sets it) it refuses,
before any AWS call and before anything is written on the target, a task whose host does not pipeline,
deciding it as device_unlock does (secrets_guard.pipelining_problem)."""

from __future__ import annotations

from unittest import mock

from ansible_collections.edge.snowball.plugins.action import job_manifest

JOB = "JID123e4567-e89b-12d3-a456-426655440000"


def test_require_pipelining_refuses_before_any_aws_call_or_transfer(action_plugin, tmp_path):
    plugin = action_plugin(
        "job_manifest", {"job_id": JOB, "dest": "/srv/m.bin", "require_pipelining": True}, pipelining=False
    )
    plugin._transfer_data = mock.MagicMock()
    with mock.patch.object(job_manifest, "snowball_jobs") as jobs:
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
