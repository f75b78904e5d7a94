# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball; no public API, may change without notice.

"""The Snowball job-management calls this collection makes (SnowballJobs), and the job-id check
that fails with a SnowballError.

What the calls need lives beside this file, one concept each: ``_aws/api.py`` (the one way a call is
made, the backoff), ``_aws/errors.py`` with ``_jobs/errors.py`` (an AWS failure turned into a
message), ``_jobs/states.py`` (what a job state means, expiry); the api is built by
``_aws/client.connect(SnowballJobs, params)``.

Nothing here may ever put an unlock code into a message, a log record or an exception: the code
only travels in the return value of ``SnowballJobs.unlock_code``.
"""

from __future__ import annotations

import datetime
from typing import Any
from typing import Dict
from typing import Optional
from typing import Tuple

from ansible_collections.edge.snowball.plugins.module_utils._aws.api import AwsApi
from ansible_collections.edge.snowball.plugins.module_utils._aws.errors import not_an_api_response
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._job_id import validate_job_id
from ansible_collections.edge.snowball.plugins.module_utils._jobs.errors import WORDS
from ansible_collections.edge.snowball.plugins.module_utils._jobs.states import CREDENTIALS_LIFETIME
from ansible_collections.edge.snowball.plugins.module_utils._jobs.states import READY_STATE
from ansible_collections.edge.snowball.plugins.module_utils._jobs.states import STATES_BEFORE_CUSTOMER
from ansible_collections.edge.snowball.plugins.module_utils._jobs.states import expires_at
from ansible_collections.edge.snowball.plugins.module_utils._jobs.states import explain_state
from ansible_collections.edge.snowball.plugins.module_utils._jobs.states import utcnow

# ---------------------------------------------------------------------------
# The AWS calls
# ---------------------------------------------------------------------------


class SnowballJobs(AwsApi):
    """The job-management calls this collection makes, with its error messages.

    ``client`` is a boto3 Snowball client, usually wrapped by amazon.aws's
    ``RetryingBotoClientWrapper`` so that ``aws_retry=True`` adds jittered
    backoff on throttling (the constructor is ``AwsApi``'s).
    """

    SERVICE = "snowball"
    TITLE = "Snowball"
    WORDS = WORDS

    def describe_job(self, job_id: str) -> Dict[str, Any]:
        response = self._call("DescribeJob", f"job {job_id}", JobId=job_id)
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
        if expiry is not None and expiry <= utcnow():
            raise SnowballError(
                f"job {job_id} was created on {created:%Y-%m-%d}; its unlock code expired on {expiry:%Y-%m-%d}"
                f" (AWS keeps job credentials for {CREDENTIALS_LIFETIME.days} days). Contact AWS Support about"
                " the device.",
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
                    f" The code is only available while the job is {READY_STATE}, and for"
                    f" {CREDENTIALS_LIFETIME.days} days after it was created. DescribeJob, called to find out why,"
                    f" failed too: {e.message}",
                    error_code=refused.error_code,
                    request_id=refused.request_id,
                )
        raise failure

    def unlock_code(self, job_id: str) -> str:
        """GetJobUnlockCode. The return value is a secret: never log or print it."""
        response = self._call("GetJobUnlockCode", f"job {job_id}", JobId=job_id)
        code = response.get("UnlockCode")
        if not isinstance(code, str) or not code:
            raise not_an_api_response(
                self.endpoint, "GetJobUnlockCode", f"job {job_id}", "without an unlock code", "EmptyUnlockCode"
            )
        return code

    def manifest_uri(self, job_id: str) -> str:
        response = self._call("GetJobManifest", f"job {job_id}", JobId=job_id)
        uri = response.get("ManifestURI")
        if not isinstance(uri, str) or not uri:
            raise SnowballError(
                f"GetJobManifest for job {job_id} returned no manifest URI.", error_code="EmptyManifestURI"
            )
        return uri


#: check_job's own verdicts (the job's state explained), as opposed to a failing DescribeJob.
_EXPLAINED_CODES = frozenset(("JobNotWithCustomer", "JobCredentialsExpired", "WaitTimeout"))


def require_valid_job_id(value: Any) -> str:
    reason = validate_job_id(value)
    if reason is not None:
        raise SnowballError(reason, error_code="InvalidJobId")
    return value
