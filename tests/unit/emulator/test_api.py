"""The emulator itself, driven by real boto3 over HTTP in both wire protocols."""

from __future__ import annotations

import json
import urllib.request

import boto3
import botocore
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from emulator.api import CREDENTIALS
from emulator.api import DEFAULT_ACCESS_KEY
from emulator.api import EmulatorServer
from emulator.jobs import UNKNOWN_JOB_ID
from emulator.protocols import botocore_supports_cbor
from emulator.protocols import cbor_model_path


@pytest.fixture(scope="module")
def snowball_server():
    with EmulatorServer() as srv:
        yield srv


def client(snowball_server, protocol, monkeypatch, tmp_path, key=DEFAULT_ACCESS_KEY, secret=None):
    if protocol == "cbor":
        if not botocore_supports_cbor():
            pytest.skip(f"botocore {botocore.__version__} has no Smithy RPC v2 CBOR support")
        monkeypatch.setenv("AWS_DATA_PATH", str(cbor_model_path(tmp_path)))
    session = boto3.session.Session()
    return session.client(
        "snowball",
        region_name="us-east-1",
        endpoint_url=snowball_server.url,
        aws_access_key_id=key,
        aws_secret_access_key=secret or CREDENTIALS.get(key, ("wrong",))[0],
        config=Config(retries={"total_max_attempts": 1}),
    )


def stats(snowball_server):
    return json.load(urllib.request.urlopen(snowball_server.url + "/_emulator/stats"))


@pytest.fixture(params=["json", "cbor"])
def protocol(request):
    return request.param


def test_serves_unlock_code_and_counts_by_protocol(snowball_server, protocol, monkeypatch, tmp_path):
    c = client(snowball_server, protocol, monkeypatch, tmp_path)
    job = snowball_server.state.by_name["ready1"]
    before = stats(snowball_server)["protocols"].get(protocol, 0)
    assert c.get_job_unlock_code(JobId=job.job_id)["UnlockCode"] == job.unlock_code
    assert stats(snowball_server)["protocols"][protocol] == before + 1


def test_describe_job_has_state_and_creation_date(snowball_server, protocol, monkeypatch, tmp_path):
    c = client(snowball_server, protocol, monkeypatch, tmp_path)
    job = snowball_server.state.by_name["expired"]
    meta = c.describe_job(JobId=job.job_id)["JobMetadata"]
    assert meta["JobState"] == "WithCustomer"
    assert abs(meta["CreationDate"].timestamp() - job.created.timestamp()) < 1


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("in_transit", "InvalidJobStateException"),
        ("expired", "InvalidJobStateException"),
        (None, "InvalidResourceException"),
    ],
)
def test_errors_are_modelled_as_aws_sends_them(snowball_server, protocol, monkeypatch, tmp_path, name, code):
    c = client(snowball_server, protocol, monkeypatch, tmp_path)
    job_id = snowball_server.state.by_name[name].job_id if name else UNKNOWN_JOB_ID
    with pytest.raises(ClientError) as info:
        c.get_job_unlock_code(JobId=job_id)
    assert info.value.response["Error"]["Code"] == code


@pytest.mark.parametrize(
    ("key", "secret", "code"),
    [
        ("AKIAUNKNOWNKEY000000", "x", "UnrecognizedClientException"),
        (DEFAULT_ACCESS_KEY, "not-the-secret", "InvalidSignatureException"),
        ("AKIAEMULATORDENIED01", None, "AccessDeniedException"),
        ("ASIAEMULATOREXPIRED1", None, "ExpiredTokenException"),
    ],
)
def test_checks_the_sigv4_signature_and_the_key(snowball_server, protocol, monkeypatch, tmp_path, key, secret, code):
    c = client(snowball_server, protocol, monkeypatch, tmp_path, key=key, secret=secret)
    with pytest.raises(ClientError) as info:
        c.get_job_unlock_code(JobId=snowball_server.state.by_name["ready1"].job_id)
    assert info.value.response["Error"]["Code"] == code


def test_manifest_uri_serves_the_manifest(snowball_server, protocol, monkeypatch, tmp_path):
    c = client(snowball_server, protocol, monkeypatch, tmp_path)
    job = snowball_server.state.by_name["ready2"]
    uri = c.get_job_manifest(JobId=job.job_id)["ManifestURI"]
    assert urllib.request.urlopen(uri).read() == job.manifest


def test_list_cluster_jobs(snowball_server, protocol, monkeypatch, tmp_path):
    c = client(snowball_server, protocol, monkeypatch, tmp_path)
    cluster_id = snowball_server.state.by_name["cluster1"].cluster_id
    entries = c.list_cluster_jobs(ClusterId=cluster_id)["JobListEntries"]
    assert len(entries) == 3 and sum(e["IsMaster"] for e in entries) == 1


def test_injected_throttling_then_success(snowball_server, protocol, monkeypatch, tmp_path):
    c = client(snowball_server, protocol, monkeypatch, tmp_path)
    snowball_server.state.faults.clear()
    body = json.dumps({"kind": "throttle", "operation": "GetJobUnlockCode", "times": 1}).encode()
    urllib.request.urlopen(urllib.request.Request(snowball_server.url + "/_emulator/faults", data=body, method="POST"))
    job = snowball_server.state.by_name["ready1"]
    with pytest.raises(ClientError) as info:
        c.get_job_unlock_code(JobId=job.job_id)
    assert info.value.response["Error"]["Code"] == "ThrottlingException"
    assert c.get_job_unlock_code(JobId=job.job_id)["UnlockCode"] == job.unlock_code
