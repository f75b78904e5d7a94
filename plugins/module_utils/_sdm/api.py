# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball; no public API, may change without notice.

"""Remote unlock through AWS Snow Device Management (botocore service ``snow-device-management``).

A device ordered with remote management (``RemoteManagement: INSTALLED_AUTOSTART`` on its job)
reaches out to its AWS region and takes commands from there: ``CreateTask`` with
``command: {unlock: {}}`` unlocks it with no client, manifest or unlock code anywhere. No secret
travels on this path, so nothing here is censored.

What the service gives, and how it is used:

* ``ListDevices(jobId)`` (paginated) maps a job to its managed device(s);
* ``DescribeDevice`` is a cloud-side copy of what the device last reported (``deviceState``,
  ``lastUpdatedAt``): a state older than the task proves nothing about the task;
* ``CreateTask`` takes 1 to 10 targets; only one command runs on a device at a time;
* ``DescribeExecution`` gives each device's execution state for a task.

Beside this file, one concept each: ``_sdm/errors.py`` (how a failure of this service is worded),
``_sdm/states.py`` (what an execution state means, the messages of a failed unlock), ``_sdm/input.py``
(the checks of job and managed device ids before any call); the constructor, the one way a call is
made and the backoff are ``_aws/api.py``'s, shared with the job API.
"""

from __future__ import annotations

import concurrent.futures
import datetime
import uuid
from typing import Any
from typing import Callable
from typing import Dict
from typing import List
from typing import Optional

from ansible_collections.edge.snowball.plugins.module_utils._aws.api import AwsApi
from ansible_collections.edge.snowball.plugins.module_utils._aws.options import DEFAULT_CONCURRENCY
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._sdm.errors import SERVICE
from ansible_collections.edge.snowball.plugins.module_utils._sdm.errors import WORDS
from ansible_collections.edge.snowball.plugins.module_utils._sdm.states import FAILED_EXECUTION_STATES
from ansible_collections.edge.snowball.plugins.module_utils._sdm.states import SUCCESS_EXECUTION_STATES
from ansible_collections.edge.snowball.plugins.module_utils._sdm.states import UNLOCKED

#: CreateTask takes at most this many targets (the API's TargetList).
MAX_TARGETS_PER_TASK = 10
#: Calls in flight at once for a fleet (each ListDevices / DescribeDevice / DescribeExecution is per device).
CONCURRENCY = DEFAULT_CONCURRENCY
#: How far this machine's clock may be ahead of AWS's when DescribeTask cannot give the task's creation time.
CLOCK_SKEW = datetime.timedelta(seconds=60)


def _after(stamp: Any, since: Any) -> bool:
    """True when timestamp ``stamp`` is later than ``since`` (both datetimes; naive ones are UTC)."""
    if not isinstance(stamp, datetime.datetime) or not isinstance(since, datetime.datetime):
        return False
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=datetime.timezone.utc)
    if since.tzinfo is None:
        since = since.replace(tzinfo=datetime.timezone.utc)
    return stamp > since


def iso(stamp: Any) -> Optional[str]:
    return stamp.isoformat() if isinstance(stamp, datetime.datetime) else None


class ManagedDevices(AwsApi):
    """The Snow Device Management calls of this collection, with its messages.

    ``client`` is a botocore ``snow-device-management`` client, usually wrapped by amazon.aws's
    ``RetryingBotoClientWrapper`` (then ``retrying=True`` passes ``aws_retry=True``). ``clock``
    (seconds, monotonic), ``sleep`` and ``now`` (UTC datetime) are injected so tests never sleep.
    """

    SERVICE = SERVICE
    WORDS = WORDS
    TITLE = "Snow Device Management"
    # Not in AWSRetry's own list (throttling codes are added for every service by jittered_backoff).
    ALSO_RETRY = ("InternalServerException",)
    POOL = CONCURRENCY

    def __init__(
        self,
        client: Any,
        *,
        now: Callable[[], datetime.datetime] = lambda: datetime.datetime.now(datetime.timezone.utc),
        token: Callable[[], str] = lambda: str(uuid.uuid4()),
        concurrency: int = CONCURRENCY,
        **common: Any,
    ):
        """``common`` are ``AwsApi``'s: region, endpoint, retrying, sleep, clock."""
        super().__init__(client, **common)
        self.concurrency = concurrency
        self._now = now
        self._token = token

    def _map(self, function: Callable[[Any], Any], items: List[Any]) -> List[Any]:
        """``[function(item) for item in items]``, up to ``concurrency`` at a time, in order. The first
        failure (a SnowballError) is raised once every call has ended."""
        if len(items) <= 1 or self.concurrency <= 1:
            return [function(item) for item in items]
        failure: Optional[SnowballError] = None
        results = []
        with concurrent.futures.ThreadPoolExecutor(max_workers=min(self.concurrency, len(items))) as pool:
            for future in [pool.submit(function, item) for item in items]:
                try:
                    results.append(future.result())
                except SnowballError as e:
                    failure = failure or e
                    results.append(None)
        if failure is not None:
            raise failure
        return results

    # -- reading -----------------------------------------------------------
    def list_devices(self, job_id: Optional[str] = None) -> List[Dict[str, Any]]:
        """ListDevices, every page; with ``job_id`` only that job's devices (also filtered here on
        ``associatedWithJob``, should an endpoint ignore the filter)."""
        devices: List[Dict[str, Any]] = []
        params: Dict[str, Any] = {"jobId": job_id} if job_id else {}
        subject = f"job {job_id}" if job_id else "the account's managed devices"
        seen_tokens = set()
        while True:
            page = self._call("ListDevices", subject, **params)
            for device in page.get("devices") or []:
                if job_id and device.get("associatedWithJob") not in (None, job_id):
                    continue
                devices.append(device)
            token = page.get("nextToken")
            if not token or token in seen_tokens:
                return devices
            seen_tokens.add(token)
            params["nextToken"] = token

    def describe_device(self, device_id: str, job_id: Optional[str] = None) -> Dict[str, Any]:
        subject = f"managed device {device_id}" + (f" (job {job_id})" if job_id else "")
        response = self._call("DescribeDevice", subject, managedDeviceId=device_id)
        response.pop("ResponseMetadata", None)
        return response

    def describe_execution(self, task_id: str, device_id: str, job_id: Optional[str]) -> Dict[str, Any]:
        subject = f"managed device {device_id}" + (f" (job {job_id})" if job_id else "") + f" in task {task_id}"
        return self._call("DescribeExecution", subject, taskId=task_id, managedDeviceId=device_id)

    def devices_of_jobs(self, job_ids: List[str]) -> Dict[str, List[Dict[str, Any]]]:
        """ListDevices for each job: ``{job_id: [device summary, ...]}`` (an empty list: no managed device)."""
        return dict(zip(job_ids, self._map(self.list_devices, job_ids)))

    def describe_devices(self, pairs: List[Any]) -> List[Dict[str, Any]]:
        """DescribeDevice for each ``(job_id or None, managed_device_id)``, concurrently, in order."""
        return self._map(lambda pair: self.describe_device(pair[1], pair[0]), pairs)

    # -- unlocking ---------------------------------------------------------
    def create_unlock_tasks(self, device_ids: List[str]) -> List[Dict[str, Any]]:
        """CreateTask ``unlock`` for ``device_ids`` (distinct), at most 10 per task. Each call carries its
        own clientToken, the same on every retry of that call, so a retried call makes no second task.
        Returns ``[{"task_id", "targets", "created_at"}]``; ``created_at`` comes from DescribeTask (AWS's
        clock), or this machine's clock just before CreateTask less ``CLOCK_SKEW`` when AWS does not say."""
        distinct: List[str] = []
        for device_id in device_ids:
            if device_id not in distinct:
                distinct.append(device_id)
        batches = [
            (distinct[start : start + MAX_TARGETS_PER_TASK], self._token())
            for start in range(0, len(distinct), MAX_TARGETS_PER_TASK)
        ]
        # All tasks at once: the devices then unlock together, and the wait is one execution long.
        return self._map(self._create_unlock_task, batches)

    def _create_unlock_task(self, batch: Any) -> Dict[str, Any]:
        targets, token = batch
        before = self._now()
        subject = "managed device(s) " + ", ".join(targets)
        response = self._call(
            "CreateTask",
            subject,
            targets=targets,
            command={"unlock": {}},
            clientToken=token,
            description="edge.snowball unlock",
        )
        task_id = response.get("taskId")
        if not task_id:
            raise SnowballError(
                f"CreateTask for {subject} returned no taskId; check endpoint_url points at Snow Device Management.",
                error_code="EmptyTaskId",
            )
        try:
            created = self._call("DescribeTask", f"task {task_id}", taskId=task_id).get("createdAt")
        except SnowballError:
            # Not allowed (IAM) or not answered: the task exists, so go on with this machine's clock,
            # allowing it to be up to CLOCK_SKEW ahead of AWS's.
            created = None
        if not isinstance(created, datetime.datetime):
            created = before - CLOCK_SKEW
        return {"task_id": task_id, "targets": targets, "created_at": created}

    def describe_unlock_tasks(self, task_ids: List[str]) -> List[Dict[str, Any]]:
        """DescribeTask for each of an earlier run's tasks (distinct), concurrently: ``[{"task_id",
        "targets" (managed device ids), "created_at"}]`` as ``create_unlock_tasks`` returns them."""
        return self._map(self._describe_unlock_task, list(dict.fromkeys(task_ids)))

    def _describe_unlock_task(self, task_id: str) -> Dict[str, Any]:
        """``targets`` is None when DescribeTask is not allowed (IAM) or names none: then each device is
        asked about with DescribeExecution (``in_task``)."""
        try:
            described = self._call("DescribeTask", f"task {task_id}", taskId=task_id)
        except SnowballError:
            described = {}
        created = described.get("createdAt")
        if not isinstance(created, datetime.datetime):
            # Not said: then the execution's SUCCEEDED alone vouches that the unlock is this task's.
            created = datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)
        # A target is a managed device id (CreateTask's), or its ARN (ending in managed-device/<id>)
        targets = [str(target).rsplit("/", 1)[-1] for target in described.get("targets") or []]
        return {"task_id": task_id, "targets": targets or None, "created_at": created}

    def in_task(self, task_id: str, device_id: str, job_id: Optional[str]) -> bool:
        """Whether the task was sent to the device: DescribeExecution answers for it."""
        try:
            self.describe_execution(task_id, device_id, job_id)
        except SnowballError:
            return False
        return True

    def wait_for_unlock(
        self,
        entries: List[Dict[str, Any]],
        created_at: Dict[str, datetime.datetime],
        timeout: float,
        poll_interval: float,
    ) -> List[Dict[str, Any]]:
        """Poll until every entry (``job_id``, ``managed_device_id``, ``task_id``) is done: its execution
        SUCCEEDED and DescribeDevice says UNLOCKED with ``lastUpdatedAt`` after its task was created, or its
        execution ended in a failure state. Updates and returns ``entries``; entries still pending at the
        deadline get ``timed_out: True``."""
        deadline = self._clock() + timeout
        pending = [e for e in entries if e.get("task_id")]

        def check(entry: Dict[str, Any]) -> bool:
            """One look at one device; True while it is still pending."""
            if entry.get("execution_state") not in SUCCESS_EXECUTION_STATES:
                execution = self.describe_execution(entry["task_id"], entry["managed_device_id"], entry["job_id"])
                entry["execution_state"] = execution.get("state")
                if entry["execution_state"] not in SUCCESS_EXECUTION_STATES:
                    return entry["execution_state"] not in FAILED_EXECUTION_STATES
            device = self.describe_device(entry["managed_device_id"], entry["job_id"])
            entry["state"] = device.get("deviceState")
            entry["last_updated_at"] = iso(device.get("lastUpdatedAt"))
            entry["last_reached_out_at"] = iso(device.get("lastReachedOutAt"))
            fresh = _after(device.get("lastUpdatedAt"), created_at[entry["task_id"]])
            return not (entry["state"] == UNLOCKED and fresh)

        while True:
            pending = [entry for entry, still in zip(pending, self._map(check, pending)) if still]
            if not pending:
                return entries
            remaining = deadline - self._clock()
            if remaining <= 0:
                for entry in pending:
                    entry["timed_out"] = True
                return entries
            self._sleep(min(poll_interval, remaining))
