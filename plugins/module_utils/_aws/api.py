# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball's AWS machinery; may change without notice.

"""What the job API (``_jobs/api.py`` SnowballJobs) and the device-management API (``_sdm/api.py``
ManagedDevices) share: a botocore client (usually wrapped by amazon.aws's
``RetryingBotoClientWrapper``), the one way every call is made (``_call``: counted, response bodies
withheld from botocore's debug log, each failure worded by the service's error table), the injected
clock and sleep that keep tests from sleeping, and the jittered backoff both retry with."""

from __future__ import annotations

import time
from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterable
from typing import List
from typing import Optional
from typing import Tuple

from ansible_collections.edge.snowball.plugins.module_utils._aws.call_counter import CallCounter
from ansible_collections.edge.snowball.plugins.module_utils._aws.errors import THROTTLING_CODES
from ansible_collections.edge.snowball.plugins.module_utils._aws.errors import ServiceWords
from ansible_collections.edge.snowball.plugins.module_utils._aws.errors import not_an_api_response
from ansible_collections.edge.snowball.plugins.module_utils._aws.errors import to_snowball_error
from ansible_collections.edge.snowball.plugins.module_utils._aws.redaction import RedactResponseBodies
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError

try:
    from botocore.exceptions import BotoCoreError
    from botocore.exceptions import ClientError
    from botocore.parsers import ResponseParserError
except ImportError:
    pass  # reported by _aws/client.py when the client is made


class AwsApi:
    """One AWS service's calls. ``retrying=True`` passes ``aws_retry=True`` to every call (the
    client is then amazon.aws's ``RetryingBotoClientWrapper``); ``clock`` (seconds, monotonic) and
    ``sleep`` are injected so tests never sleep. Subclasses name their botocore ``SERVICE``, the
    service for people (``TITLE``), its words in the error table (``WORDS``), the error codes their
    backoff retries beside throttling (``ALSO_RETRY``) and the client's connection pool (``POOL``);
    ``_aws/client.connect`` builds them."""

    SERVICE = ""
    TITLE = ""
    WORDS: ServiceWords
    ALSO_RETRY: Tuple[str, ...] = ()
    POOL = 10

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
        #: Calls made and HTTP requests sent, per operation (retries show as the difference).
        self.counter = CallCounter(client, self.SERVICE)

    @classmethod
    def backoff(cls, retries: int):
        """The retry decorator of this service for ``retries`` (``jittered_backoff``)."""
        return jittered_backoff(retries, also_retry=cls.ALSO_RETRY)

    def resource_actions(self) -> List[str]:
        """The ``service:Operation`` names called (amazon.aws's ``resource_actions``)."""
        return [f"{self.SERVICE}:{operation}" for operation in self.counter.operations()]

    def _call(self, action: str, subject: str, **params: Any) -> Dict[str, Any]:
        """One call of the service (``action`` as AWS names it), counted, with response bodies kept
        out of botocore's debug log; any failure a SnowballError about ``subject`` (words: "job JID...")
        from the service's ``_error``, raised outside the except block: no chained traceback that
        could carry a body."""
        method = getattr(self.client, _snake(action))
        self.counter.called(action)
        failure: Optional[SnowballError] = None
        with RedactResponseBodies():
            try:
                return method(**params, **self._retry_kwargs)
            except (BotoCoreError, ClientError, ResponseParserError) as e:
                failure = self._error(e, action, subject)
            except (AttributeError, TypeError, ValueError, KeyError, IndexError) as e:
                # botocore's parsers fail this way on some garbled bodies (for example a CBOR
                # body cut short). str(e) may quote the body, so only the type is reported.
                what = f"with a body botocore could not read ({type(e).__name__})"
                failure = not_an_api_response(self.endpoint, action, subject, what, "UnreadableResponse")
        raise failure

    def _error(self, error: Exception, action: str, subject: str) -> SnowballError:
        """The service's message for a botocore failure (the one error table, with its ``WORDS``)."""
        return to_snowball_error(error, action, subject, self.WORDS, self.region, self.endpoint)

    def retry_summary(self) -> Optional[str]:
        """Which operations were retried, and how often (``CallCounter.summary``), or None."""
        return self.counter.summary()


def _snake(action: str) -> str:
    """The botocore method of an AWS action: GetJobUnlockCode -> get_job_unlock_code."""
    return "".join(f"_{char.lower()}" if char.isupper() and i else char.lower() for i, char in enumerate(action))


def jittered_backoff(retries: int, also_retry: Iterable[str] = ()):
    """amazon.aws's jittered backoff, also on the throttling codes ``AWSRetry`` does not know and on
    ``also_retry``. ``retries`` is on top of botocore's own attempts; 0 leaves only botocore's."""
    if not isinstance(retries, int) or retries < 0:
        raise SnowballError(f"retries must be 0 or more, got {retries}")
    from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

    # AWSRetry counts attempts, not retries (and retries=0 would mean "forever").
    return AWSRetry.jittered_backoff(
        retries=retries + 1,
        delay=1,
        max_delay=20,
        catch_extra_error_codes=list(THROTTLING_CODES) + list(also_retry),
    )
