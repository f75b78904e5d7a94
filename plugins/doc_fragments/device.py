# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The options device_unlock and device_info share (module_utils/_edge/client.py:
    # device_argument_spec); each module documents its own timeout.
    DOCUMENTATION = r"""
options:
  endpoint:
    description:
      - URL of the device the client talks to, with its scheme, for example V(https://192.0.2.10).
      - For a cluster, the endpoint of the device whose manifest and code are given.
      - A value holding whitespace or a control character (a NUL byte, for example) is refused before the client
        runs.
    type: str
    required: true
  manifest_file:
    description: Path of the job's manifest on the edge host.
    type: path
    required: true
  unlock_code:
    description:
      - The job's unlock code. It is a secret; it is masked in all output, and reaches the client through
        a private profile in memory-backed storage that exists only while each client command runs, never
        its command line.
      - Surrounding whitespace is stripped. A value that is not 5 groups of 5 letters or digits separated by
        hyphens is refused without being shown.
      - The task is refused unless pipelining is in effect for it (C(pipelining = true), a become method
        that supports it such as C(sudo), C(ANSIBLE_KEEP_REMOTE_FILES) off), because otherwise ansible-core
        would write the module's arguments, this code included, to a file on the edge host.
      - In a loop whose item or label holds the code, the loop results are censored as with C(no_log).
    type: str
    required: true
  job_id:
    description:
      - The device's job id (for a cluster, the job whose manifest and code are given), for example
        V(JID123e4567-e89b-12d3-a456-426655440000). Optional.
      - Written into the client profile's C(jobId), as C(snowballEdge configure) does; without it the profile has
        an empty C(jobId). Checked with the job-id rules before the client runs.
    type: str
    version_added: 2.0.0
  client:
    description:
      - The Snowball Edge client to run, a name looked up on the edge host's C(PATH) or a full path.
    type: str
    default: snowballEdge
  cluster_ips:
    description:
      - The IP addresses of every device of a cluster. When set, the module describes the cluster with
        C(describe-cluster) (M(edge.snowball.device_unlock) also unlocks it with C(unlock-cluster)) and
        considers the cluster C(UNLOCKED) when every device is.
    type: list
    elements: str
    default: []
"""
