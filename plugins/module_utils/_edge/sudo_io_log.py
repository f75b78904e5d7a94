# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: this file is part of edge.snowball's device_unlock/device_info machinery and
# may change without notice. Standard library only (it runs on the edge host).

"""Whether sudo keeps an I/O log of this module's input on the edge host.

With ``become_method: sudo`` and pipelining, ansible-core writes the module and its arguments (the
unlock code) to sudo's standard input. sudoers ``Defaults log_input`` (or a ``LOG_INPUT:`` tag on the
matching rule) makes sudo record that input under its I/O log directory (``iolog_dir``,
``/var/log/sudo-io`` by default), in clear. By the time the module runs, its input has been read, so
this can only tell, not prevent: the module warns and reports what it saw (``sudo_io_log``). It looks
where it may without asking for anything: ``sudo -n -l`` (no password prompt; as root, for the user who
ran sudo) and the sudoers files it can read. Nothing seen is not proof of no logging (a rule may be in
LDAP or sssd, or unreadable).
"""

from __future__ import annotations

import glob
import os
import re
import subprocess
from typing import Callable
from typing import Dict
from typing import List
from typing import Mapping
from typing import Optional

SUDOERS = ("/etc/sudoers", "/etc/sudoers.d")
# A Defaults entry or a command tag: log_input / !log_input / LOG_INPUT: / NOLOG_INPUT: (and _output)
_FLAG = re.compile(r"(!?)\blog_(input|output)\b|\b(NO)?LOG_(INPUT|OUTPUT):")


def _flags(text: str) -> Dict[str, bool]:
    """``{"input": bool, "output": bool}`` for what ``text`` (sudoers lines or ``sudo -l`` output) sets;
    a later setting overrides an earlier one; comments are skipped."""
    found: Dict[str, bool] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0] if not line.lstrip().startswith(("#include", "#includedir")) else ""
        for match in _FLAG.finditer(line):
            if match.group(2):
                found[match.group(2)] = not match.group(1)
            else:
                found[match.group(4).lower()] = not match.group(3)
    return found


def _sudo_list(environ: Mapping[str, str], run: Callable) -> Optional[str]:
    """``sudo -n -l`` for the user who ran sudo (as root) or oneself; None when it cannot be read."""
    argv = ["sudo", "-n", "-l"]
    user = environ.get("SUDO_USER")
    if user and os.geteuid() == 0:
        argv += ["-U", user]
    try:
        done = run(argv, capture_output=True, text=True, timeout=10, check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _sudoers_texts(paths) -> List[tuple]:
    found = []
    for path in paths:
        if os.path.isdir(path):
            # sudo skips the files of an includedir whose names end in ~ or contain a dot
            names = [
                name
                for name in sorted(glob.glob(os.path.join(path, "*")))
                if not re.search(r"[~.]", os.path.basename(name))
            ]
        else:
            names = [path]
        for name in names:
            try:
                with open(name, encoding="utf-8", errors="replace") as handle:
                    found.append((name, handle.read(1024 * 1024)))
            except OSError:
                continue
    return found


def sudo_io_logging(
    environ: Optional[Mapping[str, str]] = None, run: Callable = subprocess.run, sudoers=SUDOERS
) -> Optional[Dict[str, object]]:
    """What this host says about sudo's I/O log of this module, when it runs under sudo; None otherwise.

    ``{"input": True|False|None, "output": True|False|None, "seen_in": [...]}``: None means not seen (which is
    no proof: rules can live in LDAP or sssd, files can be unreadable); ``seen_in`` names where it looked and
    found a setting (``sudo -l``, a sudoers file). Never raises.
    """
    environ = os.environ if environ is None else environ
    if not (environ.get("SUDO_COMMAND") or environ.get("SUDO_USER")):
        return None
    result: Dict[str, object] = {"input": None, "output": None, "seen_in": []}
    listed = _sudo_list(environ, run)
    sources = ([("sudo -l", listed)] if listed else []) + _sudoers_texts(sudoers)
    for where, text in sources:
        flags = _flags(text)
        for stream in ("input", "output"):
            if stream in flags and (result[stream] is None or flags[stream]):
                result[stream] = flags[stream]
        if flags:
            result["seen_in"].append(where)
    return result


def sudo_io_warning(seen: Optional[Dict[str, object]]) -> Optional[str]:
    """The warning to give when sudo logs this module's input, or None."""
    if not seen or not seen.get("input"):
        return None
    return (
        "sudo on this edge host logs the input of the commands it runs (log_input, seen in "
        f"{', '.join(seen['seen_in'])}): ansible-core pipelines this module and its arguments, the unlock code"
        " included, through sudo, so they have been written to sudo's I/O log (iolog_dir, /var/log/sudo-io by"
        " default) in clear. Remove those logs, and turn input logging off for Ansible's commands (for example"
        " 'Defaults:ansible !log_input' in sudoers) or connect as a user that needs no become."
    )
