"""job_unlock_code's lean client: amazon.aws's options, botocore only."""

from __future__ import annotations

import sys

import pytest
from botocore.stub import Stubber

from ansible_collections.edge.snowball.plugins.module_utils import botocore_client
from ansible_collections.edge.snowball.plugins.module_utils.snowball import SnowballError
from unit.helpers import FAKE_CODE
from unit.helpers import VALID_JOB_ID

KEYS = {"access_key": "AKIAUNITTEST00000000", "secret_key": "unit-test-secret"}


def params(**extra):
    spec = botocore_client.aws_argument_spec()
    values = {name: option.get("default") for name, option in spec.items()}
    values.update(KEYS, region="us-east-1")
    values.update(extra)
    return values


def test_options_are_amazon_aws_ones():
    from ansible_collections.amazon.aws.plugins.module_utils.modules import aws_argument_spec

    assert botocore_client.aws_argument_spec() == aws_argument_spec()


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


def test_importing_the_module_side_does_not_import_boto3():
    import subprocess

    code = (
        "import sys\n"
        "import ansible_collections.edge.snowball.plugins.modules.job_unlock_code\n"
        "print('boto3' in sys.modules, 's3transfer' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), check=True).stdout
    assert out.split() == ["False", "False"], out


def _env():
    import os

    return dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
