#!/usr/bin/python
# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: device_info
version_added: 1.0.0
short_description: Describe a Snowball Edge device (or cluster) with the Snowball Edge client
description:
  - Runs C(snowballEdge describe-device) (or C(describe-cluster) with O(cluster_ips)) on the edge host and
    returns the description with its keys in snake_case, plus the unlock state.
  - The unlock code is handled as by M(edge.snowball.device_unlock), through a private temporary client
    profile, never on the client's command line and never in output.
  - Runs C(snowballEdge version) once per installed client (cached in C(~/.cache/edge.snowball/) on the edge
    host) and returns it as RV(client_version); clients from before 2018, which have no profiles, are refused.
author:
  - edge.snowball maintainers (@edge-snowball)
options:
  timeout:
    description:
      - Seconds to wait for the device's answer. While the client fails at the connection level (a device still
        booting, a dropped connection) it is tried again every O(poll_interval) within this time; a refusal
        (wrong code or manifest) fails at once.
    type: int
    default: 120
  poll_interval:
    description: Seconds between two tries while the device cannot be reached.
    type: float
    default: 15
    version_added: 2.0.0
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
    details: Only reads from the device.
seealso:
  - module: edge.snowball.device_unlock
"""

EXAMPLES = r"""
- name: Is the device unlocked?
  edge.snowball.device_info:
    endpoint: https://192.0.2.10
    manifest_file: /srv/snowball/manifest.bin
    unlock_code: "{{ lookup('edge.snowball.unlock_code', 'JID123e4567-e89b-12d3-a456-426655440000') }}"
  register: device

- name: Stop unless it is
  ansible.builtin.assert:
    that: device.state == 'UNLOCKED'
"""

RETURN = r"""
state:
  description: The unlock state, C(LOCKED), C(UNLOCKING) or C(UNLOCKED) (for a cluster, C(UNLOCKED) when every device is).
  returned: success
  type: str
  sample: UNLOCKED
device_id:
  description: The device's id.
  returned: success, without O(cluster_ips)
  type: str
  sample: JID123e4567-e89b-12d3-a456-426655440000
active_ip:
  description: The IP address of the active network interface.
  returned: success, without O(cluster_ips)
  type: str
  sample: 192.0.2.10
cluster_id:
  description: The cluster's id.
  returned: success, with O(cluster_ips)
  type: str
  sample: CID123e4567-e89b-12d3-a456-426655440000
devices:
  description: Each device of the cluster with its C(device_id), C(state), C(active_ip) and C(reachability).
  returned: success, with O(cluster_ips)
  type: list
  elements: dict
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
  description: The Snowball Edge client's version, from C(snowballEdge version); null when the client did not say.
  returned: always
  type: str
  sample: 1.2.0 Build 661
  version_added: 2.0.0
client_failure:
  description:
    - How the client command failed, when the task failed because of it (V(connection), V(refusal) or
      V(unknown); exit status; the stream its words were on). Never holds the client's output.
  returned: when a client command failed
  type: dict
  sample: {"kind": "connection", "rc": 1, "stream": "stderr"}
  version_added: 2.0.0
details:
  description: The client's whole description, keys in snake_case.
  returned: success
  type: dict
  sample: {"device_id": "JID123e4567-e89b-12d3-a456-426655440000", "unlock_status": {"state": "UNLOCKED"},
           "active_network_interface": {"ip_address": "192.0.2.10"}}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.edge.snowball.plugins.module_utils._device_state import Patience
from ansible_collections.edge.snowball.plugins.module_utils._device_state import describe_when_reachable
from ansible_collections.edge.snowball.plugins.module_utils._device_summary import summarize
from ansible_collections.edge.snowball.plugins.module_utils._edge_errors import DeviceError
from ansible_collections.edge.snowball.plugins.module_utils._edge_version import client_version
from ansible_collections.edge.snowball.plugins.module_utils._report import run_device_module
from ansible_collections.edge.snowball.plugins.module_utils.snowball_edge_client import check_device_options
from ansible_collections.edge.snowball.plugins.module_utils.snowball_edge_client import check_manifest
from ansible_collections.edge.snowball.plugins.module_utils.snowball_edge_client import device_argument_spec
from ansible_collections.edge.snowball.plugins.module_utils.snowball_edge_client import edge_client
from ansible_collections.edge.snowball.plugins.module_utils.snowball_edge_client import find_client


def per_call(remaining):
    """Each describe may take the time left (at least 1 s, at most 120 s)."""
    return max(1.0, min(120.0, remaining))


def main():
    module = AnsibleModule(argument_spec=device_argument_spec(timeout=120, poll_interval=15), supports_check_mode=True)
    run_device_module(module, described)


def described(module, outcome):
    """The device's state and description, once it answers."""
    params = module.params
    check_device_options(params)
    if params["timeout"] < 1:
        raise DeviceError(f"timeout must be at least 1 second, got {params['timeout']}")
    client_path = find_client(params["client"])
    outcome.extra["client_version"] = client_version(client_path)
    manifest = check_manifest(params["manifest_file"])
    with edge_client(params, client_path, manifest) as client:
        patience = Patience(params["timeout"], params["poll_interval"])
        description = describe_when_reachable(client, patience, per_call=per_call)
    result = summarize(description, bool(params["cluster_ips"]), params["cluster_ips"])
    result.update(changed=False, details=camel_dict_to_snake_dict(description))
    return result


if __name__ == "__main__":
    main()
