"""Command line of the Snowball emulator.

  python -m emulator serve [--port N] [--url-file F]
      serve in the foreground, print the URL, stop cleanly on Ctrl-C / SIGTERM.
  python -m emulator run [options] -- COMMAND [ARGS...]
      start the emulator, run COMMAND with its URL and credentials in the
      environment, stop the emulator, exit with COMMAND's status. Nothing is
      left running.
  python -m emulator run [options] -- COMMAND [ARGS...] --offline-- COMMAND2 [ARGS...]
      the same, then stop the Snowball API (the devices keep running) and run
      COMMAND2 with the same environment: a disconnected site, where any AWS
      call fails. Exits with the first failing status.

Both also start a simulated Snowball Edge device for each job in
``device.DEMO_DEVICES`` (ready1 on 127.0.0.11, ..., the cluster on
127.0.0.21-23), all on ``--device-port`` (9091 by default), and ``run`` puts the
simulated ``snowballEdge`` client first on COMMAND's PATH and the devices' port in
SNOWBALL_DEVICE_PORT.

Run with ``PYTHONPATH=tests`` from the repository root.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading

from . import device_management
from .api import CREDENTIALS
from .api import DEFAULT_ACCESS_KEY
from .api import EmulatorServer
from .device import DEMO_DEVICES
from .device import DEMO_PORT
from .device import DeviceFleet
from .jobs import default_jobs

#: Separates the connected command from the disconnected one.
OFFLINE = "--offline--"
CLIENT_BIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin")


def _environment(url: str, fleet: DeviceFleet | None) -> dict[str, str]:
    env = dict(os.environ)
    if fleet is not None:
        env["SNOWBALL_DEVICE_PORT"] = str(fleet.port)
    env.update(
        PATH=CLIENT_BIN + os.pathsep + os.environ.get("PATH", ""),
        SNOWBALL_EMULATOR_URL=url,
        AWS_ENDPOINT_URL_SNOWBALL=url,
        AWS_ENDPOINT_URL_SNOW_DEVICE_MANAGEMENT=url,
        AWS_ACCESS_KEY_ID=DEFAULT_ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY=CREDENTIALS[DEFAULT_ACCESS_KEY][0],
        AWS_REGION=os.environ.get("AWS_REGION", "us-east-1"),
        AWS_DEFAULT_REGION=os.environ.get("AWS_REGION", "us-east-1"),
    )
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        env.pop(name, None)
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m emulator", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every API call")
    parser.add_argument("--extra-jobs", type=int, default=0, help="add N WithCustomer jobs named fleet1..fleetN")
    parser.add_argument("--url-file", help="also write the URL to this file")
    parser.add_argument("--device-port", type=int, default=DEMO_PORT, help="port of every simulated device (0: free)")
    parser.add_argument("--unlock-delay", type=float, default=1.0, help="seconds a device spends UNLOCKING")
    parser.add_argument(
        "--execution-time", type=float, default=None, help="seconds a Snow Device Management unlock task runs"
    )
    parser.add_argument("--boot-time", type=float, default=0.0, help="seconds before the devices answer (booting)")
    parser.add_argument("--no-devices", action="store_true", help="start no simulated device")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    parser.add_argument("command", choices=("serve", "run"))
    parser.add_argument("argv", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.command == "serve" and args.argv:
        if {"-h", "--help"} & set(args.argv):
            parser.print_help()
            return 0
        parser.error(f"serve takes no command, got {' '.join(args.argv)} (did you mean run?)")

    server = EmulatorServer(
        args.host, args.port, jobs=default_jobs(extra=args.extra_jobs), latency=args.latency, verbose=args.verbose
    )
    server.start()
    if args.execution_time is not None:
        device_management.configure(server, execution_time=args.execution_time)
    fleet = None
    if not args.no_devices:
        fleet = DeviceFleet(
            server.state.by_name,
            DEMO_DEVICES,
            port=args.device_port,
            unlock_delay=args.unlock_delay,
            boot_time=args.boot_time,
        )
        try:
            fleet.start()
        except OSError as e:
            server.stop()
            parser.exit(2, f"cannot start the simulated devices on port {args.device_port}: {e}\n")
    if args.url_file:
        with open(args.url_file, "w", encoding="utf-8") as handle:
            handle.write(server.url + "\n")
    try:
        if args.command == "serve":
            print(server.url, flush=True)
            for name, endpoint in (fleet.public()["endpoints"] if fleet else {}).items():
                print(f"device {name}: {endpoint}", flush=True)
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            try:
                stop.wait()
            except KeyboardInterrupt:
                pass
            return 0
        command = args.argv[1:] if args.argv[:1] == ["--"] else args.argv
        offline = []
        if OFFLINE in command:
            command, offline = command[: command.index(OFFLINE)], command[command.index(OFFLINE) + 1 :]
        if not command or (OFFLINE in args.argv and not offline):
            parser.error(f"run needs a command after -- (and one after {OFFLINE} when given)")
        env = _environment(server.url, fleet)
        status = subprocess.call(command, env=env)
        if status or not offline:
            return status
        server.stop()
        print(
            f"\n*** Snowball API stopped at {server.url}: no AWS from here on (the devices still run) ***\n", flush=True
        )
        return subprocess.call(offline, env=env)
    finally:
        if fleet is not None:
            fleet.stop()
        server.stop()
        if args.url_file and os.path.exists(args.url_file):
            os.unlink(args.url_file)


if __name__ == "__main__":
    sys.exit(main())
