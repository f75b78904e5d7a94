# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball's AWS machinery; may change without notice.

"""How the Snowball job API's failures are worded: its entries in the one error table
(``_aws/errors.py``), the codes it words itself first."""

from __future__ import annotations

from ansible_collections.edge.snowball.plugins.module_utils._aws.errors import DENIED_CODES
from ansible_collections.edge.snowball.plugins.module_utils._aws.errors import ServiceWords
from ansible_collections.edge.snowball.plugins.module_utils._jobs.states import CREDENTIALS_LIFETIME
from ansible_collections.edge.snowball.plugins.module_utils._jobs.states import READY_STATE

WORDS = ServiceWords(
    name="the Snowball API",
    endpoint="the Snowball endpoint",
    endpoint_check="endpoint_url, the region name",
    throttling_advice="or lower forks / the lookup's concurrency",
    server_codes=("InternalFailure", "InternalError", "ServiceUnavailable"),
    entries=(
        (
            ("InvalidJobStateException",),
            "{action} refused for {subject}: the job is not in a state that allows it.{said}"
            f" The unlock code and manifest are only available while the job is {READY_STATE},"
            f" and for {CREDENTIALS_LIFETIME.days} days after it was created; use edge.snowball.job_unlock_code"
            " with describe_job=true to see the job's state.",
        ),
        (
            ("InvalidResourceException",),
            "{subject} was not found{where} ({action}).{said} Check the job id, and that the region"
            " and AWS account are the ones the job was created in.",
        ),
        (
            DENIED_CODES,
            "access denied for snowball:{action} on {subject}.{said} Allow the IAM action"
            " snowball:{action} to the credentials in use (docs/iam-policy.json in this collection is a minimal"
            " policy).",
        ),
    ),
)
