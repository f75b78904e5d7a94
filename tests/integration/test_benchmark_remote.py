"""The benchmark's remote-unlock row works: run with small numbers (12 devices, 1 s executions).

Only that the row runs and reports what it counts; the speed targets are read from `make bench`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from integration.harness import COLLECTIONS
from integration.harness import REPO

# Main column of make test only: checks the benchmark harness (tests/conftest.py).
pytestmark = pytest.mark.once


def test_remote_row_runs_with_small_numbers():
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS)
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "tests" / "benchmark" / "bench.py"),
            "--only",
            "remote_200",
            "--repeat",
            "1",
            "--latency",
            "0",
            "--remote-devices",
            "12",
            "--execution-time",
            "1",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "round 1 remote_200 sent 2 CreateTask calls" in proc.stdout
    assert re.search(
        r"\| this collection: `managed_device_unlock` once on the controller for 12 managed devices", proc.stdout
    )
    assert re.search(r"\| CreateTask calls for 12 devices ≤ 2 \| 2\.00 \| yes \|", proc.stdout)
    assert "remote unlock of 12 devices ≤ one execution (1 s) + 10 s" in proc.stdout
