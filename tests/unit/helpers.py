"""Helpers for running a module's main() in-process and stubbing its boto3 client."""

from __future__ import annotations

import contextlib
import datetime
import json
from typing import Any
from typing import Iterator
from unittest import mock

import boto3
from botocore.stub import Stubber

from ansible.module_utils import basic

VALID_JOB_ID = "JID123e4567-e89b-12d3-a456-426655440000"
# Not a real code; built so that it matches no literal anywhere in the repository.
FAKE_CODE = "-".join(["k3y5"[i % 4] * 5 for i in range(5)])


class ModuleExit(Exception):
    def __init__(self, result: dict, failed: bool):
        super().__init__(result.get("msg"))
        self.result = result
        self.failed = failed


@contextlib.contextmanager
def module_args(args: dict) -> Iterator[None]:
    try:
        from ansible.module_utils.testing import patch_module_args
    except ImportError:  # ansible-core < 2.19
        with mock.patch.object(basic, "_ANSIBLE_ARGS", json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode()):
            yield
        return
    with patch_module_args(args):
        yield


def run_module(main: Any, args: dict) -> ModuleExit:
    """Run ``main()``; return the exit_json/fail_json result instead of exiting."""

    def exit_json(self, **kwargs):
        raise ModuleExit(kwargs, failed=False)

    def fail_json(self, msg, **kwargs):
        kwargs["msg"] = msg
        raise ModuleExit(kwargs, failed=True)

    with module_args(args), mock.patch.object(basic.AnsibleModule, "exit_json", exit_json), mock.patch.object(
        basic.AnsibleModule, "fail_json", fail_json
    ):
        try:
            main()
        except ModuleExit as e:
            return e
    raise AssertionError("the module returned without exit_json or fail_json")


def snowball_client(region: str = "us-east-1") -> Any:
    return boto3.client(
        "snowball",
        region_name=region,
        aws_access_key_id="AKIAUNITTEST00000000",
        aws_secret_access_key="unit-test-secret",
    )


def stubbed_client() -> tuple[Any, Stubber]:
    client = snowball_client()
    return client, Stubber(client)


def job_metadata(job_id: str = VALID_JOB_ID, state: str = "WithCustomer", age_days: int = 10) -> dict:
    created = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=age_days)
    return {"JobMetadata": {"JobId": job_id, "JobState": state, "CreationDate": created}}


def assert_no_code(text: Any, code: str = FAKE_CODE) -> None:
    """Fail if the code, or an obvious transform of it, is in ``text`` (the integration scanner's rules)."""
    from integration.leakscan import find_leaks

    blob = text if isinstance(text, str) else json.dumps(text, default=str)
    assert not find_leaks(blob, [code]), "an unlock code leaked into the text under test"
