# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball's file writing (job_manifest on the target,
# export_unlock_codes on the controller); may change without notice. Standard library only.

"""Writing a file atomically: readers (and a run killed half-way) see the old file or the new,
never a part of one."""

from __future__ import annotations

import errno
import os
import secrets
import tempfile
from typing import Optional


def write_atomically(
    path: str, data: bytes, mode: int = 0o600, prefix: Optional[str] = None, suffix: str = ".part"
) -> None:
    """A temporary file with ``mode`` beside ``path`` (``prefix``, default ``.<name>.``, and
    ``suffix``), flushed to disk, renamed over ``path``, then the directory flushed. On any failure
    the temporary file is removed and ``path`` is unchanged."""
    directory = os.path.dirname(path) or "."
    fd, temporary = tempfile.mkstemp(prefix=prefix or f".{os.path.basename(path)}.", suffix=suffix, dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    _sync_directory(directory)


def write_unnamed_first(path: str, data: bytes, mode: int = 0o600) -> None:
    """``write_atomically``, but the data goes into an unnamed file (Linux ``O_TMPFILE``, ``mode``
    from the start) that gets a name only once it is whole and on disk, just before the rename: a run
    killed while writing leaves no file holding a part of ``data``. Where the system or the file
    system has no unnamed files (or no ``/proc`` to name one), ``write_atomically``."""
    directory = os.path.dirname(path) or "."
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not os.path.isdir("/proc/self/fd"):
        return write_atomically(path, data, mode)
    try:
        fd = os.open(directory, flag | os.O_WRONLY, mode)
    except OSError as e:
        if e.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
            return write_atomically(path, data, mode)
        raise
    temporary = os.path.join(directory, f".{os.path.basename(path)}.{secrets.token_hex(4)}.part")
    try:
        os.fchmod(fd, mode)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
        # linkat(AT_SYMLINK_FOLLOW) on /proc's link to the open file; CPython calls linkat (not link,
        # which does not follow) only when a directory fd is given.
        proc = os.open("/proc", os.O_RDONLY)
        try:
            os.link(f"self/fd/{fd}", temporary, src_dir_fd=proc, follow_symlinks=True)
        finally:
            os.close(proc)
    finally:
        os.close(fd)
    try:
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    _sync_directory(directory)
    return None


def _sync_directory(directory: str) -> None:
    """Best effort: the rename is on disk once the directory is (some file systems cannot say)."""
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
