"""Fixtures of the edge client's tests: a stand-in ``snowballEdge`` (a Python script), an EdgeClient
on it, a device description and the JVM's banner."""

from __future__ import annotations

import sys

import pytest

from ansible_collections.edge.snowball.plugins.module_utils._edge import client as snowball_edge_client

from unit.constants import FAKE_CODE


@pytest.fixture
def fake_client():
    """``fake_client(directory, body)``: the path of an executable 'client' written in Python that
    runs ``body`` with ``sys.argv`` and ``profile`` (the private profile's entry) at hand."""

    def write(directory, body: str) -> str:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "fake-snowballEdge"
        path.write_text(
            f"#!{sys.executable}\nimport json, os, sys\n"
            "profile = json.load(open(os.path.join(os.environ['HOME'], '.aws/snowball/config/snowball-edge.config')))"
            "['profiles']['edge-snowball']\n" + body
        )
        path.chmod(0o755)
        return str(path)

    return write


@pytest.fixture
def client_for():
    """``client_for(path, profile, cluster_ips=None)``: an EdgeClient running ``path`` with FAKE_CODE."""

    def build(path, profile, cluster_ips=None):
        return snowball_edge_client.EdgeClient(path, "https://192.0.2.10", FAKE_CODE, profile, cluster_ips)

    return build


@pytest.fixture
def edge_device():
    """``edge_device(state, ip, reach)``: one device as ``describe-device`` (or a cluster's entry) shows it."""

    def build(state, ip="192.0.2.10", reach=None):
        entry = {"DeviceId": "JID1", "UnlockStatus": {"State": state}, "ActiveNetworkInterface": {"IpAddress": ip}}
        if reach:
            entry["NetworkReachability"] = {"State": reach}
        return entry

    return build


@pytest.fixture
def jvm_banner():
    """The line the JVM prints on stderr when JAVA_TOOL_OPTIONS is set (the profile sets it)."""
    return "Picked up JAVA_TOOL_OPTIONS: -Duser.home=/tmp/edge-snowball-client-x\n"
