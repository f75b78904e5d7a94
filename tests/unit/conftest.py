"""Fixtures shared by the unit tests. The values parametrize lists need at collection time are in
unit/constants.py; everything else shared is here, as a fixture (a helper is a fixture that
returns the function)."""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import sys
from typing import Any
from typing import Iterator
from unittest import mock

import botocore.session
import pytest
from botocore.stub import Stubber

from ansible.module_utils import basic

from ansible_collections.edge.snowball.plugins.module_utils._aws import client as botocore_client
from ansible_collections.edge.snowball.plugins.module_utils._sdm.api import ManagedDevices
from ansible_collections.edge.snowball.plugins.modules import managed_device_info
from ansible_collections.edge.snowball.plugins.modules import managed_device_unlock

from unit.constants import EARLIER
from unit.constants import FAKE_CODE
from unit.constants import T0
from unit.constants import VALID_JOB_ID

KEYS = {"aws_access_key_id": "AKIAUNITTEST00000000", "aws_secret_access_key": "unit-test-secret"}


def _client(service: str) -> Any:
    return botocore.session.get_session().create_client(service, region_name="us-east-1", **KEYS)


# ---------------------------------------------------------------- the Snowball job API
@pytest.fixture
def stub():
    """A ``botocore.stub.Stubber`` on a Snowball client (``stub.client``), active for the test.
    Modules, the lookup and action plugins get that client from ``botocore_client.make_client``
    (patched; the patch is ``stub.factory``), through ``connect``. Any call not added to it fails; every added response
    must be used."""
    stubber = Stubber(_client("snowball"))
    with mock.patch.object(botocore_client, "make_client", return_value=stubber.client) as factory:
        with stubber:
            stubber.factory = factory
            yield stubber
    stubber.assert_no_pending_responses()


@pytest.fixture
def job_metadata():
    """``job_metadata(job_id, state, age_days)``: a DescribeJob answer."""

    def build(job_id: str = VALID_JOB_ID, state: str = "WithCustomer", age_days: int = 10) -> dict:
        created = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=age_days)
        return {"JobMetadata": {"JobId": job_id, "JobState": state, "CreationDate": created}}

    return build


@pytest.fixture
def aws_params():
    """``aws_params(**extra)``: a module's AWS options as ansible-core gives them (every default of
    aws_argument_spec, test keys, region us-east-1), updated with ``extra``."""
    from ansible_collections.edge.snowball.plugins.module_utils._aws.options import aws_argument_spec

    def build(**extra):
        values = {name: option.get("default") for name, option in aws_argument_spec().items()}
        values.update(
            access_key=KEYS["aws_access_key_id"], secret_key=KEYS["aws_secret_access_key"], region="us-east-1"
        )
        values.update(extra)
        return values

    return build


# ---------------------------------------------------------------- Snow Device Management
class FakeTime:
    """Injected clock and sleep: time passes only when the code under test sleeps."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time():
    return FakeTime()


@pytest.fixture
def sdm_stub(fake_time):
    """A ``Stubber`` on a Snow Device Management client, active for the test, and ``sdm_stub.api``:
    the ManagedDevices on it, with ``fake_time``'s clock, ``now`` T0, numbered client tokens and
    one call at a time (the Stubber answers in order). The managed_device_* modules get that api
    from ``connect`` (patched in each module; the patch is ``sdm_stub.factory``)."""
    stubber = Stubber(_client("snow-device-management"))
    tokens = iter(f"token-{i}" for i in range(100))
    api = ManagedDevices(
        stubber.client,
        region="us-east-1",
        retrying=False,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        now=lambda: T0,
        token=lambda: next(tokens),
        concurrency=1,
    )
    with contextlib.ExitStack() as patches:
        factory = mock.MagicMock(return_value=api)
        for module in (managed_device_unlock, managed_device_info):
            patches.enter_context(mock.patch.object(module, "connect", factory))
        with stubber:
            stubber.api = api
            stubber.factory = factory
            stubber.time = fake_time
            yield stubber
    stubber.assert_no_pending_responses()


@pytest.fixture
def sdm_client():
    """``sdm_client()``: a new Snow Device Management client (no stub)."""
    return lambda: _client("snow-device-management")


@pytest.fixture
def sdm_device():
    """``sdm_device(device_id, state, updated, job)``: a DescribeDevice answer."""

    def build(device_id, state="LOCKED", updated=EARLIER, job=VALID_JOB_ID):
        return {
            "managedDeviceId": device_id,
            "associatedWithJob": job,
            "deviceState": state,
            "lastUpdatedAt": updated,
            "lastReachedOutAt": updated,
        }

    return build


@pytest.fixture
def sdm_summary():
    """``sdm_summary(device_id, job)``: one entry of a ListDevices answer."""
    return lambda device_id, job=VALID_JOB_ID: {"managedDeviceId": device_id, "associatedWithJob": job}


# ---------------------------------------------------------------- running a module, checking text
class ModuleExit(Exception):
    def __init__(self, result: dict, failed: bool):
        super().__init__(result.get("msg"))
        self.result = result
        self.failed = failed


@contextlib.contextmanager
def _module_args(args: dict) -> Iterator[None]:
    try:
        from ansible.module_utils.testing import patch_module_args
    except ImportError:  # ansible-core < 2.19
        with mock.patch.object(basic, "_ANSIBLE_ARGS", json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode()):
            yield
        return
    with patch_module_args(args):
        yield


@pytest.fixture
def run_module():
    """``run_module(main, args)``: runs a module's ``main()`` in-process and returns its
    exit_json/fail_json result (``.result``, ``.failed``) instead of exiting."""

    def exit_json(self, **kwargs):
        raise ModuleExit(kwargs, failed=False)

    def fail_json(self, msg, **kwargs):
        kwargs["msg"] = msg
        raise ModuleExit(kwargs, failed=True)

    def run(main: Any, args: dict) -> ModuleExit:
        with _module_args(args), mock.patch.object(basic.AnsibleModule, "exit_json", exit_json):
            with mock.patch.object(basic.AnsibleModule, "fail_json", fail_json):
                try:
                    main()
                except ModuleExit as e:
                    return e
        raise AssertionError("the module returned without exit_json or fail_json")

    return run


@pytest.fixture
def assert_no_code():
    """``assert_no_code(text, code=FAKE_CODE)``: fails if the code, or an obvious transform of it,
    is in ``text`` (a string, or anything JSON can show), by the integration scanner's rules."""
    from integration.leakscan import find_leaks

    def check(text: Any, code: str = FAKE_CODE) -> None:
        blob = text if isinstance(text, str) else json.dumps(text, default=str)
        assert not find_leaks(blob, [code]), "an unlock code leaked into the text under test"

    return check


@pytest.fixture
def python_env():
    """The environment for a child Python that imports what this process imports."""
    return dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))


# ---------------------------------------------------------------- files that are not files
@pytest.fixture
def fifo(tmp_path, monkeypatch):
    """``fifo(name)``: a FIFO (named pipe) made under tmp_path. With it, any blocking open of a FIFO
    (``open()``, or ``os.open`` without ``O_NONBLOCK``), which would wait for a writer for ever, fails
    the test at once instead of hanging it."""
    import builtins
    import stat

    real_open, real_os_open = builtins.open, os.open

    def is_fifo(path: Any) -> bool:
        try:
            return isinstance(path, (str, bytes, os.PathLike)) and stat.S_ISFIFO(os.stat(path).st_mode)
        except (OSError, ValueError):
            return False

    def guarded_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if is_fifo(file):
            raise AssertionError(f"{file} (a FIFO) was opened blocking: this hangs for ever")
        return real_open(file, *args, **kwargs)

    def guarded_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if not flags & os.O_NONBLOCK and is_fifo(path):
            raise AssertionError(f"{path} (a FIFO) was opened without O_NONBLOCK: this hangs for ever")
        return real_os_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(os, "open", guarded_os_open)

    def make(name: str = "fifo") -> Any:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(path)
        return path

    return make
