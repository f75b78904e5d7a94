"""module_utils/_edge/sudo_io_log.py: what the edge host shows about sudo's I/O log of the module's input."""

from __future__ import annotations

import subprocess

import pytest

from ansible_collections.edge.snowball.plugins.module_utils._edge.sudo_io_log import sudo_io_logging
from ansible_collections.edge.snowball.plugins.module_utils._edge.sudo_io_log import sudo_io_warning

UNDER_SUDO = {"SUDO_USER": "ansible", "SUDO_COMMAND": "/bin/sh -c python3"}


def listing(text, rc=0):
    def run(argv, **kwargs):
        assert argv[:3] == ["sudo", "-n", "-l"] and kwargs["stdin"] == subprocess.DEVNULL
        return subprocess.CompletedProcess(argv, rc, text, "")

    return run


def no_sudo(argv, **kwargs):
    raise FileNotFoundError("sudo")


def test_not_under_sudo_says_nothing_and_runs_nothing():
    assert sudo_io_logging({}, run=no_sudo, sudoers=()) is None


def test_log_input_in_sudo_l_is_seen_and_warned_about():
    out = "Matching Defaults entries for ansible on edge:\n    env_reset, log_input, !log_output\n"
    seen = sudo_io_logging(UNDER_SUDO, run=listing(out), sudoers=())
    assert seen == {"input": True, "output": False, "seen_in": ["sudo -l"]}
    assert "sudo -l" in sudo_io_warning(seen) and "I/O log" in sudo_io_warning(seen)


@pytest.mark.parametrize(
    "sudoers, expected",
    [
        ("Defaults log_input\n", True),
        ("Defaults log_input, log_output\nDefaults:ansible !log_input\n", False),
        ("ansible ALL=(ALL) NOPASSWD: LOG_INPUT: ALL\n", True),
        ("ansible ALL=(ALL) NOPASSWD: NOLOG_INPUT: ALL\n", False),
        ("# Defaults log_input\n", None),
    ],
)
def test_sudoers_files_are_read(tmp_path, sudoers, expected):
    folder = tmp_path / "sudoers.d"
    folder.mkdir()
    (folder / "audit").write_text(sudoers)
    (folder / "skipped.bak").write_text("Defaults log_input\n")  # sudo skips names with a dot
    seen = sudo_io_logging(UNDER_SUDO, run=no_sudo, sudoers=(str(tmp_path / "missing"), str(folder)))
    assert seen["input"] is expected
    assert seen["seen_in"] == ([str(folder / "audit")] if expected is not None else [])
    assert (sudo_io_warning(seen) is not None) is bool(expected)


def test_a_password_prompt_or_unreadable_files_leave_it_unknown(tmp_path):
    seen = sudo_io_logging(UNDER_SUDO, run=listing("", rc=1), sudoers=(str(tmp_path / "none"),))
    assert seen == {"input": None, "output": None, "seen_in": []}
    assert sudo_io_warning(seen) is None
