"""job_unlock_code's lean client: amazon.aws's options, botocore only."""

from __future__ import annotations

import sys

import pytest
from ansible_collections.edge.snowball.plugins.module_utils import botocore_client
from ansible_collections.edge.snowball.plugins.plugin_utils import prefork
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from botocore.stub import Stubber

from unit.constants import FAKE_CODE
from unit.constants import VALID_JOB_ID

KEYS = {"access_key": "AKIAUNITTEST00000000", "secret_key": "unit-test-secret"}


def params(**extra):
    from ansible_collections.edge.snowball.plugins.module_utils.aws_options import aws_argument_spec

    spec = aws_argument_spec()
    values = {name: option.get("default") for name, option in spec.items()}
    values.update(KEYS, region="us-east-1")
    values.update(extra)
    return values


def test_options_are_amazon_aws_ones():
    from ansible_collections.amazon.aws.plugins.module_utils.modules import aws_argument_spec
    from ansible_collections.edge.snowball.plugins.module_utils.aws_options import aws_argument_spec as ours

    assert ours() == aws_argument_spec()


def test_builds_a_client_for_the_region_and_endpoint():
    client, _calls = botocore_client.snowball_client(params(endpoint_url="http://127.0.0.1:9"), VALID_JOB_ID)
    assert client.meta.region_name == "us-east-1"
    assert client.meta.endpoint_url == "http://127.0.0.1:9"
    assert "edge.snowball" in client.meta.config.user_agent_extra


def test_aws_config_is_merged():
    client, _calls = botocore_client.snowball_client(params(aws_config={"read_timeout": 7}), VALID_JOB_ID)
    assert client.meta.config.read_timeout == 7


def test_a_bad_aws_config_is_explained():
    with pytest.raises(SnowballError, match="aws_config is not a valid botocore configuration"):
        botocore_client.snowball_client(params(aws_config={"no_such_setting": 1}), VALID_JOB_ID)


def test_profile_and_keys_together_are_refused():
    with pytest.raises(SnowballError, match="both a profile and access tokens"):
        botocore_client.snowball_client(params(profile="p"), VALID_JOB_ID)


def test_no_region_is_explained(monkeypatch, tmp_path):
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    with pytest.raises(SnowballError, match="no AWS region is configured"):
        botocore_client.snowball_client(params(region=None), VALID_JOB_ID)


def test_resource_actions_are_collected_when_asked():
    client, calls = botocore_client.snowball_client(params(debug_botocore_endpoint_logs=True), VALID_JOB_ID)
    with Stubber(client) as stub:
        stub.add_response("get_job_unlock_code", {"UnlockCode": FAKE_CODE}, {"JobId": VALID_JOB_ID})
        client.get_job_unlock_code(JobId=VALID_JOB_ID)
    assert calls == ["snowball:GetJobUnlockCode"]


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("modules.job_unlock_code", ("boto3", "s3transfer")),  # botocore only
        ("modules.device_unlock", ("boto3", "botocore")),  # the edge host needs neither
        ("modules.device_info", ("boto3", "botocore")),
        ("modules.managed_device_unlock", ("boto3", "s3transfer")),
        ("modules.managed_device_info", ("boto3", "s3transfer")),
        ("modules.job_manifest", ("boto3", "s3transfer")),  # target side: amazon.aws's option spec only
        # Controller side: botocore alone (boto3 would cost every forked worker ~190 ms)
        ("lookup.unlock_code", ("boto3", "s3transfer")),
        ("action.job_manifest", ("boto3", "s3transfer")),
    ],
)
def test_module_imports_stay_lean(module, forbidden):
    import subprocess

    code = (
        "import sys\n"
        f"import ansible_collections.edge.snowball.plugins.{module}\n"
        f"print(*[name in sys.modules for name in {forbidden!r}])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), check=True).stdout
    assert out.split() == ["False"] * len(forbidden), f"{module} imports {forbidden}: {out}"


def test_aws_client_serves_another_service_with_its_resource_actions():
    client, calls = botocore_client.aws_client("snow-device-management", params(debug_botocore_endpoint_logs=True))
    assert client.meta.service_model.signing_name == "snow-device-management"
    with Stubber(client) as stub:
        stub.add_response("list_devices", {"devices": []}, {})
        client.list_devices()
    assert calls == ["snow-device-management:ListDevices"]


def _env():
    import os

    return dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))


def test_clients_in_one_process_share_one_data_loader(monkeypatch):
    import botocore.loaders

    monkeypatch.delenv("AWS_DATA_PATH", raising=False)
    monkeypatch.setattr(botocore_client, "_LOADERS", {})
    reads = []
    real = botocore.loaders.JSONFileLoader.load_file
    monkeypatch.setattr(
        botocore.loaders.JSONFileLoader, "load_file", lambda self, path: reads.append(path) or real(self, path)
    )
    first, _calls = botocore_client.snowball_client(params(), VALID_JOB_ID)
    assert reads, "the first client loads the model"
    reads.clear()
    second, _calls = botocore_client.snowball_client(params(region="eu-west-1", profile=None), VALID_JOB_ID)
    assert (first.meta.region_name, second.meta.region_name) == ("us-east-1", "eu-west-1")
    assert reads == [], "the second client re-read model files"


def test_another_data_path_gets_its_own_loader(monkeypatch, tmp_path):
    botocore_client.snowball_client(params(), VALID_JOB_ID)
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path))
    botocore_client.snowball_client(params(), VALID_JOB_ID)
    assert str(tmp_path) in botocore_client._LOADERS
    assert botocore_client._LOADERS[str(tmp_path)] is not botocore_client._LOADERS.get(None)


def test_after_warm_up_a_client_reads_no_model_file(monkeypatch):
    """What the action plugins rely on: once warm, making a client loads nothing from disk."""
    import botocore.loaders

    monkeypatch.delenv("AWS_DATA_PATH", raising=False)
    monkeypatch.setattr(botocore_client, "_LOADERS", {})
    prefork.warm_up_botocore()
    assert list(botocore_client._LOADERS) == [None]

    def no_file(*args, **kwargs):
        raise AssertionError(f"a model file was read after the warm-up: {args}")

    monkeypatch.setattr(botocore.loaders.JSONFileLoader, "load_file", no_file)
    client, _calls = botocore_client.snowball_client(params(region="ap-southeast-2"), VALID_JOB_ID)
    assert client.meta.service_model.service_name == "snowball"


def test_warm_up_never_fails_the_play(monkeypatch):
    monkeypatch.setattr(botocore_client, "_LOADERS", {})
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile-anywhere")
    prefork.warm_up_botocore()  # ProfileNotFound is swallowed: the real client will report it
    assert botocore_client._LOADERS == {}


@pytest.mark.parametrize("plugin", ["job_manifest", "device_unlock", "device_info"])
def test_importing_an_action_plugin_warms_botocore(plugin):
    """ansible-core's strategy imports the action plugin in its main process before forking the
    per-host workers: the import is what must leave botocore loaded."""
    import subprocess

    code = (
        "import sys\n"
        f"import ansible_collections.edge.snowball.plugins.action.{plugin}\n"
        "from ansible_collections.edge.snowball.plugins.module_utils import botocore_client\n"
        "print('botocore.client' in sys.modules, len(botocore_client._LOADERS))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), check=True).stdout
    assert out.split() == ["True", "1"]
