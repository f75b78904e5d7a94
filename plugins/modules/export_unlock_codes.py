# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# The work is done on the controller by the action plugin of the same name
# (plugins/action/export_unlock_codes.py); this file only documents it, as ansible-core's
# own action-only modules (debug, set_fact, assert) are documented.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: export_unlock_codes
version_added: 2.0.0
short_description: Export the unlock codes of Snowball jobs into one ansible-vault file, for a disconnected site
description:
  - Runs on the controller while it can reach AWS. Gets the unlock code of every job in O(job_ids)
    (C(GetJobUnlockCode), several at once, as the P(edge.snowball.unlock_code#lookup) lookup does) and
    writes them to O(dest) as B(one ansible-vault encrypted YAML file) mapping each job id to its code.
  - The role P(edge.snowball.unlock#role) (variable C(unlock_codes_file)) and the lookup
    (P(edge.snowball.unlock_code#lookup) with C(codes_file)) later read that file at the site, with no AWS access.
  - The codes are encrypted in memory with the vault secrets loaded for the play (C(--vault-id),
    C(--vault-password-file) or C(--ask-vault-pass)); without one the module refuses before any AWS call.
    The codes are never written in clear, not even to a temporary file.
  - O(dest) is written atomically (a temporary file holding only the encrypted text, in the same directory,
    renamed over O(dest)) with mode C(0600). A missing directory is created with mode C(0700).
  - Idempotent. An O(dest) that already holds exactly these codes, encrypted with the identity chosen
    (O(vault_id)), is not rewritten (RV(ignore:changed=false)); the same codes under another identity are
    encrypted again.
  - An O(dest) that is not a codes file this module wrote is never overwritten. That covers a file the loaded
    vault secrets cannot decrypt, a damaged one, or a vault file this module did not write. Its own files are
    recognised by the first line of their clear text, inside the encryption.
  - Every code must have the shape AWS hands out (5 groups of 5 letters or digits), which
    M(edge.snowball.device_unlock) requires at the site; otherwise nothing is written.
  - Every job id is checked against the rule AWS documents before any network call.
  - The result holds the job ids, never a code, and is censored in output anyway (as if the task had
    C(no_log)); C(register) still receives every key.
  - Keep the codes file apart from the manifests, as AWS advises. Carry them on different media, see
    the collection's C(docs/disconnected-sites.md).
author:
  - edge.snowball maintainers (@edge-snowball)
options:
  job_ids:
    description:
      - The ids of the Snowball jobs whose codes the site needs (C(JID) or C(MID) followed by a lower-case UUID).
      - The file holds exactly these jobs; an id given twice is fetched once.
    type: list
    elements: str
    required: true
  dest:
    description:
      - Path of the codes file on the controller. A relative path is relative to the playbook's directory.
      - Never in the same directory as the manifests. A directory holding a file named like a manifest (a job id
        or C(manifest) in its name) is refused.
      - Never inside a C(group_vars) or C(host_vars) directory (refused), also when a link (of a directory or of
        the file) leads there, or when the file has another hard link. Ansible would load the codes as
        inventory variables, shown in clear by C(ansible-inventory --list) or C(hostvars).
      - Judged on its real path, every link resolved, before any AWS call. A FIFO, a device or a path with a NUL
        byte is refused too. When O(dest) is a link, the file it leads to is replaced.
    type: path
    required: true
  vault_id:
    description:
      - Which loaded vault identity encrypts the file, for example V(site) for C(--vault-id site@prompt).
      - By default the first identity loaded (the only one, usually).
      - When O(dest) was encrypted with another identity, the codes are encrypted again with this one.
    type: str
  check_state:
    description:
      - When AWS refuses a job's code because of the job's state, call C(DescribeJob) for that job and
        fail with a clear message, the job's real state when it is not C(WithCustomer), or that its
        credentials have expired (360 days after creation).
      - The code is asked for first, so each job that is C(WithCustomer) costs one API call.
      - Needs the IAM action C(snowball:DescribeJob) to explain a refusal.
    type: bool
    default: true
  concurrency:
    description:
      - How many jobs to ask AWS about at the same time, as the lookup's O(edge.snowball.unlock_code#lookup:concurrency)
        does, with the same default. Throttling is retried with backoff.
    type: int
    default: 16
attributes:
  check_mode:
    support: full
    details: Gets the codes from AWS (a read) and reports whether O(dest) would change; writes nothing.
notes:
  - Runs on the controller whatever host the task targets; use C(run_once=true) (or C(hosts=localhost)).
  - Required IAM actions are C(snowball:GetJobUnlockCode), and C(snowball:DescribeJob) to explain a refused code (O(check_state=true)).
  - An unlock code stays valid only while the job is C(WithCustomer), and at most 360 days after the job was
    created. Export shortly before the trip.
seealso:
  - plugin: edge.snowball.unlock_code
    plugin_type: lookup
  - module: edge.snowball.job_manifest
extends_documentation_fragment:
  - action_common_attributes
  - action_common_attributes.flow
  - edge.snowball.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - edge.snowball.retries
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.
# Run with a vault secret loaded, for example: ansible-playbook --vault-id site@prompt ...

- name: Export the codes of the site's jobs into one vault file
  edge.snowball.export_unlock_codes:
    job_ids:
      - JID123e4567-e89b-12d3-a456-426655440000
      - JID9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d
    dest: /srv/snowball-codes/site-a.vault.yml
  run_once: true
  register: exported

- name: Every job of the play's hosts, encrypted with the vault identity "site" (--vault-id site@prompt)
  edge.snowball.export_unlock_codes:
    job_ids: "{{ ansible_play_hosts | map('extract', hostvars, 'unlock_job_id') | unique }}"
    dest: /srv/snowball-codes/fleet.vault.yml
    vault_id: site
  run_once: true
"""

RETURN = r"""
job_ids:
  description: The job ids whose codes the file holds, in the order given (never a code).
  returned: success
  type: list
  elements: str
  sample: ["JID123e4567-e89b-12d3-a456-426655440000"]
dest:
  description: The absolute path of the codes file on the controller.
  returned: success
  type: str
  sample: /srv/snowball-codes/site-a.vault.yml
retried:
  description: Which AWS calls were retried (after throttling, a 5xx answer or a network error) and how often.
  returned: when a call was retried
  type: str
  sample: "GetJobUnlockCode: 4 requests for 1 call(s) (3 retried)"
"""
