# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball's AWS machinery; may change without notice.

"""What the job API (``snowball.SnowballJobs``) and the device-management API
(``device_management.ManagedDevices``) share: a botocore client (usually wrapped by amazon.aws's
``RetryingBotoClientWrapper``), the injected clock and sleep that keep tests from sleeping, the
count of calls and HTTP requests, and the jittered backoff both retry with."""

from __future__ import annotations

import time
from typing import Any
from typing import Callable
from typing import Iterable
from typing import Optional

from ansible_collections.edge.snowball.plugins.module_utils._aws.call_counter import CallCounter
from ansible_collections.edge.snowball.plugins.module_utils._aws.errors import THROTTLING_CODES
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError


class AwsApi:
    """One AWS service's calls. ``retrying=True`` passes ``aws_retry=True`` to every call (the
    client is then amazon.aws's ``RetryingBotoClientWrapper``); ``clock`` (seconds, monotonic) and
    ``sleep`` are injected so tests never sleep. Subclasses name their botocore ``SERVICE``."""

    SERVICE = ""

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

    def retry_summary(self) -> Optional[str]:
        """Which operations were retried, and how often (``CallCounter.summary``), or None."""
        return self.counter.summary()


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
