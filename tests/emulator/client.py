"""A stand-in for AWS's ``snowballEdge`` client (the subset the collection uses).

Subcommands, flags, profile file, output text and exit codes follow AWS's
Snowball Edge developer guide:

* ``unlock-device`` / ``describe-device`` with ``--endpoint``, ``--manifest-file``,
  ``--unlock-code`` or ``--profile NAME``;
* ``unlock-cluster`` / ``describe-cluster`` with ``--device-ip-addresses IP...``;
* ``configure --profile NAME`` (answers read from stdin), writing
  ``~/.aws/snowball/config/snowball-edge.config``.

The real client is a Java program, which takes its home directory from the
``user.home`` property (``-Duser.home=`` in ``JAVA_TOOL_OPTIONS``) before the
``HOME`` variable; this one resolves it the same way.

For tests it also:

* appends its argv (and the home it used) as a JSON line to the file named by
  ``SNOWBALL_CLIENT_ARGV_LOG``, so a test can prove no code was on the command line;
* misbehaves on request through ``SNOWBALL_CLIENT_FAULT``: ``echo`` (prints the
  code it used), ``crash`` (dies printing its arguments and profile, code included),
  ``hang`` (never returns).

Standard library only: it runs on the "edge host" with any Python 3.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shlex
import sys
import time
from urllib.parse import urlsplit

CONFIG = os.path.join(".aws", "snowball", "config", "snowball-edge.config")
UNLOCKING_DEVICE = (
    "Your Snowball Edge device is unlocking. You may determine the unlock state of your device using the"
    " describe-device command. Your Snowball Edge device will be available for use when it is in the UNLOCKED state."
)
UNLOCKING_CLUSTER = (
    "Your Snowball Edge Cluster is unlocking. You may determine the unlock state of your cluster using the"
    " describe-cluster command. Your Snowball Edge Cluster will be available for use when all devices are in the"
    " UNLOCKED state."
)


class ClientError(Exception):
    pass


def user_home() -> str:
    for option in shlex.split(os.environ.get("JAVA_TOOL_OPTIONS", "")):
        if option.startswith("-Duser.home="):
            return option.split("=", 1)[1]
    return os.environ.get("HOME") or os.path.expanduser("~")


def _record(argv: list[str]) -> None:
    path = os.environ.get("SNOWBALL_CLIENT_ARGV_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"argv": argv, "pid": os.getpid(), "home": user_home()}) + "\n")


def _load_profile(name: str) -> dict:
    path = os.path.join(user_home(), CONFIG)
    try:
        with open(path, encoding="utf-8") as handle:
            config = json.load(handle)
    except FileNotFoundError:
        raise ClientError(f"Profile {name} was not found: no configuration at {path}.") from None
    except ValueError:
        raise ClientError(f"The configuration file {path} is not valid JSON.") from None
    profile = (config.get("profiles") or {}).get(name)
    if not isinstance(profile, dict):
        raise ClientError(f"Profile {name} was not found in {path}.")
    return profile


def _settings(args: argparse.Namespace) -> dict:
    settings = {"endpoint": args.endpoint, "manifest": args.manifest_file, "code": args.unlock_code, "ips": args.ips}
    if args.profile:
        profile = _load_profile(args.profile)
        settings["endpoint"] = settings["endpoint"] or profile.get("defaultEndpoint")
        settings["manifest"] = settings["manifest"] or profile.get("manifestPath")
        settings["code"] = settings["code"] or profile.get("unlockCode")
        settings["ips"] = settings["ips"] or profile.get("deviceIps") or []
    for key, flag in (("endpoint", "--endpoint"), ("manifest", "--manifest-file"), ("code", "--unlock-code")):
        if not settings[key]:
            raise ClientError(f"Missing required option {flag} (or a --profile that sets it).")
    if not re.match(r"^https?://", settings["endpoint"]):
        raise ClientError(f"Invalid endpoint {settings['endpoint']}: it must start with https://")
    return settings


def _call(endpoint: str, path: str, payload: dict) -> dict:
    # http.client, not urllib.request: this runs once per client command, and urllib.request's
    # imports (email, certifi through ssl) would double the simulated client's start-up.
    import http.client

    parts = urlsplit(endpoint)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = None
    try:
        connection = kind(parts.hostname, parts.port, timeout=10)
        connection.request(
            "POST",
            parts.path.rstrip("/") + path,
            body=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        response = connection.getresponse()
        body = response.read()
    except (OSError, ValueError, http.client.HTTPException) as e:
        raise ClientError(
            f"Could not connect to the Snowball Edge device at {endpoint}: {e}."
            " Check the endpoint and that the device is powered on and reachable."
        ) from None
    finally:
        if connection is not None:
            connection.close()
    if response.status >= 400:
        try:
            detail = json.loads(body).get("message") or response.reason
        except ValueError:
            detail = response.reason
        raise ClientError(f"Unable to complete the request: {detail}")
    try:
        return json.loads(body)
    except ValueError as e:
        raise ClientError(f"Unable to complete the request: the device's answer is not JSON ({e})") from None


def _payload(settings: dict) -> dict:
    try:
        with open(settings["manifest"], "rb") as handle:
            manifest = handle.read()
    except OSError as e:
        raise ClientError(f"Unable to read the manifest file {settings['manifest']}: {e.strerror}.") from None
    return {"manifest": base64.b64encode(manifest).decode(), "unlock_code": settings["code"]}


def _configure(args: argparse.Namespace) -> int:
    def ask(prompt: str, default: str = "") -> str:
        sys.stdout.write(f"{prompt} [{default}]: " if default else f"{prompt}: ")
        sys.stdout.flush()
        return sys.stdin.readline().strip() or default

    name = args.profile or ask("Configuration name", "SnowballEdge")
    profile = {
        "name": name,
        "jobId": "",
        "manifestPath": ask("Snowball Edge Manifest Path"),
        "unlockCode": ask("Unlock code"),
        "defaultEndpoint": ask("Default Endpoint"),
        "isCluster": False,
        "deviceIps": [],
    }
    path = os.path.join(user_home(), CONFIG)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    config = {"version": 1, "profiles": {}}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            config = json.load(handle)
    config["profiles"][name] = profile
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(config, handle)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    _record(["snowballEdge"] + argv)
    parser = argparse.ArgumentParser(prog="snowballEdge")
    parser.add_argument("--version", action="version", version="snowballEdge (edge.snowball test client) 1.2.0")
    parser.add_argument(
        "command", choices=("unlock-device", "describe-device", "unlock-cluster", "describe-cluster", "configure")
    )
    parser.add_argument("--endpoint")
    parser.add_argument("--manifest-file")
    parser.add_argument("--unlock-code")
    parser.add_argument("--profile")
    parser.add_argument("--device-ip-addresses", dest="ips", nargs="+", default=[])
    args = parser.parse_args(argv)
    fault = os.environ.get("SNOWBALL_CLIENT_FAULT", "")

    if args.command == "configure":
        return _configure(args)
    try:
        settings = _settings(args)
        if fault == "crash":
            profile = _load_profile(args.profile) if args.profile else {}
            sys.stderr.write(
                'Exception in thread "main" java.lang.IllegalStateException: internal error\n'
                f"\targuments: {argv}\n\tprofile: {json.dumps(profile)}\n\tcode: {settings['code']}\n"
            )
            return 1
        if fault == "hang":
            while True:
                time.sleep(60)
        payload = _payload(settings)
        if args.command in ("unlock-cluster", "describe-cluster"):
            if not settings["ips"]:
                raise ClientError("Missing required option --device-ip-addresses.")
            payload["device_ips"] = settings["ips"]
        path = {
            "unlock-device": "/device/unlock",
            "describe-device": "/device/describe",
            "unlock-cluster": "/cluster/unlock",
            "describe-cluster": "/cluster/describe",
        }[args.command]
        answer = _call(settings["endpoint"], path, payload)
    except ClientError as e:
        sys.stderr.write(f"{e}\n")
        return 1
    if fault == "echo":
        print(f"Using unlock code {settings['code']} and manifest {settings['manifest']}")
    if args.command == "unlock-device":
        print(UNLOCKING_DEVICE)
    elif args.command == "unlock-cluster":
        print(UNLOCKING_CLUSTER)
    else:
        print(json.dumps(answer, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
