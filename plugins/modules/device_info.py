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
  services:
    description:
      - Also list the device's services (C(snowballEdge list-services), then C(describe-service) for each) as
        RV(services), so a playbook finds the S3 or EC2 endpoint instead of hard-coding a port.
      - Only an C(UNLOCKED) device answers these commands; while it is not, RV(services) is empty. With
        O(cluster_ips), the services are those of the device at O(endpoint).
    type: bool
    default: false
    version_added: 2.1.0
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

- name: Find the device's S3 endpoint (HTTPS) instead of hard-coding its port
  edge.snowball.device_info:
    endpoint: https://192.0.2.10
    manifest_file: /srv/snowball/manifest.bin
    unlock_code: "{{ lookup('edge.snowball.unlock_code', 'JID123e4567-e89b-12d3-a456-426655440000') }}"
    services: true
  register: device

- name: Use it
  ansible.builtin.set_fact:
    s3_endpoint_url: "https://{{ s3.host }}:{{ s3.port }}"
  vars:
    s3: >-
      {{ device.services | selectattr('service_id', 'equalto', 's3') | map(attribute='endpoints') | flatten
         | selectattr('protocol', 'equalto', 'https') | first }}
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
services:
  description:
    - With O(services), each service of the device with its C(service_id) (such as V(s3), V(ec2), V(s3-snow),
      V(iam), V(sts); which ones depends on the device), C(state) (V(ACTIVE), V(ACTIVATING), V(DEACTIVATING),
      V(DEGRADED), V(INACTIVE), ...) and C(endpoints), each with C(host), C(port), C(protocol) and
      C(certificate_arn) (null for plain HTTP). Empty while the device is not C(UNLOCKED).
  returned: success, with O(services)
  type: list
  elements: dict
  sample: [{"service_id": "s3", "state": "ACTIVE", "endpoints": [
            {"host": "192.0.2.10", "port": 8443, "protocol": "https",
             "certificate_arn": "arn:aws:snowball-device:::certificate/78EXAMPLE516EXAMPLEf538EXAMPLEa7"}]}]
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

from ansible_collections.edge.snowball.plugins.module_utils._edge.client import check_device_options
from ansible_collections.edge.snowball.plugins.module_utils._edge.client import device_argument_spec
from ansible_collections.edge.snowball.plugins.module_utils._edge.client import edge_client
from ansible_collections.edge.snowball.plugins.module_utils._edge.errors import DeviceError
from ansible_collections.edge.snowball.plugins.module_utils._edge.state import Patience
from ansible_collections.edge.snowball.plugins.module_utils._edge.state import describe_when_reachable
from ansible_collections.edge.snowball.plugins.module_utils._edge.summary import summarize
from ansible_collections.edge.snowball.plugins.module_utils._edge.version import client_and_version
from ansible_collections.edge.snowball.plugins.module_utils._report import run_device_module


def per_call(remaining):
    """Each describe may take the time left (at least 1 s, at most 120 s)."""
    return max(1.0, min(120.0, remaining))


def main():
    spec = device_argument_spec(timeout=120, poll_interval=15)
    spec["services"] = dict(type="bool", default=False)
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run_device_module(module, described)


def described(module, outcome):
    """The device's state and description, once it answers."""
    params = module.params
    check_device_options(params)
    if params["timeout"] < 1:
        raise DeviceError(f"timeout must be at least 1 second, got {params['timeout']}")
    client_path, outcome.extra["client_version"] = client_and_version(params["client"])
    with edge_client(params, client_path) as client:
        patience = Patience(params["timeout"], params["poll_interval"])
        description = describe_when_reachable(client, patience, per_call=per_call)
        result = summarize(description, params["cluster_ips"])
        if params["services"]:
            unlocked = result["state"] == "UNLOCKED"
            result["services"] = services(client, per_call(patience.remaining())) if unlocked else []
    result.update(changed=False, details=camel_dict_to_snake_dict(description))
    return result


def services(client, timeout):
    """Each service of the device at the client's endpoint, from list-services and describe-service."""
    found = []
    for service_id in client.query("list-services", timeout, cluster=False).get("ServiceIds") or []:
        if not isinstance(service_id, str):
            continue
        described = client.query("describe-service", timeout, ["--service-id", service_id], cluster=False)
        found.append(
            {
                "service_id": described.get("ServiceId") or service_id,
                "state": (described.get("Status") or {}).get("State"),
                "endpoints": [endpoint(entry) for entry in described.get("Endpoints") or [] if isinstance(entry, dict)],
            }
        )
    return found


def endpoint(entry):
    association = entry.get("CertificateAssociation") or {}
    return {
        "host": entry.get("Host"),
        "port": entry.get("Port"),
        "protocol": entry.get("Protocol"),
        "certificate_arn": association.get("CertificateArn") if isinstance(association, dict) else None,
    }


if __name__ == "__main__":
    main()
