"""A local stand-in for the AWS Snowball job-management API.

It answers the wire protocols botocore uses for Snowball:

* AWS JSON 1.1: ``POST /`` with ``X-Amz-Target: AWSIESnowballJobManagementService.<Operation>``;
* Smithy RPC v2 CBOR: ``POST /service/AWSIESnowballJobManagementService/operation/<Operation>``
  with ``smithy-protocol: rpc-v2-cbor``.

Requests must carry a valid SigV4 signature made with one of the emulator's
keys (``CREDENTIALS``); the signature is checked with botocore's own signer.
Tests steer the emulator through a small JSON control API under ``/_emulator/``:
request counters, fault injection (throttling, 5xx, dropped connections,
malformed bodies, latency) and job state changes.
"""

from __future__ import annotations

import datetime
import http.server
import json
import re
import secrets
import socket
import socketserver
import threading
import time
import uuid
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import cbor2

from .jobs import Job
from .jobs import default_jobs

SERVICE = "AWSIESnowballJobManagementService"
OPERATIONS = ("GetJobUnlockCode", "DescribeJob", "GetJobManifest", "ListClusterJobs")
_CBOR_PATH = re.compile(rf"^/service/{SERVICE}/operation/(?P<op>[A-Za-z]+)$")
_AUTH = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<akid>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request,"
    r"\s*SignedHeaders=(?P<signed>[^,]+),\s*Signature=(?P<signature>[0-9a-f]{64})$"
)
MANIFEST_LIFETIME = 3600

#: access key id -> (secret key, what the emulator does with it)
CREDENTIALS = {
    "AKIAEMULATORALLOWED1": ("emulator-allowed-secret-key", "allow"),
    "AKIAEMULATORDENIED01": ("emulator-denied-secret-key", "deny"),
    "AKIAEMULATORNODESCR1": ("emulator-nodescribe-secret-key", "deny-describe"),
    "ASIAEMULATOREXPIRED1": ("emulator-expired-secret-key", "expired"),
}
DEFAULT_ACCESS_KEY = "AKIAEMULATORALLOWED1"


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class Fault:
    """One injected fault: which operation, what, how many times, how often."""

    KINDS = ("throttle", "server_error", "drop", "cut", "html", "malformed", "latency", "denied", "manifest_cut")

    def __init__(
        self,
        kind: str,
        operation: str = "*",
        times: int | None = None,
        every: int = 1,
        delay: float = 0.0,
        status: int = 500,
    ):
        if kind not in self.KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(self.KINDS)}")
        self.kind = kind
        self.operation = operation
        self.times = times
        self.every = max(1, int(every))
        self.delay = float(delay)
        self.status = int(status)
        self.seen = 0
        self.fired = 0

    def matches(self, operation: str) -> bool:
        if self.operation not in ("*", operation):
            return False
        if self.times is not None and self.fired >= self.times:
            return False
        self.seen += 1
        if self.seen % self.every:
            return False
        self.fired += 1
        return True

    def public(self) -> dict:
        return {
            "kind": self.kind,
            "operation": self.operation,
            "times": self.times,
            "every": self.every,
            "fired": self.fired,
        }


class EmulatorState:
    def __init__(self, jobs: list[Job], latency: float = 0.0):
        self.lock = threading.Lock()
        self.jobs = {job.job_id: job for job in jobs}
        self.by_name = {job.name: job for job in jobs}
        self.latency = latency
        self.faults: list[Fault] = []
        self.requests: Counter[str] = Counter()
        self.protocols: Counter[str] = Counter()
        self.rejected: Counter[str] = Counter()
        self.manifest_tokens: dict[str, tuple[str, float]] = {}
        #: [requests still to serve before the change, job name, new state]: counted, never timed, so a
        #: test's outcome does not depend on how busy the machine is.
        self.scheduled: list[list] = []

    def reset(self) -> None:
        with self.lock:
            self.faults.clear()
            self.requests.clear()
            self.rejected.clear()

    def fault_for(self, operation: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.matches(operation):
                    return fault
        return None

    def apply_schedule(self) -> None:
        """Count one API request against every scheduled change; make the ones that are due."""
        with self.lock:
            for item in self.scheduled:
                item[0] -= 1
            due = [item for item in self.scheduled if item[0] < 0]
            self.scheduled = [item for item in self.scheduled if item[0] >= 0]
            for _left, name, state in due:
                self.by_name[name].state = state

    def stats(self) -> dict:
        with self.lock:
            return {
                "requests": dict(self.requests),
                "total": sum(self.requests.values()),
                "protocols": dict(self.protocols),
                "rejected": dict(self.rejected),
                "faults": [f.public() for f in self.faults],
            }


def _epoch(value: datetime.datetime) -> float:
    return value.timestamp()


def _verify_signature(headers: dict[str, str], method: str, path: str, body: bytes) -> str:
    """Check the SigV4 Authorization header with botocore's signer; return the access key id."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    auth = headers.get("authorization", "")
    match = _AUTH.match(auth)
    if not match:
        raise ApiError(400, "MissingAuthenticationTokenException", "Missing Authentication Token")
    akid = match["akid"]
    if akid not in CREDENTIALS:
        raise ApiError(400, "UnrecognizedClientException", "The security token included in the request is invalid.")
    secret = CREDENTIALS[akid][0]
    signed = match["signed"].split(";")
    request = AWSRequest(method=method, url=f"http://{headers.get('host', 'localhost')}{path}", data=body)
    for name in signed:
        if name not in headers:
            raise ApiError(400, "IncompleteSignatureException", f"Signed header {name} is missing")
        request.headers[name] = headers[name]
    request.context["timestamp"] = headers.get("x-amz-date", "")
    signer = SigV4Auth(
        Credentials(akid, secret, headers.get("x-amz-security-token")), match["service"], match["region"]
    )
    signer.headers_to_sign = lambda req: _signed_headers(req, signed)  # type: ignore[method-assign]
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if not secrets.compare_digest(expected, match["signature"]):
        raise ApiError(
            400,
            "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
        )
    return akid


def _signed_headers(request: Any, names: list[str]) -> Any:
    from botocore.awsrequest import HTTPHeaders

    out = HTTPHeaders()
    for name in names:
        out[name] = request.headers[name]
    return out


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "SnowballEmulator/1.0"
    server: EmulatorServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        if self.server.verbose:
            super().log_message(format, *args)

    # -- plumbing --------------------------------------------------------
    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _send_cut(self, whole: bytes, part: bytes, content_type: str) -> None:
        """Announce ``whole``, send only ``part``, then drop the connection (an answer cut off on the way)."""
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(whole)))
        self.end_headers()
        self.wfile.write(part)
        self.wfile.flush()
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def _send_json(self, status: int, payload: Any) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json")

    # -- routing ---------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self._body()
        from . import device_management  # Snow Device Management, on the same port (it imports this module)

        if device_management.serve(self, "GET", b""):
            return None
        path = urlsplit(self.path).path
        if path == "/_emulator/jobs":
            state = self.server.state
            jobs = {job.name: job.public() for job in state.jobs.values()}
            cluster_ids = sorted({job.cluster_id for job in state.jobs.values() if job.cluster_id})
            from .jobs import UNKNOWN_JOB_ID

            return self._send_json(200, {"jobs": jobs, "unknown_job_id": UNKNOWN_JOB_ID, "cluster_ids": cluster_ids})
        if path == "/_emulator/stats":
            return self._send_json(200, self.server.state.stats())
        if path == "/_emulator/health":
            return self._send_json(200, {"ok": True})
        if path.startswith("/_emulator/manifests/"):
            return self._manifest(path)
        self._send_json(404, {"message": f"no such path {path}"})

    def do_DELETE(self) -> None:  # noqa: N802
        self._body()
        if urlsplit(self.path).path == "/_emulator/faults":
            with self.server.state.lock:
                self.server.state.faults.clear()
            return self._send_json(200, {"faults": []})
        self._send_json(404, {"message": "no such path"})

    def do_POST(self) -> None:  # noqa: N802
        body = self._body()
        from . import device_management  # Snow Device Management, on the same port (it imports this module)

        if device_management.serve(self, "POST", body):
            return None
        path = urlsplit(self.path).path
        if path.startswith("/_emulator/"):
            return self._control(path, body)
        headers = {k.lower(): v.strip() for k, v in self.headers.items()}
        match = _CBOR_PATH.match(path)
        if match and headers.get("smithy-protocol") == "rpc-v2-cbor":
            protocol, operation = "cbor", match["op"]
        elif path == "/" and headers.get("x-amz-target", "").startswith(SERVICE + "."):
            protocol, operation = "json", headers["x-amz-target"].split(".", 1)[1]
        else:
            with self.server.state.lock:
                self.server.state.requests["NotSnowball"] += 1
            return self._send_json(
                404, {"__type": "UnknownOperationException", "message": f"not a Snowball request: POST {path}"}
            )
        self._api(protocol, operation, headers, path, body)

    # -- the Snowball API --------------------------------------------------
    def _api(self, protocol: str, operation: str, headers: dict[str, str], path: str, body: bytes) -> None:
        state = self.server.state
        state.apply_schedule()
        with state.lock:
            state.requests[operation] += 1
            state.protocols[protocol] += 1
        if state.latency:
            time.sleep(state.latency)
        fault = state.fault_for(operation)
        try:
            akid = _verify_signature(headers, "POST", path, body)
            params = self._decode(protocol, body)
            if fault and fault.kind == "latency":
                time.sleep(fault.delay)
            elif fault and fault.kind == "throttle":
                raise ApiError(400, "ThrottlingException", "Rate exceeded")
            elif fault and fault.kind == "server_error":
                code = "ServiceUnavailableException" if fault.status == 503 else "InternalFailure"
                raise ApiError(fault.status, code, "The service is unavailable. Try again later.")
            elif fault and fault.kind == "denied":
                raise ApiError(400, "AccessDeniedException", f"User is not authorized to perform: snowball:{operation}")
            self._authorize(akid, operation)
            result = self._operation(operation, params)
        except ApiError as e:
            with state.lock:
                state.rejected[e.code] += 1
            return self._error(protocol, e)
        payload = self._encode(protocol, result)
        if fault and fault.kind == "html":
            return self._send(200, b"<html><body><h1>502 Bad Gateway</h1>proxy error</body></html>", "text/html")
        if fault and fault.kind == "malformed":
            return self._send(
                200,
                payload[: max(1, len(payload) // 2)],
                self._content_type(protocol),
                self._protocol_headers(protocol),
            )
        if fault and fault.kind == "drop":
            # The connection dies before a status line: what a crashed proxy or a reset looks like.
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return None
        if fault and fault.kind == "cut":
            return self._send_cut(payload, payload[:3], self._content_type(protocol))
        self._send(200, payload, self._content_type(protocol), self._protocol_headers(protocol))

    @staticmethod
    def _content_type(protocol: str) -> str:
        return "application/cbor" if protocol == "cbor" else "application/x-amz-json-1.1"

    @staticmethod
    def _protocol_headers(protocol: str) -> dict[str, str]:
        return {"smithy-protocol": "rpc-v2-cbor"} if protocol == "cbor" else {}

    def _decode(self, protocol: str, body: bytes) -> dict:
        if not body:
            return {}
        try:
            data = cbor2.loads(body) if protocol == "cbor" else json.loads(body)
        except (ValueError, cbor2.CBORDecodeError) as e:
            raise ApiError(400, "SerializationException", f"could not decode the request body: {e}") from None
        if not isinstance(data, dict):
            raise ApiError(400, "SerializationException", "the request body is not an object")
        return data

    def _encode(self, protocol: str, result: dict) -> bytes:
        if protocol == "cbor":
            return cbor2.dumps(_to_cbor(result))
        return json.dumps(_to_json(result)).encode()

    def _error(self, protocol: str, error: ApiError) -> None:
        if protocol == "cbor":
            body = cbor2.dumps({"__type": f"com.amazonaws.snowball#{error.code}", "message": error.message})
        else:
            body = json.dumps({"__type": error.code, "message": error.message}).encode()
        self._send(error.status, body, self._content_type(protocol), self._protocol_headers(protocol))

    def _authorize(self, akid: str, operation: str) -> None:
        policy = CREDENTIALS[akid][1]
        if policy == "expired":
            raise ApiError(400, "ExpiredTokenException", "The security token included in the request is expired")
        if policy == "deny" or (policy == "deny-describe" and operation == "DescribeJob"):
            raise ApiError(
                400,
                "AccessDeniedException",
                f"User: arn:aws:iam::123456789012:user/emulator is not authorized to perform: snowball:{operation}",
            )

    def _job(self, params: dict) -> Job:
        job_id = params.get("JobId")
        if not isinstance(job_id, str) or not re.fullmatch(r"(M|J)ID[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", job_id):
            raise ApiError(
                400, "ValidationException", "1 validation error detected: Value at 'jobId' failed to satisfy constraint"
            )
        job = self.server.state.jobs.get(job_id)
        if job is None:
            raise ApiError(
                400,
                "InvalidResourceException",
                "The specified resource can't be found. Check the information you provided in your last request, and try again.",
            )
        return job

    def _require_with_customer(self, job: Job, what: str) -> None:
        if job.state != "WithCustomer":
            raise ApiError(
                400, "InvalidJobStateException", f"The {what} is not available for a job in state {job.state}."
            )
        if datetime.datetime.now(datetime.timezone.utc) - job.created > datetime.timedelta(days=360):
            raise ApiError(400, "InvalidJobStateException", f"The {what} for this job has expired.")

    def _operation(self, operation: str, params: dict) -> dict:
        if operation == "GetJobUnlockCode":
            job = self._job(params)
            self._require_with_customer(job, "unlock code")
            return {"UnlockCode": job.unlock_code}
        if operation == "DescribeJob":
            job = self._job(params)
            return {"JobMetadata": _metadata(job)}
        if operation == "GetJobManifest":
            job = self._job(params)
            self._require_with_customer(job, "manifest")
            token = secrets.token_urlsafe(16)
            with self.server.state.lock:
                self.server.state.manifest_tokens[token] = (job.job_id, time.monotonic() + MANIFEST_LIFETIME)
            return {"ManifestURI": f"{self.server.url}/_emulator/manifests/{job.job_id}/{token}"}
        if operation == "ListClusterJobs":
            cluster_id = params.get("ClusterId")
            members = [
                job for job in self.server.state.jobs.values() if job.cluster_id and job.cluster_id == cluster_id
            ]
            if not members:
                raise ApiError(400, "InvalidResourceException", "The specified cluster can't be found.")
            return {"JobListEntries": [_list_entry(job, i == 0) for i, job in enumerate(members)]}
        raise ApiError(400, "UnknownOperationException", f"Unknown operation {operation}")

    def _manifest(self, path: str) -> None:
        parts = path.split("/")
        job_id, token = (parts[3], parts[4]) if len(parts) == 5 else ("", "")
        state = self.server.state
        with state.lock:
            entry = state.manifest_tokens.get(token)
        if entry is None or entry[0] != job_id or entry[1] < time.monotonic():
            return self._send(
                403,
                b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>",
                "application/xml",
            )
        job = state.jobs[job_id]
        fault = state.fault_for("ManifestDownload")
        if fault and fault.kind == "manifest_cut":
            return self._send_cut(job.manifest, job.manifest[: len(job.manifest) // 2], "application/octet-stream")
        with state.lock:
            state.requests["ManifestDownload"] += 1
        self._send(200, job.manifest, "application/octet-stream")

    # -- control API -----------------------------------------------------
    def _control(self, path: str, body: bytes) -> None:
        state = self.server.state
        try:
            data = json.loads(body) if body else {}
        except ValueError:
            return self._send_json(400, {"message": "control requests take a JSON body"})
        if path == "/_emulator/reset":
            state.reset()
            return self._send_json(200, state.stats())
        if path == "/_emulator/faults":
            try:
                fault = Fault(**data)
            except (TypeError, ValueError) as e:
                return self._send_json(400, {"message": str(e)})
            with state.lock:
                state.faults.append(fault)
            return self._send_json(200, {"faults": [f.public() for f in state.faults]})
        match = re.fullmatch(r"/_emulator/jobs/([A-Za-z0-9_]+)/state", path)
        if match and match[1] in state.by_name:
            after = int(data.get("after_requests", 0))
            with state.lock:
                if after:
                    state.scheduled.append([after, match[1], data["state"]])
                else:
                    state.by_name[match[1]].state = data["state"]
            return self._send_json(200, state.by_name[match[1]].public())
        self._send_json(404, {"message": f"no such control path {path}"})


def _metadata(job: Job) -> dict:
    meta = {
        "JobId": job.job_id,
        "JobState": job.state,
        "JobType": job.job_type,
        "SnowballType": "EDGE",
        "CreationDate": job.created,
        "Description": f"emulated job {job.name}",
    }
    if job.cluster_id:
        meta["ClusterId"] = job.cluster_id
    return meta


def _list_entry(job: Job, is_master: bool) -> dict:
    return {
        "JobId": job.job_id,
        "JobState": job.state,
        "IsMaster": is_master,
        "JobType": job.job_type,
        "SnowballType": "EDGE",
        "CreationDate": job.created,
        "Description": f"emulated job {job.name}",
    }


def _to_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    if isinstance(value, datetime.datetime):
        return _epoch(value)
    return value


def _to_cbor(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _to_cbor(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_cbor(v) for v in value]
    if isinstance(value, datetime.datetime):
        return cbor2.CBORTag(1, _epoch(value))
    return value


class EmulatorServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        jobs: list[Job] | None = None,
        latency: float = 0.0,
        verbose: bool = False,
    ):
        super().__init__((host, port), Handler)
        self.state = EmulatorState(jobs if jobs is not None else default_jobs(), latency=latency)
        self.verbose = verbose
        self._thread: threading.Thread | None = None

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (time-out tests) is not an emulator failure.
        import sys

        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> EmulatorServer:
        self._thread = threading.Thread(target=self.serve_forever, name="snowball-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def secrets(self) -> list[str]:
        """Every unlock code the emulator can hand out (for leak scanners only)."""
        return [job.unlock_code for job in self.state.jobs.values()]
