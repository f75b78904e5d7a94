# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball's file handling (export_unlock_codes and the lookup's
# codes_file on the controller, job_manifest on both sides); may change without notice.
# Standard library only.

"""Deciding about a path by what it really is, and reading a file that may not be one.

- A path is judged once every symbolic link in it (the file and each parent) is resolved: a link
  named ``codes`` into ``group_vars/all`` is ``group_vars/all``.
- A path with a NUL byte names no file: it is refused before anything else happens (Python would
  only say "embedded null byte", and only when the path is first used).
- A FIFO, socket or device is not a file to read: ``open()`` on a FIFO waits for a writer for ever.
  ``read_regular`` opens with ``O_NONBLOCK`` (a FIFO or device opens at once), checks with ``fstat``
  what it opened, and reads only a regular file.
"""

from __future__ import annotations

import os
import stat
from typing import Optional

from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._secret import holds_unlock_code

#: Directories whose files Ansible loads as variables of every run (and ansible-inventory shows).
VARS_DIRECTORIES = ("group_vars", "host_vars")

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


class NotRegularFileError(SnowballError):
    """The path is something else than a regular file; ``kind`` says what ("a FIFO (named pipe)")."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def nul_problem(path: object, option: str) -> Optional[str]:
    """Why ``path`` (the value of ``option``) can name no file, or None. Never shows the value."""
    if (isinstance(path, str) and "\x00" in path) or (isinstance(path, bytes) and b"\x00" in path):
        return (
            f"{option} holds a NUL byte (\\0), which no file name can hold (the value is not shown): check how"
            " the path is built (a variable read from a binary file?)."
        )
    return None


def shown(path: str) -> str:
    """``path`` for a message, unless a file or directory name in it is shaped like an unlock code
    (a file found on disk, a link's target: no option check saw it), then only where it is."""
    if not holds_unlock_code(path):
        return path
    directory = os.path.dirname(path)
    where = directory if directory and not holds_unlock_code(directory) else "a directory"
    return f"a file in {where} (its name is not shown: it holds something shaped like an unlock code)"


def kind_of(mode: int) -> str:
    """What a file of ``mode`` (``st_mode``) is, in words: "a regular file", "a FIFO (named pipe)", ..."""
    if stat.S_ISREG(mode):
        return "a regular file"
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return "not a regular file"


def not_regular(path: str) -> Optional[str]:
    """What ``path`` is when it exists (links followed) and is not a regular file, else None.
    A dangling link or a missing file is None: nothing is there to refuse."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    return None if stat.S_ISREG(mode) else kind_of(mode)


def vars_directory(path: str) -> Optional[str]:
    """``group_vars`` or ``host_vars`` when ``path`` is inside such a directory, as written or once
    every link in it (the file and each parent) is resolved; else None."""
    for candidate in (os.path.abspath(path), os.path.realpath(path)):
        for folder in os.path.dirname(candidate).split(os.sep):
            if folder in VARS_DIRECTORIES:
                return folder
    return None


def read_regular(path: str, limit: int, follow: bool = True) -> bytes:
    """At most ``limit + 1`` bytes of the regular file ``path``, without ever blocking on a FIFO or a
    device: NotRegularFileError for anything else, before a byte is read; OSError when it cannot be opened.
    ``follow=False`` refuses a path that is itself a link (``O_NOFOLLOW``): give it a real path."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFileError(kind_of(mode))
        chunks = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def missing_directories(directory: str) -> list:
    """The directories to create for ``directory`` to exist, outermost first."""
    missing = []
    while not os.path.isdir(directory):
        missing.append(directory)
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return list(reversed(missing))
