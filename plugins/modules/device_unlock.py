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
    task reports no change. When it is already C(UNLOCKING) (started by an earlier task), unlocking is
    not started again; with O(wait=true) the task only waits for C(UNLOCKED), and reports no change.
  - For a fleet, unlock in two tasks so that no fork waits for one device while others have not started
    (Ansible runs C(forks) hosts at a time; real devices take minutes to unlock). First O(wait=false) on
    every host, which returns as soon as the client has accepted C(unlock-device) (C(unlock-cluster)), then
    the module again with O(wait=true) (the default), which waits only where the device is not
    C(UNLOCKED) yet. The role P(edge.snowball.unlock#role) does this.
  - A device that cannot be reached yet (it boots for about 10 minutes after power-on) is tried again
    until O(timeout).
  - For a cluster, C(describe-cluster) may be refused while the cluster is locked; then the cluster is
    unlocked anyway and every device in O(cluster_ips) is checked afterwards.
  - Dropped connections and a describe that times out while the device is C(UNLOCKING) are tried again
    within O(timeout); a device that goes back to C(LOCKED) after unlocking started is a failure.
  - Runs C(snowballEdge version) once per installed client (the answer is cached in
    C(~/.cache/edge.snowball/) on the edge host) and refuses clients from before 2018, which have no
    profiles.
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
  wait:
    description:
      - Wait until the device (every device of a cluster) reports C(UNLOCKED).
      - With V(false), return as soon as the client has accepted the unlock command, with RV(state)
        V(UNLOCKING); run the module again with V(true) to wait (it does not start unlocking again).
    type: bool
    default: true
    version_added: 2.0.0
  timeout:
    description:
      - How many seconds the task may take in all, for a device that cannot be reached yet (it is still booting)
        and for unlocking (after this task saw it C(UNLOCKING), when an earlier task started it).
      - While the client fails at the connection level (nothing answers, a connection refused, reset or timed out),
        it is tried again every O(poll_interval) until this time is up; a refusal (wrong code or manifest) fails at
        once. Unlocking is then waited for until C(UNLOCKED).
      - Also bounds each run of the client, with O(wait=false) too.
      - The default, 30 minutes, covers a cluster node that was just powered on (up to 20 minutes before it
        answers) and then a few minutes of unlocking.
    type: int
    default: 1800
  progress_interval:
    description:
      - >-
        While the task waits (for a device still booting, or for C(UNLOCKED)), show one line at default verbosity
        at least this often with the host, the endpoint, the device's current state and the time waited, for
        example C(west: waiting for https://192.0.2.10: UNLOCKING, 120s of 1800s).
      - A module cannot print while it runs, so the action runs it again for each period, with the time left of
        O(timeout); unlocking is never started again while the device is C(UNLOCKING).
      - V(0) waits in one run, showing nothing until the end.
    type: int
    default: 60
    version_added: 2.1.0
  poll_interval:
    description:
      - Seconds between two tries while the device cannot be reached, and between two C(describe-device) calls
        while it is C(UNLOCKING).
      - Each try starts the client, a Java program (about a second of CPU on the edge host); every 15 seconds
        adds at most 15 seconds to an unlock that takes minutes.
    type: float
    default: 15
extends_documentation_fragment:
  - action_common_attributes
  - action_common_attributes.flow
  - edge.snowball.attributes
  - edge.snowball.device
attributes:
  action:
    details: Checks the task's options, code and pipelining on the controller; the client runs on the edge host.
  check_mode:
    support: full
    details: Describes the device and reports whether it would be unlocked.
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
    job_id: JID9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d
    timeout: 2400

# A fleet: start unlocking on every host first, then wait for all (one unlock time, not one per fork).
- name: Start unlocking (returns once the client has accepted it)
  edge.snowball.device_unlock:
    endpoint: https://192.0.2.10
    manifest_file: /srv/snowball/manifest.bin
    unlock_code: "{{ lookup('edge.snowball.unlock_code', 'JID123e4567-e89b-12d3-a456-426655440000') }}"
    wait: false

- name: Wait until it is UNLOCKED (unlocking is not started again)
  edge.snowball.device_unlock:
    endpoint: https://192.0.2.10
    manifest_file: /srv/snowball/manifest.bin
    unlock_code: "{{ lookup('edge.snowball.unlock_code', 'JID123e4567-e89b-12d3-a456-426655440000') }}"
"""

RETURN = r"""
state:
  description:
    - The unlock state at the end, C(UNLOCKED) on success (for a cluster, when every device is).
    - With O(wait=false), V(UNLOCKING) once unlocking was started or when it already was.
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
  description:
    - Each device of the cluster with its state, as last described (before the unlock command when
      O(wait=false) started unlocking).
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
sudo_io_log:
  description:
    - When the module runs under sudo (C(become_method=sudo)), what the edge host shows about sudo's I/O log,
      C(input) and C(output) (V(true), V(false), or null when not seen), and C(seen_in), where it was seen
      (C(sudo -l), a sudoers file). With C(input) true, the module and its arguments, the code included, were
      written to sudo's I/O log; the module warns. Nothing seen is no proof (rules in LDAP, unreadable files).
    - Null when the module does not run under sudo.
  returned: always
  type: dict
  sample: {"input": true, "output": false, "seen_in": ["/etc/sudoers.d/audit"]}
  version_added: 2.1.0
client_version:
  description:
    - The Snowball Edge client's version, from C(snowballEdge version); null when the client did not say.
  returned: always
  type: str
  sample: 1.2.0 Build 661
  version_added: 2.0.0
client_failure:
  description:
    - How the last client command failed, when the task failed because of it. Never holds the client's output
      (the message quotes its last words, masked).
  returned: when a client command failed
  type: dict
  contains:
    kind:
      description:
        - V(connection) (no answer from the device), V(refusal) (code, manifest or credentials refused) or
          V(unknown) (see the troubleshooting guide for the rule).
      type: str
    rc:
      description: The client's exit status; null when it was stopped after its time limit.
      type: int
    stream:
      description: Where the client wrote its words, V(stdout), V(stderr), V(both) or V(none) (JVM banner ignored).
      type: str
  sample: {"kind": "refusal", "rc": 1, "stream": "stdout"}
  version_added: 2.0.0
timed_out:
  description: V(true) when the task failed because O(timeout) ran out (the device did not answer, or did not
    reach C(UNLOCKED) in time).
  returned: when the task failed on its timeout
  type: bool
  sample: true
  version_added: 2.1.0
elapsed:
  description: Seconds this task spent waiting for the device to reach C(UNLOCKED).
  returned: when the task waited for the device
  type: float
  sample: 74.2
"""

import os
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.edge.snowball.plugins.module_utils._edge.client import check_device_options
from ansible_collections.edge.snowball.plugins.module_utils._edge.client import device_argument_spec
from ansible_collections.edge.snowball.plugins.module_utils._edge.client import edge_client
from ansible_collections.edge.snowball.plugins.module_utils._edge.errors import CommandError
from ansible_collections.edge.snowball.plugins.module_utils._edge.errors import DeviceError
from ansible_collections.edge.snowball.plugins.module_utils._edge.state import PROGRESS_INTERVAL
from ansible_collections.edge.snowball.plugins.module_utils._edge.state import UNLOCK_TIMEOUT
from ansible_collections.edge.snowball.plugins.module_utils._edge.state import UNLOCKED_BY_THIS_TASK
from ansible_collections.edge.snowball.plugins.module_utils._edge.state import Patience
from ansible_collections.edge.snowball.plugins.module_utils._edge.state import call_timeout
from ansible_collections.edge.snowball.plugins.module_utils._edge.state import describe_when_reachable
from ansible_collections.edge.snowball.plugins.module_utils._edge.state import start_unlock
from ansible_collections.edge.snowball.plugins.module_utils._edge.state import wait_until_unlocked
from ansible_collections.edge.snowball.plugins.module_utils._edge.summary import summarize
from ansible_collections.edge.snowball.plugins.module_utils._edge.version import client_and_version
from ansible_collections.edge.snowball.plugins.module_utils._report import run_device_module

# For real devices: a device answers about 10 minutes after power-on (a cluster node up to 20), and
# unlocking takes minutes; see the timeout and poll_interval documentation above.
DEFAULT_TIMEOUT = UNLOCK_TIMEOUT
DEFAULT_POLL_INTERVAL = 15


def check_options(params):
    check_device_options(params)
    if params["timeout"] < 0:
        raise DeviceError(f"timeout must be 0 or more seconds, got {params['timeout']}")


def describe_before(client, patience):
    """The state before unlocking. A single device is waited for while it cannot be reached
    (booting). A cluster is described once: describe-cluster is documented for unlocked clusters,
    so a failure here means "state unknown" and the cluster is unlocked anyway."""
    if not client.cluster:
        return summarize(describe_when_reachable(client, patience))
    try:
        return summarize(client.describe(call_timeout(patience.remaining())), client.cluster_ips)
    except CommandError as failure:
        return {"state": None, "unknown_because": failure.words or failure.message}


def unlock(module, client, patience):
    params = module.params
    before = describe_before(client, patience)
    unknown = before.pop("unknown_because", None)
    if before["state"] == "UNLOCKED":
        return dict(before, changed=False, msg="the device is already UNLOCKED")
    if before["state"] == "UNLOCKING":
        # Started earlier (a task with wait=false, or elsewhere): never started again; wait if asked to.
        if not params["wait"] or module.check_mode:
            return dict(before, changed=False, msg="the device is already UNLOCKING; unlocking was not started again")
        return dict(
            _wait(client, patience),
            changed=False,
            msg="the device was already UNLOCKING (started earlier) and is UNLOCKED now",
        )
    if module.check_mode:
        if unknown:
            return dict(
                before,
                changed=True,
                msg=f"describe-cluster failed (the cluster may be locked; the client said: {unknown});"
                " the cluster would be unlocked and every device checked",
            )
        return dict(
            before, changed=True, msg=f"the device is {before['state'] or 'in an unknown state'}; it would be unlocked"
        )
    start_unlock(client, patience)
    if not params["wait"]:
        return dict(
            before,
            state="UNLOCKING",
            changed=True,
            msg="unlocking was started; run device_unlock with wait=true to wait until the device is UNLOCKED",
        )
    try:
        return dict(_wait(client, patience), changed=True, msg=UNLOCKED_BY_THIS_TASK)
    except DeviceError as failure:
        failure.details["changed"] = True  # unlocking was started: a failure after it still changed the device
        raise


def _wait(client, patience):
    started = time.monotonic()
    after = wait_until_unlocked(client, patience)
    after.pop("description", None)
    return dict(after, elapsed=round(time.monotonic() - started, 1))


def main():
    argument_spec = device_argument_spec(timeout=DEFAULT_TIMEOUT, poll_interval=DEFAULT_POLL_INTERVAL)
    # progress_interval is the action plugin's (it runs this module in periods); accepted and unused here.
    argument_spec.update(
        wait=dict(type="bool", default=True), progress_interval=dict(type="int", default=PROGRESS_INTERVAL)
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_device_module(module, checked_unlock)


def checked_unlock(module, outcome):
    """``unlock``, after checking the options, the client and the manifest."""
    params = module.params
    check_options(params)
    client_path, outcome.extra["client_version"] = client_and_version(params["client"])
    if module.check_mode and not os.path.exists(params["manifest_file"]):
        # In check mode the task that puts the manifest there (job_manifest) did not write it.
        return dict(
            changed=True,
            state=None,
            msg=f"{params['manifest_file']} is not on the edge host yet; once it is, the device would be"
            " described and unlocked unless it already is",
        )
    with edge_client(params, client_path) as client:
        return unlock(module, client, Patience(params["timeout"], params["poll_interval"]))


if __name__ == "__main__":
    main()
