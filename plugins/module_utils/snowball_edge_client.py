# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

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

import base64
import contextlib
import json
import os
import re
import select
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import time
from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterator
from typing import List
from typing import Optional
from urllib.parse import urlsplit

PROFILE_NAME = "edge-snowball"
PROFILE_PREFIX = "edge-snowball-client-"
#: Every Snowball Edge unlock code has this shape: 25 letters or digits in 5 groups of 5.
UNLOCK_CODE_SHAPE = re.compile(r"[A-Za-z0-9]{5}(?:-[A-Za-z0-9]{5}){4}", re.ASCII)
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


def _base64_forms(text: str) -> List[str]:
    """base64 of ``text`` on its own, and the part of base64(... + text + ...) that depends only on
    ``text`` at each of the 3 alignments (a client could print a whole encoded profile)."""
    forms = [base64.b64encode(text.encode()).decode()]
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + text.encode()).decode()
        inner = encoded[(shift * 4 + 2) // 3 + (1 if shift else 0) : len(encoded) - 4]
        if len(inner) >= 16:
            forms.append(inner)
    return forms


def code_variants(code: str) -> List[str]:
    """The literal forms of a code that text may hold: as given and stripped, with or without
    hyphens, JSON- and repr-escaped, hex, base64 (also inside a longer encoded text)."""
    forms = set()
    for given in dict.fromkeys((code, code.strip())):
        for base in (given, given.replace("-", "")):
            if not base:
                continue
            forms.add(base)
            forms.add(json.dumps(base)[1:-1])
            forms.add(repr(base)[1:-1])
            forms.add(base.encode().hex())
            forms.update(_base64_forms(base))
    return sorted((form for form in forms if form), key=len, reverse=True)


def _mask_pattern(code: str) -> re.Pattern[str]:
    parts = [re.escape(form) for form in code_variants(code)]
    groups = code.strip().split("-")
    if len(groups) > 1 and all(groups):
        # the groups in order with any separator or escape between them (spaces, newlines, "\n", ...)
        sep = r"(?:[^A-Za-z0-9]|\\[nrt]|\\u00[0-9a-fA-F]{2}|\\x[0-9a-fA-F]{2}){0,6}"
        parts.insert(0, sep.join(re.escape(group) for group in groups))
    return re.compile("|".join(parts), re.IGNORECASE)


def mask(text: str, code: Optional[str]) -> str:
    """``text`` with every form of ``code`` (in any case, any separators between its groups) masked."""
    if not code or not code.strip() or not text:
        return text
    return _mask_pattern(code).sub(MASK, text)


def mask_data(value: Any, code: Optional[str]) -> Any:
    """``value`` with the code masked in every string inside it, dictionary keys included."""
    if isinstance(value, str):
        return mask(value, code)
    if isinstance(value, (list, tuple)):
        return [mask_data(item, code) for item in value]
    if isinstance(value, dict):
        return {mask_data(key, code): mask_data(item, code) for key, item in value.items()}
    return value


def unlock_code_problem(value: Any) -> Optional[str]:
    """None for a code of the unlock-code shape (surrounding whitespace allowed: it is stripped),
    else what is wrong with it, never showing it or a piece of it."""
    if not isinstance(value, str) or not value.strip():
        return "unlock_code is empty; pass the job's code (the edge.snowball.unlock_code lookup)."
    code = value.strip()
    if UNLOCK_CODE_SHAPE.fullmatch(code):
        return None
    what = [f"{len(code)} characters"]
    if any(char.isspace() for char in code):
        what.append("whitespace inside")
    if any(not (char.isascii() and (char.isalnum() or char == "-")) for char in code):
        what.append("characters other than letters, digits and hyphens")
    what.append(f"{code.count('-')} hyphens")
    return (
        "unlock_code does not have the shape of an unlock code: 5 groups of 5 letters or digits separated by"
        f" hyphens, 29 characters (it has {', '.join(what)}; the value is not shown). Pass the code exactly as"
        " GetJobUnlockCode returns it (the edge.snowball.unlock_code lookup), not a job id, a file or a quoted string."
    )


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
    """ClientError for a bad endpoint, a code without the unlock-code shape or a cluster IP that is
    no address. The code is stripped of surrounding whitespace in ``params``."""
    problem = endpoint_problem(params["endpoint"])
    if problem:
        raise ClientError(problem)
    problem = unlock_code_problem(params["unlock_code"])
    if problem:
        raise ClientError(problem)
    params["unlock_code"] = params["unlock_code"].strip()
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
    """A client home for one task, in memory-backed storage; the profile holding the code exists in
    it only while a client command runs (``active``)."""

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
        self._lock: Optional[int] = None
        self._guard: Optional[StopGuard] = None

    @property
    def path(self) -> str:
        return os.path.join(self.home or "", *CONFIG_PATH)

    def __enter__(self) -> PrivateProfile:
        sweep_stale_profiles()
        self._guard = StopGuard().start()
        try:
            self.home = tempfile.mkdtemp(prefix=PROFILE_PREFIX, dir=profile_base())
            os.chmod(self.home, 0o700)
            # Held for the module's life: a sweeper that can take it knows the owner is gone.
            self._lock = os.open(os.path.join(self.home, ".lock"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            _flock(self._lock, blocking=True)
            os.makedirs(os.path.dirname(self.path), mode=0o700)
        except BaseException:
            self.remove()
            raise
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.remove()

    @contextlib.contextmanager
    def active(self) -> Iterator[ClientCommand]:
        """The profile on disk for one client command: written on the way in, removed on the way
        out; on an exception (a signal, the controller gone) the client is stopped first."""
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump({"version": 1, "profiles": {PROFILE_NAME: self._profile}}, handle)
        command = ClientCommand()
        try:
            yield command
        except BaseException:
            with _signals_held():
                command.stop()
            raise
        finally:
            with _signals_held():
                _unlink(self.path)

    def remove(self) -> None:
        with _signals_held():
            if self.home and os.path.isdir(self.home):
                shutil.rmtree(self.home, ignore_errors=True)
            self.home = None
            if self._lock is not None:
                os.close(self._lock)
                self._lock = None
            if self._guard is not None:
                self._guard.stop()
                self._guard = None

    def environment(self) -> Dict[str, str]:
        env = dict(os.environ)
        env["HOME"] = self.home or ""
        java = env.get("JAVA_TOOL_OPTIONS", "").strip()
        env["JAVA_TOOL_OPTIONS"] = (java + " " if java else "") + f"-Duser.home={self.home}"
        return env


class ClientCommand:
    """One running client command, stopped with its whole process group when the module stops."""

    def __init__(self) -> None:
        self.proc: Optional[subprocess.Popen] = None

    def started(self, proc: subprocess.Popen) -> None:
        self.proc = proc

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            _kill_group(self.proc)


# ---------------------------------------------------------------------------
# Where the profile lives, and what a killed module left there
# ---------------------------------------------------------------------------

MEMORY_FILESYSTEMS = ("tmpfs", "ramfs")


def _memory_backed(path: str) -> bool:
    """True when ``path`` is on tmpfs or ramfs (read from /proc/self/mounts; False when unknown)."""
    try:
        with open("/proc/self/mounts", encoding="utf-8") as handle:
            mounts = [line.split() for line in handle]
    except OSError:
        return False
    real = os.path.realpath(path)
    best, kind = "", ""
    for fields in mounts:
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        if (real == point or real.startswith(point.rstrip("/") + "/")) and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind in MEMORY_FILESYSTEMS


def memory_dirs() -> List[str]:
    """Writable memory-backed directories for the profile, the user's own first."""
    found = []
    for candidate in (os.environ.get("XDG_RUNTIME_DIR"), "/dev/shm"):
        if (
            candidate
            and os.path.isdir(candidate)
            and os.access(candidate, os.W_OK | os.X_OK)
            and _memory_backed(candidate)
        ):
            found.append(candidate)
    return found


def profile_base() -> str:
    """Where a profile home goes: memory-backed storage, else (no /dev/shm nor $XDG_RUNTIME_DIR, for
    example on a BSD) the temporary directory, where only the sweep clears up after a SIGKILL."""
    dirs = memory_dirs()
    return dirs[0] if dirs else tempfile.gettempdir()


def sweep_stale_profiles(max_age_unlocked: float = 60.0) -> List[str]:
    """Remove the profile homes of this collection left by modules that are gone (killed with
    SIGKILL, a machine that lost power): a home whose lock no one holds any more (or, from 1.0.0,
    which had no lock, one older than ``max_age_unlocked`` seconds). The homes removed."""
    removed = []
    for base in dict.fromkeys(memory_dirs() + [tempfile.gettempdir()]):
        try:
            entries = list(os.scandir(base))
        except OSError:
            continue
        for entry in entries:
            if not entry.name.startswith(PROFILE_PREFIX):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
                if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
                    continue
                if _abandoned(entry.path, info, max_age_unlocked):
                    shutil.rmtree(entry.path, ignore_errors=True)
                    removed.append(entry.path)
            except OSError:
                continue
    return removed


def _abandoned(home: str, info: os.stat_result, max_age_unlocked: float) -> bool:
    try:
        fd = os.open(os.path.join(home, ".lock"), os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return time.time() - info.st_mtime > max_age_unlocked
    try:
        return _flock(fd, blocking=False)
    finally:
        os.close(fd)


def _flock(fd: int, blocking: bool) -> bool:
    try:
        import fcntl
    except ImportError:  # not POSIX: nothing can be locked, so nothing is ever swept as abandoned
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except OSError:
        return False
    return True


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


# ---------------------------------------------------------------------------
# Stopping cleanly: signals, and a controller that went away
# ---------------------------------------------------------------------------

STOP_SIGNALS = ("SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM")


def _stop(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Clean-up that a second signal must not interrupt half-way."""
    numbers = {getattr(signal, name) for name in STOP_SIGNALS if hasattr(signal, name)}
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, numbers)
    except (AttributeError, ValueError, OSError):
        previous = None
    try:
        yield
    finally:
        if previous is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class StopGuard:
    """While a profile home exists: HUP/INT/QUIT/TERM raise SystemExit (so every ``with`` cleans up),
    and a watchdog thread sends SIGTERM to this module when its controller is gone: its parent
    changed, or nobody reads its stdout any more (the pipe to ansible-core or sshd was closed, as
    when a task ``timeout:`` ends the task or ansible-playbook is killed)."""

    def __init__(self, interval: float = 0.25):
        self.interval = interval
        self._previous: Dict[int, Any] = {}
        self._done = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def start(self) -> StopGuard:
        if threading.current_thread() is threading.main_thread():
            for name in STOP_SIGNALS:
                number = getattr(signal, name, None)
                if number is not None:
                    self._previous[number] = signal.signal(number, _stop)
            self._thread = threading.Thread(target=self._watch, args=(os.getppid(),), daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._done.set()
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        self._previous = {}

    def _watch(self, parent: int) -> None:
        poller = None
        try:
            if stat.S_ISFIFO(os.fstat(1).st_mode):
                poller = select.poll()
                poller.register(1, select.POLLERR)
        except (OSError, AttributeError, ValueError):
            poller = None
        while not self._done.wait(self.interval):
            gone = os.getppid() != parent
            if not gone and poller is not None:
                gone = any(
                    events & (select.POLLERR | select.POLLHUP | select.POLLNVAL) for _fd, events in poller.poll(0)
                )
            if gone:
                os.kill(os.getpid(), signal.SIGTERM)
                return


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
        # The profile (the code) is on disk only while this one command runs.
        with self.profile.active() as running:
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
            running.started(proc)
            try:
                out, err = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                raise ClientError(
                    f"snowballEdge {command} did not finish within {timeout:g}s (endpoint {self.endpoint}); the client"
                    " was stopped. Check that the device is reachable from the edge host."
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
