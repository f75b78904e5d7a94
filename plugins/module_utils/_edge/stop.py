# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: this file is part of edge.snowball's device_unlock/device_info machinery and
# may change without notice. Standard library only (it runs on the edge host).

"""Stopping cleanly on the edge host: a stop signal, or a controller that went away, ends the module
through SystemExit so that every ``with`` removes what it holds (the profile with the code); a
clean-up that a second signal must not cut in half; a client's whole process group killed."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import stat
import subprocess
import threading
from typing import Any
from typing import Dict
from typing import Iterator
from typing import Optional

STOP_SIGNALS = ("SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM")


def _stop(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
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


def kill_group(proc: subprocess.Popen) -> Any:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        proc.kill()
    out, err = proc.communicate()
    return out or b"", err or b""
