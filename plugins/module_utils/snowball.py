# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared logic for the edge.snowball modules and lookups.

Everything that talks to the Snowball job-management API, checks a job id or
turns an AWS failure into a message lives here, so that the module and the
lookup behave the same way.

Nothing in this file may ever put an unlock code into a message, a log record
or an exception: the code only travels in the return value of
``SnowballJobs.unlock_code``.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
from typing import Any, Callable, Dict, Optional, Tuple

# The job-id rules live in job_id.py, which imports nothing, so that job_unlock_code's action
# plugin (which never calls AWS itself) checks ids without loading botocore.
from ansible_collections.edge.snowball.plugins.module_utils.aws_options import DEFAULT_RETRIES
from ansible_collections.edge.snowball.plugins.module_utils.job_id import validate_job_id

try:
    from botocore.exceptions import BotoCoreError, ClientError
    from botocore.parsers import ResponseParserError
except ImportError:
    pass  # Reported by botocore_client.snowball_client

#: How long AWS keeps a job's credentials after the job was created.
CREDENTIALS_LIFETIME = datetime.timedelta(days=360)

THROTTLING_CODES = (
    "ThrottlingException",
    "Throttling",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "SlowDown",
)


# ---------------------------------------------------------------------------
# Job states
# ---------------------------------------------------------------------------

READY_STATE = "WithCustomer"

#: What each JobState means for someone who wants the unlock code.
STATE_MEANINGS: Dict[str, str] = {
    "New": "the job was created but AWS has not started preparing the device yet",
    "PreparingAppliance": "AWS is preparing the device",
    "PreparingShipment": "AWS is preparing the device for shipping",
    "InTransitToCustomer": "the device has not arrived yet",
    "WithCustomer": "the device is on site",
    "InTransitToAWS": "the device is on its way back to AWS; its unlock code is no longer available",
    "WithAWSSortingFacility": "the device is back at an AWS sorting facility; its unlock code is no longer available",
    "WithAWS": "the device is back with AWS; its unlock code is no longer available",
    "InProgress": "AWS is transferring the device's data; its unlock code is no longer available",
    "Complete": "the job is complete; its unlock code is no longer available",
    "Cancelled": "the job was cancelled; it has no unlock code",
    "Listing": "AWS is listing the job's objects; the device is not with you",
    "Pending": "the job is pending; the device has not been prepared yet",
}

#: States from which a job can still reach WithCustomer (worth waiting for).
STATES_BEFORE_CUSTOMER = frozenset(("New", "Pending", "PreparingAppliance", "PreparingShipment", "InTransitToCustomer"))


def explain_state(state: str) -> str:
    meaning = STATE_MEANINGS.get(state)
    if meaning is None:
        return f"{state}: a state this collection does not know; the unlock code is only available in {READY_STATE}"
    return f"{state}: {meaning}"


def expires_at(created: datetime.datetime) -> datetime.datetime:
    if created.tzinfo is None:
        created = created.replace(tzinfo=datetime.timezone.utc)
    return created + CREDENTIALS_LIFETIME


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


class SnowballError(Exception):
    """A failure with a message a person can act on. Never carries a code."""

    def __init__(
        self,
        message: str,
        error_code: Optional[str] = None,
        request_id: Optional[str] = None,
        aws_message: str = "",
    ):
        super().__init__(message)
        self.message = message
        self.error_code = error_code
        self.request_id = request_id
        #: What AWS said, when it said something (never a code: error bodies hold none).
        self.aws_message = aws_message

    def as_result(self) -> Dict[str, Any]:
        result: Dict[str, Any] = {"msg": self.message}
        if self.error_code:
            result["error_code"] = self.error_code
        if self.request_id:
            result["request_id"] = self.request_id
        return result


_CREDENTIAL_CODES = frozenset(
    (
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "MissingAuthenticationToken",
        "AuthFailure",
    )
)
_EXPIRED_CODES = frozenset(("ExpiredTokenException", "ExpiredToken", "RequestExpired"))
_DENIED_CODES = frozenset(("AccessDeniedException", "AccessDenied", "UnauthorizedOperation"))


def _client_error_message(error: ClientError, action: str, job_id: str, region: Optional[str]) -> SnowballError:
    err = error.response.get("Error", {}) or {}
    code = str(err.get("Code") or "")
    aws_message = str(err.get("Message") or "").strip()
    status = (error.response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
    request_id = (error.response.get("ResponseMetadata") or {}).get("RequestId")
    if aws_message and not aws_message.endswith("."):
        aws_message += "."
    said = f" AWS said: {aws_message}" if aws_message else ""
    where = f" in region {region}" if region else ""

    if code == "InvalidJobStateException":
        text = (
            f"{action} refused for job {job_id}: the job is not in a state that allows it.{said}"
            f" The unlock code and manifest are only available while the job is {READY_STATE},"
            " and for 360 days after it was created; use edge.snowball.job_unlock_code with"
            " check_state=true to see the job's state."
        )
    elif code == "InvalidResourceException":
        text = (
            f"job {job_id} was not found{where} ({action}).{said} Check the job id, and that the region"
            " and AWS account are the ones the job was created in."
        )
    elif code in _DENIED_CODES:
        text = (
            f"access denied for snowball:{action} on job {job_id}.{said} Allow the IAM action"
            f" snowball:{action} to the credentials in use (docs/iam-policy.json in this collection is a minimal policy)."
        )
    elif code in _EXPIRED_CODES:
        text = f"the AWS credentials in use have expired ({code}) on {action} for job {job_id}.{said} Refresh the session token or profile and retry."
    elif code in _CREDENTIAL_CODES:
        text = (
            f"AWS did not accept the credentials in use ({code}) on {action} for job {job_id}.{said}"
            " Check access_key/secret_key,"
            " session_token or profile, and that the clock of the controller is right."
        )
    elif code in THROTTLING_CODES:
        text = (
            f"the Snowball API kept throttling {action} for job {job_id} ({code}) after retrying with"
            " backoff. Retry later, or lower forks / the lookup's concurrency."
        )
    elif (isinstance(status, int) and status >= 500) or code in (
        "InternalFailure",
        "InternalError",
        "ServiceUnavailable",
    ):
        text = (
            f"the Snowball API failed with HTTP {status} ({code or 'no error code'}) on {action} for job"
            f" {job_id}, after retries. This is on the AWS side: retry later."
        )
    else:
        text = f"{action} failed for job {job_id}: {code or 'HTTP ' + str(status)}.{said}"
    return SnowballError(text, error_code=code or None, request_id=request_id, aws_message=aws_message)


def _endpoint_name(endpoint: Optional[str]) -> str:
    return endpoint or "the Snowball endpoint"


def not_an_api_response(endpoint: Optional[str], action: str, job_id: str, what: str, error_code: str) -> SnowballError:
    """The endpoint answered, but not as the Snowball API does. The body is never quoted: it may hold a code."""
    return SnowballError(
        f"{_endpoint_name(endpoint)} answered {action} for job {job_id} {what}, so this is not a Snowball API"
        " response (a proxy error page, or an answer cut off on the way?). The body is not shown because it"
        " may hold a secret. Check endpoint_url and any proxy between you and AWS, then retry.",
        error_code=error_code,
    )


def _botocore_error_message(error: Exception, action: str, job_id: str, endpoint: Optional[str]) -> SnowballError:
    # Imported lazily: the classes only exist when botocore is installed.
    from botocore import exceptions as bex

    name = type(error).__name__
    target = _endpoint_name(endpoint)
    if isinstance(error, bex.NoCredentialsError):
        text = (
            "no AWS credentials were found. Set access_key and secret_key, a profile, or the usual"
            " AWS_* environment variables."
        )
    elif isinstance(error, bex.PartialCredentialsError):
        text = f"the AWS credentials are incomplete: {error}. Set both access_key and secret_key."
    elif isinstance(error, bex.ProfileNotFound):
        text = f"{error}. Check the profile option and ~/.aws/config."
    elif isinstance(error, bex.NoRegionError):
        text = "no AWS region is configured. Set the region option or AWS_REGION to the region the job was created in."
    elif isinstance(error, (bex.ConnectTimeoutError, bex.ReadTimeoutError)):
        text = (
            f"timed out talking to {target} on {action} for job {job_id} ({name}). Check the network"
            " path to the endpoint, or raise aws_config.read_timeout / connect_timeout."
        )
    elif isinstance(error, bex.EndpointConnectionError):
        text = (
            f"could not connect to {target} on {action} for job {job_id}: nothing answered"
            f" ({error.kwargs.get('endpoint_url', 'unknown URL')}). Check endpoint_url, the region"
            " name and the network (proxy, DNS, firewall)."
        )
    elif isinstance(error, bex.ConnectionClosedError):
        text = (
            f"{target} closed the connection before answering {action} for job {job_id}. This is"
            " usually a proxy or network fault: retry, and check any proxy settings."
        )
    elif isinstance(error, ResponseParserError):
        # botocore's own message quotes the raw body, which may hold a code: never repeat it.
        return not_an_api_response(endpoint, action, job_id, "with a body botocore could not parse", name)
    elif isinstance(error, bex.ParamValidationError):
        text = f"botocore refused the request for job {job_id}: {error}"
    elif isinstance(error, bex.HTTPClientError):
        text = f"HTTP failure talking to {target} on {action} for job {job_id} ({name}). Check the network and retry."
    else:
        text = f"{action} failed for job {job_id}: {name}."
    return SnowballError(text, error_code=name)


def to_snowball_error(
    error: Exception, action: str, job_id: str, region: Optional[str] = None, endpoint: Optional[str] = None
) -> SnowballError:
    """Turn a botocore failure into a SnowballError whose message says what to do."""
    if isinstance(error, ClientError):
        return _client_error_message(error, action, job_id, region)
    if isinstance(error, (BotoCoreError, ResponseParserError)):
        return _botocore_error_message(error, action, job_id, endpoint)
    raise TypeError(f"not a botocore error: {type(error).__name__}")


# ---------------------------------------------------------------------------
# Keeping response bodies out of botocore's debug log
# ---------------------------------------------------------------------------


class _ResponseBodyRedactor(logging.Filter):
    """Drops the body from botocore's ``Response body:`` debug records.

    botocore logs every raw response body at DEBUG (``botocore.parsers``), and
    a GetJobUnlockCode body holds the code. While one of our calls is in flight
    the filter is on that logger, so the record still appears, without the body.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith("Response body"):
            record.msg = "Response body: <withheld by edge.snowball: it may hold an unlock code>"
            record.args = ()
        return True


_REDACTOR = _ResponseBodyRedactor()
_REDACTOR_LOCK = threading.Lock()
_REDACTOR_USERS = 0
_REDACTED_LOGGERS = ("botocore.parsers",)


class RedactResponseBodies:
    """Context manager: botocore debug logs never show response bodies inside it."""

    def __enter__(self) -> RedactResponseBodies:
        global _REDACTOR_USERS
        with _REDACTOR_LOCK:
            if _REDACTOR_USERS == 0:
                for name in _REDACTED_LOGGERS:
                    logging.getLogger(name).addFilter(_REDACTOR)
            _REDACTOR_USERS += 1
        return self

    def __exit__(self, *exc_info: Any) -> None:
        global _REDACTOR_USERS
        with _REDACTOR_LOCK:
            _REDACTOR_USERS -= 1
            if _REDACTOR_USERS == 0:
                for name in _REDACTED_LOGGERS:
                    logging.getLogger(name).removeFilter(_REDACTOR)


# ---------------------------------------------------------------------------
# The AWS calls
# ---------------------------------------------------------------------------


class SnowballJobs:
    """The job-management calls this collection makes, with its error messages.

    ``client`` is a boto3 Snowball client, usually wrapped by amazon.aws's
    ``RetryingBotoClientWrapper`` so that ``aws_retry=True`` adds jittered
    backoff on throttling.
    """

    def __init__(
        self,
        client: Any,
        region: Optional[str] = None,
        endpoint: Optional[str] = None,
        retrying: bool = True,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.client = client
        self.region = region
        self.endpoint = endpoint
        self._retry_kwargs = {"aws_retry": True} if retrying else {}
        self._sleep = sleep
        self._clock = clock
        #: HTTP requests sent per operation: more than the calls made means retries happened.
        self.attempts: Dict[str, int] = {}
        self.calls: Dict[str, int] = {}
        self._count_lock = threading.Lock()
        events = getattr(getattr(client, "meta", None), "events", None)
        if events is not None:
            events.register("before-send.snowball", self._sent)

    def _sent(self, event_name: str = "", **kwargs: Any) -> None:
        operation = event_name.rsplit(".", 1)[-1]
        with self._count_lock:
            self.attempts[operation] = self.attempts.get(operation, 0) + 1

    def retry_summary(self) -> Optional[str]:
        """'GetJobUnlockCode: 4 requests for 1 call (3 retried)' for each retried operation, or None."""
        parts = []
        with self._count_lock:
            for operation, sent in sorted(self.attempts.items()):
                made = self.calls.get(operation, 0)
                if sent > made:
                    parts.append(f"{operation}: {sent} requests for {made} call(s) ({sent - made} retried)")
        return "; ".join(parts) or None

    def _call(self, action: str, job_id: str, **params: Any) -> Dict[str, Any]:
        method = getattr(self.client, _snake(action))
        with self._count_lock:
            self.calls[action] = self.calls.get(action, 0) + 1
        failure: Optional[SnowballError] = None
        with RedactResponseBodies():
            try:
                return method(**params, **self._retry_kwargs)
            except (BotoCoreError, ClientError, ResponseParserError) as e:
                failure = to_snowball_error(e, action, job_id, self.region, self.endpoint)
            except (AttributeError, TypeError, ValueError, KeyError, IndexError) as e:
                # botocore's parsers fail this way on some garbled bodies (for example a CBOR
                # body cut short). str(e) may quote the body, so only the type is reported.
                failure = not_an_api_response(
                    self.endpoint,
                    action,
                    job_id,
                    f"with a body botocore could not read ({type(e).__name__})",
                    "UnreadableResponse",
                )
        # Raised outside the except block: no chained traceback that could carry a body.
        raise failure

    def describe_job(self, job_id: str) -> Dict[str, Any]:
        response = self._call("DescribeJob", job_id, JobId=job_id)
        return response.get("JobMetadata") or {}

    def check_job(
        self, job_id: str, wait: bool = False, wait_timeout: float = 600, poll_interval: float = 15
    ) -> Dict[str, Any]:
        """DescribeJob; fail unless the job is WithCustomer and within 360 days.

        Returns ``{"job_state": ..., "expires_at": datetime}``.
        """
        deadline = self._clock() + wait_timeout
        while True:
            metadata = self.describe_job(job_id)
            state = str(metadata.get("JobState") or "")
            if state == READY_STATE:
                break
            if not (wait and state in STATES_BEFORE_CUSTOMER):
                raise SnowballError(
                    f"job {job_id} is {explain_state(state)}. Its unlock code is only available while the"
                    f" job is {READY_STATE}.",
                    error_code="JobNotWithCustomer",
                )
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise SnowballError(
                    f"timed out after {wait_timeout:g}s waiting for job {job_id} to reach {READY_STATE};"
                    f" it is still {explain_state(state)}.",
                    error_code="WaitTimeout",
                )
            self._sleep(min(poll_interval, remaining))
        created = metadata.get("CreationDate")
        expiry = expires_at(created) if isinstance(created, datetime.datetime) else None
        if expiry is not None and expiry <= _utcnow():
            raise SnowballError(
                f"job {job_id} was created on {created:%Y-%m-%d}; its unlock code expired on {expiry:%Y-%m-%d}"
                " (AWS keeps job credentials for 360 days). Contact AWS Support about the device.",
                error_code="JobCredentialsExpired",
            )
        return {"job_state": state, "expires_at": expiry}

    def checked_unlock_code(
        self, job_id: str, wait: bool = False, wait_timeout: float = 600, poll_interval: float = 15
    ) -> Tuple[str, Optional[Dict[str, Any]]]:
        """The code, asked for first: one call when the job is WithCustomer and not expired.

        Only when AWS refuses it for the job's state (``InvalidJobStateException``) does
        ``DescribeJob`` say why: the job's real state, or that its credentials expired
        (``check_job``), or, with ``wait``, wait for the job to reach WithCustomer and ask again.
        Returns ``(code, None)`` in the common case, ``(code, check_job's dict)`` after a
        DescribeJob. The code is a secret: never log or print it.
        """
        refused: Optional[SnowballError] = None
        try:
            return self.unlock_code(job_id), None
        except SnowballError as e:
            if e.error_code != "InvalidJobStateException":
                raise
            refused = e
        state = self._explain_refusal(job_id, refused, wait, wait_timeout, poll_interval)
        # DescribeJob says WithCustomer and within 360 days (the job may just have arrived,
        # or arrived while waiting): ask again, once.
        try:
            return self.unlock_code(job_id), state
        except SnowballError as e:
            if e.error_code != "InvalidJobStateException":
                raise
            again = e
        expiry = state["expires_at"]
        until = f", its credentials valid until {expiry:%Y-%m-%d}" if expiry else ""
        said = f" AWS said: {again.aws_message}" if again.aws_message else ""
        raise SnowballError(
            f"AWS refused the unlock code of job {job_id} (InvalidJobStateException) although DescribeJob reports"
            f" the job {READY_STATE}{until}.{said} Retry later; if it persists, contact AWS Support about the job.",
            error_code=again.error_code,
            request_id=again.request_id,
        )

    def _explain_refusal(
        self, job_id: str, refused: SnowballError, wait: bool, wait_timeout: float, poll_interval: float
    ) -> Dict[str, Any]:
        """check_job after a refused GetJobUnlockCode; when DescribeJob itself fails, the refusal
        is reported with what DescribeJob said."""
        failure: Optional[SnowballError] = None
        try:
            return self.check_job(job_id, wait=wait, wait_timeout=wait_timeout, poll_interval=poll_interval)
        except SnowballError as e:
            if e.error_code in _EXPLAINED_CODES:
                failure = e
            else:
                said = f" AWS said: {refused.aws_message}" if refused.aws_message else ""
                failure = SnowballError(
                    f"GetJobUnlockCode refused for job {job_id}: the job is not in a state that allows it.{said}"
                    f" The code is only available while the job is {READY_STATE}, and for 360 days after it was"
                    f" created. DescribeJob, called to find out why, failed too: {e.message}",
                    error_code=refused.error_code,
                    request_id=refused.request_id,
                )
        raise failure

    def unlock_code(self, job_id: str) -> str:
        """GetJobUnlockCode. The return value is a secret: never log or print it."""
        response = self._call("GetJobUnlockCode", job_id, JobId=job_id)
        code = response.get("UnlockCode")
        if not isinstance(code, str) or not code:
            raise not_an_api_response(
                self.endpoint, "GetJobUnlockCode", job_id, "without an unlock code", "EmptyUnlockCode"
            )
        return code

    def manifest_uri(self, job_id: str) -> str:
        response = self._call("GetJobManifest", job_id, JobId=job_id)
        uri = response.get("ManifestURI")
        if not isinstance(uri, str) or not uri:
            raise SnowballError(
                f"GetJobManifest for job {job_id} returned no manifest URI.", error_code="EmptyManifestURI"
            )
        return uri


#: check_job's own verdicts (the job's state explained), as opposed to a failing DescribeJob.
_EXPLAINED_CODES = frozenset(("JobNotWithCustomer", "JobCredentialsExpired", "WaitTimeout"))


def _snake(action: str) -> str:
    out = []
    for i, char in enumerate(action):
        if char.isupper() and i:
            out.append("_")
        out.append(char.lower())
    return "".join(out)


def retry_decorator(retries: int = DEFAULT_RETRIES):
    """amazon.aws's jittered backoff, also on Snowball's ThrottlingException.

    ``AWSRetry.jittered_backoff()`` alone does not retry ``ThrottlingException``;
    botocore's own retries give up after a few attempts. ``retries`` is on top
    of botocore's own attempts; 0 leaves only botocore's.
    """
    if not isinstance(retries, int) or retries < 0:
        raise SnowballError(f"retries must be 0 or more, got {retries}")
    from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

    # AWSRetry counts attempts, not retries (and retries=0 would mean "forever").
    return AWSRetry.jittered_backoff(
        retries=retries + 1, delay=1, max_delay=20, catch_extra_error_codes=list(THROTTLING_CODES)
    )


def require_valid_job_id(value: Any) -> str:
    reason = validate_job_id(value)
    if reason is not None:
        raise SnowballError(reason, error_code="InvalidJobId")
    return value
