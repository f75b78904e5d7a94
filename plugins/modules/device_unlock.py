#!/usr/bin/python
# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: device_unlock
version_added: 1.0.0
short_description: Unlock a Snowball Edge device (or cluster) with the Snowball Edge client
description:
  - Runs AWS's Snowball Edge client (C(snowballEdge)) on the edge host to unlock the device at O(endpoint)
    with the job's manifest and unlock code, then waits until the device reports C(UNLOCKED).
  - Idempotent. The device is described first; when it is already C(UNLOCKED) nothing is done and the
    task reports no change.
  - The unlock code never appears on the client's command line (which any local user can read with
    C(ps)). It is written to a client profile in a private directory (mode 0700) in memory-backed storage
    (C($XDG_RUNTIME_DIR) or C(/dev/shm)) only while each client command runs, and removed right after, also
    on failure, on SIGHUP, SIGINT, SIGQUIT or SIGTERM, and when the controller gives up on the task (a task
    C(timeout)). Anything the client prints is masked before it reaches the task result.
  - Needs neither boto3 nor AWS credentials on the edge host. Fetch the code on the controller with the
    P(edge.snowball.unlock_code#lookup) lookup or the M(edge.snowball.job_unlock_code) module, and the
    manifest with M(edge.snowball.job_manifest).
author:
  - edge.snowball maintainers (@edge-snowball)
options:
  timeout:
    description:
      - How many seconds to wait for the device to reach C(UNLOCKED) after unlocking was started.
    type: int
    default: 1200
  poll_interval:
    description: Seconds between two C(describe-device) calls while waiting.
    type: float
    default: 10
extends_documentation_fragment:
  - edge.snowball.device
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details: Describes the device and reports whether it would be unlocked.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: none
notes:
  - Refuses to run unless pipelining is in effect (see the ready playbook), so that the module's arguments,
    code included, are never written to a file on the edge host.
seealso:
  - module: edge.snowball.job_manifest
  - module: edge.snowball.device_info
  - plugin: edge.snowball.unlock_code
    plugin_type: lookup
"""

EXAMPLES = r"""
# The AWS calls (job_manifest, the lookup) run on the controller with its usual AWS credentials.

- name: Put the manifest on the edge host
  edge.snowball.job_manifest:
    job_id: JID123e4567-e89b-12d3-a456-426655440000
    dest: /srv/snowball/manifest.bin

- name: Unlock the device next to this edge host
  edge.snowball.device_unlock:
    endpoint: https://192.0.2.10
    manifest_file: /srv/snowball/manifest.bin
    unlock_code: "{{ lookup('edge.snowball.unlock_code', 'JID123e4567-e89b-12d3-a456-426655440000') }}"
  register: unlocked

- name: For a cluster of three devices, the manifest of the job it is unlocked with
  edge.snowball.job_manifest:
    job_id: JID9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d
    dest: /srv/snowball/cluster-manifest.bin

- name: Unlock the cluster
  edge.snowball.device_unlock:
    endpoint: https://192.0.2.21
    manifest_file: /srv/snowball/cluster-manifest.bin
    unlock_code: "{{ lookup('edge.snowball.unlock_code', 'JID9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d') }}"
    cluster_ips: [192.0.2.21, 192.0.2.22, 192.0.2.23]
    timeout: 1800
"""

RETURN = r"""
state:
  description: The unlock state at the end, C(UNLOCKED) on success (for a cluster, when every device is).
  returned: always
  type: str
  sample: UNLOCKED
device_id:
  description: The id of the device (its job id), from C(describe-device).
  returned: success, without O(cluster_ips)
  type: str
  sample: JID123e4567-e89b-12d3-a456-426655440000
active_ip:
  description: The IP address of the device's active network interface.
  returned: success, without O(cluster_ips)
  type: str
  sample: 192.0.2.10
cluster_id:
  description: The cluster's id, from C(describe-cluster).
  returned: success, with O(cluster_ips)
  type: str
  sample: CID123e4567-e89b-12d3-a456-426655440000
devices:
  description: Each device of the cluster with its state.
  returned: success, with O(cluster_ips)
  type: list
  elements: dict
  contains:
    device_id:
      description: The device's id.
      type: str
    state:
      description: C(LOCKED), C(UNLOCKING) or C(UNLOCKED).
      type: str
    active_ip:
      description: The device's IP address.
      type: str
    reachability:
      description: C(REACHABLE) or C(UNREACHABLE).
      type: str
  sample: [{"device_id": "JID123e4567-e89b-12d3-a456-426655440000", "state": "UNLOCKED",
            "active_ip": "192.0.2.21", "reachability": "REACHABLE"}]
elapsed:
  description: Seconds spent waiting for the device after unlocking was started.
  returned: when the device was unlocked
  type: float
  sample: 74.2
"""

import os
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.edge.snowball.plugins.module_utils.snowball_edge_client import ClientError
from ansible_collections.edge.snowball.plugins.module_utils.snowball_edge_client import call_timeout
from ansible_collections.edge.snowball.plugins.module_utils.snowball_edge_client import check_device_options
from ansible_collections.edge.snowball.plugins.module_utils.snowball_edge_client import check_manifest
from ansible_collections.edge.snowball.plugins.module_utils.snowball_edge_client import device_argument_spec
from ansible_collections.edge.snowball.plugins.module_utils.snowball_edge_client import edge_client
from ansible_collections.edge.snowball.plugins.module_utils.snowball_edge_client import find_client
from ansible_collections.edge.snowball.plugins.module_utils.snowball_edge_client import summarize
from ansible_collections.edge.snowball.plugins.module_utils.snowball_edge_client import wait_until_unlocked


def check_options(params):
    check_device_options(params)
    if params["timeout"] < 0:
        raise ClientError(f"timeout must be 0 or more seconds, got {params['timeout']}")
    if not params["poll_interval"] > 0:
        raise ClientError(f"poll_interval must be more than 0 seconds, got {params['poll_interval']:g}")


def unlock(module, client):
    params = module.params
    before = summarize(client.describe(call_timeout(params["timeout"])), client.cluster)
    if before["state"] == "UNLOCKED":
        return dict(before, changed=False, msg="the device is already UNLOCKED")
    if module.check_mode:
        return dict(
            before, changed=True, msg=f"the device is {before['state'] or 'in an unknown state'}; it would be unlocked"
        )
    client.unlock(call_timeout(params["timeout"]))
    started = time.monotonic()
    after = wait_until_unlocked(client, params["timeout"], params["poll_interval"])
    after.pop("description", None)
    return dict(after, changed=True, elapsed=round(time.monotonic() - started, 1), msg="the device is UNLOCKED")


def _stop(signum, frame):
    # Turn SIGTERM (a killed task) into SystemExit so that the private profile is removed.
    raise SystemExit(128 + signum)


def main():
    argument_spec = device_argument_spec(timeout=1200)
    argument_spec.update(poll_interval=dict(type="float", default=10))
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    failure = None
    try:
        check_options(params)
        client_path = find_client(params["client"])
        if module.check_mode and not os.path.exists(params["manifest_file"]):
            # In check mode the task that puts the manifest there (job_manifest) did not write it.
            module.exit_json(
                changed=True,
                state=None,
                msg=f"{params['manifest_file']} is not on the edge host yet; once it is, the device would be"
                " described and unlocked unless it already is",
            )
        manifest = check_manifest(params["manifest_file"])
        with edge_client(params, client_path, manifest) as client:
            result = unlock(module, client)
    except ClientError as e:
        failure = e
    if failure is not None:
        # Outside the except block: no traceback in the result.
        module.fail_json(msg=failure.message, state=failure.details.get("state"))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
