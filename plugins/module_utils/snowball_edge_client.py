# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Running AWS's Snowball Edge client on the edge host without exposing the unlock code.

Used by the device_unlock and device_info modules, which run on the edge host:
standard library and ansible-core only (no boto3 there).

The client (``snowballEdge``) takes the unlock code either on its command line,
which every local user can read through ``ps``, or from a profile in
``~/.aws/snowball/config/snowball-edge.config``. ``PrivateProfile`` writes that
profile into a fresh 0700 directory, points the client's home there for the
one command (``HOME``, and ``-Duser.home`` in ``JAVA_TOOL_OPTIONS`` because the
client is a Java program and Java takes its home from ``user.home``), and removes
the directory afterwards, on failure too. The client's argv only ever holds
``--profile NAME``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterator
from typing import List
from typing import Optional
from urllib.parse import urlsplit

PROFILE_NAME = "edge-snowball"
CONFIG_PATH = (".aws", "snowball", "config", "snowball-edge.config")
KNOWN_STATES = ("LOCKED", "UNLOCKING", "UNLOCKED")
MASK = "********"
INSTALL_HINT = (
    "Install the Snowball Edge client on the edge host (https://aws.amazon.com/snowball/resources/)"
    " or set the client option to the full path of snowballEdge."
)


class ClientError(Exception):
    """A failure with a message fit for a person; it never holds the unlock code."""

    def __init__(self, message: str, **details: Any):
        super().__init__(message)
        self.message = message
        self.details = details


# ---------------------------------------------------------------------------
# Masking
# ---------------------------------------------------------------------------


def code_variants(code: str) -> List[str]:
    """The forms of a code that text may hold: as is, any case, with or without hyphens, base64."""
    forms = set()
    for base in (code, code.replace("-", "")):
        if base:
            forms.update((base, base.upper(), base.lower()))
            forms.add(base64.b64encode(base.encode()).decode())
    return sorted(forms, key=len, reverse=True)


def mask(text: str, code: Optional[str]) -> str:
    """``text`` with every form of ``code`` (in any case) replaced by a mask."""
    if not code or not text:
        return text
    pattern = re.compile("|".join(re.escape(form) for form in code_variants(code)), re.IGNORECASE)
    return pattern.sub(MASK, text)


def mask_data(value: Any, code: Optional[str]) -> Any:
    if isinstance(value, str):
        return mask(value, code)
    if isinstance(value, list):
        return [mask_data(item, code) for item in value]
    if isinstance(value, dict):
        return {key: mask_data(item, code) for key, item in value.items()}
    return value


# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------


def endpoint_problem(endpoint: str) -> Optional[str]:
    """None for an endpoint the client accepts, else what is wrong with it."""
    parts = urlsplit(endpoint or "")
    if parts.scheme not in ("https", "http") or "://" not in endpoint:
        return (
            f"endpoint {endpoint!r} must be a URL with a scheme, such as https://192.0.2.10"
            " (the device's IP address, with https://)"
        )
    if not parts.hostname:
        return f"endpoint {endpoint!r} has no host; use https://<the device's IP address>"
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return f"endpoint {endpoint!r} must not have a path; use https://<the device's IP address>[:port]"
    return None


def device_argument_spec(timeout: int) -> Dict[str, Any]:
    """The options of device_unlock and device_info (each adds its own)."""
    return dict(
        endpoint=dict(type="str", required=True),
        manifest_file=dict(type="path", required=True),
        unlock_code=dict(type="str", required=True, no_log=True),
        client=dict(type="str", default="snowballEdge"),
        cluster_ips=dict(type="list", elements="str", default=[]),
        timeout=dict(type="int", default=timeout),
    )


def check_device_options(params: Dict[str, Any]) -> None:
    """ClientError for a bad endpoint, an empty code or a cluster IP that is no address."""
    problem = endpoint_problem(params["endpoint"])
    if problem:
        raise ClientError(problem)
    if not params["unlock_code"]:
        raise ClientError("unlock_code is empty; pass the job's code (the edge.snowball.unlock_code lookup).")
    for ip in params["cluster_ips"]:
        if not ip or any(char.isspace() for char in ip):
            raise ClientError(f"cluster_ips holds {ip!r}, which is not an IP address")


@contextlib.contextmanager
def edge_client(params: Dict[str, Any], client_path: str, manifest_file: str) -> Iterator[EdgeClient]:
    """An EdgeClient for the task's options, its private profile removed on the way out."""
    with PrivateProfile(params["endpoint"], manifest_file, params["unlock_code"], params["cluster_ips"]) as profile:
        yield EdgeClient(client_path, params["endpoint"], params["unlock_code"], profile, params["cluster_ips"])


def find_client(client: str) -> str:
    """The absolute path of the client executable, or a ClientError saying how to get one."""
    if os.sep in client:
        if not os.path.exists(client):
            raise ClientError(f"the Snowball Edge client {client} does not exist. {INSTALL_HINT}")
        if os.path.isdir(client) or not os.access(client, os.X_OK):
            raise ClientError(
                f"the Snowball Edge client {client} is not an executable file (check its mode, chmod +x)."
                f" {INSTALL_HINT}"
            )
        return os.path.abspath(client)
    found = shutil.which(client)
    if not found:
        raise ClientError(
            f"the Snowball Edge client {client!r} was not found on the edge host's PATH"
            f" ({os.environ.get('PATH', '')}). {INSTALL_HINT}"
        )
    return found


def check_manifest(path: str) -> str:
    if not os.path.exists(path):
        raise ClientError(f"manifest_file {path} does not exist on the edge host; put it there first (job_manifest).")
    if not os.path.isfile(path):
        raise ClientError(f"manifest_file {path} is not a regular file.")
    if not os.access(path, os.R_OK):
        raise ClientError(f"manifest_file {path} is not readable by {_user()}.")
    return os.path.abspath(path)


def _user() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return f"uid {os.getuid()}"


# ---------------------------------------------------------------------------
# The private profile
# ---------------------------------------------------------------------------


class PrivateProfile:
    """A client profile holding the code, in a 0700 directory that lives for one task."""

    def __init__(self, endpoint: str, manifest_file: str, unlock_code: str, cluster_ips: List[str]):
        self._profile = {
            "name": PROFILE_NAME,
            "jobId": "",
            "unlockCode": unlock_code,
            "manifestPath": manifest_file,
            "defaultEndpoint": endpoint,
            "isCluster": bool(cluster_ips),
            "deviceIps": list(cluster_ips),
        }
        self.home: Optional[str] = None

    def __enter__(self) -> PrivateProfile:
        self.home = tempfile.mkdtemp(prefix="edge-snowball-client-")
        os.chmod(self.home, 0o700)
        config_dir = os.path.join(self.home, *CONFIG_PATH[:-1])
        os.makedirs(config_dir, mode=0o700)
        path = os.path.join(config_dir, CONFIG_PATH[-1])
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump({"version": 1, "profiles": {PROFILE_NAME: self._profile}}, handle)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.remove()

    def remove(self) -> None:
        if self.home and os.path.isdir(self.home):
            shutil.rmtree(self.home, ignore_errors=True)
        self.home = None

    def environment(self) -> Dict[str, str]:
        env = dict(os.environ)
        env["HOME"] = self.home or ""
        java = env.get("JAVA_TOOL_OPTIONS", "").strip()
        env["JAVA_TOOL_OPTIONS"] = (java + " " if java else "") + f"-Duser.home={self.home}"
        return env


# ---------------------------------------------------------------------------
# Calling the client
# ---------------------------------------------------------------------------


class EdgeClient:
    def __init__(
        self,
        client: str,
        endpoint: str,
        unlock_code: str,
        profile: PrivateProfile,
        cluster_ips: Optional[List[str]] = None,
    ):
        self.client = client
        self.endpoint = endpoint
        self._code = unlock_code
        self.profile = profile
        self.cluster_ips = list(cluster_ips or [])

    @property
    def cluster(self) -> bool:
        return bool(self.cluster_ips)

    def argv(self, command: str) -> List[str]:
        argv = [self.client, command, "--profile", PROFILE_NAME]
        if self.cluster_ips:
            argv += ["--device-ip-addresses"] + self.cluster_ips
        return argv

    def run(self, command: str, timeout: float) -> str:
        """Run one client command; its stdout. Never raises with the code in the message."""
        argv = self.argv(command)
        try:
            proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=self.profile.environment(),
                start_new_session=True,
            )
        except OSError as e:
            raise ClientError(
                f"could not start the Snowball Edge client {self.client}: {e.strerror}. {INSTALL_HINT}"
            ) from None
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise ClientError(
                f"snowballEdge {command} did not finish within {timeout:g}s (endpoint {self.endpoint}); the client was"
                " stopped. Check that the device is reachable from the edge host."
            ) from None
        stdout = mask(out.decode("utf-8", "replace"), self._code)
        stderr = mask(err.decode("utf-8", "replace"), self._code)
        if proc.returncode != 0:
            said = _last_lines(stderr) or _last_lines(stdout) or "(no output)"
            raise ClientError(
                f"snowballEdge {command} failed (exit status {proc.returncode}) for endpoint {self.endpoint}: {said}",
                rc=proc.returncode,
                stdout=stdout,
                stderr=stderr,
            )
        return stdout

    def describe(self, timeout: float) -> Dict[str, Any]:
        command = "describe-cluster" if self.cluster else "describe-device"
        out = self.run(command, timeout)
        start = out.find("{")
        try:
            data = json.loads(out[start:]) if start != -1 else None
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise ClientError(
                f"snowballEdge {command} did not print the JSON description it should: {_last_lines(out) or '(nothing)'}"
            )
        return mask_data(data, self._code)

    def unlock(self, timeout: float) -> str:
        return self.run("unlock-cluster" if self.cluster else "unlock-device", timeout)


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        proc.kill()
    proc.communicate()


def _last_lines(text: str, count: int = 3) -> str:
    """What a person needs from a client's output: its first error line (a Java exception's
    headline) and its last lines, on one bounded line."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    picked = lines[-count:]
    headline = next((line for line in lines if "Exception" in line or "Error" in line), None)
    if headline and headline not in picked:
        picked = [headline, "..."] + picked
    return " ".join(picked)[:1000]


# ---------------------------------------------------------------------------
# What a description says
# ---------------------------------------------------------------------------


def _state_of(entry: Dict[str, Any]) -> str:
    status = entry.get("UnlockStatus")
    return str(status.get("State")) if isinstance(status, dict) and status.get("State") is not None else ""


def summarize(description: Dict[str, Any], cluster: bool) -> Dict[str, Any]:
    """state / device_id / active_ip (and per-device entries for a cluster) from a description."""
    if not cluster:
        active = description.get("ActiveNetworkInterface") or {}
        return {
            "state": _state_of(description),
            "device_id": description.get("DeviceId"),
            "active_ip": active.get("IpAddress") if isinstance(active, dict) else None,
        }
    devices = []
    for entry in description.get("Devices") or []:
        if not isinstance(entry, dict):
            continue
        active = entry.get("ActiveNetworkInterface") or {}
        reach = entry.get("NetworkReachability") or {}
        devices.append(
            {
                "device_id": entry.get("DeviceId"),
                "state": _state_of(entry),
                "active_ip": active.get("IpAddress") if isinstance(active, dict) else None,
                "reachability": reach.get("State") if isinstance(reach, dict) else None,
            }
        )
    states = [device["state"] for device in devices]
    if not devices:
        overall = ""
    elif all(state == "UNLOCKED" for state in states):
        overall = "UNLOCKED"
    else:
        # the state of the device furthest from unlocked
        order = {"LOCKED": 0, "UNLOCKING": 1, "UNLOCKED": 2}
        overall = min(states, key=lambda state: order.get(state, -1))
    return {"state": overall, "cluster_id": description.get("ClusterId"), "devices": devices}


def unknown_states(summary: Dict[str, Any]) -> List[str]:
    entries = summary.get("devices") or [summary]
    return sorted({entry["state"] for entry in entries if entry["state"] not in KNOWN_STATES})


def unreachable(summary: Dict[str, Any]) -> List[str]:
    return [
        str(entry.get("active_ip"))
        for entry in summary.get("devices") or []
        if entry.get("reachability") not in (None, "REACHABLE")
    ]


def wait_until_unlocked(
    client: EdgeClient,
    timeout: float,
    poll_interval: float,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Dict[str, Any]:
    """Poll the description until every device is UNLOCKED; ClientError otherwise.

    Called right after ``unlock-device``, which only starts unlocking (minutes on a real device),
    so the first look is after one ``poll_interval``: a describe at once would only say UNLOCKING
    and cost one more start of the (Java) client."""
    deadline = clock() + timeout
    sleep(min(poll_interval, max(timeout, 0)))
    while True:
        remaining = deadline - clock()
        description = client.describe(call_timeout(remaining))
        summary = summarize(description, client.cluster)
        if summary["state"] == "UNLOCKED":
            summary["description"] = description
            return summary
        odd = unknown_states(summary)
        if odd:
            raise ClientError(
                f"the device at {client.endpoint} reported the unlock state {', '.join(odd) or '(none)'}, which this"
                f" collection does not know (expected one of {', '.join(KNOWN_STATES)}); not guessing what it means.",
                state=summary["state"],
            )
        if _locked(summary):
            raise ClientError(
                f"the device at {client.endpoint} is LOCKED again after unlocking was started: the manifest or unlock"
                " code does not belong to this device, or the device refused them. Check that the job id, manifest"
                " and endpoint are for the same device.",
                state="LOCKED",
            )
        remaining = deadline - clock()
        if remaining <= 0:
            lost = unreachable(summary)
            extra = f"; unreachable: {', '.join(lost)}" if lost else ""
            raise ClientError(
                f"timed out after {timeout:g}s waiting for the device at {client.endpoint} to be UNLOCKED; its last"
                f" state was {summary['state']}{extra}. Raise the timeout or check the device's display.",
                state=summary["state"],
            )
        sleep(min(poll_interval, remaining))


def _locked(summary: Dict[str, Any]) -> bool:
    """True when a device that can be reached says LOCKED (an unreachable one says nothing)."""
    entries = summary.get("devices") or [summary]
    return any(entry["state"] == "LOCKED" and entry.get("reachability") in (None, "REACHABLE") for entry in entries)


def call_timeout(remaining: float) -> float:
    """How long one client command may take: the time left, within 5..120 s."""
    return max(5.0, min(120.0, remaining))
