#!/usr/bin/python

# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: managed_device_unlock
version_added: 2.0.0
short_description: Unlock Snowball Edge devices remotely through AWS Snow Device Management
description:
  - Unlocks Snowball Edge devices from the controller alone, through the AWS Snow Device Management API
    (C(CreateTask) with the C(unlock) command). No Snowball Edge client, manifest or unlock code is needed
    on any edge host, and no connection to the site at all.
  - Works only for devices ordered with remote management (the job's C(RemoteManagement) is
    C(INSTALLED_AUTOSTART)) that can reach their AWS region. For other devices use the
    C(edge.snowball.unlock) role's client method.
  - O(job_ids) are checked against the rule AWS documents before any call, and mapped to their managed
    devices with C(ListDevices). A job with no managed device fails the task (listed in
    RV(jobs_without_device)), after the devices of the other jobs are unlocked.
  - Devices that already report C(UNLOCKED) get no task. The others are unlocked with C(CreateTask), at most
    10 devices per task, each device once.
  - With O(wait=true) the module waits until each device's execution is C(SUCCEEDED) B(and)
    C(DescribeDevice) reports C(UNLOCKED) with a C(lastUpdatedAt) later than the task's creation (the
    service's device state is a copy of what the device last reported, so an older one proves nothing).
    An execution that ends C(FAILED), C(REJECTED), C(TIMED_OUT) or C(CANCELED), or a device that is not
    unlocked within O(timeout), fails the task with a message naming the job and device.
author:
  - edge.snowball maintainers (@edge-snowball)
options:
  job_ids:
    description:
      - The Snowball jobs whose devices to unlock, for example C(JID123e4567-e89b-12d3-a456-426655440000).
      - Mutually exclusive with O(managed_device_ids).
    type: list
    elements: str
  managed_device_ids:
    description:
      - The managed device ids to unlock, as M(edge.snowball.managed_device_info) returns them.
      - Mutually exclusive with O(job_ids).
    type: list
    elements: str
  wait:
    description:
      - Wait until every device reports C(UNLOCKED) after its task started.
      - With V(false) the module returns once the tasks are created.
    type: bool
    default: true
  timeout:
    description: Seconds to wait for all devices when O(wait=true).
    type: int
    default: 900
  poll_interval:
    description: Seconds between two rounds of checks while waiting.
    type: float
    default: 10
  progress_interval:
    description:
      - >-
        While the task waits, show one line at default verbosity at least this often with how many devices are
        C(UNLOCKED) and, for the others, their job, execution state and device state, for example
        C(remote unlock: 1 of 3 device(s) UNLOCKED; waiting for JID... (IN_PROGRESS, LOCKED), 60s of 900s).
      - A module cannot print while it runs, so the action runs it again for each period, with the time left of
        O(timeout) and the tasks the first period created (O(task_ids)); no device gets a second task.
      - V(0) waits in one run, showing nothing until the end.
    type: int
    default: 60
    version_added: 2.1.0
  task_ids:
    description:
      - Wait for these unlock tasks, the RV(task_ids) of an earlier run (for example with O(wait=false)),
        instead of sending their devices a new one. Each is described (C(DescribeTask)) for its devices and
        its creation time, and each of its devices is waited for as if this run had created it. When
        C(DescribeTask) is not allowed, each device not C(UNLOCKED) is asked about with C(DescribeExecution).
      - Each id is C(st-) followed by lower-case letters and digits, as the service gives them; anything else is
        refused before any call, never shown.
      - A device of O(job_ids) or O(managed_device_ids) that is in none of these tasks and not C(UNLOCKED)
        gets a new task as usual.
    type: list
    elements: str
    version_added: 2.1.0
notes:
  - Runs on the controller whatever host the task targets, as with C(delegate_to=localhost); the controller's Python
    makes the AWS call (boto3 and botocore from the collection's C(requirements.txt) there), so edge hosts need
    neither boto3 nor AWS credentials. The task's C(environment) and C(module_defaults) apply as usual.
  - Required IAM actions, in the job's region, are C(snow-device-management:ListDevices),
    C(snow-device-management:DescribeDevice), C(snow-device-management:CreateTask),
    C(snow-device-management:DescribeTask) and C(snow-device-management:DescribeExecution).
  - No secret is involved, so the result is not censored.
  - In check mode no task is created; RV(devices) shows which devices would be unlocked.
  - botocore reaches a different endpoint with O(endpoint_url) or C(AWS_ENDPOINT_URL_SNOW_DEVICE_MANAGEMENT).
seealso:
  - module: edge.snowball.managed_device_info
  - module: edge.snowball.device_unlock
extends_documentation_fragment:
  - action_common_attributes
  - action_common_attributes.flow
  - edge.snowball.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - edge.snowball.retries
attributes:
  action:
    details: Runs the module on the controller (the local connection and the controller's Python), whatever host the task targets.
  check_mode:
    support: full
    details: No task is created; RV(devices) shows which devices would be unlocked.
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Unlock the devices of two jobs remotely and wait until they report UNLOCKED
  edge.snowball.managed_device_unlock:
    job_ids:
      - JID123e4567-e89b-12d3-a456-426655440000
      - JID9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d
    timeout: 600
    poll_interval: 5
  register: remote_unlock

- name: Show what happened to each device
  ansible.builtin.debug:
    msg: "{{ item.job_id }}: {{ item.state }} ({{ item.execution_state | default('no task needed', true) }})"
  loop: "{{ remote_unlock.devices }}"
  loop_control:
    label: "{{ item.managed_device_id }}"

- name: Send the unlock command to a known managed device and return at once
  edge.snowball.managed_device_unlock:
    managed_device_ids:
      - "{{ remote_unlock.devices[0].managed_device_id }}"
    wait: false
  register: sent

- name: Later, wait for that task without sending another
  edge.snowball.managed_device_unlock:
    managed_device_ids: "{{ sent.devices | map(attribute='managed_device_id') | list }}"
    task_ids: "{{ sent.task_ids }}"
"""

RETURN = r"""
devices:
  description: One entry per managed device, in the order of O(job_ids) or O(managed_device_ids).
  returned: always
  type: list
  elements: dict
  contains:
    job_id:
      description: The job the device was ordered with.
      type: str
      sample: JID123e4567-e89b-12d3-a456-426655440000
    managed_device_id:
      description: The device's id in Snow Device Management.
      type: str
      sample: smd-3yxpo3wcbbmcf3hm
    state:
      description: The device's last reported state, C(LOCKED), C(UNLOCKING) or C(UNLOCKED).
      type: str
      sample: UNLOCKED
    execution_state:
      description:
        - The state of the device's unlock execution (C(QUEUED), C(IN_PROGRESS), C(SUCCEEDED), C(FAILED),
          C(REJECTED), C(TIMED_OUT), C(CANCELED)); null when no task was sent to it (already unlocked,
          check mode) or when O(wait=false).
      type: str
      sample: SUCCEEDED
    task_id:
      description: The task that unlocked the device; null when none was needed.
      type: str
      sample: st-ficthmqoc2pht9gd
    changed:
      description: Whether an unlock task was (or in check mode would be) sent to this device.
      type: bool
      sample: true
    last_updated_at:
      description: When the device last reported its state to AWS (ISO 8601).
      type: str
      sample: "2026-11-28T03:40:12.345000+00:00"
    last_reached_out_at:
      description: When the device last contacted AWS (ISO 8601).
      type: str
      sample: "2026-11-28T03:40:12.345000+00:00"
jobs_without_device:
  description: The O(job_ids) that have no managed device (remote management not enabled); the task fails.
  returned: when there are any
  type: list
  elements: str
  sample: [JID9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d]
reasons:
  description:
    - Why each job's device was not unlocked, one entry per job (per managed device with
      O(managed_device_ids)), each with its own reason only; the task's C(msg) holds them all.
    - A play over edge hosts shows each host its own with C(reasons[job_id]), as the P(edge.snowball.unlock#role)
      role does.
  returned: when a job has no managed device, or a device's unlock failed or did not finish
  type: dict
  sample:
    JID9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d: >-
      managed device smd-3yxpo3wcbbmcf3hm, task st-ficthmqoc2pht9gd: execution FAILED: the device could
      not unlock itself; check it on site (power, display, snowballEdge describe-device)
timed_out:
  description: Whether O(timeout) ran out with a device still not unlocked.
  returned: when O(wait=true) and a task was waited for
  type: bool
  sample: false
  version_added: 2.1.0
task_ids:
  description:
    - The C(CreateTask) tasks this run created (each for at most 10 devices), and the O(task_ids) it waited for.
  returned: always
  type: list
  elements: str
  sample: [st-ficthmqoc2pht9gd]
retried:
  description: Which AWS calls were retried (throttling, 5xx, network errors) and how often.
  returned: when a call was retried
  type: str
  sample: "CreateTask: 3 requests for 1 call(s) (2 retried)"
"""

# Lean on purpose: botocore only, no boto3 (see module_utils/_aws/client.py).
from ansible.module_utils.basic import AnsibleModule

from ansible_collections.edge.snowball.plugins.module_utils._aws.client import connect
from ansible_collections.edge.snowball.plugins.module_utils._aws.options import DEFAULT_RETRIES
from ansible_collections.edge.snowball.plugins.module_utils._aws.options import aws_argument_spec
from ansible_collections.edge.snowball.plugins.module_utils._edge.state import PROGRESS_INTERVAL
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._job_id import values_never_shown
from ansible_collections.edge.snowball.plugins.module_utils._report import Outcome
from ansible_collections.edge.snowball.plugins.module_utils._report import run_and_report
from ansible_collections.edge.snowball.plugins.module_utils._sdm.api import ManagedDevices
from ansible_collections.edge.snowball.plugins.module_utils._sdm.api import iso
from ansible_collections.edge.snowball.plugins.module_utils._sdm.input import require_positive
from ansible_collections.edge.snowball.plugins.module_utils._sdm.input import require_valid_device_ids
from ansible_collections.edge.snowball.plugins.module_utils._sdm.input import require_valid_job_ids
from ansible_collections.edge.snowball.plugins.module_utils._sdm.states import REMOTE_TIMEOUT
from ansible_collections.edge.snowball.plugins.module_utils._sdm.states import UNLOCKED
from ansible_collections.edge.snowball.plugins.module_utils._sdm.states import device_failure
from ansible_collections.edge.snowball.plugins.module_utils._sdm.states import failure_message
from ansible_collections.edge.snowball.plugins.module_utils._sdm.states import no_device_message


def _entry(job_id, device_id, described):
    return {
        "job_id": job_id,
        "managed_device_id": device_id,
        "state": described.get("deviceState"),
        "execution_state": None,
        "task_id": None,
        "changed": False,
        "last_updated_at": iso(described.get("lastUpdatedAt")),
        "last_reached_out_at": iso(described.get("lastReachedOutAt")),
    }


def collect(api, job_ids, device_ids):
    """The entries to work on, one per distinct device, with its current state; and the jobs
    that have no managed device."""
    entries = []
    seen = set()
    missing = []
    if job_ids:
        found = api.devices_of_jobs(job_ids)
        missing = [job_id for job_id in job_ids if not found[job_id]]
        pairs = [(job_id, d.get("managedDeviceId")) for job_id in job_ids for d in found[job_id]]
    else:
        pairs = [(None, device_id) for device_id in device_ids]
    distinct = []
    for job_id, device_id in pairs:
        if device_id and device_id not in seen:
            seen.add(device_id)
            distinct.append((job_id, device_id))
    for (job_id, device_id), described in zip(distinct, api.describe_devices(distinct)):
        entries.append(_entry(job_id or described.get("associatedWithJob"), device_id, described))
    return entries, missing


def reasons(missing, entries, timeout):
    """``{job id (or managed device id): why it was not unlocked}``, each its own reason only: a play
    host shows its device's, never another's (the task's msg holds them all)."""
    found = {job_id: no_device_message([job_id]) for job_id in missing}
    for entry in entries:
        reason = device_failure(entry, timeout)
        if reason:
            key = entry["job_id"] or entry["managed_device_id"]
            own = f"managed device {entry['managed_device_id']}, task {entry['task_id']}: {reason}"
            found[key] = f"{found[key]}; {own}" if key in found else own
    return found


def _send(api, entries, task_ids, check_mode):
    """The entries to wait for, with their task: those in ``task_ids`` (an earlier run's tasks, not
    changed by this run), then every other one not UNLOCKED, given a new task (not in check mode).
    Returns ``(waiting, tasks)``, ``tasks`` as ``create_unlock_tasks`` returns them."""
    given = api.describe_unlock_tasks(task_ids) if task_ids else []
    task_of = {device_id: task for task in given for device_id in task["targets"] or []}
    for task in [t for t in given if t["targets"] is None]:
        # DescribeTask not allowed or silent: ask each device not UNLOCKED and not placed yet
        for entry in entries:
            device_id = entry["managed_device_id"]
            if (
                device_id not in task_of
                and entry["state"] != UNLOCKED
                and api.in_task(task["task_id"], device_id, entry["job_id"])
            ):
                task_of[device_id] = task
    resumed = [e for e in entries if e["managed_device_id"] in task_of]
    for entry in resumed:
        entry["task_id"] = task_of[entry["managed_device_id"]]["task_id"]
    locked = [e for e in entries if e not in resumed and e["state"] != UNLOCKED]
    for entry in locked:
        entry["changed"] = True
    created = api.create_unlock_tasks([e["managed_device_id"] for e in locked]) if locked and not check_mode else []
    new_task_of = {device_id: task["task_id"] for task in created for device_id in task["targets"]}
    for entry in locked:
        entry["task_id"] = new_task_of.get(entry["managed_device_id"])
    return resumed + locked, given + created


def run(module, api, job_ids, device_ids):
    params = module.params
    entries, missing = collect(api, job_ids, device_ids)
    # A job without a managed device fails the task, after the other jobs' devices are unlocked: in a
    # fleet, one site ordered without remote management does not hold back the others.
    messages = [no_device_message(missing)] if missing else []
    waiting, tasks = _send(api, entries, params["task_ids"], module.check_mode)
    result = {"changed": any(e["changed"] for e in entries), "devices": entries, "task_ids": []}
    result["task_ids"] = [task["task_id"] for task in tasks]
    if missing:
        result["jobs_without_device"] = missing
        result["reasons"] = reasons(missing, [], params["timeout"])
    if module.check_mode or not waiting or not params["wait"]:
        return result, " ".join(messages) or None
    api.wait_for_unlock(
        waiting, {task["task_id"]: task["created_at"] for task in tasks}, params["timeout"], params["poll_interval"]
    )
    message = failure_message(waiting, params["timeout"])
    if message:
        messages.append(message)
    result["reasons"] = reasons(missing, waiting, params["timeout"])
    late = [entry.pop("timed_out", False) for entry in waiting]  # every entry's flag taken off, not only the first
    result["timed_out"] = any(late)
    return result, " ".join(messages) or None


def main():
    argument_spec = aws_argument_spec()
    argument_spec.update(
        job_ids=dict(type="list", elements="str"),
        managed_device_ids=dict(type="list", elements="str"),
        wait=dict(type="bool", default=True),
        timeout=dict(type="int", default=REMOTE_TIMEOUT),
        poll_interval=dict(type="float", default=10),
        # progress_interval is the action plugin's (it runs this module in periods); accepted and unused here.
        progress_interval=dict(type="int", default=PROGRESS_INTERVAL),
        task_ids=dict(type="list", elements="str"),
        retries=dict(type="int", default=DEFAULT_RETRIES),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        mutually_exclusive=[("job_ids", "managed_device_ids")],
        required_one_of=[("job_ids", "managed_device_ids")],
        supports_check_mode=True,
    )
    params = module.params
    # An id that is not one (a code in the wrong field?) is masked in the whole result, invocation included.
    module.no_log_values.update(values_never_shown(params["job_ids"], params["managed_device_ids"]))
    run_and_report(module, checked_run, Outcome({"changed": False, "devices": [], "task_ids": []}))


def checked_run(module, outcome):
    """``run``, after checking the ids and times, with the client; a device not unlocked fails
    the task with the result."""
    params = module.params
    job_ids = require_valid_job_ids(params["job_ids"] or [])
    device_ids = require_valid_device_ids(params["managed_device_ids"] or [])
    if not job_ids and not device_ids:
        raise SnowballError("job_ids or managed_device_ids must name at least one device", error_code="NoTarget")
    require_positive("timeout", params["timeout"], 0)
    require_positive("poll_interval", params["poll_interval"], 0.1)
    devices = outcome.api = connect(ManagedDevices, params)
    outcome.result, message = run(module, devices, job_ids, device_ids)
    if message:
        code = "NoManagedDevice" if outcome.result.get("jobs_without_device") else "RemoteUnlockFailed"
        raise SnowballError(message, error_code=code)
    return outcome.result


if __name__ == "__main__":
    main()
