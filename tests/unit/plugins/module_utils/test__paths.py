"""Paths judged by what they really are, and files read without blocking (module_utils/_paths.py)."""

from __future__ import annotations

import os
import socket

import pytest

from ansible_collections.edge.snowball.plugins.module_utils import _paths

from unit.constants import TYPED_CODES


@pytest.mark.parametrize("path", ["a\0b", b"a\0b", "\0"])
def test_a_nul_byte_is_named_and_the_value_never_shown(path):
    problem = _paths.nul_problem(path, "dest")
    assert problem.startswith("dest holds a NUL byte") and "a\0b" not in problem


@pytest.mark.parametrize("path", ["/media/key/codes.vault.yml", "", None, 5])
def test_ordinary_values_have_no_nul_problem(path):
    assert _paths.nul_problem(path, "dest") is None


def test_vars_directory_as_written_and_through_links(tmp_path):
    all_vars = tmp_path / "inv" / "host_vars" / "edge1"
    all_vars.mkdir(parents=True)
    (tmp_path / "key").symlink_to(all_vars)
    (tmp_path / "file-link.yml").symlink_to(all_vars / "codes.yml")
    assert _paths.vars_directory(str(all_vars / "codes.yml")) == "host_vars"
    assert _paths.vars_directory(str(tmp_path / "key" / "codes.yml")) == "host_vars"
    assert _paths.vars_directory(str(tmp_path / "key" / "new" / "codes.yml")) == "host_vars"
    assert _paths.vars_directory(str(tmp_path / "file-link.yml")) == "host_vars"
    assert _paths.vars_directory(str(tmp_path / "codes.yml")) is None
    # A directory merely named like one, but not a parent, is not one.
    assert _paths.vars_directory(str(tmp_path / "group_vars.yml")) is None


def test_read_regular_reads_a_file_and_refuses_anything_else_unopened_or_unread(tmp_path, fifo):
    path = tmp_path / "codes.yml"
    path.write_bytes(b"x" * 100)
    assert _paths.read_regular(str(path), 10) == b"x" * 11
    assert _paths.read_regular(str(path), 1000) == b"x" * 100
    with pytest.raises(_paths.NotRegularFileError) as refused:
        _paths.read_regular(str(fifo("pipe")), 10)
    assert refused.value.kind == "a FIFO (named pipe)"
    with pytest.raises(_paths.NotRegularFileError, match="a character device"):
        _paths.read_regular("/dev/null", 10)
    with pytest.raises(_paths.NotRegularFileError, match="a directory"):
        _paths.read_regular(str(tmp_path), 10)


def test_read_regular_without_follow_refuses_a_link(tmp_path):
    (tmp_path / "real.yml").write_bytes(b"data")
    (tmp_path / "link.yml").symlink_to(tmp_path / "real.yml")
    assert _paths.read_regular(str(tmp_path / "link.yml"), 10) == b"data"
    with pytest.raises(OSError):
        _paths.read_regular(str(tmp_path / "link.yml"), 10, follow=False)


def test_not_regular_names_what_is_there(tmp_path, fifo):
    (tmp_path / "file").write_text("x")
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(tmp_path / "s"))
        assert _paths.not_regular(str(tmp_path / "s")) == "a socket"
    finally:
        sock.close()
    assert _paths.not_regular(str(fifo("pipe"))) == "a FIFO (named pipe)"
    assert _paths.not_regular(str(tmp_path / "file")) is None
    assert _paths.not_regular(str(tmp_path / "missing")) is None
    os.symlink(tmp_path / "missing", tmp_path / "dangling")
    assert _paths.not_regular(str(tmp_path / "dangling")) is None


def test_shown_hides_a_name_shaped_like_a_code():
    from unit.constants import FAKE_CODE

    assert _paths.shown("/media/key/manifest.bin") == "/media/key/manifest.bin"
    assert _paths.shown(f"/media/key/{FAKE_CODE}.txt").startswith("a file in /media/key (its name is not shown")
    assert FAKE_CODE not in _paths.shown(f"/media/{FAKE_CODE}/x.txt")


@pytest.mark.parametrize("form", TYPED_CODES)
def test_shown_hides_a_name_holding_any_typed_form_of_a_code(form):
    from unit.constants import FAKE_CODE

    for path in (f"/media/key/{form}.txt", f"/media/{form}/x.txt"):
        shown = _paths.shown(path)
        assert "its name is not shown" in shown and form not in shown
        assert not [group for group in FAKE_CODE.split("-")[1:4] if group in shown]
