# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball; no public API, may change without notice.

"""Running AWS's Snowball Edge client on the edge host without exposing the unlock code.

Used by the device_unlock and device_info modules, which run on the edge host:
standard library and ansible-core only (no boto3 there).

The client (``snowballEdge``) takes the unlock code either on its command line,
which every local user can read through ``ps``, or from a profile in
``~/.aws/snowball/config/snowball-edge.config``. ``PrivateProfile`` makes a fresh
0700 home in memory-backed storage (``$XDG_RUNTIME_DIR`` or ``/dev/shm``), points
the client's home there (``HOME``, and ``-Duser.home`` in ``JAVA_TOOL_OPTIONS``
because the client is a Java program and Java takes its home from ``user.home``),
and writes the profile only for the duration of each client command
(``PrivateProfile.active``). The client's argv only ever holds ``--profile NAME``.

While a profile home exists, SIGHUP/SIGINT/SIGQUIT/SIGTERM stop the module cleanly
(client stopped, profile removed), and a watchdog stops it the same way when its
controller goes away (a task ``timeout:``, a killed ansible-playbook). A home left by
a module killed with SIGKILL is swept by the next module that starts.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import unicodedata
from typing import Any
from typing import Dict
from typing import Iterator
from typing import List
from typing import Optional
from typing import Sequence
from urllib.parse import urlsplit

from ansible_collections.edge.snowball.plugins.module_utils._edge.errors import CommandError
from ansible_collections.edge.snowball.plugins.module_utils._edge.errors import DeviceError
from ansible_collections.edge.snowball.plugins.module_utils._edge.output import CONNECTION
from ansible_collections.edge.snowball.plugins.module_utils._edge.output import classify
from ansible_collections.edge.snowball.plugins.module_utils._edge.output import client_words
from ansible_collections.edge.snowball.plugins.module_utils._edge.output import drop_jvm_banner
from ansible_collections.edge.snowball.plugins.module_utils._edge.output import last_lines
from ansible_collections.edge.snowball.plugins.module_utils._edge.profile import PROFILE_NAME
from ansible_collections.edge.snowball.plugins.module_utils._edge.profile import PrivateProfile
from ansible_collections.edge.snowball.plugins.module_utils._edge.stop import kill_group
from ansible_collections.edge.snowball.plugins.module_utils._job_id import validate_job_id
from ansible_collections.edge.snowball.plugins.module_utils._secret import mask
from ansible_collections.edge.snowball.plugins.module_utils._secret import mask_data
from ansible_collections.edge.snowball.plugins.module_utils._secret import unlock_code_problem

INSTALL_HINT = (
    "Install the Snowball Edge client on the edge host (https://aws.amazon.com/snowball/resources/)"
    " or set the client option to the full path of snowballEdge."
)


# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------


def unprintable(text: str) -> Optional[str]:
    """Where ``text`` holds whitespace or a control character (NUL, ESC, DEL, a format mark...),
    in words ("U+0000 at position 19"), else None. Python's URL parsing drops some of them and a
    connection would only time out on the others."""
    for position, char in enumerate(text, start=1):
        if char.isspace() or unicodedata.category(char).startswith("C"):
            return f"U+{ord(char):04X} at position {position}"
    return None


def endpoint_problem(endpoint: str) -> Optional[str]:
    """None for an endpoint the client accepts, else what is wrong with it."""
    where = unprintable(endpoint) if isinstance(endpoint, str) else None
    if where:
        return (
            f"endpoint holds whitespace or a control character ({where}; the value is not shown), which no device"
            " address has: use https://<the device's IP address>[:port], exactly."
        )
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


def device_argument_spec(timeout: int, poll_interval: float) -> Dict[str, Any]:
    """The options of device_unlock and device_info (each documents its own timeout and poll_interval)."""
    return dict(
        endpoint=dict(type="str", required=True),
        manifest_file=dict(type="path", required=True),
        unlock_code=dict(type="str", required=True, no_log=True),
        job_id=dict(type="str"),
        client=dict(type="str", default="snowballEdge"),
        cluster_ips=dict(type="list", elements="str", default=[]),
        timeout=dict(type="int", default=timeout),
        poll_interval=dict(type="float", default=poll_interval),
    )


def check_device_options(params: Dict[str, Any]) -> None:
    """DeviceError for a bad endpoint or job id, a code without the unlock-code shape, a cluster IP
    that is no address, or a poll_interval that is not positive. The code is stripped of surrounding
    whitespace in ``params``."""
    problem = endpoint_problem(params["endpoint"])
    if problem:
        raise DeviceError(problem)
    problem = unlock_code_problem(params["unlock_code"])
    if problem:
        raise DeviceError(problem)
    params["unlock_code"] = params["unlock_code"].strip()
    if params.get("job_id") is not None:
        problem = validate_job_id(params["job_id"])
        if problem:
            # mask(): a code typed into job_id must not come back in the message.
            raise DeviceError(
                mask(
                    f"{problem}. job_id is optional: leave it out, or give the device's job id.", params["unlock_code"]
                )
            )
    if "poll_interval" in params and not params["poll_interval"] > 0:
        raise DeviceError(f"poll_interval must be more than 0 seconds, got {params['poll_interval']:g}")
    problem = cluster_ips_problem(params["cluster_ips"])
    if problem:
        raise DeviceError(problem)


def cluster_ips_problem(cluster_ips: Sequence[str]) -> Optional[str]:
    """What is wrong with the first item of ``cluster_ips`` that is no address, else None."""
    for number, ip in enumerate(cluster_ips, start=1):
        where = unprintable(ip) if isinstance(ip, str) else None
        if where:
            return (
                f"cluster_ips item {number} holds whitespace or a control character ({where}; the value is not"
                " shown), which is not an IP address"
            )
        if not ip:
            return f"cluster_ips item {number} is empty, which is not an IP address"
    return None


@contextlib.contextmanager
def edge_client(params: Dict[str, Any], client_path: str) -> Iterator[EdgeClient]:
    """An EdgeClient for the task's options (its manifest_file checked first, ``check_manifest``),
    its private profile removed on the way out. The one way a module opens the device."""
    manifest_file = check_manifest(params["manifest_file"])
    with PrivateProfile(
        params["endpoint"], manifest_file, params["unlock_code"], params["cluster_ips"], params.get("job_id") or ""
    ) as profile:
        yield EdgeClient(
            client_path, params["endpoint"], params["unlock_code"], profile, params["cluster_ips"], manifest_file
        )


def find_client(client: str) -> str:
    """The absolute path of the client executable, or a DeviceError saying how to get one."""
    if os.sep in client:
        if not os.path.exists(client):
            raise DeviceError(f"the Snowball Edge client {client} does not exist. {INSTALL_HINT}")
        if os.path.isdir(client) or not os.access(client, os.X_OK):
            raise DeviceError(
                f"the Snowball Edge client {client} is not an executable file (check its mode, chmod +x)."
                f" {INSTALL_HINT}"
            )
        return os.path.abspath(client)
    found = shutil.which(client)
    if not found:
        raise DeviceError(
            f"the Snowball Edge client {client!r} was not found on the edge host's PATH"
            f" ({os.environ.get('PATH', '')}). {INSTALL_HINT}"
        )
    return found


def check_manifest(path: str) -> str:
    if not os.path.exists(path):
        raise DeviceError(f"manifest_file {path} does not exist on the edge host; put it there first (job_manifest).")
    if not os.path.isfile(path):
        raise DeviceError(f"manifest_file {path} is not a regular file.")
    if not os.access(path, os.R_OK):
        raise DeviceError(f"manifest_file {path} is not readable by {_user()}.")
    return os.path.abspath(path)


def _user() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return f"uid {os.getuid()}"


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
        manifest_file: str = "",
    ):
        self.client = client
        self.endpoint = endpoint
        self._code = unlock_code
        self.profile = profile
        self.cluster_ips = list(cluster_ips or [])
        self.manifest_file = manifest_file
        #: The device's secret access keys this client has read: masked in every later text.
        self.keys: List[str] = []

    @property
    def cluster(self) -> bool:
        return bool(self.cluster_ips)

    def argv(self, command: str, args: Sequence[str] = (), cluster: bool = True) -> List[str]:
        """The client's argv: never a secret (``args`` are ids and ARNs), the code is in the profile."""
        argv = [self.client, command, *args, "--profile", PROFILE_NAME]
        if self.cluster_ips and cluster:
            argv += ["--device-ip-addresses"] + self.cluster_ips
        return argv

    def run(
        self, command: str, timeout: float, args: Sequence[str] = (), raw: bool = False, cluster: bool = True
    ) -> str:
        """Run one client command; its stdout (JVM banner dropped), masked (the code, the keys read so
        far, anything shaped like either) unless ``raw`` (for the answers that are a secret key or a
        PEM, which the caller handles). Never raises with a secret in the message; a failure is a
        CommandError saying whether it was connection-level."""
        argv = self.argv(command, args, cluster)
        # The profile (the code) is on disk only while this one command runs.
        with self.profile.active() as running:
            proc = self._start(argv, running.inherited())
            running.started(proc)
            try:
                out, err = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                raise self._stopped(proc, command, timeout) from None
        stdout = mask(out.decode("utf-8", "replace"), self._code, self.keys)
        stderr = mask(err.decode("utf-8", "replace"), self._code, self.keys)
        if proc.returncode != 0:
            said = client_words(stdout, stderr, self._code)
            raise CommandError(
                f"snowballEdge {command} failed (exit status {proc.returncode}) for endpoint {self.endpoint}:"
                f" {said or '(no output)'}",
                classify(proc.returncode, said, self.endpoint, self.manifest_file),
                said,
                rc=proc.returncode,
                stdout=stdout,
                stderr=stderr,
                stream=_stream(stdout, stderr),
            )
        if raw:
            return drop_jvm_banner(out.decode("utf-8", "replace"))
        return drop_jvm_banner(stdout)

    def _start(self, argv: List[str], inherited: tuple = ()) -> subprocess.Popen:
        """The client started in its own session (so a time-out stops the JVM and its children),
        holding the ``inherited`` descriptors (the profile remover's pipe)."""
        try:
            return subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=self.profile.environment(),
                start_new_session=True,
                pass_fds=inherited,
            )
        except OSError as e:
            raise DeviceError(
                f"could not start the Snowball Edge client {self.client}: {e.strerror}. {INSTALL_HINT}"
            ) from None

    def _stopped(self, proc: subprocess.Popen, command: str, timeout: float) -> CommandError:
        """Stop a command that ran out of time; what it said, masked, as a connection-level failure."""
        out, err = kill_group(proc)
        out_text = mask(out.decode("utf-8", "replace"), self._code, self.keys)
        err_text = mask(err.decode("utf-8", "replace"), self._code, self.keys)
        words = client_words(out_text, err_text, self._code)
        stopped = f"snowballEdge {command} did not finish within {timeout:g}s; the client was stopped"
        return CommandError(
            f"{stopped} (endpoint {self.endpoint}). Check that the device is reachable from the edge host.",
            CONNECTION,
            f"{words} ({stopped})" if words else f"({stopped})",
            rc=None,
            stream=_stream(out_text, err_text),
            silent=not words,
        )

    def describe(self, timeout: float) -> Dict[str, Any]:
        return self.query("describe-cluster" if self.cluster else "describe-device", timeout)

    def query(self, command: str, timeout: float, args: Sequence[str] = (), cluster: bool = True) -> Dict[str, Any]:
        """A command that prints JSON: its answer, masked; a CommandError when it printed none. The JSON
        is read from the raw output and masked as data (``mask_data``): masking the text first would
        mask field names of the shape of a code (``PhysicalNetworkInterfaces``: 25 letters)."""
        out = self.run(command, timeout, args, raw=True, cluster=cluster)
        start = out.find("{")
        try:
            data = json.loads(out[start:]) if start != -1 else None
        except ValueError:
            data = None
        if not isinstance(data, dict):
            # Some clients may report a failure with exit status 0: judge the words the same way.
            said = last_lines(mask(out, self._code, self.keys), code=self._code) or "(nothing)"
            kind = classify(1, said, self.endpoint, self.manifest_file)
            raise CommandError(
                f"snowballEdge {command} did not print the JSON description it should (endpoint {self.endpoint}):"
                f" {said}",
                kind,
                said,
                rc=0,
                stream="stdout",
            )
        return mask_data(data, self._code, self.keys)

    def unlock(self, timeout: float) -> str:
        return self.run("unlock-cluster" if self.cluster else "unlock-device", timeout)


def _stream(stdout: str, stderr: str) -> str:
    """Which stream carried the client's words: stdout, stderr, both or none (banner ignored)."""
    on = [name for name, text in (("stdout", stdout), ("stderr", stderr)) if drop_jvm_banner(text).strip()]
    return "both" if len(on) == 2 else (on[0] if on else "none")
