"""Simulated Snowball Edge devices, one per job, each on its own loopback address.

A real device answers the Snowball Edge client on its own IP address. Here every
device listens on ``127.0.0.N:PORT`` (Linux routes all of 127/8 to loopback), all
devices of one fleet on the same port, so a cluster's ``--device-ip-addresses``
are plain IP addresses as on a real network.

A device knows its job's manifest and unlock code (the very ``Job`` objects of
the API emulator) and refuses any other. Unlocking goes ``LOCKED`` ->
``UNLOCKING`` -> ``UNLOCKED`` after ``unlock_delay`` seconds.

The wire format between the simulated client (``client.py``) and a device is a
small JSON API of this simulation, not AWS's:

* ``POST /device/describe`` and ``POST /device/unlock`` with
  ``{"manifest": <base64>, "unlock_code": ...}``;
* ``POST /cluster/describe`` and ``POST /cluster/unlock`` with the same plus
  ``{"device_ips": [...]}``, answered by the device the client talks to;
* control (tests only): ``GET /_device`` (state, no secrets) and
  ``POST /_device/behaviour`` (``unlock_delay``, ``never_unlocks``, ``relocks``,
  ``report_state``, ``unreachable``) and ``POST /_device/reset`` (LOCKED again, default
  behaviour, counters zero).
"""

from __future__ import annotations

import base64
import dataclasses
import hmac
import http.server
import json
import socket
import socketserver
import threading
import time
from typing import Any

from .jobs import Job

#: Where ``make demo`` and the ready playbooks expect each job's device.
DEMO_DEVICES = {
    "ready1": "127.0.0.11",
    "ready2": "127.0.0.12",
    "ready3": "127.0.0.13",
    "cluster1": "127.0.0.21",
    "cluster2": "127.0.0.22",
    "cluster3": "127.0.0.23",
}
DEMO_PORT = 9091


@dataclasses.dataclass
class Behaviour:
    unlock_delay: float = 1.0
    never_unlocks: bool = False  # stays UNLOCKING for ever
    relocks: bool = False  # falls back to LOCKED instead of UNLOCKED
    report_state: str | None = None  # a state value the device reports instead of its own
    unreachable: bool = False  # closes every connection without answering


class Device:
    def __init__(self, job: Job, ip: str, behaviour: Behaviour):
        self.job = job
        self.ip = ip
        self.behaviour = behaviour
        self.lock = threading.Lock()
        self._unlock_started: float | None = None
        self.unlock_requests = 0
        self.describe_requests = 0
        self.rejected = 0

    @property
    def state(self) -> str:
        with self.lock:
            if self.behaviour.report_state:
                return self.behaviour.report_state
            if self._unlock_started is None:
                return "LOCKED"
            if self.behaviour.never_unlocks:
                return "UNLOCKING"
            if time.monotonic() - self._unlock_started < self.behaviour.unlock_delay:
                return "UNLOCKING"
            return "LOCKED" if self.behaviour.relocks else "UNLOCKED"

    def start_unlock(self) -> None:
        with self.lock:
            self.unlock_requests += 1
            if self._unlock_started is None:
                self._unlock_started = time.monotonic()

    def reset(self, unlock_delay: float) -> None:
        with self.lock:
            self._unlock_started = None
            self.behaviour = Behaviour(unlock_delay=unlock_delay)
            self.unlock_requests = self.describe_requests = self.rejected = 0

    def accepts(self, manifest: bytes, unlock_code: str) -> str | None:
        """None when the manifest and code are this device's, else the reason."""
        if not hmac.compare_digest(manifest, self.job.manifest):
            return "manifest"
        if not hmac.compare_digest(unlock_code.encode(), self.job.unlock_code.encode()):
            return "unlock code"
        return None

    def describe(self) -> dict:
        return {
            "DeviceId": self.job.job_id,
            "UnlockStatus": {"State": self.state},
            "ActiveNetworkInterface": {"IpAddress": self.ip},
            "PhysicalNetworkInterfaces": [
                {
                    "PhysicalNetworkInterfaceId": "s.ni-" + self.job.job_id[3:20].replace("-", ""),
                    "PhysicalConnectorType": "RJ45",
                    "IpAddressAssignment": "STATIC",
                    "IpAddress": self.ip,
                    "Netmask": "255.0.0.0",
                    "DefaultGateway": "127.0.0.1",
                    "MacAddress": "02:00:00:00:00:" + self.ip.rsplit(".", 1)[-1].zfill(2)[-2:],
                }
            ],
            "DeviceType": "V3",
        }

    def public(self) -> dict:
        return {
            "job_name": self.job.name,
            "job_id": self.job.job_id,
            "ip": self.ip,
            "state": self.state,
            "unlock_requests": self.unlock_requests,
            "describe_requests": self.describe_requests,
            "rejected": self.rejected,
            "behaviour": dataclasses.asdict(self.behaviour),
        }


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "SnowballEdgeDevice/1.0"
    server: DeviceServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def _send_json(self, status: int, payload: Any) -> None:
        body = json.dumps(payload, indent=2).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _read(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            data = {}
        return data if isinstance(data, dict) else {}

    def _drop(self) -> None:
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        if self.path == "/_device":
            return self._send_json(200, self.server.device.public())
        self._send_json(404, {"message": f"no such path {self.path}"})

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        device = self.server.device
        data = self._read()
        if self.path == "/_device/reset":
            device.reset(self.server.fleet.unlock_delay if self.server.fleet else 1.0)
            return self._send_json(200, device.public())
        if self.path == "/_device/behaviour":
            for key, value in data.items():
                if not hasattr(device.behaviour, key):
                    return self._send_json(400, {"message": f"no behaviour {key}"})
                setattr(device.behaviour, key, value)
            return self._send_json(200, device.public())
        if device.behaviour.unreachable:
            return self._drop()
        if self.path not in ("/device/describe", "/device/unlock", "/cluster/describe", "/cluster/unlock"):
            return self._send_json(404, {"message": f"no such path {self.path}"})
        try:
            manifest = base64.b64decode(str(data.get("manifest", "")), validate=True)
        except ValueError:
            manifest = b""
        reason = device.accepts(manifest, str(data.get("unlock_code", "")))
        if reason is not None:
            device.rejected += 1
            return self._send_json(
                403,
                {
                    "code": "InvalidManifest" if reason == "manifest" else "InvalidUnlockCode",
                    "message": f"The {reason} is not valid for this device (job {device.job.job_id}).",
                },
            )
        if self.path.startswith("/device/"):
            if self.path == "/device/unlock":
                device.start_unlock()
            else:
                device.describe_requests += 1
            return self._send_json(200, device.describe())
        return self._cluster(device, data)

    def _cluster(self, device: Device, data: dict) -> None:
        fleet = self.server.fleet
        ips = [str(ip) for ip in data.get("device_ips") or []]
        if not device.job.cluster_id:
            return self._send_json(400, {"code": "NotInCluster", "message": "This device is not part of a cluster."})
        members = []
        for ip in ips:
            peer = fleet.device_at(ip) if fleet else None
            if peer is not None and peer.job.cluster_id != device.job.cluster_id:
                return self._send_json(
                    400, {"code": "NotInCluster", "message": f"The device at {ip} belongs to another cluster."}
                )
            members.append((ip, peer))
        devices = []
        for ip, peer in members:
            reachable = peer is not None and not peer.behaviour.unreachable
            if reachable and self.path == "/cluster/unlock":
                peer.start_unlock()
            entry = (
                peer.describe()
                if reachable
                else {
                    "DeviceId": None,
                    "UnlockStatus": {"State": "LOCKED"},
                    "ActiveNetworkInterface": {"IpAddress": ip},
                }
            )
            entry["ClusterAssociation"] = {"ClusterId": device.job.cluster_id, "State": "ASSOCIATED"}
            entry["NetworkReachability"] = {"State": "REACHABLE" if reachable else "UNREACHABLE"}
            devices.append(entry)
        self._send_json(200, {"ClusterId": device.job.cluster_id, "Devices": devices})


class DeviceServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, device: Device, port: int, fleet: DeviceFleet | None = None):
        super().__init__((device.ip, port), _Handler)
        self.device = device
        self.fleet = fleet


class DeviceFleet:
    """Devices for some of the emulator's jobs, all on one port, each on its own IP."""

    def __init__(self, jobs: dict[str, Job], assignments: dict[str, str], port: int = 0, unlock_delay: float = 1.0):
        self.jobs = jobs
        self.assignments = dict(assignments)
        self.requested_port = port
        self.unlock_delay = unlock_delay
        self.servers: list[DeviceServer] = []
        self._threads: list[threading.Thread] = []
        self.port = port

    def device_at(self, ip: str) -> Device | None:
        for server in self.servers:
            if server.device.ip == ip:
                return server.device
        return None

    def device(self, name: str) -> Device:
        for server in self.servers:
            if server.device.job.name == name:
                return server.device
        raise KeyError(name)

    def endpoint(self, name: str) -> str:
        return f"http://{self.assignments[name]}:{self.port}"

    def _bind_all(self, port: int) -> None:
        for name, ip in self.assignments.items():
            device = Device(self.jobs[name], ip, Behaviour(unlock_delay=self.unlock_delay))
            server = DeviceServer(device, port, self)
            port = server.server_address[1]
            self.servers.append(server)
        self.port = port

    def start(self) -> DeviceFleet:
        # With port 0 the first device picks a free port, the others must get the same one
        # on their own address; try again if another process holds it there.
        for _attempt in range(20):
            try:
                self._bind_all(self.requested_port)
                break
            except OSError:
                for server in self.servers:
                    server.server_close()
                self.servers.clear()
                if self.requested_port:
                    raise
        else:
            raise OSError("could not find one free port on every device address")
        for server in self.servers:
            thread = threading.Thread(target=server.serve_forever, name=f"device-{server.device.ip}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> DeviceFleet:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def public(self) -> dict:
        return {
            "port": self.port,
            "devices": {server.device.job.name: server.device.public() for server in self.servers},
            "endpoints": {name: self.endpoint(name) for name in self.assignments},
        }
