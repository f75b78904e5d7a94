"""job_unlock_code's lean client: amazon.aws's options, botocore only (plugins/module_utils/_aws/client.py)."""

from __future__ import annotations

import sys

import pytest
from botocore.stub import Stubber

from ansible_collections.edge.snowball.plugins.module_utils._aws import client as botocore_client
from ansible_collections.edge.snowball.plugins.module_utils._aws.client import connect
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._jobs.api import SnowballJobs
from ansible_collections.edge.snowball.plugins.module_utils._sdm.api import ManagedDevices
from ansible_collections.edge.snowball.plugins.module_utils._secret import holds_unlock_code

from unit.constants import FAKE_CODE
from unit.constants import VALID_JOB_ID


def _snowball(params):
    return botocore_client.make_client("snowball", "Snowball", params)


def test_builds_a_client_for_the_region_and_endpoint(aws_params):
    client = _snowball(aws_params(endpoint_url="http://127.0.0.1:9"))
    assert client.meta.region_name == "us-east-1"
    assert client.meta.endpoint_url == "http://127.0.0.1:9"
    assert "edge.snowball" in client.meta.config.user_agent_extra


def test_aws_config_is_merged(aws_params):
    client = _snowball(aws_params(aws_config={"read_timeout": 7}))
    assert client.meta.config.read_timeout == 7


def test_a_bad_aws_config_is_explained(aws_params):
    with pytest.raises(SnowballError, match="aws_config is not a valid botocore configuration"):
        _snowball(aws_params(aws_config={"no_such_setting": 1}))


def test_profile_and_keys_together_are_refused(aws_params):
    with pytest.raises(SnowballError, match="both a profile and access tokens"):
        _snowball(aws_params(profile="p"))


def test_no_region_is_explained(monkeypatch, tmp_path, aws_params):
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    with pytest.raises(SnowballError, match="no AWS region is configured"):
        _snowball(aws_params(region=None))


@pytest.mark.parametrize(
    ("options", "says"),
    [
        # botocore's InvalidRegionError: its words name the value; before 2.0.0 only the class was shown.
        ({"region": "us east 1"}, "could not create the Snowball client: Provided region_name 'us east 1'"),
        ({"endpoint_url": "not a url"}, "could not create the Snowball client: Invalid endpoint: not a url"),
    ],
)
def test_a_client_that_cannot_be_made_names_the_option(options, says, aws_params):
    with pytest.raises(SnowballError) as caught:
        _snowball(aws_params(**options))
    assert caught.value.message.startswith(says)
    assert caught.value.message.endswith("Check the region, endpoint_url and aws_config options.")
    assert "job" not in caught.value.message, "no job is involved in making a client"


@pytest.mark.parametrize("option", ["region", "endpoint_url", "profile"])
@pytest.mark.parametrize(
    "form",
    ["{c}", "{c}.amazonaws.com", "https://{c}", "{n}", " {c} "],
    ids=["bare", "host", "url", "no-hyphens", "spaces"],
)
@pytest.mark.parametrize("service", ["snowball", "snow-device-management"])
def test_an_unlock_code_in_region_or_endpoint_is_never_quoted(option, form, service, aws_params):
    """botocore and the messages quote a region, endpoint or profile: a code pasted there is refused
    before any client is made, and never repeated."""
    value = form.format(c=FAKE_CODE, n=FAKE_CODE.replace("-", ""))
    options = aws_params(**{option: value}, **({"access_key": None, "secret_key": None} if option == "profile" else {}))
    with pytest.raises(SnowballError) as caught:
        botocore_client.make_client(service, "Snowball", options)
    text = str(caught.value) + repr(caught.value.as_result())
    assert FAKE_CODE not in text and FAKE_CODE.replace("-", "") not in text, text
    assert caught.value.message.startswith(f"{option} holds something shaped like an unlock code (not shown)")


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("region", "us-gov-west-1"),
        ("endpoint_url", "https://vpce-0123456789abcdef0-abcdefgh.snowball.us-east-1.vpce.amazonaws.com"),
        ("endpoint_url", "http://127.0.0.1:8080"),
        ("endpoint_url", "https://snowballendpointfornorthsite2026.example.com"),
        ("profile", "edge-site-north-2026"),
    ],
)
def test_real_regions_endpoints_and_profiles_are_not_mistaken_for_a_code(option, value):
    assert not holds_unlock_code(value)


def test_the_snow_device_management_client_is_named_so(aws_params):
    with pytest.raises(SnowballError, match="could not create the Snow Device Management client: Provided"):
        connect(ManagedDevices, aws_params(region="a b"))


def test_connect_takes_the_retries_from_the_options_before_any_client_is_made(aws_params, monkeypatch):
    jobs = connect(SnowballJobs, aws_params(retries=0))
    assert jobs.region == "us-east-1"
    made = []
    monkeypatch.setattr(botocore_client, "make_client", lambda *args: made.append(args))
    with pytest.raises(SnowballError, match="retries must be 0 or more, got -1"):
        connect(SnowballJobs, aws_params(retries=-1))
    assert made == []


@pytest.mark.parametrize(
    ("api_class", "pool"), [(SnowballJobs, 10), (ManagedDevices, ManagedDevices.POOL)], ids=["jobs", "sdm"]
)
def test_connect_gives_each_service_its_client_and_pool(api_class, pool, aws_params):
    api = connect(api_class, aws_params())
    assert api.client.client.meta.service_model.service_name == api_class.SERVICE
    assert api.client.client.meta.config.max_pool_connections == pool
    bigger = connect(api_class, aws_params(), max_pool_connections=33)
    assert bigger.client.client.meta.config.max_pool_connections == 33


def test_resource_actions_are_the_calls_made_through_the_api(aws_params):
    """amazon.aws's ``resource_actions``: from the api's call counter, a repeated call named once."""
    jobs = connect(SnowballJobs, aws_params(retries=0))
    with Stubber(jobs.client.client) as stub:
        for _call in range(2):
            stub.add_response("get_job_unlock_code", {"UnlockCode": FAKE_CODE}, {"JobId": VALID_JOB_ID})
        jobs.unlock_code(VALID_JOB_ID)
        jobs.unlock_code(VALID_JOB_ID)
    assert jobs.resource_actions() == ["snowball:GetJobUnlockCode"]


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("action.job_unlock_code", ("boto3", "s3transfer")),  # botocore only, in the worker
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
def test_module_imports_stay_lean(module, forbidden, python_env):
    import subprocess

    code = (
        "import sys\n"
        f"import ansible_collections.edge.snowball.plugins.{module}\n"
        f"print(*[name in sys.modules for name in {forbidden!r}])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=python_env, check=True
    ).stdout
    assert out.split() == ["False"] * len(forbidden), f"{module} imports {forbidden}: {out}"


def test_the_device_management_api_names_its_own_resource_actions(aws_params):
    devices = connect(ManagedDevices, aws_params(), concurrency=1)
    assert devices.client.client.meta.service_model.signing_name == "snow-device-management"
    with Stubber(devices.client.client) as stub:
        stub.add_response("list_devices", {"devices": []}, {})
        devices.list_devices()
    assert devices.resource_actions() == ["snow-device-management:ListDevices"]


def test_clients_in_one_process_share_one_data_loader(monkeypatch, aws_params):
    import botocore.loaders

    monkeypatch.delenv("AWS_DATA_PATH", raising=False)
    monkeypatch.setattr(botocore_client, "_LOADERS", {})
    reads = []
    real = botocore.loaders.JSONFileLoader.load_file
    monkeypatch.setattr(
        botocore.loaders.JSONFileLoader, "load_file", lambda self, path: reads.append(path) or real(self, path)
    )
    first = _snowball(aws_params())
    assert reads, "the first client loads the model"
    reads.clear()
    second = _snowball(aws_params(region="eu-west-1", profile=None))
    assert (first.meta.region_name, second.meta.region_name) == ("us-east-1", "eu-west-1")
    assert reads == [], "the second client re-read model files"


def test_another_data_path_gets_its_own_loader(monkeypatch, tmp_path, aws_params):
    _snowball(aws_params())
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path))
    _snowball(aws_params())
    assert str(tmp_path) in botocore_client._LOADERS
    assert botocore_client._LOADERS[str(tmp_path)] is not botocore_client._LOADERS.get(None)


#: What only the controller's AWS side may load: the SDKs, amazon.aws, and our files that serve them.
AWS_SIDE = ("boto3", "botocore", "s3transfer", "ansible_collections.amazon.aws")
#: Our files that serve the AWS side (module_utils' packages by where code runs).
AWS_SIDE_PACKAGES = ("_aws", "_jobs", "_sdm")


@pytest.mark.parametrize("module", ["modules.device_unlock", "modules.device_info", "modules.device_credentials"])
def test_edge_host_modules_load_nothing_of_the_aws_side(module, python_env):
    """The modules that run on the edge host ship with what they import (AnsiballZ): standard
    library, ansible-core and the edge half of module_utils only, whatever imports are added later."""
    import subprocess

    code = (
        "import sys\n"
        f"import ansible_collections.edge.snowball.plugins.{module}\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=python_env, check=True
    ).stdout.split()
    ours = "ansible_collections.edge.snowball.plugins.module_utils."
    wrong = [
        name
        for name in loaded
        if name.startswith(AWS_SIDE) or name.startswith(ours) and name[len(ours) :].split(".")[0] in AWS_SIDE_PACKAGES
    ]
    assert not wrong, f"{module} loads the AWS side: {wrong}"
