"""The client's version, read once per installed client (plugins/module_utils/_edge/version.py)."""

from __future__ import annotations

import sys

import pytest

from ansible_collections.edge.snowball.plugins.module_utils._edge import errors
from ansible_collections.edge.snowball.plugins.module_utils._edge import version as version_mod


# ---------------------------------------------------------------- the client's version, the job id
def counting_client(tmp_path, body):
    """A client that records each start in a file next to it."""
    path = tmp_path / "bin" / "snowballEdge"
    path.parent.mkdir(exist_ok=True)
    path.write_text(f"#!{sys.executable}\nimport sys\nopen({str(tmp_path / 'starts')!r}, 'a').write('x')\n" + body)
    path.chmod(0o755)
    return str(path)


def starts(tmp_path):
    return len((tmp_path / "starts").read_text()) if (tmp_path / "starts").exists() else 0


def test_the_version_is_read_once_per_installed_client(tmp_path, monkeypatch, jvm_banner):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = counting_client(
        tmp_path,
        f"sys.stderr.write({jvm_banner!r})\nprint('Snowball Edge client version: 1.2.0 Build 661')\n",
    )
    assert version_mod.client_version(path) == "1.2.0 Build 661"
    assert version_mod.client_version(path) == "1.2.0 Build 661"
    assert starts(tmp_path) == 1
    # A new install (another file) is asked again.
    path = counting_client(tmp_path, "print('Snowball Edge client version: 1.3.0 Build 700')\n")
    assert version_mod.client_version(path) == "1.3.0 Build 700" and starts(tmp_path) == 2


def test_a_client_from_before_2018_is_refused_saying_what_is_needed(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = counting_client(
        tmp_path,
        "sys.stderr.write('Unknown command: version\\nCommands:\\n  unlock -i IP -m M -u C\\n  status\\n')\nsys.exit(1)\n",
    )
    with pytest.raises(errors.DeviceError, match="from before 2018.*1.2.0 Build 661"):
        version_mod.client_version(path)


def test_a_client_that_does_not_say_its_version_is_not_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = counting_client(tmp_path, "print('usage: snowballEdge unlock-device describe-device ...')\nsys.exit(2)\n")
    assert version_mod.client_version(path) is None
