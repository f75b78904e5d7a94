# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: unlock_code
version_added: 1.0.0
short_description: Get the unlock codes of AWS Snowball jobs on the controller
description:
  - Returns the unlock code of each job id given, in the same order, by calling the Snowball
    job-management API C(GetJobUnlockCode) from the controller.
  - Every job id is checked against the rule AWS documents before any network call; one bad id
    fails the lookup before any request is made.
  - Several ids are fetched concurrently (O(concurrency)); an id given twice costs one call.
  - This lookup never logs or displays a code, at any verbosity, and keeps no copy of it anywhere.
    Ansible cannot censor the value of a lookup by itself, so use it where the value is not shown,
    for example in a C(set_fact) task with C(no_log=true), or directly as a module option that is
    itself C(no_log) (such as O(edge.snowball.device_unlock#module:unlock_code)).
  - Lookups do not see C(module_defaults); pass connection options as keyword arguments, or use the
    usual C(AWS_*) environment variables.
author:
  - edge.snowball maintainers (@edge-snowball)
options:
  _terms:
    description: One or more Snowball job ids (C(JID) or C(MID) followed by a lower-case UUID).
    required: true
    type: list
    elements: str
  check_state:
    description:
      - When AWS refuses a job's code because of the job's state (C(InvalidJobStateException)), call
        C(DescribeJob) for that job and fail with a clear message, the job's real state when it is not
        C(WithCustomer), or that its credentials have expired (360 days after creation).
      - The code is asked for first, so each job that is C(WithCustomer) costs one API call. Before
        release 2.0.0, C(DescribeJob) was called first for every job (two calls per job).
      - Needs the IAM action C(snowball:DescribeJob) to explain a refusal.
    type: bool
    default: true
  concurrency:
    description:
      - How many jobs to ask AWS about at the same time. The client's connection pool is sized to match.
      - V(16) is what the fleet benchmark found fastest (docs/performance.md); throttling is retried with backoff.
    type: int
    default: 16
  codes_file:
    description:
      - Read the codes from this file on the controller instead of asking AWS. It is the ansible-vault file
        M(edge.snowball.export_unlock_codes) wrote while connected. No AWS call is made at all.
      - Decrypted in memory with the vault secrets loaded for the play (C(--vault-id),
        C(--vault-password-file) or C(--ask-vault-pass)), never through a temporary file.
      - A relative path is relative to the playbook's directory.
      - Refused inside a C(group_vars) or C(host_vars) directory, also through a link (Ansible would load
        the codes as inventory variables), and when it is not a regular file (a FIFO is never waited on).
      - Its content is checked, never shown. Every key must be a job id, every value an unlock code, and no
        job may appear twice.
    type: path
    version_added: 2.0.0
notes:
  - Required IAM actions are C(snowball:GetJobUnlockCode), and C(snowball:DescribeJob) to explain a
    refusal (O(check_state=true)).
  - One API call per distinct job id in the common case, whatever the options.
  - Throttling is retried with jittered backoff; the order of the codes always follows the order of the ids.
seealso:
  - module: edge.snowball.job_unlock_code
  - module: edge.snowball.export_unlock_codes
extends_documentation_fragment:
  - amazon.aws.boto3
  - amazon.aws.common.plugins
  - amazon.aws.region.plugins
  - edge.snowball.retries
"""

EXAMPLES = r"""
- name: Keep the code in a fact that is never shown
  ansible.builtin.set_fact:
    snowball_unlock_code: "{{ lookup('edge.snowball.unlock_code', unlock_job_id, region='us-west-2') }}"
  no_log: true

- name: Codes for every host of the play in one call, run once on the controller
  ansible.builtin.set_fact:
    snowball_codes: "{{ dict(ids | zip(query('edge.snowball.unlock_code', *ids, region='us-west-2'))) }}"
  vars:
    ids: "{{ ansible_play_hosts | map('extract', hostvars, 'unlock_job_id') | unique }}"
  run_once: true
  no_log: true

- name: At a disconnected site, the code from the file export_unlock_codes wrote (no AWS call)
  ansible.builtin.set_fact:
    snowball_unlock_code: "{{ lookup('edge.snowball.unlock_code', unlock_job_id, codes_file='/srv/snowball-codes/fleet.vault.yml') }}"
  no_log: true
"""

RETURN = r"""
_raw:
  description: The unlock codes, one per job id, in the order the ids were given.
  type: list
  elements: str
"""

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.edge.snowball.plugins.module_utils._aws.client import connect
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._job_id import validate_job_id
from ansible_collections.edge.snowball.plugins.module_utils._jobs.api import SnowballJobs
from ansible_collections.edge.snowball.plugins.module_utils._jobs.codes import fetch_unlock_codes
from ansible_collections.edge.snowball.plugins.module_utils._paths import nul_problem
from ansible_collections.edge.snowball.plugins.module_utils._paths import vars_directory
from ansible_collections.edge.snowball.plugins.module_utils._secret import misplaced_code_refusal
from ansible_collections.edge.snowball.plugins.plugin_utils.secrets_guard import debug_refusal
from ansible_collections.edge.snowball.plugins.plugin_utils.secrets_guard import lookup_refusal
from ansible_collections.edge.snowball.plugins.plugin_utils.vaulted_codes import loaded_secrets
from ansible_collections.edge.snowball.plugins.plugin_utils.vaulted_codes import read_codes

display = Display()


# LookupBase, not amazon.aws's AWSLookupBase: that one imports boto3 and s3transfer (about 190 ms
# in every forked worker) to build a boto3 client; this lookup takes the same options (the same
# documentation fragments) and builds a botocore client (module_utils/_aws/client.py).
class LookupModule(LookupBase):
    def _fail(self, message):
        # "from None": the chained exception could only add noise, never help.
        raise AnsibleLookupError(message) from None

    def _from_codes_file(self, path, job_ids):
        """The codes from export_unlock_codes's vault file, decrypted in memory: no AWS call."""
        problem = nul_problem(path, "codes_file")
        if problem:
            self._fail(problem)
        path = self._loader.path_dwim(path)
        folder = vars_directory(path)
        if folder:
            self._fail(
                f"the codes file {path} is inside a {folder} directory (as written or once its links are resolved):"
                " Ansible loads every file there as inventory variables, so ansible-inventory --list or hostvars"
                " show every code in clear. Move it to a directory of its own (for example /media/codes-key/)."
            )
        failure = None
        try:
            codes = read_codes(path, loaded_secrets(self._loader))
        except SnowballError as e:
            failure = e.message
        if failure is not None:
            self._fail(failure)
        missing = [job_id for job_id in dict.fromkeys(job_ids) if job_id not in codes]
        if missing:
            self._fail(
                f"job {', '.join(missing)} is not in the codes file {path} (it holds {len(codes)} job(s)). Export"
                " its code with edge.snowball.export_unlock_codes while connected, or check the host's job id."
            )
        return [codes[job_id] for job_id in job_ids]

    def run(self, terms, variables=None, **kwargs):
        job_ids = self._checked_job_ids(terms)
        # A code in the wrong option is refused before ansible-core's type checks could quote it.
        refusal = misplaced_code_refusal(kwargs)
        if refusal:
            self._fail(refusal)
        self.set_options(var_options=variables, direct=kwargs)
        refusal = misplaced_code_refusal(self.get_options())
        if refusal:
            self._fail(refusal)
        if self.get_option("codes_file"):
            return self._from_codes_file(self.get_option("codes_file"), job_ids)
        codes = self._from_aws(job_ids)
        return [codes[job_id] for job_id in job_ids]

    def _checked_job_ids(self, terms):
        """The job ids of ``terms``, each refused when bad before any network call, and before the
        SDK is even needed. The reason never repeats the id (it could be a code); with several ids,
        it says which one."""
        job_ids = []
        for term in terms:
            job_ids.extend(term if isinstance(term, list) else [term])
        if not job_ids:
            self._fail("edge.snowball.unlock_code needs at least one job id")
        me = "the edge.snowball.unlock_code lookup"
        refusal = debug_refusal(me) or lookup_refusal(me)
        if refusal:
            self._fail(refusal)
        for number, job_id in enumerate(job_ids, start=1):
            reason = validate_job_id(job_id)
            if reason is not None:
                self._fail(reason if len(job_ids) == 1 else f"job id {number} of {len(job_ids)}: {reason}")
        return job_ids

    def _from_aws(self, job_ids):
        """``{job_id: code}`` from GetJobUnlockCode, each distinct id asked once, ``concurrency`` at a time."""
        concurrency = self.get_option("concurrency")
        if concurrency < 1:
            self._fail(f"concurrency must be at least 1, got {concurrency}")

        unique_ids = list(dict.fromkeys(job_ids))
        workers = min(concurrency, len(unique_ids))
        # botocore alone, with amazon.aws's options and a data loader shared by every client this
        # process makes (module_utils/_aws/client.py): no boto3 import, no model re-read.
        try:
            jobs = connect(SnowballJobs, self.get_options(), max_pool_connections=max(10, workers))
        except SnowballError as e:
            self._fail(e.message)
        failure = None
        try:
            codes = fetch_unlock_codes(jobs, unique_ids, workers, self.get_option("check_state"))
        except SnowballError as e:
            failure = e.message
        retried = jobs.retry_summary()
        if retried:
            display.vvv(f"edge.snowball.unlock_code retried: {retried}")
        if failure is not None:
            self._fail(failure)
        return codes
