#!/usr/bin/python

# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: job_unlock_code
version_added: 1.0.0
short_description: Get the unlock code of an AWS Snowball job, without ever showing it
description:
  - Calls the Snowball job-management API C(GetJobUnlockCode) for one job and returns the 29-character
    unlock code that, together with the job's manifest, unlocks the Snowball Edge device.
  - The whole result is censored (as if the task had C(no_log)) whenever it carries a code, even
    when the task does not set C(no_log), so the code never shows in task output at any verbosity
    or in C(ANSIBLE_LOG_PATH). Register the result and pass RV(unlock_code) to the task that needs it.
  - Failures are not censored; their messages never contain a code.
  - O(job_id) is checked against the rule AWS documents before any network call.
  - One API call in the common case. With O(check_state=true) (the default), when AWS refuses the code
    because of the job's state, the module calls C(DescribeJob) and fails with the job's real state
    (for example C(InTransitToCustomer)), or says that the job is older than 360 days.
  - O(describe_job=true) calls C(DescribeJob) before asking for the code (the default of release 1.0.0),
    so that RV(job_state) and RV(expires_at) are always returned.
  - The module only reads, so it runs unchanged in check mode and always reports C(changed=false).
  - AWS advises never to keep the unlock code in the same place as the manifest. This module never
    writes the code anywhere.
author:
  - edge.snowball maintainers (@edge-snowball)
options:
  job_id:
    description:
      - The id of the Snowball job, for example C(JID123e4567-e89b-12d3-a456-426655440000).
      - Exactly 39 characters, C(JID) or C(MID) followed by a UUID in lower-case hexadecimal.
    type: str
    required: true
  check_state:
    description:
      - When AWS refuses the code because of the job's state (C(InvalidJobStateException)), call
        C(DescribeJob) and fail with a clear message, the job's real state when it is not
        C(WithCustomer), or that its credentials have expired (360 days after the job was created).
      - The code is asked for first, so a job that is C(WithCustomer) costs one API call; O(describe_job=true)
        calls C(DescribeJob) first.
      - Needs the IAM action C(snowball:DescribeJob) to explain a refusal.
    type: bool
    default: true
  describe_job:
    description:
      - Call C(DescribeJob) before asking for the code, fail early when the job is not C(WithCustomer)
        or older than 360 days, and return RV(job_state) and RV(expires_at) in every case.
      - One more API call per job, and the IAM action C(snowball:DescribeJob).
    type: bool
    default: false
    version_added: 2.0.0
  wait:
    description:
      - When the job has not reached C(WithCustomer) yet (for example the device is still
        C(InTransitToCustomer)), wait for it instead of failing.
      - Only used with O(check_state=true) or O(describe_job=true).
    type: bool
    default: false
  timeout:
    description:
      - How many seconds to wait for C(WithCustomer) when O(wait=true).
      - The same name as in M(edge.snowball.device_unlock) and M(edge.snowball.managed_device_unlock).
    type: int
    default: 600
    aliases: [wait_timeout]
  poll_interval:
    description:
      - Seconds between two C(DescribeJob) calls while waiting.
    type: int
    default: 15
    aliases: [wait_interval]
notes:
  - Runs on the controller whatever host the task targets, as with C(delegate_to=localhost); the controller's Python
    makes the AWS call (boto3 and botocore from the collection's C(requirements.txt) there), so edge hosts need
    neither boto3 nor AWS credentials. The task's C(environment) and C(module_defaults) apply as usual.
  - The action plugin does the whole task, in the worker ansible-core starts for it; no module process runs, so
    C(become) and C(ansible_python_interpreter) have no effect on it.
  - Required IAM actions are C(snowball:GetJobUnlockCode), and C(snowball:DescribeJob) to explain a
    refusal (O(check_state=true)) or with O(describe_job=true).
  - Throttling (C(ThrottlingException)) is retried with jittered backoff before the task fails.
  - "Use O(aws_config) to change botocore's time-outs and retries, for example
    C(aws_config: {read_timeout: 10, connect_timeout: 5})."
seealso:
  - plugin: edge.snowball.unlock_code
    plugin_type: lookup
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
    details: Runs on the controller whatever host the task targets, in the action plugin; no module process runs on any host.
  check_mode:
    support: full
    details: Only reads from AWS; runs unchanged in check mode and always reports C(changed=false).
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Get the unlock code of a job (censored in all output)
  edge.snowball.job_unlock_code:
    job_id: JID123e4567-e89b-12d3-a456-426655440000
  register: snowball_job

- name: The code, the job's state and when its credentials expire (one more API call, DescribeJob)
  edge.snowball.job_unlock_code:
    job_id: JID123e4567-e89b-12d3-a456-426655440000
    describe_job: true
  register: snowball_job

- name: Wait up to an hour for the device to arrive, then get its code
  edge.snowball.job_unlock_code:
    job_id: JID123e4567-e89b-12d3-a456-426655440000
    wait: true
    timeout: 3600
  register: snowball_job

- name: The same for every AWS module of the play, through the action group
  module_defaults:
    group/edge.snowball.aws:
      region: us-west-2
  block:
    - name: Get the code
      edge.snowball.job_unlock_code:
        job_id: JID123e4567-e89b-12d3-a456-426655440000
      register: snowball_job
"""

RETURN = r"""
unlock_code:
  description:
    - The unlock code of the job. The result that holds it is always censored in output; use it
      only as an input to another task.
  returned: success
  type: str
  sample: "xxxxx-xxxxx-xxxxx-xxxxx-xxxxx"
job_id:
  description: The job id the code belongs to.
  returned: success
  type: str
  sample: JID123e4567-e89b-12d3-a456-426655440000
job_state:
  description:
    - The state of the job reported by C(DescribeJob).
    - Only returned when C(DescribeJob) was called; set O(describe_job=true) to always get it.
  returned: when O(describe_job=true), or when O(check_state=true) and AWS first refused the code (for example after O(wait=true) waited)
  type: str
  sample: WithCustomer
expires_at:
  description:
    - When the job's credentials expire (creation date plus 360 days), ISO 8601, UTC.
    - Only returned when C(DescribeJob) was called, as RV(job_state).
  returned: when O(describe_job=true), or when O(check_state=true) and AWS first refused the code
  type: str
  sample: "2027-11-20T09:30:00+00:00"
retried:
  description:
    - Which AWS calls were retried (after throttling, a 5xx answer or a network error) and how often.
      Shown at C(-vvv) even though the result itself is censored.
  returned: when a call was retried
  type: str
  sample: "GetJobUnlockCode: 4 requests for 1 call(s) (3 retried)"
"""
