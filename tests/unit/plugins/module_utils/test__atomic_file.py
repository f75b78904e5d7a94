"""Writing a file atomically (plugins/module_utils/_atomic_file.py): the new file whole, with its
mode, or the old file untouched and no temporary file left."""

from __future__ import annotations

import os
import stat

import pytest

from ansible_collections.edge.snowball.plugins.module_utils._atomic_file import write_atomically
from ansible_collections.edge.snowball.plugins.module_utils._atomic_file import write_unnamed_first


def test_replaces_the_file_with_the_mode_and_leaves_nothing_else(tmp_path):
    path = tmp_path / "codes.vault.yml"
    path.write_bytes(b"old")
    os.chmod(path, 0o644)
    write_atomically(str(path), b"new", mode=0o640)
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640  # not mkstemp's 0600
    assert os.listdir(tmp_path) == ["codes.vault.yml"]


def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary_one(tmp_path):
    path = tmp_path / "manifest.bin"
    path.write_bytes(b"old")
    with pytest.raises(TypeError):
        write_atomically(str(path), "not bytes")  # the write itself fails, after the temporary file exists
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["manifest.bin"]


def test_the_temporary_file_sits_beside_the_target_with_the_given_name(tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace

    def replace(source, target):
        seen.append(os.path.basename(source))
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    write_atomically(str(tmp_path / "x"), b"data", prefix=".export.", suffix=".tmp")
    assert len(seen) == 1 and seen[0].startswith(".export.") and seen[0].endswith(".tmp")


def test_an_unnamed_first_write_replaces_the_file_with_the_mode_and_leaves_nothing_else(tmp_path):
    path = tmp_path / "credentials"
    path.write_bytes(b"old")
    os.chmod(path, 0o644)
    write_unnamed_first(str(path), b"new", mode=0o600)
    assert path.read_bytes() == b"new" and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert os.listdir(tmp_path) == ["credentials"]


def test_an_unnamed_first_write_that_fails_leaves_no_named_file(tmp_path):
    path = tmp_path / "credentials"
    path.write_bytes(b"old")
    with pytest.raises(TypeError):
        write_unnamed_first(str(path), "not bytes")
    assert path.read_bytes() == b"old" and os.listdir(tmp_path) == ["credentials"]


def test_while_an_unnamed_first_write_runs_no_name_holds_the_data(tmp_path, monkeypatch):
    """The data is whole and on disk before any name exists (the names seen at fsync time)."""
    path = tmp_path / "credentials"
    seen = []
    fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (seen.append(sorted(os.listdir(tmp_path))), fsync(fd))[1])
    write_unnamed_first(str(path), b"secret")
    assert seen[0] == [] and path.read_bytes() == b"secret"
