"""A stand-in for AWS's ``snowballEdge`` client (the subset the collection uses).

Subcommands, flags, profile file, output text and exit codes follow AWS's
Snowball Edge developer guide:

* ``unlock-device`` / ``describe-device`` with ``--endpoint``, ``--manifest-file``,
  ``--unlock-code`` or ``--profile NAME``;
* ``unlock-cluster`` / ``describe-cluster`` with ``--device-ip-addresses IP...``;
* ``configure --profile NAME`` (answers read from stdin), writing
  ``~/.aws/snowball/config/snowball-edge.config``;
* after the unlock: ``list-access-keys`` (JSON), ``get-secret-access-key --access-key-id ID`` (INI
  text, not JSON: a ``[snowballEdge]`` section with ``aws_access_key_id`` and
  ``aws_secret_access_key``), ``list-certificates`` (JSON), ``get-certificate --certificate-arn ARN``
  (the PEM), ``list-services`` and ``describe-service --service-id ID`` (JSON); on a device that is
  not UNLOCKED they fail as every refused command does.

The real client is a Java program, which takes its home directory from the
``user.home`` property (``-Duser.home=`` in ``JAVA_TOOL_OPTIONS``) before the
``HOME`` variable; this one resolves it the same way.

Like the real client (a Java program), it prints the JVM's banner on stderr at every start
when ``JAVA_TOOL_OPTIONS`` (or ``_JAVA_OPTIONS``, ``JDK_JAVA_OPTIONS``) is set, as HotSpot does:
``Picked up JAVA_TOOL_OPTIONS: …``. The module sets that variable (``-Duser.home``), so the banner
is always there. Its failures read like a Java client's (AWS SDK and java.net wording, such as
``Unable to execute HTTP request: Connect to 127.0.0.99:9091 [/127.0.0.99] failed: Connection
refused (Connection refused)``) and exit with status 1; the real texts are not published, so
the collection must not depend on them. ``snowballEdge version`` prints
``Snowball Edge client version: 1.2.0 Build 661``; there is no ``--version`` flag.

For tests it also:

* appends its argv (and the home it used) as a JSON line to the file named by
  ``SNOWBALL_CLIENT_ARGV_LOG``, so a test can prove no code was on the command line;
* prints its errors on stdout instead of stderr with ``SNOWBALL_CLIENT_ERRORS=stdout``;
* behaves like a client from before 2018 with ``SNOWBALL_CLIENT_MODE=legacy``: only the
  commands ``unlock`` and ``status``, no profiles, no ``version``;
* misbehaves on request through ``SNOWBALL_CLIENT_FAULT``: ``echo`` (prints the
  code it used), ``crash`` (dies printing its arguments and profile, code included),
  ``hang`` (never returns), and the careless ones (``CARELESS_FAULTS``): ``cut-hang`` (a long line
  with the code straddling 1,000 characters, then never returns), ``split`` (the code split between
  stderr and stdout), ``arrays`` (the code as Java's Arrays.toString prints it); ``slow`` answers
  after ``SNOWBALL_CLIENT_SLOW`` seconds (3);
  ``echo-secret`` (every after-the-unlock command fetches the device's
  first secret access key, then fails quoting it, standing alone and JSON-escaped; also
  ``get-secret-access-key`` itself, so the caller does not know the key yet when it reads the text).

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


VERSION = "Snowball Edge client version: 1.2.0 Build 661"
LEGACY_USAGE = """usage: snowballEdge <command> [options]
Commands:
  unlock    -i <device IP> -m <manifest file> -u <unlock code>   unlock the Snowball Edge device
  status                                                          show the status of the device
  ls, cp, rm, mkdir, test, validate                               work with the device's storage
"""


def jvm_banner() -> None:
    """What HotSpot prints on stderr when these variables are set (the launcher's NOTE first)."""
    if os.environ.get("JDK_JAVA_OPTIONS"):
        sys.stderr.write(f"NOTE: Picked up JDK_JAVA_OPTIONS: {os.environ['JDK_JAVA_OPTIONS']}\n")
    for name in ("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS"):
        if os.environ.get(name):
            sys.stderr.write(f"Picked up {name}: {os.environ[name]}\n")
    sys.stderr.flush()


def say_error(text: str) -> None:
    stream = sys.stdout if os.environ.get("SNOWBALL_CLIENT_ERRORS") == "stdout" else sys.stderr
    stream.write(text + "\n")
    stream.flush()


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
    stage = "connect"
    try:
        connection = kind(parts.hostname, parts.port, timeout=10)
        connection.connect()
        stage = "read"
        connection.request(
            "POST",
            parts.path.rstrip("/") + path,
            body=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        response = connection.getresponse()
        body = response.read()
    except (OSError, ValueError, http.client.HTTPException) as e:
        raise ClientError(_java_words(parts, e, stage)) from None
    finally:
        if connection is not None:
            connection.close()
    if response.status >= 400:
        try:
            answer = json.loads(body)
            detail = answer.get("message") or response.reason
            code = answer.get("code") or "SnowballDeviceException"
        except ValueError:
            detail, code = response.reason, "SnowballDeviceException"
        raise ClientError(
            f"{detail} (Service: AWSSnowballDevice; Status Code: {response.status}; Error Code: {code};"
            f" Request ID: {os.urandom(8).hex()})"
        )
    try:
        return json.loads(body)
    except ValueError as e:
        raise ClientError(f"Unable to unmarshall response ({e}). Response Code: {response.status}") from None


def _java_words(parts, error: Exception, stage: str) -> str:
    """How a Java client (AWS SDK over Apache HttpClient) words a failure to talk to the device."""
    import http.client
    import socket

    where = f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"
    if isinstance(error, ConnectionRefusedError):
        cause = f"Connect to {where} [/{parts.hostname}] failed: Connection refused (Connection refused)"
    elif isinstance(error, socket.timeout) and stage == "connect":
        cause = f"Connect to {where} [/{parts.hostname}] failed: connect timed out"
    elif isinstance(error, socket.timeout):
        cause = "Read timed out"
    elif isinstance(error, ConnectionResetError):
        cause = "Connection reset"
    elif isinstance(error, (http.client.RemoteDisconnected, http.client.BadStatusLine, ConnectionAbortedError)):
        cause = "The target server failed to respond"
    elif isinstance(error, OSError) and error.errno in (101, 113):
        cause = f"Connect to {where} [/{parts.hostname}] failed: No route to host (Host unreachable)"
    else:
        cause = f"{type(error).__name__}: {error}"
    return f"Unable to execute HTTP request: {cause}"


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


def _legacy(argv: list[str]) -> int:
    """A client from before 2018: ``unlock -i IP -m MANIFEST -u CODE`` and ``status``, no profiles."""
    command = argv[0] if argv else ""
    if command not in ("unlock", "status"):
        sys.stderr.write(f"Unknown command: {command or '(none)'}\n{LEGACY_USAGE}")
        return 1
    sys.stdout.write("This simulated legacy client only knows its usage.\n")
    return 0


def _long_line_then_hang(code: str) -> int:
    """971 characters, the code, more words, then no end: a time-out cuts its words at 1,000 characters."""
    print("x" * 971 + code + " and more words after it", flush=True)
    while True:
        time.sleep(60)


def _split_over_streams(code: str) -> int:
    """The code's first part on stderr, the rest on stdout, then a failure."""
    sys.stderr.write(f"Exception: bad unlock code {code[:14]}\n")
    sys.stdout.write(f"{code[14:]} was refused\n")
    return 1


def _java_arrays(code: str) -> int:
    """What Java's Arrays.toString prints of the code's characters and of its bytes, then a failure."""
    chars = ", ".join(code)
    numbers = ", ".join(str(byte) for byte in code.encode())
    sys.stderr.write(f"java.lang.IllegalArgumentException: code [{chars}] bytes [{numbers}]\n")
    return 1


#: Faults of a careless program that prints the code in pieces or transformed (issue 22).
CARELESS_FAULTS = {"cut-hang": _long_line_then_hang, "split": _split_over_streams, "arrays": _java_arrays}


#: The commands for a device once it is unlocked, and the flag each one needs.
AFTER_UNLOCK = {
    "list-access-keys": None,
    "get-secret-access-key": "access_key_id",
    "list-certificates": None,
    "get-certificate": "certificate_arn",
    "list-services": None,
    "describe-service": "service_id",
}


def _after_unlock(args: argparse.Namespace, settings: dict, payload: dict, fault: str) -> int:
    """One of the commands for an unlocked device; its output as the developer guide shows it."""
    flag = AFTER_UNLOCK[args.command]
    if flag and not getattr(args, flag):
        raise ClientError(f"Missing required option --{flag.replace('_', '-')}.")
    if flag:
        payload[flag] = getattr(args, flag)
    if fault == "echo-secret":
        keys = _call(settings["endpoint"], "/device/list-access-keys", dict(payload))
        first = dict(payload, access_key_id=keys["AccessKeyIds"][0])
        secret = _call(settings["endpoint"], "/device/get-secret-access-key", first)["SecretAccessKey"]
        raise ClientError(
            f'Exception in thread "main" com.amazonaws.SdkClientException: {args.command} failed while'
            f" caching credentials {secret} for {keys['AccessKeyIds'][0]}: "
            + json.dumps({"aws_secret_access_key": secret}).replace("/", "\\/")
        )
    answer = _call(settings["endpoint"], f"/device/{args.command}", payload)
    if args.command == "get-secret-access-key":
        print(
            "[snowballEdge]\n"
            f"aws_access_key_id = {answer['AccessKeyId']}\n"
            f"aws_secret_access_key = {answer['SecretAccessKey']}"
        )
    elif args.command == "get-certificate":
        sys.stdout.write(answer["Certificate"])
    else:
        print(json.dumps(answer, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    _record(["snowballEdge"] + argv)
    jvm_banner()
    if os.environ.get("SNOWBALL_CLIENT_MODE") == "legacy":
        return _legacy(argv)
    if argv[:1] == ["version"]:
        print(VERSION)
        return 0
    parser = argparse.ArgumentParser(prog="snowballEdge")
    parser.add_argument(
        "command",
        choices=("unlock-device", "describe-device", "unlock-cluster", "describe-cluster", "configure", *AFTER_UNLOCK),
    )
    parser.add_argument("--endpoint")
    parser.add_argument("--manifest-file")
    parser.add_argument("--unlock-code")
    parser.add_argument("--profile")
    parser.add_argument("--device-ip-addresses", dest="ips", nargs="+", default=[])
    parser.add_argument("--access-key-id")
    parser.add_argument("--certificate-arn")
    parser.add_argument("--service-id")
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
        if fault in CARELESS_FAULTS:
            return CARELESS_FAULTS[fault](settings["code"])
        if fault == "hang":
            while True:
                time.sleep(60)
        if fault == "slow":  # answers, but only after a while (for a test that stops the module meanwhile)
            time.sleep(float(os.environ.get("SNOWBALL_CLIENT_SLOW", "3")))
        payload = _payload(settings)
        if args.command in AFTER_UNLOCK:
            return _after_unlock(args, settings, payload, fault)
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
        say_error(str(e))
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
