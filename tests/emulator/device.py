"""Simulated Snowball Edge devices, one per job, each on its own loopback address.

A real device answers the Snowball Edge client on its own IP address. Here every
device listens on ``127.0.0.N:PORT`` (Linux routes all of 127/8 to loopback), all
devices of one fleet on the same port, so a cluster's ``--device-ip-addresses``
are plain IP addresses as on a real network.

A device knows its job's manifest and unlock code (the very ``Job`` objects of
the API emulator) and refuses any other. Unlocking goes ``LOCKED`` ->
``UNLOCKING`` -> ``UNLOCKED`` after ``unlock_delay`` seconds (the unlock time; minutes
on a real device). A device boots: for ``boot_time`` seconds after the fleet starts, or
after ``POST /_device/boot``, nothing listens on its address (the client gets "Connection
refused", as from a real device in its ~10 minutes after power-on), and it comes up LOCKED.

The wire format between the simulated client (``client.py``) and a device is a
small JSON API of this simulation, not AWS's:

* ``POST /device/describe`` and ``POST /device/unlock`` with
  ``{"manifest": <base64>, "unlock_code": ...}``;
* ``POST /cluster/describe`` and ``POST /cluster/unlock`` with the same plus
  ``{"device_ips": [...]}``, answered by the device the client talks to;
* control (tests only): ``GET /_device`` (state, no secrets) and
  ``POST /_device/behaviour`` (``unlock_delay``, ``never_unlocks``, ``relocks``,
  ``report_state``, ``unreachable``, ``drops_while_unlocking`` (that many describes while
  UNLOCKING are dropped unanswered), ``cluster_describe_needs_unlocked`` (describe-cluster is
  refused while a member is not UNLOCKED)), ``POST /_device/reset`` (LOCKED again, default
  behaviour, counters zero) and ``POST /_device/boot`` with ``{"seconds": N}`` (a power cycle:
  LOCKED, not listening for N seconds).

After the unlock (the client commands of the developer guide's "using the client commands"; each
needs the manifest and code as describe does, and an UNLOCKED device, else HTTP 400
``IncorrectDeviceStateException``, which the client reports as a failure):

* ``POST /device/list-access-keys`` -> ``{"AccessKeyIds": [...]}``;
* ``POST /device/get-secret-access-key`` with ``access_key_id`` -> ``{"AccessKeyId", "SecretAccessKey"}``
  (the client prints it as INI text);
* ``POST /device/list-certificates`` -> ``{"Certificates": [{"CertificateArn", "SubjectAlternativeNames"}]}``;
* ``POST /device/get-certificate`` with ``certificate_arn`` -> ``{"Certificate": PEM}``: a real
  self-signed certificate for the device's IP (made with ``cryptography`` when it is installed, else a
  fixed test certificate), made on first use;
* ``POST /device/list-services`` -> ``{"ServiceIds": [...]}``; ``POST /device/describe-service`` with
  ``service_id`` -> ``ServiceId``, ``Status.State``, ``Endpoints[]`` (Host, Port, Protocol,
  CertificateAssociation.CertificateArn for HTTPS, Description). With ``DeviceFleet(s3=True)`` the
  HTTPS endpoint of ``s3`` is a real S3 implementation (moto, s3_adapter.py) on the device's IP,
  presenting the device's certificate; otherwise nothing listens on the service ports.

The device's secret access keys are random for every fleet start (``DeviceFleet.secret_keys()``
gives every one ever issued, for leak scanners only). Control (tests only): ``POST
/_device/rotate_key`` (the first access key gets a new secret, its id stays), ``POST
/_device/regenerate_certificate`` (a new certificate under the same ARN, as unlocking on a new IP does).
"""

from __future__ import annotations

import base64
import dataclasses
import hmac
import http.server
import json
import secrets
import socket
import socketserver
import string
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
    drops_while_unlocking: int = 0  # this many describes while UNLOCKING are dropped unanswered
    # UNLOCKING until this many describes came while UNLOCKING (counted, not timed: load-proof)
    unlocks_after_describes: int = 0
    cluster_describe_needs_unlocked: bool = False  # describe-cluster refused until every member is UNLOCKED


_KEY_ALPHABET = string.ascii_letters + string.digits + "/+"
#: The services a simulated device runs: id -> (state, [(port, protocol, description)]).
SERVICES = {
    "s3": ("ACTIVE", [(8080, "http", "s3 adapter"), (8443, "https", "s3 adapter")]),
    "ec2": ("ACTIVE", [(8008, "http", "ec2 endpoint"), (8243, "https", "ec2 endpoint")]),
    "sts": ("INACTIVE", [(7078, "http", "sts endpoint")]),
}


#: Without ``cryptography``: a self-signed test certificate for 192.0.2.10 (its key was thrown away).
FIXED_PEM = """\
-----BEGIN CERTIFICATE-----
MIIBUDCB9qADAgECAhR+sWPIuwoefPMCmtMsr1Z6pPtBPTAKBggqhkjOPQQDAjAV
MRMwEQYDVQQDDAoxOTIuMC4yLjEwMB4XDTI2MTIwMTA1NDAxNVoXDTI3MTIwMjA1
NDAxNVowFTETMBEGA1UEAwwKMTkyLjAuMi4xMDBZMBMGByqGSM49AgEGCCqGSM49
AwEHA0IABMZYsG0500x+lBfmQe5CVrFB4RzmiqNuZOUTKK8W8Cg9IAuMeysbtxVP
uw7c0c8l7+XTX8SCrNDkHsRT3yM1hMyjJDAiMA8GA1UdEQQIMAaHBMAAAgowDwYD
VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEAzDpP7CQ0XSovSblS5ZgE
5iaHzlf95l9ztDQ+uDVNpHwCIQD71ecXvv4gGxisj1wG4Qts/XoCWvXxVpKaxXk0
JGt4Yw==
-----END CERTIFICATE-----
"""


def new_secret_access_key() -> str:
    """40 characters of [A-Za-z0-9/+], as AWS's secret keys, with both cases, a digit, ``/`` and ``+``
    (so every escaped form of it is exercised)."""
    while True:
        key = "".join(secrets.choice(_KEY_ALPHABET) for _char in range(40))
        if all(
            any(char in group for char in key)
            for group in (string.ascii_lowercase, string.ascii_uppercase, string.digits, "/", "+")
        ):
            return key


def new_access_key_id() -> str:
    return "AKIA" + "".join(secrets.choice(string.ascii_uppercase + string.digits) for _char in range(16))


def self_signed(ip: str) -> tuple[str, str | None]:
    """(certificate PEM, its private key PEM) for ``ip``; without ``cryptography``, the fixed test
    certificate and no key (nothing can serve TLS with it then)."""
    try:
        import datetime
        import ipaddress

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        return FIXED_PEM, None
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ip)])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(ip))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode(), private.decode()


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
        self.dropped = 0
        self.describes_while_unlocking = 0
        self.listening = True
        self.access_keys = {new_access_key_id(): new_secret_access_key()}
        self.issued_keys = list(self.access_keys.values())
        self.certificate_arn = "arn:aws:snowball-device:::certificate/" + secrets.token_hex(16)
        self._pem: str | None = None
        self._tls_key: str | None = None
        self.certificate_generation = 0
        #: Where an S3 adapter (s3_adapter.py) serves this device's S3 over HTTPS, when one runs.
        self.s3_port: int | None = None

    @property
    def pem(self) -> str:
        return self.tls_identity()[0]

    def tls_identity(self) -> tuple[str, str | None]:
        """(certificate PEM, private key PEM or None): what the device's HTTPS endpoints present."""
        with self.lock:
            if self._pem is None:
                self._pem, self._tls_key = self_signed(self.ip)
            return self._pem, self._tls_key

    def rotate_key(self) -> None:
        """The first access key gets a new secret; its id stays."""
        with self.lock:
            first = next(iter(self.access_keys))
            self.access_keys[first] = new_secret_access_key()
            self.issued_keys.append(self.access_keys[first])

    def regenerate_certificate(self) -> None:
        """A new certificate under the same ARN, as unlocking on a new IP address does."""
        with self.lock:
            self._pem = None
            self._tls_key = None
            self.certificate_generation += 1

    def after_unlock(self, path: str, data: dict) -> tuple[int, dict]:
        """The answer to one of the after-the-unlock commands (status, body)."""
        if self.state != "UNLOCKED":
            return 400, {
                "code": "IncorrectDeviceStateException",
                "message": f"The device is {self.state}. This command is available once the device is unlocked.",
            }
        command = path.rsplit("/", 1)[-1]
        if command == "list-access-keys":
            return 200, {"AccessKeyIds": list(self.access_keys)}
        if command == "get-secret-access-key":
            akid = str(data.get("access_key_id", ""))
            if akid not in self.access_keys:
                return 400, {"code": "InvalidAccessKeyIdException", "message": f"No access key {akid} on this device."}
            return 200, {"AccessKeyId": akid, "SecretAccessKey": self.access_keys[akid]}
        if command == "list-certificates":
            return 200, {
                "Certificates": [{"CertificateArn": self.certificate_arn, "SubjectAlternativeNames": [self.ip]}]
            }
        if command == "get-certificate":
            if data.get("certificate_arn") != self.certificate_arn:
                return 400, {"code": "InvalidCertificateArnException", "message": "No such certificate on this device."}
            return 200, {"Certificate": self.pem}
        if command == "list-services":
            return 200, {"ServiceIds": list(SERVICES)}
        service_id = str(data.get("service_id", ""))
        if service_id not in SERVICES:
            return 400, {"code": "InvalidServiceIdException", "message": f"No service {service_id} on this device."}
        state, endpoints = SERVICES[service_id]
        return 200, {
            "ServiceId": service_id,
            "Status": {"State": state},
            "Endpoints": [
                dict(
                    {
                        "Host": self.ip,
                        "Port": self.s3_port if (service_id, protocol) == ("s3", "https") and self.s3_port else port,
                        "Protocol": protocol,
                        "Description": description,
                    },
                    **(
                        {"CertificateAssociation": {"CertificateArn": self.certificate_arn}}
                        if protocol == "https"
                        else {}
                    ),
                )
                for port, protocol, description in endpoints
            ],
        }

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
            if self.describes_while_unlocking < self.behaviour.unlocks_after_describes:
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
            self.unlock_requests = self.describe_requests = self.rejected = self.dropped = 0
            self.describes_while_unlocking = 0

    def power_cycle(self) -> None:
        """A reboot locks the device (its behaviour and counters stay)."""
        with self.lock:
            self._unlock_started = None

    def drop_now(self) -> bool:
        """True when this request is one of the describes to drop while UNLOCKING (every describe
        while UNLOCKING is counted first: ``unlocks_after_describes``)."""
        unlocking = self.state == "UNLOCKING"
        if unlocking:
            with self.lock:
                self.describes_while_unlocking += 1
        if self.behaviour.drops_while_unlocking > 0 and unlocking:
            with self.lock:
                self.behaviour.drops_while_unlocking -= 1
                self.dropped += 1
            return True
        return False

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
            "dropped": self.dropped,
            "access_key_ids": list(self.access_keys),
            "certificate_arn": self.certificate_arn,
            "certificate_generation": self.certificate_generation,
            "behaviour": dataclasses.asdict(self.behaviour),
        }


AFTER_UNLOCK = (
    "list-access-keys",
    "get-secret-access-key",
    "list-certificates",
    "get-certificate",
    "list-services",
    "describe-service",
)


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
        if self.path == "/_device/boot":
            seconds = float(data.get("seconds", 0))
            self._send_json(200, device.public())
            if self.server.fleet is not None:
                self.server.fleet.reboot(device, seconds)
            return None
        if self.path == "/_device/behaviour":
            for key, value in data.items():
                if not hasattr(device.behaviour, key):
                    return self._send_json(400, {"message": f"no behaviour {key}"})
                setattr(device.behaviour, key, value)
            return self._send_json(200, device.public())
        if self.path == "/_device/rotate_key":
            device.rotate_key()
            return self._send_json(200, device.public())
        if self.path == "/_device/regenerate_certificate":
            device.regenerate_certificate()
            if self.server.fleet is not None:
                self.server.fleet.certificate_changed(device)
            return self._send_json(200, device.public())
        if device.behaviour.unreachable:
            return self._drop()
        if self.path not in ("/device/describe", "/device/unlock", "/cluster/describe", "/cluster/unlock") and (
            self.path.rsplit("/", 1)[-1] not in AFTER_UNLOCK or not self.path.startswith("/device/")
        ):
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
        if self.path.endswith("/describe") and device.drop_now():
            return self._drop()
        if self.path.rsplit("/", 1)[-1] in AFTER_UNLOCK:
            return self._send_json(*device.after_unlock(self.path, data))
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
        if self.path == "/cluster/describe" and device.behaviour.cluster_describe_needs_unlocked:
            if any(peer is None or peer.state != "UNLOCKED" for _ip, peer in members):
                return self._send_json(
                    400,
                    {
                        "code": "InvalidClusterStateException",
                        "message": "describe-cluster is available once every device of the cluster is unlocked.",
                    },
                )
        devices = []
        for ip, peer in members:
            reachable = peer is not None and peer.listening and not peer.behaviour.unreachable
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

    def __init__(
        self,
        jobs: dict[str, Job],
        assignments: dict[str, str],
        port: int = 0,
        unlock_delay: float = 1.0,
        boot_time: float = 0.0,
        s3: bool = False,
    ):
        self.jobs = jobs
        self.s3 = s3
        self.s3_adapters: dict[str, Any] = {}  # ip -> S3Adapter, with s3
        self.assignments = dict(assignments)
        self.requested_port = port
        self.unlock_delay = unlock_delay
        self.boot_time = boot_time
        self._lock = threading.Lock()
        self.servers: list[DeviceServer] = []  # the devices listening now
        self.devices: list[Device] = []
        self._threads: list[threading.Thread] = []
        self.port = port

    def device_at(self, ip: str) -> Device | None:
        for device in self.devices:
            if device.ip == ip:
                return device
        return None

    def device(self, name: str) -> Device:
        for device in self.devices:
            if device.job.name == name:
                return device
        raise KeyError(name)

    def endpoint(self, name: str) -> str:
        return f"http://{self.assignments[name]}:{self.port}"

    def _bind_all(self, port: int) -> None:
        for name, ip in self.assignments.items():
            device = Device(self.jobs[name], ip, Behaviour(unlock_delay=self.unlock_delay))
            server = DeviceServer(device, port, self)
            port = server.server_address[1]
            self.servers.append(server)
            self.devices.append(device)
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
                self.devices.clear()
                if self.requested_port:
                    raise
        else:
            raise OSError("could not find one free port on every device address")
        if self.boot_time > 0:
            # Booting: the port is known, but nothing listens on the devices' addresses yet.
            for server in self.servers:
                server.server_close()
                server.device.listening = False
                self._come_up_later(server.device, self.boot_time)
            self.servers = []
        for server in self.servers:
            self._serve(server)
        if self.s3:
            from .s3_adapter import S3Adapter

            for device in self.devices:
                self.s3_adapters[device.ip] = S3Adapter(device).start()
        return self

    def certificate_changed(self, device: Device) -> None:
        """The device's S3 adapter presents its new certificate from the next connection on."""
        adapter = self.s3_adapters.get(device.ip)
        if adapter is not None:
            adapter.reload_certificate()

    def _serve(self, server: DeviceServer) -> None:
        thread = threading.Thread(target=server.serve_forever, name=f"device-{server.device.ip}", daemon=True)
        thread.start()
        self._threads.append(thread)

    def _come_up_later(self, device: Device, seconds: float) -> None:
        def come_up() -> None:
            time.sleep(seconds)
            with self._lock:
                if self._stopped:
                    return
                server = DeviceServer(device, self.port, self)
                self.servers.append(server)
                device.listening = True
                self._serve(server)

        threading.Thread(target=come_up, name=f"boot-{device.ip}", daemon=True).start()

    def reboot(self, device: Device, seconds: float) -> None:
        """Power-cycle ``device``: it stops listening, locks, and listens again after ``seconds``."""

        def go_down() -> None:
            with self._lock:
                for server in [s for s in self.servers if s.device is device]:
                    server.shutdown()
                    server.server_close()
                    self.servers.remove(server)
                device.listening = False
            device.power_cycle()
            self._come_up_later(device, seconds)

        threading.Thread(target=go_down, name=f"reboot-{device.ip}", daemon=True).start()

    _stopped = False

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
        for adapter in self.s3_adapters.values():
            adapter.stop()
        self.s3_adapters.clear()
        for server in list(self.servers):
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> DeviceFleet:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def secret_keys(self) -> list[str]:
        """Every secret access key any device of the fleet has issued (for leak scanners only)."""
        return [key for device in self.devices for key in device.issued_keys]

    def public(self) -> dict:
        return {
            "port": self.port,
            "devices": {device.job.name: device.public() for device in self.devices},
            "endpoints": {name: self.endpoint(name) for name in self.assignments},
        }
