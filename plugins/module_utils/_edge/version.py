# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: this file is part of edge.snowball's device_unlock/device_info machinery and
# may change without notice. Standard library and ansible-core only (it runs on the edge host).

"""The Snowball Edge client's version (``snowballEdge version``), cached per installed client, and
the refusal of clients from before profiles (2018)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from typing import Optional
from typing import Tuple

from ansible_collections.edge.snowball.plugins.module_utils._edge.client import INSTALL_HINT
from ansible_collections.edge.snowball.plugins.module_utils._edge.client import find_client
from ansible_collections.edge.snowball.plugins.module_utils._edge.errors import DeviceError
from ansible_collections.edge.snowball.plugins.module_utils._edge.output import drop_jvm_banner
from ansible_collections.edge.snowball.plugins.module_utils._edge.stop import kill_group

_VERSION = re.compile(r"version[:\s]+v?(\d+(?:\.\d+)+(?:\s+Build\s+\d+)?)", re.IGNORECASE)
LEGACY_HINT = (
    "edge.snowball needs a Snowball Edge client from 2018 or later: one with the commands unlock-device,"
    " describe-device and version, and profiles (the current client prints 'Snowball Edge client version: 1.2.0"
    " Build 661' or later for 'snowballEdge version'). Install the current client from"
    " https://aws.amazon.com/snowball/resources/ on the edge host."
)
_CACHE_NAME = "snowball-edge-client-versions.json"


def _version_cache_path() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "edge.snowball", _CACHE_NAME)


def _identity(client_path: str) -> Optional[str]:
    """Which client file this is: its real path, size, mtime and inode (a new install changes it)."""
    try:
        real = os.path.realpath(client_path)
        info = os.stat(real)
    except OSError:
        return None
    return f"{real}:{info.st_size}:{info.st_mtime_ns}:{info.st_ino}"


def _cached_version(identity: Optional[str]) -> Optional[str]:
    if identity is None:
        return None
    try:
        with open(_version_cache_path(), encoding="utf-8") as handle:
            cached = json.load(handle).get(identity)
    except (OSError, ValueError, AttributeError):
        return None
    return cached if isinstance(cached, str) else None


def _remember_version(identity: Optional[str], version: str) -> None:
    """Best effort and atomic: a cache that cannot be written costs one client start next time."""
    if identity is None:
        return
    path = _version_cache_path()
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        try:
            with open(path, encoding="utf-8") as handle:
                cache = json.load(handle)
        except (OSError, ValueError):
            cache = {}
        if not isinstance(cache, dict):
            cache = {}
        cache = {key: value for key, value in cache.items() if os.path.exists(key.rsplit(":", 3)[0])}
        cache[identity] = version
        fd, tmp = tempfile.mkstemp(prefix=".versions-", dir=os.path.dirname(path))
        with os.fdopen(fd, "w") as handle:
            json.dump(cache, handle)
        os.replace(tmp, path)
    except OSError:
        pass


def parse_version(text: str) -> Optional[str]:
    """``1.2.0 Build 661`` from ``Snowball Edge client version: 1.2.0 Build 661`` (banner ignored)."""
    found = _VERSION.search(drop_jvm_banner(text))
    return found.group(1) if found else None


def looks_legacy(text: str) -> bool:
    """True when a client's usage text lists the pre-2018 commands (unlock, status) and none of
    the current ones (unlock-device, describe-device)."""
    words = set(re.findall(r"[A-Za-z][\w-]*", drop_jvm_banner(text)))
    return "status" in words and "unlock" in words and not {"unlock-device", "describe-device"} & words


def client_version(client_path: str, timeout: float = 60) -> Optional[str]:
    """The client's version from ``snowballEdge version`` (cached per client file, so one start per
    installed client), None when it does not say; DeviceError for a pre-2018 client."""
    identity = _identity(client_path)
    known = _cached_version(identity)
    if known:
        return known
    try:
        proc = subprocess.Popen(
            [client_path, "version"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as e:
        raise DeviceError(
            f"could not start the Snowball Edge client {client_path}: {e.strerror}. {INSTALL_HINT}"
        ) from None
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        return None
    text = out.decode("utf-8", "replace") + "\n" + err.decode("utf-8", "replace")
    version = parse_version(text) if proc.returncode == 0 else None
    if version:
        _remember_version(identity, version)
        return version
    if looks_legacy(text):
        raise DeviceError(
            f"the Snowball Edge client {client_path} is a version from before 2018 (it has no 'version' command;"
            f" it offers unlock and status): {LEGACY_HINT}"
        )
    return None


def client_and_version(client: str) -> Tuple[str, Optional[str]]:
    """The path of the client the ``client`` option names (``find_client``) and its version
    (``client_version``): what every device module looks up first, and returns as client_version."""
    client_path = find_client(client)
    return client_path, client_version(client_path)
