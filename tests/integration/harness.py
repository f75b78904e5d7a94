"""Runs ansible-playbook, ansible-runner (or another command) against the Snowball API emulator, and
reads what the run left.

A run's "edge host" is this machine: its own HOME and TMPDIR under the test's directory, the
*installed* collection, the simulated ``snowballEdge`` client on PATH recording its argv. A run gets
the emulator's jobs and credentials as variables (``emulator_vars``), or the AWS settings a user
exports (``user_env``). ``Run.leaks()`` reports any unlock code the emulator knows (and any secret access key the simulated
devices issued) found in stdout,
stderr, ``ANSIBLE_LOG_PATH``, any file the run left in its directory (HOME with Ansible's remote
temporary directories, TMPDIR, manifest directories) or the client's recorded argv; ``recap`` reads
the play recap.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import urllib.request

from emulator.api import CREDENTIALS
from emulator.api import DEFAULT_ACCESS_KEY
from emulator.api import EmulatorServer
from emulator.device import DeviceFleet
from emulator.jobs import UNKNOWN_JOB_ID
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
    #: The devices' secret access keys (every one issued during the run), scanned for as the codes are.
    keys: list[str] = dataclasses.field(default_factory=list, repr=False)

    def leaks(self) -> list[str]:
        leaks = []
        for name in ("stdout", "stderr", "log"):
            leaks.extend(f"{name} {where}" for where in find_leaks(getattr(self, name), self.codes, self.keys))
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
                    found.extend(
                        f"file {path.relative_to(root)} {where}" for where in find_leaks(text, self.codes, self.keys)
                    )
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
        return redact(text, self.codes, self.keys)


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


HOME_XDG = ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")


def edge_host_env(tmp_path: pathlib.Path, emulator: EmulatorServer | None = None) -> dict[str, str]:
    """The environment of a run whose "edge host" is this machine: its own HOME and TMPDIR under the
    test's directory, the installed collections, the simulated client on PATH recording its argv;
    with ``emulator``, AWS settings pointing at it the way a user sets them (no endpoint_url option)."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    # The edge host's caches and settings live in its own HOME: not make's XDG_CACHE_HOME (the client
    # version cache would be shared across runs) nor any other HOME-derived XDG directory.
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_", "MOLECULE_")) and k not in HOME_XDG
    }
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
        env.update(aws_env(emulator))
    return env


def aws_env(emulator: EmulatorServer) -> dict[str, str]:
    """AWS settings the way a user points botocore at an endpoint: no endpoint_url option."""
    return {
        "AWS_ENDPOINT_URL_SNOWBALL": emulator.url,
        "AWS_ENDPOINT_URL_SNOW_DEVICE_MANAGEMENT": emulator.url,
        "AWS_ACCESS_KEY_ID": DEFAULT_ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": CREDENTIALS[DEFAULT_ACCESS_KEY][0],
        "AWS_REGION": "us-east-1",
    }


def user_env(emulator: EmulatorServer) -> dict[str, str]:
    """What a user of the ready playbooks sets: ``aws_env`` and the playbooks' ansible.cfg."""
    return {**aws_env(emulator), "ANSIBLE_CONFIG": str(REPO / "playbooks" / "ansible.cfg")}


_PLAY_HEAD = """
- hosts: HOSTS
  gather_facts: false
  module_defaults:
    group/edge.snowball.aws:
      endpoint_url: "{{ emulator_url }}"
      access_key: "{{ aws_access_key }}"
      secret_key: "{{ aws_secret_key }}"
      region: "{{ aws_region }}"
  tasks:
"""


def emulator_play(tasks: str, hosts: str = "localhost", name: str | None = None) -> str:
    """A playbook of one play whose edge.snowball modules talk to the emulator (module_defaults for
    group/edge.snowball.aws, from the run's ``emulator_vars``); ``tasks`` is the YAML of its task list."""
    head = _PLAY_HEAD.replace("HOSTS", hosts)
    if name is not None:
        head = head.replace("- hosts:", f"- name: {name}\n  hosts:")
    return head + textwrap.indent(textwrap.dedent(tasks).strip("\n"), "    ") + "\n"


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


def run_command(
    argv: list[str],
    server: EmulatorServer,
    tmp_path: pathlib.Path,
    env: dict[str, str],
    cwd: pathlib.Path | None = None,
    timeout: int = 600,
    log: pathlib.Path | None = None,
) -> Run:
    """Run ``argv`` to its end and keep what it said and left, for the leak scan of ``server``'s codes."""
    proc = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
    text = log.read_text() if log is not None and log.exists() else ""
    return Run(proc.returncode, proc.stdout, proc.stderr, text, server.secrets(), tmp_path)


def run_playbook(
    playbook: pathlib.Path | str,
    server: EmulatorServer,
    tmp_path: pathlib.Path,
    protocol: str = "json",
    extra_env: dict | None = None,
    verbosity: str = "-vvvv",
    inventory: pathlib.Path | None = None,
    devices: DeviceFleet | None = None,
    extra_vars: dict | None = None,
    extra_args: list[str] | None = None,
    cwd: pathlib.Path | None = None,
) -> Run:
    """Run ``playbook`` (a path, or a playbook's name in a collection) with ansible-playbook from ``cwd``
    (by default tmp_path). ``extra_env`` adds to the run's environment; a None value there removes that
    variable (``ANSIBLE_PIPELINING: None`` runs with no pipelining setting in the environment)."""
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
    env = {key: value for key, value in env.items() if value is not None}
    if inventory is None:
        inventory = tmp_path / "inventory.ini"
        inventory.write_text(f"localhost ansible_connection=local ansible_python_interpreter={sys.executable}\n")
    # verbosity "" runs at default verbosity, as an operator does
    argv = [
        str(BIN / "ansible-playbook"),
        *([verbosity] if verbosity else []),
        "-i",
        str(inventory),
        "-e",
        f"@{varfile}",
    ]
    run = run_command([*argv, *(extra_args or []), str(playbook)], server, tmp_path, env, cwd or tmp_path, 900, log)
    if devices is not None:
        run.keys = devices.secret_keys()
    return run


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
    argv = [str(BIN / "ansible-runner"), "run", str(private), "-p", playbooks[0].name, *["-v"] * verbosity]
    return run_command(argv, server, tmp_path, env), private


def recap(run: Run) -> dict[str, dict[str, int]]:
    """The play recap: per host, its counters (ok, changed, failed, unreachable, ...)."""
    found = {}
    for match in re.finditer(r"^(\S+)\s+:\s+((?:\w+=\d+\s*)+)$", run.stdout, re.MULTILINE):
        found[match[1]] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", match[2])}
    return found
