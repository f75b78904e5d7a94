# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball's AWS machinery; may change without notice.

"""A Snow Device Management failure (botocore's ClientError or BotoCoreError) turned into a
SnowballError whose message says what to do; what this service does not word itself is worded like
the job API's failures (``_aws_errors.to_snowball_error``). ``subject`` names what the call was about
(a job, a device, a task), never anything secret."""

from __future__ import annotations

from typing import Optional

from ansible_collections.edge.snowball.plugins.module_utils._aws.errors import THROTTLING_CODES
from ansible_collections.edge.snowball.plugins.module_utils._aws.errors import to_snowball_error
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError

try:
    from botocore.exceptions import ClientError
except ImportError:
    pass  # reported by _aws/client.make_client

SERVICE = "snow-device-management"


def service_error(
    error: Exception, action: str, subject: str, region: Optional[str], endpoint: Optional[str]
) -> SnowballError:
    """A Snow Device Management failure as a message that says what to do."""
    target = endpoint or "the Snow Device Management endpoint"
    if isinstance(error, ClientError):
        worded = _client_error(error, action, subject, region)
    else:
        worded = _connection_error(error, action, subject, target)
    return worded or to_snowball_error(error, action, subject, region, target)


def _client_error(error: ClientError, action: str, subject: str, region: Optional[str]) -> Optional[SnowballError]:
    """The error codes this service words itself, or None."""
    err = error.response.get("Error", {}) or {}
    code = str(err.get("Code") or "")
    said = str(err.get("Message") or "").strip()
    said = f" AWS said: {said.rstrip('.')}." if said else ""
    metadata = error.response.get("ResponseMetadata") or {}
    where = f" in region {region}" if region else ""
    text = _client_error_text(code, metadata.get("HTTPStatusCode"), action, subject, said, where)
    if text is None:
        return None
    return SnowballError(text, error_code=code or None, request_id=metadata.get("RequestId"))


def _client_error_text(code: str, status: object, action: str, subject: str, said: str, where: str) -> Optional[str]:
    if code in THROTTLING_CODES:
        return (
            f"Snow Device Management kept throttling {action} for {subject} ({code}) after retrying with"
            " backoff. Retry later, raise the retries option, or unlock fewer devices per run."
        )
    if code == "ResourceNotFoundException":
        return (
            f"{subject} was not found by Snow Device Management{where} ({action}).{said} Check the id, and"
            " that region and account are the ones the job was ordered in."
        )
    if code == "ValidationException":
        return f"Snow Device Management refused {action} for {subject} as invalid.{said} Check the ids passed."
    if code in ("AccessDeniedException", "AccessDenied"):
        return (
            f"access denied for {SERVICE}:{action} ({subject}).{said} Allow the IAM action"
            f" {SERVICE}:{action} in the job's region (docs/iam-policy.json in this collection)."
        )
    if code == "ServiceQuotaExceededException":
        return (
            f"{action} for {subject} would exceed a Snow Device Management quota.{said} Wait for running"
            " tasks to finish (or ask AWS to raise the quota), then run again."
        )
    if code == "InternalServerException" or (isinstance(status, int) and status >= 500):
        return (
            f"Snow Device Management failed with HTTP {status} ({code or 'no error code'}) on {action} for"
            f" {subject}, after retries. This is on the AWS side: retry later."
        )
    return None


def _connection_error(error: Exception, action: str, subject: str, target: str) -> Optional[SnowballError]:
    """Time-outs and an endpoint that does not answer, worded with this service's settings, or None."""
    from botocore import exceptions as bex

    name = type(error).__name__
    if isinstance(error, (bex.ConnectTimeoutError, bex.ReadTimeoutError)):
        return SnowballError(
            f"timed out talking to {target} on {action} for {subject} ({name}). Check the network path to the"
            " endpoint, or raise aws_config.read_timeout / connect_timeout.",
            error_code=name,
        )
    if isinstance(error, bex.EndpointConnectionError):
        return SnowballError(
            f"could not connect to {target} on {action} for {subject}: nothing answered"
            f" ({error.kwargs.get('endpoint_url', 'unknown URL')}). Check endpoint_url (or"
            " AWS_ENDPOINT_URL_SNOW_DEVICE_MANAGEMENT), the region and the network (proxy, DNS, firewall).",
            error_code=name,
        )
    return None
