"""botocore's own DEBUG log (which prints raw response bodies) never shows a code.

The lookup runs in-process here, against the emulator over real HTTP, with every botocore
logger at DEBUG writing to a stream, as ``boto3.set_stream_logger('')`` does.
"""

from __future__ import annotations

import hashlib
import io
import logging

import boto3
import pytest

from ansible.plugins.loader import lookup_loader

from emulator.api import CREDENTIALS
from emulator.api import DEFAULT_ACCESS_KEY
from integration.leakscan import find_leaks


@pytest.fixture
def botocore_debug_stream():
    stream = io.StringIO()
    boto3.set_stream_logger("", logging.DEBUG)
    root = logging.getLogger("")
    handler = root.handlers[-1]
    handler.stream = stream
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(logging.WARNING)


def test_lookup_with_botocore_debug_logging_never_logs_a_code(
    emulator, protocol, monkeypatch, tmp_path, botocore_debug_stream
):
    if protocol == "cbor":
        from emulator.protocols import cbor_model_path

        monkeypatch.setenv("AWS_DATA_PATH", str(cbor_model_path(tmp_path)))
    lookup = lookup_loader.get("edge.snowball.unlock_code")
    jobs = emulator.state.by_name
    ids = [jobs["ready1"].job_id, jobs["ready2"].job_id]
    codes = lookup.run(
        ids,
        {},
        endpoint_url=emulator.url,
        access_key=DEFAULT_ACCESS_KEY,
        secret_key=CREDENTIALS[DEFAULT_ACCESS_KEY][0],
        region="us-east-1",
    )
    # Compared by hash, so a failure never prints a code.
    assert [hashlib.sha256(c.encode()).hexdigest() for c in codes] == [
        jobs["ready1"].public()["unlock_code_sha256"],
        jobs["ready2"].public()["unlock_code_sha256"],
    ]
    log = botocore_debug_stream.getvalue()
    assert "Response body" in log, "botocore did not log at DEBUG: the test would prove nothing"
    assert "withheld by edge.snowball" in log
    assert not find_leaks(log, emulator.secrets()), (
        f"a code is in botocore's debug log: {find_leaks(log, emulator.secrets())}"
    )
