"""A local stand-in for AWS Snow Device Management (botocore service ``snow-device-management``).

It answers the REST-JSON API botocore speaks, on the same server and port as the Snowball API
(routes do not overlap), so botocore reaches it with ``endpoint_url`` or
``AWS_ENDPOINT_URL_SNOW_DEVICE_MANAGEMENT``:

* ``GET /managed-devices[?jobId=&maxResults=&nextToken=]`` ListDevices (pages of ``page_size``);
* ``POST /managed-device/{id}/describe`` DescribeDevice;
* ``POST /task`` CreateTask (1-10 targets, ``unlock`` or ``reboot``, ``clientToken`` idempotent);
* ``POST /task/{taskId}`` DescribeTask; ``POST /task/{taskId}/execution/{id}`` DescribeExecution.

Requests are SigV4-checked like the Snowball ones, and the credential scope must name the signing
name ``snow-device-management``. Every call is counted in the emulator's ``/_emulator/stats`` under
its operation name, and the emulator's faults (``POST /_emulator/faults`` with ``throttle``,
``server_error``, ``denied``, ``latency`` and ``operation: CreateTask`` etc.) apply here too.

Managed devices are seeded for the jobs in ``REMOTE_MANAGED`` (and every ``fleetN`` job); the
others were ordered without remote management. A task's execution on a device is QUEUED, then
IN_PROGRESS (device UNLOCKING) after a fifth of ``execution_time``, then SUCCEEDED (device
UNLOCKED, ``lastUpdatedAt`` then) at ``execution_time``. One command at a time: a task sent to a
device that is still running one gets a REJECTED execution there.

Control (tests only):

* ``GET /_emulator/managed-devices`` every device (by job name) and the tasks;
* ``POST /_emulator/managed-devices/_config`` ``{"execution_time": s, "page_size": n, "extra_devices": n}``;
* ``POST /_emulator/managed-devices/_reset`` back to the seeded states, tasks forgotten;
* ``POST /_emulator/managed-devices/<job name>`` ``{"state": "LOCKED", "outcome": "FAILED" | "TIMED_OUT" |
  "REJECTED" | null, "reaches_out": false}`` (a device that never reaches out keeps every execution
  QUEUED and never updates its state).
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import hashlib
import json
import re
import threading
import time
import uuid
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

from .api import _AUTH
from .api import CREDENTIALS
from .api import ApiError
from .api import _verify_signature
from .jobs import Job
from .jobs import job_id_for

SIGNING_NAME = "snow-device-management"
ACCOUNT = "123456789012"
#: Jobs whose devices were ordered with remote management (INSTALLED_AUTOSTART), and their first state.
REMOTE_MANAGED = {
    "ready1": "LOCKED",
    "ready2": "LOCKED",
    "cluster1": "LOCKED",
    "cluster2": "LOCKED",
    "cluster3": "LOCKED",
    "import1": "UNLOCKED",
}
DEFAULT_EXECUTION_TIME = 1.0
DEFAULT_PAGE_SIZE = 10
OUTCOMES = ("SUCCEEDED", "FAILED", "TIMED_OUT", "REJECTED")

_ROUTES = (
    ("GET", re.compile(r"^/managed-devices$"), "ListDevices"),
    ("POST", re.compile(r"^/managed-device/(?P<device>[^/]+)/describe$"), "DescribeDevice"),
    ("POST", re.compile(r"^/task$"), "CreateTask"),
    ("POST", re.compile(r"^/task/(?P<task>[^/]+)/execution/(?P<device>[^/]+)$"), "DescribeExecution"),
    ("POST", re.compile(r"^/task/(?P<task>[^/]+)$"), "DescribeTask"),
)


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _short_id(prefix: str, seed: str) -> str:
    digest = base64.b32encode(hashlib.sha256(seed.encode()).digest()).decode().lower()
    return f"{prefix}-{digest[:16]}"


@dataclasses.dataclass
class ManagedDevice:
    name: str
    job_id: str
    managed_device_id: str
    state: str
    last_updated: datetime.datetime
    last_reached_out: datetime.datetime
    outcome: str = "SUCCEEDED"
    reaches_out: bool = True
    busy_until: float = 0.0  # monotonic time until which a command runs on it

    @property
    def arn(self) -> str:
        return f"arn:aws:snow-device-management:us-east-1:{ACCOUNT}:managed-device/{self.managed_device_id}"

    def public(self) -> dict:
        return {
            "name": self.name,
            "job_id": self.job_id,
            "managed_device_id": self.managed_device_id,
            "state": self.state,
            "outcome": self.outcome,
            "reaches_out": self.reaches_out,
            "last_updated": self.last_updated.isoformat(),
        }


@dataclasses.dataclass
class Execution:
    task_id: str
    device: ManagedDevice
    command: str
    created: datetime.datetime
    started: float  # monotonic
    outcome: str
    execution_id: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))
    state: str = "QUEUED"
    updated: datetime.datetime | None = None
    applied: bool = False


@dataclasses.dataclass
class Task:
    task_id: str
    targets: list[str]
    command: str
    created: datetime.datetime
    description: str | None
    executions: dict[str, Execution]


class DeviceManagement:
    """The managed devices and tasks of one emulator."""

    def __init__(self, jobs: list[Job], execution_time: float = DEFAULT_EXECUTION_TIME):
        self.lock = threading.Lock()
        self.jobs = jobs
        self.extra = 0
        self.execution_time = execution_time
        self.page_size = DEFAULT_PAGE_SIZE
        self.reset()

    def reset(self) -> None:
        with self.lock:
            past = _utcnow() - datetime.timedelta(hours=1)
            self.devices: dict[str, ManagedDevice] = {}
            for job in self.jobs:
                first = REMOTE_MANAGED.get(job.name) or ("LOCKED" if job.name.startswith("fleet") else None)
                if first is None:
                    continue
                device_id = _short_id("smd", job.job_id)
                self.devices[device_id] = ManagedDevice(job.name, job.job_id, device_id, first, past, past)
            for i in range(1, self.extra + 1):  # devices of jobs the Snowball side does not know: scale tests
                job_id = job_id_for(f"spare{i}")
                device_id = _short_id("smd", job_id)
                self.devices[device_id] = ManagedDevice(f"spare{i}", job_id, device_id, "LOCKED", past, past)
            self.by_name = {d.name: d for d in self.devices.values()}
            self.tasks: dict[str, Task] = {}
            self.tokens: dict[str, str] = {}

    # -- time passes -------------------------------------------------------
    def _advance(self, execution: Execution) -> None:
        """Bring one execution (and its device) to where it is now. Caller holds the lock."""
        if execution.state in ("SUCCEEDED", "FAILED", "TIMED_OUT", "REJECTED", "CANCELED"):
            return
        device = execution.device
        if not device.reaches_out:
            return  # the device never picks the command up
        elapsed = time.monotonic() - execution.started
        if elapsed < self.execution_time / 5:
            return
        if elapsed < self.execution_time:
            if execution.state == "QUEUED":
                execution.state = "IN_PROGRESS"
                execution.updated = execution.created + datetime.timedelta(seconds=self.execution_time / 5)
                if execution.command == "unlock" and device.state != "UNLOCKED":
                    device.state = "UNLOCKING"
                    device.last_updated = device.last_reached_out = execution.updated
            return
        done = execution.created + datetime.timedelta(seconds=self.execution_time)
        execution.state = execution.outcome
        execution.updated = done
        if execution.command == "unlock":
            device.state = "UNLOCKED" if execution.outcome == "SUCCEEDED" else "LOCKED"
        else:  # a reboot locks the device again
            device.state = "LOCKED"
        device.last_updated = device.last_reached_out = done

    def advance_all(self) -> None:
        with self.lock:
            for task in self.tasks.values():
                for execution in task.executions.values():
                    self._advance(execution)

    # -- the API -----------------------------------------------------------
    def device(self, device_id: str) -> ManagedDevice:
        device = self.devices.get(device_id)
        if device is None:
            raise ApiError(404, "ResourceNotFoundException", f"Managed device {device_id} was not found.")
        return device

    def list_devices(self, query: dict[str, str]) -> dict:
        job_id = query.get("jobId")
        try:
            size = int(query.get("maxResults") or self.page_size)
            start = int(base64.b64decode(query["nextToken"]).decode()) if query.get("nextToken") else 0
        except (ValueError, TypeError):
            raise ApiError(400, "ValidationException", "Invalid maxResults or nextToken.") from None
        if not 1 <= size <= 100:
            raise ApiError(400, "ValidationException", "maxResults must be between 1 and 100.")
        size = min(size, self.page_size)
        with self.lock:
            matching = [d for d in self.devices.values() if not job_id or d.job_id == job_id]
        page = matching[start : start + size]
        out: dict[str, Any] = {
            "devices": [
                {
                    "managedDeviceId": d.managed_device_id,
                    "managedDeviceArn": d.arn,
                    "associatedWithJob": d.job_id,
                    "tags": {"emulated": d.name},
                }
                for d in page
            ]
        }
        if start + size < len(matching):
            out["nextToken"] = base64.b64encode(str(start + size).encode()).decode()
        return out

    def describe_device(self, device_id: str) -> dict:
        self.advance_all()
        with self.lock:
            d = self.device(device_id)
            return {
                "managedDeviceId": d.managed_device_id,
                "managedDeviceArn": d.arn,
                "associatedWithJob": d.job_id,
                "deviceState": d.state,
                "deviceType": "SNC1_SSD",
                "lastReachedOutAt": d.last_reached_out.timestamp(),
                "lastUpdatedAt": d.last_updated.timestamp(),
                "software": {"installedVersion": "122", "installState": "INSTALLED"},
                "physicalNetworkInterfaces": [
                    {
                        "physicalNetworkInterfaceId": "s.ni-" + d.managed_device_id[4:],
                        "physicalConnectorType": "RJ45",
                        "ipAddressAssignment": "STATIC",
                        "ipAddress": "192.0.2." + str(int(hashlib.sha256(d.name.encode()).hexdigest(), 16) % 250 + 2),
                        "netmask": "255.255.255.0",
                        "defaultGateway": "192.0.2.1",
                        "macAddress": "02:00:00:00:00:01",
                    }
                ],
                "deviceCapacities": [{"name": "HDD Storage", "unit": "Byte", "total": 157242114048, "used": 0}],
                "tags": {"emulated": d.name},
            }

    def create_task(self, params: dict) -> dict:
        targets = params.get("targets")
        command = params.get("command") or {}
        if not isinstance(targets, list) or not 1 <= len(targets) <= 10:
            raise ApiError(400, "ValidationException", "targets must hold 1 to 10 managed device ids.")
        if len(set(targets)) != len(targets):
            raise ApiError(400, "ValidationException", "targets must not name a device twice.")
        if not isinstance(command, dict) or len(command) != 1 or next(iter(command)) not in ("unlock", "reboot"):
            raise ApiError(400, "ValidationException", "command must be exactly one of unlock, reboot.")
        token = params.get("clientToken")
        with self.lock:
            if token and token in self.tokens:
                task = self.tasks[self.tokens[token]]
                return {"taskId": task.task_id, "taskArn": _task_arn(task.task_id)}
            for target in targets:
                self.device(target)
            task_id = _short_id("st", str(uuid.uuid4()))
            created = _utcnow()
            now = time.monotonic()
            executions = {}
            for target in targets:
                device = self.devices[target]
                busy = device.busy_until > now
                outcome = "REJECTED" if busy or device.outcome == "REJECTED" else device.outcome
                execution = Execution(task_id, device, next(iter(command)), created, now, outcome)
                if outcome == "REJECTED":
                    execution.state, execution.updated = "REJECTED", created
                else:
                    device.busy_until = now + self.execution_time if device.reaches_out else float("inf")
                executions[target] = execution
            self.tasks[task_id] = Task(
                task_id, list(targets), next(iter(command)), created, params.get("description"), executions
            )
            if token:
                self.tokens[token] = task_id
        return {"taskId": task_id, "taskArn": _task_arn(task_id)}

    def task(self, task_id: str) -> Task:
        task = self.tasks.get(task_id)
        if task is None:
            raise ApiError(404, "ResourceNotFoundException", f"Task {task_id} was not found.")
        return task

    def describe_task(self, task_id: str) -> dict:
        self.advance_all()
        with self.lock:
            task = self.task(task_id)
            pending = [e for e in task.executions.values() if e.state in ("QUEUED", "IN_PROGRESS")]
            updated = max([e.updated for e in task.executions.values() if e.updated] or [task.created])
            out = {
                "taskId": task.task_id,
                "taskArn": _task_arn(task.task_id),
                "targets": task.targets,
                "state": "IN_PROGRESS" if pending else "COMPLETED",
                "createdAt": task.created.timestamp(),
                "lastUpdatedAt": updated.timestamp(),
            }
            if not pending:
                out["completedAt"] = updated.timestamp()
            if task.description:
                out["description"] = task.description
            return out

    def describe_execution(self, task_id: str, device_id: str) -> dict:
        self.advance_all()
        with self.lock:
            execution = self.task(task_id).executions.get(device_id)
            if execution is None:
                raise ApiError(404, "ResourceNotFoundException", f"No execution of task {task_id} on {device_id}.")
            out = {
                "taskId": task_id,
                "managedDeviceId": device_id,
                "executionId": execution.execution_id,
                "state": execution.state,
                "startedAt": execution.created.timestamp(),
            }
            if execution.updated:
                out["lastUpdatedAt"] = execution.updated.timestamp()
            return out

    def public(self) -> dict:
        self.advance_all()
        with self.lock:
            return {
                "devices": {d.name: d.public() for d in self.devices.values()},
                "tasks": {t.task_id: {"targets": t.targets, "command": t.command} for t in self.tasks.values()},
                "execution_time": self.execution_time,
                "page_size": self.page_size,
            }


def _task_arn(task_id: str) -> str:
    return f"arn:aws:snow-device-management:us-east-1:{ACCOUNT}:task/{task_id}"


# ---------------------------------------------------------------------------
# The hook into the emulator's server (api.py calls ``serve``)
# ---------------------------------------------------------------------------

_CREATE_LOCK = threading.Lock()


def of(server: Any) -> DeviceManagement:
    """The server's managed devices, made on first use from its jobs."""
    with _CREATE_LOCK:
        fleet = getattr(server, "device_management", None)
        if fleet is None:
            fleet = DeviceManagement(list(server.state.jobs.values()))
            server.device_management = fleet
        return fleet


def configure(
    server: Any, execution_time: float | None = None, page_size: int | None = None, extra_devices: int | None = None
) -> DeviceManagement:
    """Set the execution time, the ListDevices page size, or add ``extra_devices`` LOCKED devices
    (spare1..N, for jobs the Snowball side does not know; this resets the devices and tasks)."""
    fleet = of(server)
    if extra_devices is not None:
        fleet.extra = int(extra_devices)
        fleet.reset()
    if execution_time is not None:
        fleet.execution_time = float(execution_time)
    if page_size is not None:
        fleet.page_size = int(page_size)
    return fleet


def serve(handler: Any, method: str, body: bytes) -> bool:
    """Answer the request if it is a Snow Device Management one (or its control API); False otherwise."""
    split = urlsplit(handler.path)
    path = split.path
    if path.startswith("/_emulator/managed-devices"):
        _control(handler, method, path, body)
        return True
    for route_method, pattern, operation in _ROUTES:
        match = pattern.match(path)
        if match and route_method == method:
            _api(handler, operation, match.groupdict(), split.query, body)
            return True
    return False


def _send_json(handler: Any, status: int, payload: Any, extra: dict[str, str] | None = None) -> None:
    handler._send(status, json.dumps(payload).encode(), "application/json", extra)


def _api(handler: Any, operation: str, groups: dict, query_string: str, body: bytes) -> None:
    server = handler.server
    state = server.state
    fleet = of(server)
    with state.lock:
        state.requests[operation] += 1
        state.protocols["rest-json"] += 1
    if state.latency:
        time.sleep(state.latency)
    fault = state.fault_for(operation)
    headers = {k.lower(): v.strip() for k, v in handler.headers.items()}
    try:
        match = _AUTH.match(headers.get("authorization", ""))
        if match and match["service"] != SIGNING_NAME:
            raise ApiError(
                403,
                "InvalidSignatureException",
                f"Credential should be scoped to correct service: '{SIGNING_NAME}'.",
            )
        akid = _verify_signature(headers, handler.command, handler.path, body)
        if fault and fault.kind == "latency":
            time.sleep(fault.delay)
        elif fault and fault.kind == "throttle":
            raise ApiError(429, "ThrottlingException", "Rate exceeded")
        elif fault and fault.kind == "server_error":
            raise ApiError(fault.status, "InternalServerException", "An internal error occurred. Try again later.")
        elif fault and fault.kind == "denied":
            raise ApiError(
                403, "AccessDeniedException", f"User is not authorized to perform: {SIGNING_NAME}:{operation}"
            )
        policy = CREDENTIALS[akid][1]
        if policy == "expired":
            raise ApiError(403, "ExpiredTokenException", "The security token included in the request is expired")
        if policy == "deny":
            raise ApiError(
                403,
                "AccessDeniedException",
                f"User: arn:aws:iam::{ACCOUNT}:user/emulator is not authorized to perform: {SIGNING_NAME}:{operation}",
            )
        try:
            params = json.loads(body) if body else {}
        except ValueError:
            raise ApiError(400, "ValidationException", "could not decode the request body") from None
        query = {k: v[0] for k, v in parse_qs(query_string).items()}
        if operation == "ListDevices":
            result = fleet.list_devices(query)
        elif operation == "DescribeDevice":
            result = fleet.describe_device(groups["device"])
        elif operation == "CreateTask":
            result = fleet.create_task(params)
        elif operation == "DescribeTask":
            result = fleet.describe_task(groups["task"])
        else:
            result = fleet.describe_execution(groups["task"], groups["device"])
    except ApiError as e:
        with state.lock:
            state.rejected[e.code] += 1
        return _send_json(handler, e.status, {"message": e.message}, {"x-amzn-ErrorType": e.code})
    _send_json(handler, 200, result)


def _control(handler: Any, method: str, path: str, body: bytes) -> None:
    fleet = of(handler.server)
    if method == "GET":
        return _send_json(handler, 200, fleet.public())
    try:
        data = json.loads(body) if body else {}
    except ValueError:
        return _send_json(handler, 400, {"message": "control requests take a JSON body"})
    name = path[len("/_emulator/managed-devices/") :] if path.startswith("/_emulator/managed-devices/") else ""
    if name == "_reset":
        fleet.reset()
        return _send_json(handler, 200, fleet.public())
    if name == "_config":
        configure(handler.server, data.get("execution_time"), data.get("page_size"), data.get("extra_devices"))
        return _send_json(handler, 200, fleet.public())
    with fleet.lock:
        device = fleet.by_name.get(name)
        if device is None:
            return _send_json(handler, 404, {"message": f"no managed device for job {name!r}"})
        if "outcome" in data:
            outcome = data["outcome"] or "SUCCEEDED"
            if outcome not in OUTCOMES:
                return _send_json(handler, 400, {"message": f"outcome must be one of {', '.join(OUTCOMES)}"})
            device.outcome = outcome
        if "reaches_out" in data:
            device.reaches_out = bool(data["reaches_out"])
        if "state" in data:
            device.state = data["state"]
            device.last_updated = device.last_reached_out = _utcnow()
        return _send_json(handler, 200, device.public())
