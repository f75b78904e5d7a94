"""The pre-fork warm-up of botocore in the strategy's process (plugins/plugin_utils/prefork.py)."""

from __future__ import annotations

import sys

import pytest

from ansible_collections.edge.snowball.plugins.module_utils._aws import client as botocore_client
from ansible_collections.edge.snowball.plugins.plugin_utils import prefork


def test_after_warm_up_a_client_reads_no_model_file(monkeypatch, aws_params):
    """What the action plugins rely on: once warm, making a client loads nothing from disk."""
    import botocore.loaders

    monkeypatch.delenv("AWS_DATA_PATH", raising=False)
    monkeypatch.setattr(botocore_client, "_LOADERS", {})
    prefork.warm_up_botocore()
    assert list(botocore_client._LOADERS) == [None]

    def no_file(*args, **kwargs):
        raise AssertionError(f"a model file was read after the warm-up: {args}")

    monkeypatch.setattr(botocore.loaders.JSONFileLoader, "load_file", no_file)
    client = botocore_client.make_client("snowball", "Snowball", aws_params(region="ap-southeast-2"))
    assert client.meta.service_model.service_name == "snowball"


def test_warm_up_never_fails_the_play(monkeypatch):
    monkeypatch.setattr(botocore_client, "_LOADERS", {})
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile-anywhere")
    prefork.warm_up_botocore()  # ProfileNotFound is swallowed: the real client will report it
    assert botocore_client._LOADERS == {}


@pytest.mark.parametrize("plugin", ["job_manifest", "device_unlock", "device_info"])
def test_importing_an_action_plugin_warms_botocore(plugin, python_env):
    """ansible-core's strategy imports the action plugin in its main process before forking the
    per-host workers: the import is what must leave botocore loaded."""
    import subprocess

    code = (
        "import sys\n"
        f"import ansible_collections.edge.snowball.plugins.action.{plugin}\n"
        "from ansible_collections.edge.snowball.plugins.module_utils._aws import client as botocore_client\n"
        "print('botocore.client' in sys.modules, len(botocore_client._LOADERS))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=python_env, check=True
    ).stdout
    assert out.split() == ["True", "1"]
