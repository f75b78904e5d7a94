# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball's AWS machinery; may change without notice.

"""How Snow Device Management's failures are worded: its entries in the one error table
(``_aws/errors.py``), the codes it words itself first."""

from __future__ import annotations

from ansible_collections.edge.snowball.plugins.module_utils._aws.errors import DENIED_CODES
from ansible_collections.edge.snowball.plugins.module_utils._aws.errors import ServiceWords

SERVICE = "snow-device-management"

WORDS = ServiceWords(
    name="Snow Device Management",
    endpoint="the Snow Device Management endpoint",
    endpoint_check="endpoint_url (or AWS_ENDPOINT_URL_SNOW_DEVICE_MANAGEMENT), the region",
    throttling_advice="raise the retries option, or unlock fewer devices per run",
    server_codes=("InternalServerException",),
    entries=(
        (
            ("ResourceNotFoundException",),
            "{subject} was not found by Snow Device Management{where} ({action}).{said} Check the id, and"
            " that region and account are the ones the job was ordered in.",
        ),
        (
            ("ValidationException",),
            "Snow Device Management refused {action} for {subject} as invalid.{said} Check the ids passed.",
        ),
        (
            DENIED_CODES,
            f"access denied for {SERVICE}:{{action}} ({{subject}}).{{said}} Allow the IAM action"
            f" {SERVICE}:{{action}} in the job's region (docs/iam-policy.json in this collection).",
        ),
        (
            ("ServiceQuotaExceededException",),
            "{action} for {subject} would exceed a Snow Device Management quota.{said} Wait for running"
            " tasks to finish (or ask AWS to raise the quota), then run again.",
        ),
    ),
)
