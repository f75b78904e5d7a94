"""Stopping cleanly on the edge host (plugins/module_utils/_edge/stop.py): a stop signal while the
client runs stops it and removes the private profile that holds the code, then the handler is restored."""

from __future__ import annotations

import os

import pytest

from ansible_collections.edge.snowball.plugins.module_utils._edge import profile as profile_mod

from unit.constants import FAKE_CODE


@pytest.mark.parametrize("signame", ["SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM"])
def test_a_stop_signal_stops_the_client_and_removes_the_profile(
    tmp_path, monkeypatch, signame, fake_client, client_for
):
    import signal
    import threading

    monkeypatch.setattr(profile_mod, "memory_dirs", lambda: [str(tmp_path)])
    client = fake_client(tmp_path / "bin", "import time\ntime.sleep(60)\n")
    before = signal.getsignal(getattr(signal, signame))
    with pytest.raises(SystemExit) as stopped:
        with profile_mod.PrivateProfile("https://192.0.2.10", "/srv/m.bin", FAKE_CODE, []) as profile:
            ec = client_for(client, profile)
            threading.Timer(1.0, os.kill, (os.getpid(), getattr(signal, signame))).start()
            ec.run("describe-device", timeout=30)
    assert stopped.value.code == 128 + getattr(signal, signame)
    assert list(tmp_path.glob(profile_mod.PROFILE_PREFIX + "*")) == []
    assert signal.getsignal(getattr(signal, signame)) == before, "the handler was not restored"
