"""Fixtures of the integration tests: a fresh Snowball API emulator and simulated devices per test,
the wire protocol to run, and the clean-up of each run's short TMPDIR. Running a playbook against
them, and reading what it left, is ``harness.py``'s business.
"""

from __future__ import annotations

import os
import pathlib
import shutil

import pytest

from emulator.api import EmulatorServer
from emulator.device import DEMO_DEVICES
from emulator.device import DeviceFleet
from emulator.protocols import botocore_supports_cbor


@pytest.fixture(autouse=True)
def _remove_edge_tmp(tmp_path):
    """Removes the run's TMPDIR (``harness.edge_tmp``), which lives outside tmp_path."""
    yield
    record = tmp_path / ".edge-tmp-path"
    if record.exists():
        shutil.rmtree(pathlib.Path(record.read_text()), ignore_errors=True)


@pytest.fixture
def emulator():
    with EmulatorServer() as server:
        yield server


@pytest.fixture
def devices(emulator):
    """Simulated devices for the demo's jobs (ready1-3, cluster1-3), on a free port."""
    with DeviceFleet(emulator.state.by_name, DEMO_DEVICES, port=0, unlock_delay=0.5) as fleet:
        yield fleet


def wanted_protocols() -> list[str]:
    """The Snowball wire protocols this run covers, in order: EDGE_SNOWBALL_PROTOCOLS, by default both.

    make test splits them by column: the main column runs CBOR, the newest (the same botocore) and the
    lowest (no CBOR in botocore 1.34) run AWS JSON 1.1; the wire protocol is botocore's, not ansible-core's.
    Asking for CBOR by name on a botocore without it is an error, not a silent skip.
    """
    asked = os.environ.get("EDGE_SNOWBALL_PROTOCOLS")
    wanted = (asked or "json,cbor").split(",")
    if "cbor" in wanted and not botocore_supports_cbor():
        if asked:
            pytest.fail(f"EDGE_SNOWBALL_PROTOCOLS={asked}, but this botocore has no Smithy RPC v2 CBOR support")
        wanted.remove("cbor")
    return wanted


@pytest.fixture
def covered_protocols() -> list[str]:
    """``wanted_protocols()``, for a test that runs once per column in the column's first protocol."""
    return wanted_protocols()


@pytest.fixture(params=["json", "cbor"])
def protocol(request):
    wanted = wanted_protocols()
    if request.param not in wanted:
        pytest.skip(f"this run covers {','.join(wanted)} (EDGE_SNOWBALL_PROTOCOLS)")
    return request.param
