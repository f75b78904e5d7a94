# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# The work is done on the controller by the action plugin of the same name
# (plugins/action/eks_anywhere_credentials.py); this file only documents it, as ansible-core's
# own action-only modules (debug, set_fact, assert) are documented.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: eks_anywhere_credentials
version_added: 2.1.0
short_description: Write the credentials and CA bundles files EKS Anywhere reads for Snowball Edge devices
description:
  - Runs on the controller (where C(eksctl anywhere) runs). Takes every device's access key, secret access key and
    certificates, as M(edge.snowball.device_credentials) returned them on each edge host, and writes the two files
    EKS Anywhere reads for a Snowball cluster.
  - O(credentials_file), for C(EKSA_AWS_CREDENTIALS_FILE), holds one INI section per device, named by the device's
    IP address, with C(aws_access_key_id), C(aws_secret_access_key) and C(region = snow).
  - O(ca_bundles_file), for C(EKSA_AWS_CA_BUNDLES_FILE), holds every device's certificates (PEM), one after the other.
  - Both files hold exactly the devices in O(devices), in that order; a device left out is removed. Give every device
    of the cluster in one task (with C(--limit), the others would be dropped).
  - Both files get mode C(0600), each written atomically; a missing directory is created with mode C(0700). The
    credentials file is written through an unnamed file that gets its name only once complete, so no other file
    (not even a temporary one) ever holds a key, also after a kill (on a file system without unnamed files, such
    as some NFS, through a 0600 temporary file beside it instead).
  - Refused in a loop (each item would stay in the registered result, keys included), and for a path inside an
    inventory directory, a link to a missing file, or a path holding one of the devices' keys.
  - Idempotent, RV(ignore:changed) only when a file's content or mode differs (a rotated key, a regenerated
    certificate, a device added or removed).
  - Each file begins with a comment line naming this module. A file at either path that does not begin with it is
    never replaced (remove it first).
  - The result holds no key; it is censored in output anyway (as if the task had C(no_log)), since the task handled
    the keys. C(register) still receives every key of it.
author:
  - edge.snowball maintainers (@edge-snowball)
options:
  devices:
    description:
      - One entry per device, each the registered result of M(edge.snowball.device_credentials) for that device,
        for example C({{ ansible_play_hosts | map('extract', hostvars, 'device_keys') | list }}).
      - Of each entry, this module reads C(endpoint) (the device's IP address is its host) or C(ip), which wins,
        C(access_key_id), C(secret_access_key) and C(ca_bundle); other keys are ignored.
      - An entry of a skipped or failed task, one without a key pair of AWS's shape or without a certificate, or
        whose endpoint is not an IP address (and no C(ip) given) is refused, naming the entry, never showing a
        value. A device given twice must have the same values.
    type: list
    elements: raw
    required: true
  credentials_file:
    description:
      - Path of the credentials file on the controller (what C(EKSA_AWS_CREDENTIALS_FILE) names). A relative path is
        relative to the playbook's directory.
      - Never inside a C(group_vars) or C(host_vars) directory (refused), since Ansible would load it as inventory
        variables. A directory, a FIFO, a device or a file with another hard link is refused too.
    type: path
    required: true
  ca_bundles_file:
    description:
      - Path of the CA bundles file on the controller (what C(EKSA_AWS_CA_BUNDLES_FILE) names). The same rules as
        O(credentials_file); another file than it.
    type: path
    required: true
extends_documentation_fragment:
  - action_common_attributes
  - action_common_attributes.flow
  - edge.snowball.attributes
attributes:
  action:
    details: Runs on the controller; no module runs on any host.
  check_mode:
    support: full
    details: Says in RV(msg) what would change and writes nothing.
notes:
  - Runs on the controller whatever host the task targets; use C(run_once=true) (or C(hosts=localhost)).
  - Refused when something would print task arguments (C(ANSIBLE_DEBUG), C(display_args_to_stdout) and the like)
    unless the task has C(no_log).
  - EKS Anywhere's Snow provider reads these files when it creates or upgrades the cluster; see its
    documentation for C(EKSA_AWS_CREDENTIALS_FILE) and C(EKSA_AWS_CA_BUNDLES_FILE).
seealso:
  - module: edge.snowball.device_credentials
  - name: EKS Anywhere on Snow, cluster creation
    description: Where EKS Anywhere reads EKSA_AWS_CREDENTIALS_FILE and EKSA_AWS_CA_BUNDLES_FILE.
    link: https://anywhere.eks.amazonaws.com/docs/getting-started/snow/
"""

EXAMPLES = r"""
- name: Read each device's keys and certificate on its edge host (the result is censored)
  edge.snowball.device_credentials:
    endpoint: https://192.0.2.10
    manifest_file: /srv/snowball/manifest.bin
    unlock_code: "{{ lookup('edge.snowball.unlock_code', 'JID123e4567-e89b-12d3-a456-426655440000') }}"
  register: device_keys

- name: Write EKS Anywhere's two files on the controller, for every device of the play
  edge.snowball.eks_anywhere_credentials:
    devices: "{{ ansible_play_hosts | map('extract', hostvars, 'device_keys') | list }}"
    credentials_file: ~/eksa/snowball-credentials
    ca_bundles_file: ~/eksa/snowball-ca-bundles.pem
  run_once: true
  register: eksa_files

- name: Say where they are (paths and device IPs, never a key)
  ansible.builtin.debug:
    msg: >-
      export EKSA_AWS_CREDENTIALS_FILE={{ eksa_files.credentials_file }}
      EKSA_AWS_CA_BUNDLES_FILE={{ eksa_files.ca_bundles_file }} ({{ eksa_files.devices | join(', ') }})
  run_once: true
"""

RETURN = r"""
credentials_file:
  description: The absolute path of the credentials file on the controller.
  returned: success
  type: str
  sample: /home/admin/eksa/snowball-credentials
ca_bundles_file:
  description: The absolute path of the CA bundles file on the controller.
  returned: success
  type: str
  sample: /home/admin/eksa/snowball-ca-bundles.pem
devices:
  description: The IP address of every device in the files, in their order.
  returned: success
  type: list
  elements: str
  sample: ["192.0.2.10", "192.0.2.11"]
msg:
  description: What was written, or in check mode what would be (paths and what differs, never a value).
  returned: success
  type: str
  sample: "2 device(s) (192.0.2.10, 192.0.2.11) written: credentials file /home/admin/eksa/snowball-credentials: created; ..."
"""
