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
        ("job_unlock_code", ("boto3", "s3transfer")),  # botocore only
        ("device_unlock", ("boto3", "botocore")),  # the edge host needs neither
        ("device_info", ("boto3", "botocore")),
        ("job_manifest", ("boto3", "s3transfer")),  # target side: amazon.aws's option spec only
    ],
)
def test_module_imports_stay_lean(module, forbidden):
    import subprocess

    code = (
        "import sys\n"
        f"import ansible_collections.edge.snowball.plugins.modules.{module}\n"
        f"print(*[name in sys.modules for name in {forbidden!r}])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), check=True).stdout
    assert out.split() == ["False"] * len(forbidden), f"{module} imports {forbidden}: {out}"


def _env():
    import os

    return dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
