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

from ansible_collections.edge.snowball.plugins.module_utils.job_id import validate_job_id

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
    """ClientError for a bad endpoint or job id, a code without the unlock-code shape, a cluster IP
    that is no address, or a poll_interval that is not positive. The code is stripped of surrounding
    whitespace in ``params``."""
    problem = endpoint_problem(params["endpoint"])
    if problem:
        raise ClientError(problem)
    problem = unlock_code_problem(params["unlock_code"])
    if problem:
        raise ClientError(problem)
    params["unlock_code"] = params["unlock_code"].strip()
    if params.get("job_id") is not None:
        problem = validate_job_id(params["job_id"])
        if problem:
            # mask(): a code typed into job_id must not come back in the message.
            raise ClientError(
                mask(
                    f"{problem}. job_id is optional: leave it out, or give the device's job id.", params["unlock_code"]
                )
            )
    if not params["poll_interval"] > 0:
        raise ClientError(f"poll_interval must be more than 0 seconds, got {params['poll_interval']:g}")
    for ip in params["cluster_ips"]:
        if not ip or any(char.isspace() for char in ip):
            raise ClientError(f"cluster_ips holds {ip!r}, which is not an IP address")


@contextlib.contextmanager
def edge_client(params: Dict[str, Any], client_path: str, manifest_file: str) -> Iterator[EdgeClient]:
    """An EdgeClient for the task's options, its private profile removed on the way out."""
    with PrivateProfile(
        params["endpoint"], manifest_file, params["unlock_code"], params["cluster_ips"], params.get("job_id") or ""
    ) as profile:
        yield EdgeClient(
            client_path, params["endpoint"], params["unlock_code"], profile, params["cluster_ips"], manifest_file
        )


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

    def __init__(self, endpoint: str, manifest_file: str, unlock_code: str, cluster_ips: List[str], job_id: str = ""):
        self._profile = {
            "name": PROFILE_NAME,
            "jobId": job_id,
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
# What the client said
# ---------------------------------------------------------------------------

# HotSpot prints these on stderr at every start when the variable is set (JDK-8280357); the module
# sets JAVA_TOOL_OPTIONS itself (-Duser.home), so the real client always prints the first one.
_JVM_BANNER = re.compile(r"^\s*(NOTE: )?Picked up (JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS):")

# How a failed command is told apart, from the client's words (no published texts: REAL-CLIENT.md).
# Connection-level: the client never got an answer from the device (off, booting, network). The
# phrases are Java's own (java.net exceptions and their OS messages), the AWS SDK's and Apache
# HttpClient's wrappers, and plain English any client may use.
_CONNECTION_WORDS = re.compile(
    r"connection refused|connect timed out|connection timed out|read timed out|timed out|timeout"
    r"|no route to host|network is unreachable|host is unreachable|unreachable|unknownhost|unknown host"
    r"|name or service not known|temporary failure in name resolution|nodename nor servname"
    r"|connection reset|broken pipe|connection closed|closed connection|connection aborted|end of stream"
    r"|unexpected end of file|remote end closed|terminated the handshake|failed to respond"
    r"|unable to execute http request|could not connect|couldn't connect|cannot connect|can't connect"
    r"|unable to connect|failed to connect|not reachable|service unavailable|status code: 50[234]"
    r"|connectexception|sockettimeoutexception|noroutetohostexception|socketexception"
    r"|httphostconnectexception|connecttimeoutexception|nohttpresponseexception",
    re.IGNORECASE,
)
# A refusal: the device (or the client) rejected the code, the manifest or the credentials made from
# them, or the TLS peer. These win over connection words: retrying a wrong code for 20 minutes helps
# no one. The endpoint and the manifest's path are taken out of the text first (a path like
# /srv/snowball/manifest.bin must not count as "manifest").
_REFUSAL_WORDS = re.compile(
    r"unlock.?code|manifest|signature|access.?denied|not authori[sz]ed|unauthori[sz]ed|forbidden"
    r"|authenticat|credential|unrecognizedclient|status code: 40[13]|certificate|pkix",
    re.IGNORECASE,
)
CONNECTION = "connection"
REFUSAL = "refusal"
UNKNOWN = "unknown"


def drop_jvm_banner(text: str) -> str:
    """``text`` without the JVM's ``Picked up JAVA_TOOL_OPTIONS: …`` lines (and their kin)."""
    if "Picked up" not in text:
        return text
    return "".join(line for line in text.splitlines(keepends=True) if not _JVM_BANNER.match(line))


def _last_lines(text: str, count: int = 3) -> str:
    """What a person needs from a client's output: its first error line (a Java exception's
    headline) and its last lines, on one bounded line."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    picked = lines[-count:]
    headline = next((line for line in lines if "Exception" in line or "Error" in line), None)
    if headline and headline not in picked:
        picked = [headline, "..."] + picked
    return " ".join(picked)[:1000]


def client_words(stdout: str, stderr: str) -> str:
    """What the client said, banner dropped, from whichever stream it used (both when both)."""
    said = [_last_lines(drop_jvm_banner(text)) for text in (stderr, stdout)]
    return " | ".join(words for words in said if words)


def classify(rc: Optional[int], words: str, endpoint: str = "", manifest: str = "") -> str:
    """CONNECTION, REFUSAL or UNKNOWN for a failed client command (see docs/troubleshooting.md).

    ``rc`` None means the command ran past its time limit and was stopped: no answer came, a
    connection-level failure. A command the system could not run (126, 127) or that died of a
    signal (negative) is UNKNOWN whatever it printed."""
    if rc is None:
        return CONNECTION
    if rc <= 0 or rc in (126, 127):
        return UNKNOWN
    text = words
    for known in (endpoint, manifest, os.path.basename(manifest) if manifest else ""):
        if known:
            text = text.replace(known, " ")
    if _REFUSAL_WORDS.search(text):
        return REFUSAL
    if _CONNECTION_WORDS.search(text):
        return CONNECTION
    return UNKNOWN


# ---------------------------------------------------------------------------
# Calling the client
# ---------------------------------------------------------------------------


class CommandError(ClientError):
    """A client command that failed; ``kind`` is CONNECTION, REFUSAL or UNKNOWN (``classify``)."""

    def __init__(self, message: str, kind: str, words: str, **details: Any):
        super().__init__(message, kind=kind, **details)
        self.kind = kind
        self.words = words


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

    @property
    def cluster(self) -> bool:
        return bool(self.cluster_ips)

    def argv(self, command: str) -> List[str]:
        argv = [self.client, command, "--profile", PROFILE_NAME]
        if self.cluster_ips:
            argv += ["--device-ip-addresses"] + self.cluster_ips
        return argv

    def run(self, command: str, timeout: float) -> str:
        """Run one client command; its stdout (JVM banner dropped). Never raises with the code in the
        message; a failure is a CommandError saying whether it was connection-level."""
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
                out, err = _kill_group(proc)
                words = mask(client_words(out.decode("utf-8", "replace"), err.decode("utf-8", "replace")), self._code)
                stopped = f"snowballEdge {command} did not finish within {timeout:g}s; the client was stopped"
                raise CommandError(
                    f"{stopped} (endpoint {self.endpoint}). Check that the device is reachable from the edge host.",
                    CONNECTION,
                    f"{words} ({stopped})" if words else f"({stopped})",
                    rc=None,
                    stream=_stream(out.decode("utf-8", "replace"), err.decode("utf-8", "replace")),
                ) from None
        stdout = mask(out.decode("utf-8", "replace"), self._code)
        stderr = mask(err.decode("utf-8", "replace"), self._code)
        if proc.returncode != 0:
            said = client_words(stdout, stderr)
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
        return drop_jvm_banner(stdout)

    def describe(self, timeout: float) -> Dict[str, Any]:
        command = "describe-cluster" if self.cluster else "describe-device"
        out = self.run(command, timeout)
        start = out.find("{")
        try:
            data = json.loads(out[start:]) if start != -1 else None
        except ValueError:
            data = None
        if not isinstance(data, dict):
            # Some clients may report a failure with exit status 0: judge the words the same way.
            said = _last_lines(out) or "(nothing)"
            kind = classify(1, said, self.endpoint, self.manifest_file)
            raise CommandError(
                f"snowballEdge {command} did not print the JSON description it should (endpoint {self.endpoint}):"
                f" {said}",
                kind,
                said,
                rc=0,
                stream="stdout",
            )
        return mask_data(data, self._code)

    def unlock(self, timeout: float) -> str:
        return self.run("unlock-cluster" if self.cluster else "unlock-device", timeout)


def _stream(stdout: str, stderr: str) -> str:
    """Which stream carried the client's words: stdout, stderr, both or none (banner ignored)."""
    on = [name for name, text in (("stdout", stdout), ("stderr", stderr)) if drop_jvm_banner(text).strip()]
    return "both" if len(on) == 2 else (on[0] if on else "none")


def _kill_group(proc: subprocess.Popen) -> Any:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        proc.kill()
    out, err = proc.communicate()
    return out or b"", err or b""


def failure_details(failure: ClientError) -> Dict[str, Any]:
    """What a failed task returns besides its message: the state, and for a failed client command
    how it failed (kind, exit status, the stream its words were on), never its output."""
    details: Dict[str, Any] = {"state": failure.details.get("state")}
    if failure.details.get("kind"):
        details["client_failure"] = {
            "kind": failure.details.get("kind"),
            "rc": failure.details.get("rc"),
            "stream": failure.details.get("stream"),
        }
    return details


# ---------------------------------------------------------------------------
# The client's version
# ---------------------------------------------------------------------------

_VERSION = re.compile(r"version[:\s]+v?(\d+(?:\.\d+)+(?:\s+Build\s+\d+)?)", re.IGNORECASE)
LEGACY_HINT = (
    "edge.snowball needs a Snowball Edge client from 2018 or later: one with the commands unlock-device,"
    " describe-device and version, and profiles (the current client prints 'Snowball Edge client version: 1.2.0"
    " Build 661' or later for 'snowballEdge version'). Install the current client from"
    " https://aws.amazon.com/snowball/resources/ on the edge host."
)
_CACHE_NAME = "snowball-edge-client-versions.json"


def _version_cache_path() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "edge.snowball", _CACHE_NAME)


def _identity(client_path: str) -> Optional[str]:
    """Which client file this is: its real path, size, mtime and inode (a new install changes it)."""
    try:
        real = os.path.realpath(client_path)
        info = os.stat(real)
    except OSError:
        return None
    return f"{real}:{info.st_size}:{info.st_mtime_ns}:{info.st_ino}"


def _cached_version(identity: Optional[str]) -> Optional[str]:
    if identity is None:
        return None
    try:
        with open(_version_cache_path(), encoding="utf-8") as handle:
            cached = json.load(handle).get(identity)
    except (OSError, ValueError, AttributeError):
        return None
    return cached if isinstance(cached, str) else None


def _remember_version(identity: Optional[str], version: str) -> None:
    """Best effort and atomic: a cache that cannot be written costs one client start next time."""
    if identity is None:
        return
    path = _version_cache_path()
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        try:
            with open(path, encoding="utf-8") as handle:
                cache = json.load(handle)
        except (OSError, ValueError):
            cache = {}
        if not isinstance(cache, dict):
            cache = {}
        cache = {key: value for key, value in cache.items() if os.path.exists(key.rsplit(":", 3)[0])}
        cache[identity] = version
        fd, tmp = tempfile.mkstemp(prefix=".versions-", dir=os.path.dirname(path))
        with os.fdopen(fd, "w") as handle:
            json.dump(cache, handle)
        os.replace(tmp, path)
    except OSError:
        pass


def parse_version(text: str) -> Optional[str]:
    """``1.2.0 Build 661`` from ``Snowball Edge client version: 1.2.0 Build 661`` (banner ignored)."""
    found = _VERSION.search(drop_jvm_banner(text))
    return found.group(1) if found else None


def looks_legacy(text: str) -> bool:
    """True when a client's usage text lists the pre-2018 commands (unlock, status) and none of
    the current ones (unlock-device, describe-device)."""
    words = set(re.findall(r"[A-Za-z][\w-]*", drop_jvm_banner(text)))
    return "status" in words and "unlock" in words and not {"unlock-device", "describe-device"} & words


def client_version(client_path: str, timeout: float = 60) -> Optional[str]:
    """The client's version from ``snowballEdge version`` (cached per client file, so one start per
    installed client), None when it does not say; ClientError for a pre-2018 client."""
    identity = _identity(client_path)
    known = _cached_version(identity)
    if known:
        return known
    try:
        proc = subprocess.Popen(
            [client_path, "version"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as e:
        raise ClientError(
            f"could not start the Snowball Edge client {client_path}: {e.strerror}. {INSTALL_HINT}"
        ) from None
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        return None
    text = out.decode("utf-8", "replace") + "\n" + err.decode("utf-8", "replace")
    version = parse_version(text) if proc.returncode == 0 else None
    if version:
        _remember_version(identity, version)
        return version
    if looks_legacy(text):
        raise ClientError(
            f"the Snowball Edge client {client_path} is a version from before 2018 (it has no 'version' command;"
            f" it offers unlock and status): {LEGACY_HINT}"
        )
    return None


# ---------------------------------------------------------------------------
# What a description says
# ---------------------------------------------------------------------------


def _state_of(entry: Dict[str, Any]) -> str:
    status = entry.get("UnlockStatus")
    return str(status.get("State")) if isinstance(status, dict) and status.get("State") is not None else ""


def _ips_of(entry: Dict[str, Any]) -> List[str]:
    ips = []
    active = entry.get("ActiveNetworkInterface")
    if isinstance(active, dict) and active.get("IpAddress"):
        ips.append(str(active["IpAddress"]))
    for nic in entry.get("PhysicalNetworkInterfaces") or []:
        if isinstance(nic, dict) and nic.get("IpAddress"):
            ips.append(str(nic["IpAddress"]))
    return ips


def summarize(description: Dict[str, Any], cluster: bool, cluster_ips: Optional[List[str]] = None) -> Dict[str, Any]:
    """state / device_id / active_ip (and per-device entries for a cluster) from a description.

    A cluster is UNLOCKED when every device it lists is, and (given ``cluster_ips``) every one of
    those addresses is among the devices listed; ``missing`` names the addresses not listed."""
    if not cluster:
        active = description.get("ActiveNetworkInterface") or {}
        return {
            "state": _state_of(description),
            "device_id": description.get("DeviceId"),
            "active_ip": active.get("IpAddress") if isinstance(active, dict) else None,
        }
    devices = []
    reported: List[str] = []
    every_entry_has_an_ip = True
    for entry in description.get("Devices") or []:
        if not isinstance(entry, dict):
            continue
        active = entry.get("ActiveNetworkInterface") or {}
        reach = entry.get("NetworkReachability") or {}
        ips = _ips_of(entry)
        reported.extend(ips)
        every_entry_has_an_ip = every_entry_has_an_ip and bool(ips)
        devices.append(
            {
                "device_id": entry.get("DeviceId"),
                "state": _state_of(entry),
                "active_ip": active.get("IpAddress") if isinstance(active, dict) else None,
                "reachability": reach.get("State") if isinstance(reach, dict) else None,
            }
        )
    wanted = list(cluster_ips or [])
    if every_entry_has_an_ip:
        missing = [ip for ip in wanted if ip not in reported]
    else:
        # Entries without addresses: compare how many devices answered.
        missing = wanted[len(devices) :] if len(devices) < len(wanted) else []
    states = [device["state"] for device in devices]
    if not devices:
        overall = ""
    elif all(state == "UNLOCKED" for state in states):
        overall = "UNLOCKED" if not missing else "UNLOCKING"
    else:
        # the state of the device furthest from unlocked
        order = {"LOCKED": 0, "UNLOCKING": 1, "UNLOCKED": 2}
        overall = min(states, key=lambda state: order.get(state, -1))
    summary = {"state": overall, "cluster_id": description.get("ClusterId"), "devices": devices}
    if missing:
        summary["missing"] = missing
    return summary


def unknown_states(summary: Dict[str, Any]) -> List[str]:
    """States nobody knows, from devices that answered (an unreachable one's or an empty state is
    not known yet, not unknown)."""
    entries = summary.get("devices") or [summary]
    return sorted(
        {
            entry["state"]
            for entry in entries
            if entry["state"]
            and entry["state"] not in KNOWN_STATES
            and entry.get("reachability") in (None, "REACHABLE")
        }
    )


def unreachable(summary: Dict[str, Any]) -> List[str]:
    lost = [
        str(entry.get("active_ip") or entry.get("device_id"))
        for entry in summary.get("devices") or []
        if entry.get("reachability") not in (None, "REACHABLE")
    ]
    return lost + [f"{ip} (not listed)" for ip in summary.get("missing") or []]


def _locked(summary: Dict[str, Any]) -> bool:
    """True when a device that can be reached says LOCKED (an unreachable one says nothing)."""
    entries = summary.get("devices") or [summary]
    return any(entry["state"] == "LOCKED" and entry.get("reachability") in (None, "REACHABLE") for entry in entries)


def call_timeout(remaining: float) -> float:
    """How long one client command may take: the time left, within 5..120 s."""
    return max(5.0, min(120.0, remaining))


# ---------------------------------------------------------------------------
# Waiting for the device
# ---------------------------------------------------------------------------

BOOT_HINT = (
    "A device answers about 10 minutes after it is powered on, a cluster node up to 20: raise timeout if it is"
    " still booting; otherwise check the endpoint, the device's display and the network (firewall, cabling)."
)


class Patience:
    """One deadline for a task, with the injected clock and sleep that every wait here uses."""

    def __init__(
        self,
        timeout: float,
        poll_interval: float,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.sleep = sleep
        self.clock = clock
        self.started = clock()
        self.deadline = self.started + timeout

    def remaining(self) -> float:
        return self.deadline - self.clock()

    def waited(self) -> float:
        return self.clock() - self.started

    def pause(self) -> bool:
        """Sleep one poll_interval (less near the deadline); False when no time is left."""
        remaining = self.remaining()
        if remaining <= 0:
            return False
        self.sleep(min(self.poll_interval, remaining))
        return True


def _gave_up(client: EdgeClient, patience: Patience, failure: CommandError, attempts: int) -> ClientError:
    return ClientError(
        f"could not reach the device at {client.endpoint}: the Snowball Edge client failed at the connection level"
        f" for {patience.waited():.0f}s ({attempts} attempt{'s' if attempts != 1 else ''}, timeout {patience.timeout:g}s)."
        f" {BOOT_HINT} The client's last words: {failure.words or '(none)'}",
        state=None,
        kind=CONNECTION,
        rc=failure.details.get("rc"),
        stream=failure.details.get("stream"),
    )


def retrying(
    client: EdgeClient,
    patience: Patience,
    call: Callable[[float], Any],
    accepted: bool = False,
    per_call: Callable[[float], float] = call_timeout,
) -> Any:
    """``call(per-command timeout)``, tried again while it fails at the connection level (a device
    still booting, a dropped connection), until the deadline; then a ClientError naming the
    endpoint, the time waited and the client's last words.

    With ``accepted`` (the device already took this code and manifest in this unlock: it is
    UNLOCKING), a failure whose words are not recognised is tried again too; a refusal never is."""
    attempts = 0
    while True:
        attempts += 1
        try:
            return call(per_call(patience.remaining()))
        except CommandError as failure:
            transient = failure.kind == CONNECTION or (accepted and failure.kind == UNKNOWN)
            if not transient:
                raise
            if not patience.pause():
                raise _gave_up(client, patience, failure, attempts) from None


def wait_until_unlocked(
    client: EdgeClient,
    timeout: float,
    poll_interval: float,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    first_look_after: Optional[float] = None,
    patience: Optional[Patience] = None,
    accepted: bool = True,
) -> Dict[str, Any]:
    """Poll the description until every device is UNLOCKED; ClientError otherwise.

    The one place that waits for a device's state after unlocking was started (by this task or an
    earlier one):
    - a describe that fails at the connection level (booting device, dropped or reset connection,
      one describe timing out) is tried again until the deadline; with ``accepted`` (the default:
      the device took this code and manifest when unlocking started) so is one whose words are not
      recognised; a refusal (code, manifest, credentials) ends the wait at once;
    - LOCKED from a reachable device after unlocking started is a failure; an unknown state is
      reported, not guessed;
    - the first look is after ``first_look_after`` seconds (default one ``poll_interval``: right
      after ``unlock-device`` the device only says UNLOCKING, and each look starts the Java client);
      pass 0 to look at once (a wait in a later task).
    ``patience`` shares one deadline with the caller's earlier steps; else the deadline is ``timeout``
    from now."""
    patience = patience or Patience(timeout, poll_interval, sleep, clock)
    delay = poll_interval if first_look_after is None else first_look_after
    if delay > 0:
        patience.sleep(min(delay, max(patience.remaining(), 0)))
    while True:
        description = retrying(client, patience, client.describe, accepted=accepted)
        summary = summarize(description, client.cluster, client.cluster_ips)
        if summary["state"] == "UNLOCKED":
            summary["description"] = description
            return summary
        odd = unknown_states(summary)
        if odd:
            raise ClientError(
                f"the device at {client.endpoint} reported the unlock state {', '.join(odd)}, which this"
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
        if patience.remaining() <= 0:
            lost = unreachable(summary)
            extra = f"; unreachable: {', '.join(lost)}" if lost else ""
            raise ClientError(
                f"timed out after {patience.timeout:g}s waiting for the device at {client.endpoint} to be UNLOCKED; its"
                f" last state was {summary['state'] or '(none)'}{extra}. Raise the timeout or check the device's"
                " display.",
                state=summary["state"],
            )
        patience.pause()


def describe_when_reachable(
    client: EdgeClient, patience: Patience, per_call: Callable[[float], float] = call_timeout
) -> Dict[str, Any]:
    """The description, once the device answers: connection failures (a booting device) are tried
    again until the deadline; a refusal or a failure whose words are not recognised ends it."""
    return retrying(client, patience, client.describe, per_call=per_call)


def start_unlock(client: EdgeClient, patience: Patience) -> None:
    """``unlock-device``/``unlock-cluster``, robust to a connection lost on the way.

    A connection-level failure of the unlock command is not repeated blindly: the device is
    described (connection failures tried again) and unlocked again only while it still says
    LOCKED; UNLOCKING or UNLOCKED means the first request arrived. For a cluster whose
    description fails (it may be refused while locked), the unlock is simply tried again."""
    attempts = 0
    while True:
        attempts += 1
        try:
            client.unlock(call_timeout(patience.remaining()))
            return
        except CommandError as failure:
            if failure.kind != CONNECTION:
                raise
            lost = failure
        if not patience.pause():
            raise _gave_up(client, patience, lost, attempts)
        try:
            state = summarize(client.describe(call_timeout(patience.remaining())), client.cluster)["state"]
        except CommandError:
            state = ""
        if state in ("UNLOCKING", "UNLOCKED"):
            return
