# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball's file writing (job_manifest on the target,
# export_unlock_codes on the controller); may change without notice. Standard library only.

"""Writing a file atomically: readers (and a run killed half-way) see the old file or the new,
never a part of one."""

from __future__ import annotations

import os
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
