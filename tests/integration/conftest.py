"""Runs integration targets through ansible-playbook against the Snowball API emulator.

Each target under ``targets/`` is a role (ansible-test layout). The harness starts a fresh
emulator and simulated devices, runs the target with ``-vvvv`` and ``ANSIBLE_LOG_PATH``
through the *installed* collection, with the simulated ``snowballEdge`` client on PATH, and
``Run.leaks()`` reports any unlock code the emulator knows found in stdout, stderr, the log,
any file the run left in its directory (the "edge host": HOME with Ansible's remote temp
directories, TMPDIR, manifest directories) or the client's recorded argv.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import urllib.request

import pytest

from emulator.api import CREDENTIALS
from emulator.api import DEFAULT_ACCESS_KEY
from emulator.api import EmulatorServer
from emulator.device import DEMO_DEVICES
from emulator.device import DeviceFleet
from emulator.jobs import UNKNOWN_JOB_ID
from emulator.protocols import botocore_supports_cbor
from emulator.protocols import cbor_model_path
from integration.leakscan import find_leaks
from integration.leakscan import redact

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent
BIN = pathlib.Path(sys.executable).parent
COLLECTIONS = os.environ.get("ANSIBLE_COLLECTIONS_PATH") or str(REPO / ".build" / "collections")
CLIENT_BIN = REPO / "tests" / "emulator" / "bin"
ARGV_LOG = "client-argv.jsonl"


@dataclasses.dataclass
class Run:
    rc: int
    stdout: str = dataclasses.field(repr=False)
    stderr: str = dataclasses.field(repr=False)
    log: str = dataclasses.field(repr=False)
    codes: list[str] = dataclasses.field(repr=False)
    root: pathlib.Path | None = None

    def leaks(self) -> list[str]:
        leaks = []
        for name in ("stdout", "stderr", "log"):
            leaks.extend(f"{name} {where}" for where in find_leaks(getattr(self, name), self.codes))
        leaks.extend(self.file_leaks())
        return leaks

    def file_leaks(self) -> list[str]:
        """Every file left under the run's directory (the edge host's HOME, manifests, ...) and its TMPDIR."""
        if self.root is None:
            return []
        found = []
        for root in (self.root, edge_tmp(self.root)):
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    text = path.read_bytes().decode("utf-8", "replace")
                    found.extend(f"file {path.relative_to(root)} {where}" for where in find_leaks(text, self.codes))
        return found

    def client_calls(self) -> list[dict]:
        """What the simulated snowballEdge client recorded: its argv and home, per call."""
        log = self.root / ARGV_LOG if self.root else None
        if not log or not log.exists():
            return []
        return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]

    def tail(self, lines: int = 60) -> str:
        out = self.stdout.splitlines()
        marks = [
            i
            for i, line in enumerate(out)
            if "Task failed" in line or '"assertion":' in line or line.startswith("fatal:")
        ]
        context = [line for i in marks[-6:] for line in out[max(0, i - 2) : i + 4]]
        text = "\n".join(context + ["--- last lines ---"] + out[-lines:]) + "\n--- stderr ---\n" + self.stderr[-4000:]
        return redact(text, self.codes)


def edge_tmp(tmp_path: pathlib.Path) -> pathlib.Path:
    """The TMPDIR of a run: short, because ansible-core 2.21 puts AF_UNIX sockets there and their
    paths must stay under 108 bytes (pytest's tmp_path is too deep). Scanned with the run's files
    and removed after the test (the ``_remove_edge_tmp`` fixture)."""
    record = tmp_path / ".edge-tmp-path"
    if record.exists():
        return pathlib.Path(record.read_text())
    path = pathlib.Path(tempfile.mkdtemp(prefix="edge-"))
    record.write_text(str(path))
    return path


@pytest.fixture(autouse=True)
def _remove_edge_tmp(tmp_path):
    yield
    record = tmp_path / ".edge-tmp-path"
    if record.exists():
        shutil.rmtree(record.read_text(), ignore_errors=True)


def edge_host_env(tmp_path: pathlib.Path, emulator: EmulatorServer | None = None) -> dict[str, str]:
    """The environment of a run whose "edge host" is this machine: its own HOME and TMPDIR under the
    test's directory, the installed collections, the simulated client on PATH recording its argv;
    with ``emulator``, AWS settings pointing at it the way a user sets them (no endpoint_url option)."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_", "MOLECULE_"))}
    env.update(
        HOME=str(home),
        TMPDIR=str(edge_tmp(tmp_path)),
        ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_NOCOLOR="1",
        SNOWBALL_CLIENT_ARGV_LOG=str(tmp_path / ARGV_LOG),
        PATH=os.pathsep.join((str(BIN), str(CLIENT_BIN), os.environ.get("PATH", ""))),
    )
    if emulator is not None:
        env.update(
            AWS_ENDPOINT_URL_SNOWBALL=emulator.url,
            AWS_ENDPOINT_URL_SNOW_DEVICE_MANAGEMENT=emulator.url,
            AWS_ACCESS_KEY_ID=DEFAULT_ACCESS_KEY,
            AWS_SECRET_ACCESS_KEY=CREDENTIALS[DEFAULT_ACCESS_KEY][0],
            AWS_REGION="us-east-1",
        )
    return env


def emulator_vars(server: EmulatorServer, devices: DeviceFleet | None = None) -> dict:
    jobs = json.load(urllib.request.urlopen(server.url + "/_emulator/jobs"))
    keys = {policy: {"access_key": akid, "secret_key": secret} for akid, (secret, policy) in CREDENTIALS.items()}
    return {
        "emulator_devices": devices.public() if devices else {},
        "emulator_url": server.url,
        "emulator_jobs": jobs["jobs"],
        "emulator_cluster_ids": jobs["cluster_ids"],
        "emulator_unknown_job_id": UNKNOWN_JOB_ID,
        "emulator_keys": keys,
        "aws_region": "us-east-1",
        "aws_access_key": DEFAULT_ACCESS_KEY,
        "aws_secret_key": CREDENTIALS[DEFAULT_ACCESS_KEY][0],
    }


def run_playbook(
    playbook: pathlib.Path,
    server: EmulatorServer,
    tmp_path: pathlib.Path,
    protocol: str = "json",
    extra_env: dict | None = None,
    verbosity: str = "-vvvv",
    inventory: pathlib.Path | None = None,
    devices: DeviceFleet | None = None,
    extra_vars: dict | None = None,
    extra_args: list[str] | None = None,
) -> Run:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    log = tmp_path / "ansible.log"
    varfile = tmp_path / "emulator_vars.json"
    variables = emulator_vars(server, devices)
    variables["work_dir"] = str(tmp_path)
    variables.update(extra_vars or {})
    varfile.write_text(json.dumps(variables))
    env = edge_host_env(tmp_path)
    env.update(
        ANSIBLE_LOG_PATH=str(log),
        ANSIBLE_ROLES_PATH=str(HERE / "targets"),
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-local"),
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_RETRY_FILES_ENABLED="0",
        ANSIBLE_PIPELINING="1",
    )
    if protocol == "cbor":
        env["AWS_DATA_PATH"] = str(cbor_model_path(tmp_path))
    env.update(extra_env or {})
    if inventory is None:
        inventory = tmp_path / "inventory.ini"
        inventory.write_text(f"localhost ansible_connection=local ansible_python_interpreter={sys.executable}\n")
    proc = subprocess.run(
        [
            str(BIN / "ansible-playbook"),
            verbosity,
            "-i",
            str(inventory),
            "-e",
            f"@{varfile}",
            *(extra_args or []),
            str(playbook),
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    return Run(
        proc.returncode, proc.stdout, proc.stderr, log.read_text() if log.exists() else "", server.secrets(), tmp_path
    )


def run_ansible_runner(
    playbooks: list[pathlib.Path],
    server: EmulatorServer,
    devices: DeviceFleet,
    tmp_path: pathlib.Path,
    inventory: pathlib.Path | None = None,
    extra_vars: dict | None = None,
    user_aws_env: bool = False,
    verbosity: int = 0,
) -> tuple[Run, pathlib.Path]:
    """Run ``playbooks[0]`` through ansible-runner, as AWX does, from a private data directory under
    tmp_path (so its artifacts are leak-scanned with the run); the emulator's variables go in
    env/extravars. Returns the Run and the private data directory."""
    private = tmp_path / "runner"
    for part in ("project", "inventory", "env"):
        (private / part).mkdir(parents=True, exist_ok=True)
    for playbook in playbooks:
        shutil.copy(playbook, private / "project" / playbook.name)
    if inventory is None:
        (private / "inventory" / "hosts").write_text(
            f"localhost ansible_connection=local ansible_python_interpreter={sys.executable}\n"
        )
    else:
        shutil.copy(inventory, private / "inventory" / "hosts.yml")
    variables = emulator_vars(server, devices)
    variables["work_dir"] = str(tmp_path)
    variables.update(extra_vars or {})
    (private / "env" / "extravars").write_text(json.dumps(variables))
    env = edge_host_env(tmp_path, server if user_aws_env else None)
    env["ANSIBLE_CONFIG"] = str(REPO / "playbooks" / "ansible.cfg")
    proc = subprocess.run(
        [str(BIN / "ansible-runner"), "run", str(private), "-p", playbooks[0].name, *["-v"] * verbosity],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr, "", server.secrets(), tmp_path), private


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


@pytest.fixture(params=["json", "cbor"])
def protocol(request):
    wanted = wanted_protocols()
    if request.param not in wanted:
        pytest.skip(f"this run covers {','.join(wanted)} (EDGE_SNOWBALL_PROTOCOLS)")
    return request.param
