"""The private profile that hands the code to the client, its sweep and the stop-signal guard
(plugins/module_utils/_edge/profile.py)."""

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.edge.snowball.plugins.module_utils._edge import profile as profile_mod

from unit.constants import FAKE_CODE


# ---------------------------------------------------------------- the private profile
def test_profile_is_private_in_memory_and_exists_only_while_active(tmp_path, monkeypatch):
    monkeypatch.setenv("JAVA_TOOL_OPTIONS", "-Xmx1g")
    with profile_mod.PrivateProfile("https://192.0.2.10", "/srv/m.bin", FAKE_CODE, []) as profile:
        home = profile.home
        config = os.path.join(home, *profile_mod.CONFIG_PATH)
        if profile_mod.memory_dirs():
            assert home.startswith(tuple(profile_mod.memory_dirs())), "the home must be in memory-backed storage"
        assert stat.S_IMODE(os.stat(home).st_mode) == 0o700
        assert not os.path.exists(config), "no code on disk before a client command"
        with profile.active():
            assert stat.S_IMODE(os.stat(config).st_mode) == 0o600
            data = json.load(open(config))["profiles"][profile_mod.PROFILE_NAME]
            assert data["unlockCode"] == FAKE_CODE and data["defaultEndpoint"] == "https://192.0.2.10"
        assert not os.path.exists(config), "the profile outlived its client command"
        env = profile.environment()
        assert env["HOME"] == home
        assert env["JAVA_TOOL_OPTIONS"] == f"-Xmx1g -Duser.home={home}"
    assert not os.path.exists(home)


def test_profile_home_falls_back_to_tmpdir_without_memory_storage(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(profile_mod, "memory_dirs", lambda: [])
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with profile_mod.PrivateProfile("https://192.0.2.10", "/srv/m.bin", FAKE_CODE, []) as profile:
        assert profile.home.startswith(str(tmp_path))


def test_profile_is_removed_when_the_task_fails(tmp_path, monkeypatch):
    monkeypatch.setattr(profile_mod, "memory_dirs", lambda: [str(tmp_path)])
    with pytest.raises(RuntimeError):
        with profile_mod.PrivateProfile("https://192.0.2.10", "/srv/m.bin", FAKE_CODE, []) as profile:
            with profile.active():
                raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_sweep_removes_only_homes_whose_module_is_gone(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(profile_mod, "memory_dirs", lambda: [str(tmp_path)])
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    # a home of a killed module: its lock file, held by no one
    dead = tmp_path / (profile_mod.PROFILE_PREFIX + "dead")
    (dead / ".aws").mkdir(parents=True)
    (dead / ".lock").write_text("")
    (dead / ".aws" / "snowball-edge.config").write_text(FAKE_CODE)
    # a 1.0.0 home (no lock), old, and a fresh one that may be being created
    old = tmp_path / (profile_mod.PROFILE_PREFIX + "old")
    old.mkdir()
    os.utime(old, (0, 0))
    fresh = tmp_path / (profile_mod.PROFILE_PREFIX + "fresh")
    fresh.mkdir()
    unrelated = tmp_path / "someone-else"
    unrelated.mkdir()
    with profile_mod.PrivateProfile("https://192.0.2.10", "/srv/m.bin", FAKE_CODE, []) as live:
        removed = profile_mod.sweep_stale_profiles()
        assert os.path.isdir(live.home), "a running module's home was swept"
    assert sorted(removed) == []  # the sweep on entering already took the dead and old ones
    assert not dead.exists() and not old.exists()
    assert fresh.exists() and unrelated.exists()


def test_the_job_id_goes_into_the_profile():
    job_id = "JID123e4567-e89b-12d3-a456-426655440000"
    # The profile exists only while a client command runs (profile.active()).
    with profile_mod.PrivateProfile("https://192.0.2.10", "/m", FAKE_CODE, [], job_id) as profile, profile.active():
        with open(os.path.join(profile.home, *profile_mod.CONFIG_PATH), encoding="utf-8") as handle:
            config = json.load(handle)
    assert config["profiles"][profile_mod.PROFILE_NAME]["jobId"] == job_id
