#!/usr/bin/python

# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: managed_device_info
version_added: 2.0.0
short_description: Describe Snowball Edge devices managed through AWS Snow Device Management
description:
  - Lists the Snowball Edge devices that AWS Snow Device Management knows (devices ordered with remote
    management that have reached their AWS region) and describes each with C(DescribeDevice).
  - Select them by O(job_ids) (mapped with C(ListDevices)), by O(managed_device_ids), or neither for every
    managed device of the account in the region.
  - O(job_ids) are checked against the rule AWS documents before any call. A job without a managed device
    is listed in RV(jobs_without_device) rather than failing.
  - The state is the service's copy of what the device last reported; compare RV(devices[].last_updated_at)
    with the time you need.
author:
  - edge.snowball maintainers (@edge-snowball)
options:
  job_ids:
    description: Only the devices of these Snowball jobs. Mutually exclusive with O(managed_device_ids).
    type: list
    elements: str
  managed_device_ids:
    description: Only these managed devices. Mutually exclusive with O(job_ids).
    type: list
    elements: str
notes:
  - Runs on the controller whatever host the task targets, as with C(delegate_to=localhost); the controller's Python
    makes the AWS call (boto3 and botocore from the collection's C(requirements.txt) there), so edge hosts need
    neither boto3 nor AWS credentials. The task's C(environment) and C(module_defaults) apply as usual.
  - Required IAM actions are C(snow-device-management:ListDevices) and C(snow-device-management:DescribeDevice).
  - botocore reaches a different endpoint with O(endpoint_url) or C(AWS_ENDPOINT_URL_SNOW_DEVICE_MANAGEMENT).
seealso:
  - module: edge.snowball.managed_device_unlock
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
    details: Only reads from AWS.
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Describe the managed device of a job
  edge.snowball.managed_device_info:
    job_ids:
      - JID123e4567-e89b-12d3-a456-426655440000
  register: managed

- name: Show its state
  ansible.builtin.debug:
    msg: "{{ managed.devices[0].managed_device_id }} is {{ managed.devices[0].state }}"

- name: Every managed device of the account in this region
  edge.snowball.managed_device_info:
  register: fleet

- name: Devices still locked
  ansible.builtin.debug:
    msg: "{{ fleet.devices | selectattr('state', 'ne', 'UNLOCKED') | map(attribute='job_id') | list }}"
"""

RETURN = r"""
devices:
  description: One entry per managed device.
  returned: always
  type: list
  elements: dict
  contains:
    managed_device_id:
      description: The device's id in Snow Device Management.
      type: str
      sample: smd-3yxpo3wcbbmcf3hm
    managed_device_arn:
      description: The device's ARN.
      type: str
      sample: arn:aws:snow-device-management:us-east-1:123456789012:managed-device/smd-3yxpo3wcbbmcf3hm
    job_id:
      description: The job the device was ordered with (C(associatedWithJob)).
      type: str
      sample: JID123e4567-e89b-12d3-a456-426655440000
    state:
      description:
        - C(LOCKED), C(UNLOCKING) or C(UNLOCKED), as the device last reported it.
        - The same name as in M(edge.snowball.managed_device_unlock), M(edge.snowball.device_unlock) and
          M(edge.snowball.device_info).
      type: str
      sample: LOCKED
      version_added: 2.1.0
    device_state:
      description: The same as RV(devices[].state), under its first name; kept for existing playbooks.
      type: str
      sample: LOCKED
    device_type:
      description: The type of Snow Family device.
      type: str
      sample: SNC1_SSD
    last_reached_out_at:
      description: When the device last contacted AWS (ISO 8601), null if never.
      type: str
      sample: "2026-11-28T03:40:12.345000+00:00"
    last_updated_at:
      description: When the device last pushed its state to AWS (ISO 8601), null if never.
      type: str
      sample: "2026-11-28T03:40:12.345000+00:00"
    software:
      description: The software on the device (C(installed_version), C(installing_version), C(install_state)).
      type: dict
      sample: {"installed_version": "122", "install_state": "INSTALLED"}
    physical_network_interfaces:
      description: The device's network interfaces, keys in snake_case.
      type: list
      elements: dict
      sample: [{"ip_address": "192.0.2.10", "physical_connector_type": "RJ45"}]
    device_capacities:
      description: The device's capacities, keys in snake_case.
      type: list
      elements: dict
      sample: [{"name": "HDD Storage", "unit": "Byte", "total": 157242114048}]
    tags:
      description: The device's tags, unchanged.
      type: dict
      sample: {"site": "north"}
jobs_without_device:
  description: The O(job_ids) for which Snow Device Management knows no device (no remote management).
  returned: when O(job_ids) is set
  type: list
  elements: str
  sample: []
"""

# Lean on purpose: botocore only, no boto3 (see module_utils/_aws/client.py).
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.edge.snowball.plugins.module_utils._aws.client import connect
from ansible_collections.edge.snowball.plugins.module_utils._aws.options import DEFAULT_RETRIES
from ansible_collections.edge.snowball.plugins.module_utils._aws.options import aws_argument_spec
from ansible_collections.edge.snowball.plugins.module_utils._job_id import values_never_shown
from ansible_collections.edge.snowball.plugins.module_utils._report import run_and_report
from ansible_collections.edge.snowball.plugins.module_utils._sdm.api import ManagedDevices
from ansible_collections.edge.snowball.plugins.module_utils._sdm.api import iso
from ansible_collections.edge.snowball.plugins.module_utils._sdm.input import require_valid_device_ids
from ansible_collections.edge.snowball.plugins.module_utils._sdm.input import require_valid_job_ids


def device_facts(described, job_id=None):
    """DescribeDevice's answer with the documented snake_case keys."""
    return {
        "managed_device_id": described.get("managedDeviceId"),
        "managed_device_arn": described.get("managedDeviceArn"),
        "job_id": described.get("associatedWithJob") or job_id,
        "state": described.get("deviceState"),
        "device_state": described.get("deviceState"),
        "device_type": described.get("deviceType"),
        "last_reached_out_at": iso(described.get("lastReachedOutAt")),
        "last_updated_at": iso(described.get("lastUpdatedAt")),
        "software": camel_dict_to_snake_dict(described.get("software") or {}),
        "physical_network_interfaces": [
            camel_dict_to_snake_dict(nic) for nic in described.get("physicalNetworkInterfaces") or []
        ],
        "device_capacities": [camel_dict_to_snake_dict(c) for c in described.get("deviceCapacities") or []],
        "tags": described.get("tags") or {},
    }


def run(api, job_ids, device_ids):
    result = {"changed": False}
    pairs = []
    if job_ids is not None:
        found = api.devices_of_jobs(job_ids)
        result["jobs_without_device"] = [job_id for job_id in job_ids if not found[job_id]]
        pairs = [(job_id, d.get("managedDeviceId")) for job_id in job_ids for d in found[job_id]]
    elif device_ids is not None:
        pairs = [(None, device_id) for device_id in device_ids]
    else:
        pairs = [(d.get("associatedWithJob"), d.get("managedDeviceId")) for d in api.list_devices()]
    devices = []
    seen = set()
    distinct = []
    for job_id, device_id in pairs:
        if device_id and device_id not in seen:
            seen.add(device_id)
            distinct.append((job_id, device_id))
    for (job_id, device_id), described in zip(distinct, api.describe_devices(distinct)):
        described.setdefault("managedDeviceId", device_id)
        devices.append(device_facts(described, job_id))
    result["devices"] = devices
    return result


def main():
    argument_spec = aws_argument_spec()
    argument_spec.update(
        job_ids=dict(type="list", elements="str"),
        managed_device_ids=dict(type="list", elements="str"),
        retries=dict(type="int", default=DEFAULT_RETRIES),
    )
    module = AnsibleModule(
        argument_spec=argument_spec, mutually_exclusive=[("job_ids", "managed_device_ids")], supports_check_mode=True
    )
    params = module.params
    # An id that is not one (a code in the wrong field?) is masked in the whole result, invocation included.
    module.no_log_values.update(values_never_shown(params["job_ids"], params["managed_device_ids"]))
    run_and_report(module, checked_run)


def checked_run(module, outcome):
    """``run``, after checking the ids, with the client."""
    params = module.params
    # None (not given) lists every device; an empty list selects none.
    job_ids = None if params["job_ids"] is None else require_valid_job_ids(params["job_ids"])
    device_ids = (
        None if params["managed_device_ids"] is None else require_valid_device_ids(params["managed_device_ids"])
    )
    devices = outcome.api = connect(ManagedDevices, params)
    return run(devices, job_ids, device_ids)


if __name__ == "__main__":
    main()
