# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball.eks_anywhere_credentials (on the controller); may change without notice.

"""The two files EKS Anywhere reads for Snowball devices, from device_credentials' results:
``EKSA_AWS_CREDENTIALS_FILE`` (INI, one section per device IP with its key pair and
``region = snow``) and ``EKSA_AWS_CA_BUNDLES_FILE`` (the devices' certificates, PEMs one after
the other). Each begins with a comment line naming this module, by which it is recognised as
ours later (a file that does not is never replaced). Messages name a device by its item number
and IP, never by a value of its keys."""

from __future__ import annotations

import ipaddress
from typing import Any
from typing import Dict
from typing import List
from urllib.parse import urlsplit

from ansible_collections.edge.snowball.plugins.module_utils._edge.aws_cli_files import ACCESS_KEY_ID
from ansible_collections.edge.snowball.plugins.module_utils._edge.aws_cli_files import PEM_BLOCK
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._secret import is_secret_key
from ansible_collections.edge.snowball.plugins.module_utils._secret import misplaced_code_refusal
from ansible_collections.edge.snowball.plugins.module_utils._secret import misplaced_key_refusal

CREDENTIALS_HEADER = (
    "# Written by edge.snowball.eks_anywhere_credentials: EKS Anywhere's EKSA_AWS_CREDENTIALS_FILE,"
    " one section per Snowball Edge device IP.\n"
)
CA_BUNDLES_HEADER = (
    "# Written by edge.snowball.eks_anywhere_credentials: EKS Anywhere's EKSA_AWS_CA_BUNDLES_FILE,"
    " the Snowball Edge devices' certificates.\n"
)


def devices_from(items: Any) -> List[Dict[str, str]]:
    """Each device as ``{ip, access_key_id, secret_access_key, pems}``, in the order given; one
    entry per IP. SnowballError, naming the item, for anything that cannot be written."""
    if not isinstance(items, list) or not items:
        raise SnowballError(
            "devices must be a list with one entry per device: the registered result of edge.snowball.device_credentials"
            " on each edge host (see the module's examples)",
            "InvalidArguments",
        )
    devices: Dict[str, Dict[str, str]] = {}
    for number, item in enumerate(items, 1):
        device = _device(number, item)
        earlier = devices.get(device["ip"])
        if earlier is not None and earlier != device:
            raise SnowballError(
                f"devices items give {device['ip']} twice with different keys or certificates (item {number} is the"
                " second): give each device once.",
                "DuplicateDevice",
            )
        devices[device["ip"]] = device
    return list(devices.values())


def _device(number: int, item: Any) -> Dict[str, str]:
    where = f"devices item {number}"
    _refuse_misplaced(where, item)
    ip = _ip(where, item)
    where = f"{where} ({ip})"
    access_key_id = item.get("access_key_id")
    if not isinstance(access_key_id, str) or not ACCESS_KEY_ID.fullmatch(access_key_id):
        raise SnowballError(
            f"{where} has no access_key_id of 16 to 128 capital letters and digits (the value is not shown)",
            "InvalidArguments",
        )
    if not is_secret_key(item.get("secret_access_key")):
        raise SnowballError(
            f"{where} has no secret_access_key of the shape AWS issues (40 letters, digits, / or +; the value is not"
            " shown): give device_credentials' registered result, not its printed output.",
            "InvalidArguments",
        )
    bundle = item.get("ca_bundle")
    pems = PEM_BLOCK.findall(bundle) if isinstance(bundle, str) else []
    if not pems:
        raise SnowballError(
            f"{where} has no certificate in ca_bundle: EKS Anywhere needs the device's certificate; run"
            " device_credentials with certificates: true (its default).",
            "NoCertificate",
        )
    return {
        "ip": ip,
        "access_key_id": access_key_id,
        "secret_access_key": item["secret_access_key"],
        "pems": "".join(pem.replace("\r\n", "\n") + "\n" for pem in pems),
    }


def _refuse_misplaced(where: str, item: Any) -> None:
    """Not a device's result, or a code or key where neither belongs: refused, never shown."""
    if not isinstance(item, dict):
        raise SnowballError(f"{where} is not a dict: give device_credentials' registered result", "InvalidArguments")
    for flag in ("skipped", "failed"):
        if item.get(flag):
            raise SnowballError(
                f"{where} is the result of a {flag} task: it holds no keys. Leave that device out, or run"
                " device_credentials on it first.",
                "NoKeys",
            )
    # ca_bundle is PEM text, whose base64 lines may have a key's or a code's shape by chance: only its PEM
    # blocks are written (checked by the caller); the secret key is checked for its own shape.
    named = {f"{where} {key}": item.get(key) for key in ("ip", "endpoint", "access_key_id")}
    refusal = misplaced_code_refusal(named)
    if refusal:
        raise SnowballError(refusal, "CodeInWrongOption")
    refusal = misplaced_key_refusal(named)
    if refusal:
        raise SnowballError(refusal, "SecretKeyInWrongOption")


def _ip(where: str, item: Dict[str, Any]) -> str:
    """The device's IP address: ``ip``, else the host of ``endpoint`` (device_credentials returns it)."""
    value = item.get("ip")
    if value is None and isinstance(item.get("endpoint"), str):
        try:
            value = urlsplit(item["endpoint"]).hostname
        except ValueError:
            value = None
    try:
        address = ipaddress.ip_address(value if isinstance(value, str) else "")
        # A scope id (fe80::1%eth0) may hold any character, a newline included: never part of a section name.
        if getattr(address, "scope_id", None) is not None:
            raise ValueError("scope id")
        return str(address)
    except ValueError:
        raise SnowballError(
            f"{where} names no device IP address: EKS Anywhere keys each device's credentials by its IP. Give the"
            " item an endpoint of the form https://192.0.2.10 (device_credentials returns the one it used), or an ip.",
            "InvalidArguments",
        ) from None


def credentials_text(devices: List[Dict[str, str]]) -> str:
    sections = [
        f"[{device['ip']}]\n"
        f"aws_access_key_id = {device['access_key_id']}\n"
        f"aws_secret_access_key = {device['secret_access_key']}\n"
        "region = snow\n"
        for device in devices
    ]
    return CREDENTIALS_HEADER + "\n".join(sections)


def ca_bundles_text(devices: List[Dict[str, str]]) -> str:
    return CA_BUNDLES_HEADER + "".join(f"# {device['ip']}\n{device['pems']}" for device in devices)


def ours(data: bytes, header: str) -> bool:
    return data.startswith(header.encode("ascii"))
