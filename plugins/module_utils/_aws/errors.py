# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball's AWS machinery; may change without notice.

"""An AWS failure (botocore's ClientError or BotoCoreError) turned into a SnowballError whose
message says what to do: one table for every service (``to_snowball_error``), each service's own
words and error codes in a ``ServiceWords`` beside its API (``_jobs/errors.py``,
``_sdm/errors.py``). Never quotes a response body: it may hold a code. ``subject`` names what the
call was about (a job, a device, a task), never anything secret."""

from __future__ import annotations

from typing import Iterable
from typing import NamedTuple
from typing import Optional
from typing import Tuple

from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError

try:
    from botocore.exceptions import BotoCoreError
    from botocore.exceptions import ClientError
    from botocore.parsers import ResponseParserError
except ImportError:
    pass  # reported by _aws/client.make_client

THROTTLING_CODES = (
    "ThrottlingException",
    "Throttling",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "SlowDown",
)
CREDENTIAL_CODES = frozenset(
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
EXPIRED_CODES = frozenset(("ExpiredTokenException", "ExpiredToken", "RequestExpired"))
DENIED_CODES = frozenset(("AccessDeniedException", "AccessDenied", "UnauthorizedOperation"))


class ServiceWords(NamedTuple):
    """How one service's failures are worded: its name as a sentence's subject, its endpoint when
    none is set, what to check when nothing answers, what to do when it keeps throttling, the codes
    it fails with on its side, and the codes it words itself (``(codes, template)``, tried first;
    the fields are those of ``_client_error_text``)."""

    name: str
    endpoint: str
    endpoint_check: str
    throttling_advice: str
    server_codes: Tuple[str, ...]
    entries: Tuple[Tuple[Iterable[str], str], ...]


#: What the error codes every service shares mean, tried after the service's own entries.
_SHARED_ENTRIES = (
    (
        EXPIRED_CODES,
        "the AWS credentials in use have expired ({code}) on {action} for {subject}.{said}"
        " Refresh the session token or profile and retry.",
    ),
    (
        CREDENTIAL_CODES,
        "AWS did not accept the credentials in use ({code}) on {action} for {subject}.{said}"
        " Check access_key/secret_key,"
        " session_token or profile, and that the clock of the controller is right.",
    ),
    (
        THROTTLING_CODES,
        "{service} kept throttling {action} for {subject} ({code}) after retrying with"
        " backoff. Retry later, {throttling_advice}.",
    ),
)
_SERVER_MESSAGE = (
    "{service} failed with HTTP {status} ({code_or_none}) on {action} for"
    " {subject}, after retries. This is on the AWS side: retry later."
)
_OTHER_MESSAGE = "{action} failed for {subject}: {code_or_status}.{said}"


def _client_error_text(code: str, status: object, words: ServiceWords, **fields: str) -> str:
    """The message for ``code`` (``fields``: action, subject, said, where)."""
    fields.update(
        code=code,
        status=str(status),
        code_or_none=code or "no error code",
        code_or_status=code or f"HTTP {status}",
        service=words.name,
        throttling_advice=words.throttling_advice,
    )
    for codes, template in words.entries + _SHARED_ENTRIES:
        if code in codes:
            return template.format(**fields)
    if (isinstance(status, int) and status >= 500) or code in words.server_codes:
        return _SERVER_MESSAGE.format(**fields)
    return _OTHER_MESSAGE.format(**fields)


def _client_error_message(
    error: ClientError, action: str, subject: str, words: ServiceWords, region: Optional[str]
) -> SnowballError:
    err = error.response.get("Error", {}) or {}
    code = str(err.get("Code") or "")
    aws_message = str(err.get("Message") or "").strip()
    metadata = error.response.get("ResponseMetadata") or {}
    if aws_message and not aws_message.endswith("."):
        aws_message += "."
    text = _client_error_text(
        code,
        metadata.get("HTTPStatusCode"),
        words,
        action=action,
        subject=subject,
        said=f" AWS said: {aws_message}" if aws_message else "",
        where=f" in region {region}" if region else "",
    )
    return SnowballError(text, error_code=code or None, request_id=metadata.get("RequestId"), aws_message=aws_message)


def _endpoint_name(endpoint: Optional[str]) -> str:
    return endpoint or "the Snowball endpoint"


def not_an_api_response(
    endpoint: Optional[str], action: str, subject: str, what: str, error_code: str
) -> SnowballError:
    """The endpoint answered, but not as the Snowball API does. The body is never quoted: it may hold a code."""
    return SnowballError(
        f"{_endpoint_name(endpoint)} answered {action} for {subject} {what}, so this is not a Snowball API"
        " response (a proxy error page, or an answer cut off on the way?). The body is not shown because it"
        " may hold a secret. Check endpoint_url and any proxy between you and AWS, then retry.",
        error_code=error_code,
    )


def _configuration_text(error: Exception) -> Optional[str]:
    """What to do about missing or wrong credentials, profile or region (no call involved), or None."""
    from botocore import exceptions as bex

    if isinstance(error, bex.NoCredentialsError):
        return (
            "no AWS credentials were found. Set access_key and secret_key, a profile, or the usual"
            " AWS_* environment variables."
        )
    if isinstance(error, bex.PartialCredentialsError):
        return f"the AWS credentials are incomplete: {error}. Set both access_key and secret_key."
    if isinstance(error, bex.ProfileNotFound):
        return f"{error}. Check the profile option and ~/.aws/config."
    if isinstance(error, bex.NoRegionError):
        return "no AWS region is configured. Set the region option or AWS_REGION to the region the job was created in."
    return None


def client_creation_error(error: Exception, service: str) -> SnowballError:
    """A botocore client of ``service`` (its name for people) that could not be made: a problem with
    the options (credentials, profile, region, endpoint_url), never with a job. botocore's words
    about a region or endpoint it refuses are kept: they name the value to fix and hold no secret."""
    text = _configuration_text(error)
    if text is None:
        text = f"could not create the {service} client: {error}. Check the region, endpoint_url and aws_config options."
    # botocore names its own failures (InvalidRegionError); a bare ValueError has no name worth giving.
    return SnowballError(text, error_code=type(error).__name__ if isinstance(error, BotoCoreError) else None)


def _botocore_error_message(
    error: Exception, action: str, subject: str, words: ServiceWords, endpoint: Optional[str]
) -> SnowballError:
    # Imported lazily: the classes only exist when botocore is installed.
    from botocore import exceptions as bex

    name = type(error).__name__
    target = endpoint or words.endpoint
    text = _configuration_text(error)
    if text is not None:
        return SnowballError(text, error_code=name)
    if isinstance(error, (bex.ConnectTimeoutError, bex.ReadTimeoutError)):
        text = (
            f"timed out talking to {target} on {action} for {subject} ({name}). Check the network"
            " path to the endpoint, or raise aws_config.read_timeout / connect_timeout."
        )
    elif isinstance(error, bex.EndpointConnectionError):
        text = (
            f"could not connect to {target} on {action} for {subject}: nothing answered"
            f" ({error.kwargs.get('endpoint_url', 'unknown URL')}). Check {words.endpoint_check} and the"
            " network (proxy, DNS, firewall)."
        )
    elif isinstance(error, bex.ConnectionClosedError):
        text = (
            f"{target} closed the connection before answering {action} for {subject}. This is"
            " usually a proxy or network fault: retry, and check any proxy settings."
        )
    elif isinstance(error, ResponseParserError):
        # botocore's own message quotes the raw body, which may hold a code: never repeat it.
        return not_an_api_response(target, action, subject, "with a body botocore could not parse", name)
    elif isinstance(error, bex.ParamValidationError):
        text = f"botocore refused the request for {subject}: {error}"
    elif isinstance(error, bex.HTTPClientError):
        text = f"HTTP failure talking to {target} on {action} for {subject} ({name}). Check the network and retry."
    else:
        text = f"{action} failed for {subject}: {name}."
    return SnowballError(text, error_code=name)


def to_snowball_error(
    error: Exception,
    action: str,
    subject: str,
    words: ServiceWords,
    region: Optional[str] = None,
    endpoint: Optional[str] = None,
) -> SnowballError:
    """Turn a botocore failure of the service ``words`` describes into a SnowballError whose message
    says what to do."""
    if isinstance(error, ClientError):
        return _client_error_message(error, action, subject, words, region)
    if isinstance(error, (BotoCoreError, ResponseParserError)):
        return _botocore_error_message(error, action, subject, words, endpoint)
    raise TypeError(f"not a botocore error: {type(error).__name__}")
