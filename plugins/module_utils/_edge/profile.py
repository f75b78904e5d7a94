# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: this file is part of edge.snowball's device_unlock/device_info machinery and
# may change without notice. Standard library and ansible-core only (it runs on the edge host).

"""The client's private home: the profile holding the code (written only while one client command
runs), in memory-backed storage, removed when the module is stopped (its guard is ``_edge_stop``'s,
so every module that writes a profile gets it), and the sweep of homes left by killed modules."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from typing import Any
from typing import Dict
from typing import Iterator
from typing import List
from typing import Optional

from ansible_collections.edge.snowball.plugins.module_utils._edge.stop import StopGuard
from ansible_collections.edge.snowball.plugins.module_utils._edge.stop import kill_group
from ansible_collections.edge.snowball.plugins.module_utils._edge.stop import signals_held

PROFILE_NAME = "edge-snowball"
PROFILE_PREFIX = "edge-snowball-client-"
CONFIG_PATH = (".aws", "snowball", "config", "snowball-edge.config")


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
        command = ClientCommand(self.path)
        try:
            yield command
        except BaseException:
            with signals_held():
                command.stop()
            raise
        finally:
            with signals_held():
                command.finished()
                _unlink(self.path)

    def remove(self) -> None:
        with signals_held():
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


# The remover: waits for the end of its stdin (the client's end of a pipe) and removes the profile.
_REMOVER = "import os, sys\nsys.stdin.buffer.read()\ntry:\n    os.unlink(sys.argv[1])\nexcept OSError:\n    pass\n"


class ClientCommand:
    """One running client command, stopped with its whole process group when the module stops.

    The client inherits one end of a pipe whose other end a small remover process, in a session of
    its own, reads: when the client exits, the remover removes the profile, even when the module
    itself is stopped (SIGSTOP, SIGTSTP) and cannot (docs/security-model.md)."""

    def __init__(self, profile_path: str) -> None:
        self.proc: Optional[subprocess.Popen] = None
        read_end, self._client_end = os.pipe()
        try:
            self._remover: Optional[subprocess.Popen] = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _REMOVER, profile_path],
                stdin=read_end,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                close_fds=True,
                start_new_session=True,
            )
        except OSError:
            self._remover = None  # the module still removes the profile itself
        finally:
            os.close(read_end)

    def inherited(self) -> tuple:
        """The file descriptors the client must inherit (``pass_fds``)."""
        return (self._client_end,) if self._client_end is not None else ()

    def started(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self._close_client_end()

    def _close_client_end(self) -> None:
        if self._client_end is not None:
            os.close(self._client_end)
            self._client_end = None

    def finished(self) -> None:
        """The command is over: the remover has seen the pipe close (or is told now) and is gone."""
        self._close_client_end()
        if self._remover is not None:
            try:
                self._remover.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._remover.kill()
                self._remover.wait()
            self._remover = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            kill_group(self.proc)


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
