"""The target side of job_manifest: atomic write, idempotence, refusals (no AWS here)."""

from __future__ import annotations

import hashlib
import os
import stat
from unittest import mock

import pytest

from ansible_collections.edge.snowball.plugins.modules import job_manifest

from unit.constants import VALID_JOB_ID

MANIFEST = b"SBMANIFEST1\n" + bytes(range(256)) * 8


def args(dest, content=MANIFEST, **extra):
    """What the action plugin passes: src is the copy it put in the target's temporary directory."""
    staged = dest.parent.parent / "ansible-tmp" / "manifest"
    staged.parent.mkdir(exist_ok=True)
    staged.write_bytes(content)
    return {"job_id": VALID_JOB_ID, "dest": str(dest), "src": str(staged), **extra}


@pytest.fixture
def tmp_path(tmp_path):
    """A directory of its own for dest, beside the staging directory."""
    target = tmp_path / "target"
    target.mkdir()
    return target


def test_writes_the_manifest_0600_then_reports_no_change(tmp_path, run_module):
    dest = tmp_path / "manifest.bin"
    first = run_module(job_manifest.main, args(dest))
    assert not first.failed and first.result["changed"]
    assert dest.read_bytes() == MANIFEST
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    assert first.result["sha256"] == hashlib.sha256(MANIFEST).hexdigest()
    second = run_module(job_manifest.main, args(dest))
    assert not second.failed and not second.result["changed"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.bin"]


def test_check_mode_writes_nothing(tmp_path, run_module):
    dest = tmp_path / "manifest.bin"
    result = run_module(job_manifest.main, args(dest, _ansible_check_mode=True))
    assert result.result["changed"] and not dest.exists()


def test_backup_keeps_the_previous_file(tmp_path, run_module):
    dest = tmp_path / "manifest.bin"
    dest.write_bytes(b"old")
    result = run_module(job_manifest.main, args(dest, backup=True))
    assert result.result["changed"]
    assert open(result.result["backup_file"], "rb").read() == b"old"
    assert dest.read_bytes() == MANIFEST


def test_without_the_action_plugin_it_says_so(tmp_path, run_module):
    result = run_module(job_manifest.main, {"job_id": VALID_JOB_ID, "dest": str(tmp_path / "m")})
    assert result.failed and "must run through its action plugin" in result.result["msg"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", b"code: abcde-12345-fghij-67890-klmno\n"),
        ("CODE", b"ABCDE-12345-FGHIJ-67890-KLMNO"),
        ("snowball-edge.config", b'{"profiles": {"p": {"unlockCode": "x"}}}'),
    ],
)
def test_refuses_a_directory_that_holds_a_stored_code(tmp_path, name, content, run_module):
    (tmp_path / name).write_bytes(content)
    result = run_module(job_manifest.main, args(tmp_path / "manifest.bin"))
    assert result.failed and f"{name} looks like a stored unlock code" in result.result["msg"]
    assert not (tmp_path / "manifest.bin").exists()


@pytest.mark.parametrize(
    "content", [b"JIDd7db2543-ce46-5560-916e-b5f651e960ce\n", b"abcde-12345-fghij-67890\n", b"x" * 100]
)
def test_job_ids_and_other_text_are_not_mistaken_for_a_code(tmp_path, content):
    (tmp_path / "readme.txt").write_bytes(content)
    assert job_manifest.stored_code_beside(str(tmp_path), str(tmp_path / "manifest.bin")) is None


def test_a_failed_write_leaves_dest_and_no_temporary_file(tmp_path, run_module):
    dest = tmp_path / "manifest.bin"
    dest.write_bytes(b"previous")
    with mock.patch.object(job_manifest.os, "fsync", side_effect=OSError(28, "No space left on device")):
        result = run_module(job_manifest.main, args(dest))
    assert result.failed and "No space left on device" in result.result["msg"]
    assert dest.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.bin"]


def test_the_write_is_flushed_and_renamed_into_place(tmp_path):
    dest = tmp_path / "manifest.bin"
    calls = []
    real_fsync, real_replace = os.fsync, os.replace
    with mock.patch.object(job_manifest.os, "fsync", side_effect=lambda fd: calls.append("fsync") or real_fsync(fd)):
        with mock.patch.object(
            job_manifest.os, "replace", side_effect=lambda a, b: calls.append("replace") or real_replace(a, b)
        ):
            job_manifest.write_atomically(str(dest), MANIFEST, 0o600)
    assert calls == ["fsync", "replace", "fsync"]  # file, rename, directory
    assert dest.read_bytes() == MANIFEST


@pytest.mark.parametrize(("mode", "expected"), [("0600", 0o600), ("640", 0o640), (0o600, 0o600), ("u=rw", None)])
def test_octal_mode(mode, expected):
    assert job_manifest.octal_mode(mode) == expected


def test_refuses_a_directory_that_holds_a_codes_file(tmp_path, run_module):
    """Issue 22 W9: export_unlock_codes's file is encrypted, so no code shows: any vault file counts."""
    from ansible.parsing.vault import VaultSecret

    from ansible_collections.edge.snowball.plugins.plugin_utils import vaulted_codes

    from unit.constants import FAKE_CODE

    (tmp_path / "site.vault.yml").write_bytes(
        vaulted_codes.encrypt_codes({VALID_JOB_ID: FAKE_CODE}, "site", VaultSecret(b"pw"))
    )
    result = run_module(job_manifest.main, args(tmp_path / "manifest.bin"))
    assert result.failed and "site.vault.yml is an ansible-vault file" in result.result["msg"], result.result
    assert not (tmp_path / "manifest.bin").exists()


def test_refuses_a_dest_that_is_a_fifo(tmp_path, run_module):
    """Issue 22 W3: a FIFO (or device) at dest is not a file to replace."""
    os.mkfifo(tmp_path / "manifest.bin")
    result = run_module(job_manifest.main, args(tmp_path / "manifest.bin"))
    assert result.failed and "is a FIFO (named pipe), not a file the manifest may replace" in result.result["msg"]
    assert stat.S_ISFIFO((tmp_path / "manifest.bin").lstat().st_mode)


def test_a_fifo_beside_dest_is_never_waited_on(tmp_path, fifo):
    fifo("target/pipe")
    assert job_manifest.stored_code_beside(str(tmp_path), str(tmp_path / "manifest.bin")) is None


def test_a_file_named_after_a_code_is_refused_without_showing_its_name(tmp_path, run_module, assert_no_code):
    """The name of a file found beside dest went through no option check: it may be the code."""
    from unit.constants import FAKE_CODE

    (tmp_path / f"{FAKE_CODE}.txt").write_text(f"code: {FAKE_CODE}\n")
    result = run_module(job_manifest.main, args(tmp_path / "manifest.bin"))
    assert result.failed and "its name is not shown" in result.result["msg"], result.result
    assert_no_code(result.result["msg"])
