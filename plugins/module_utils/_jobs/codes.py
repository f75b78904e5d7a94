# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball; no public API, may change without notice.

"""Unlock codes from AWS, on the controller: one job's for job_unlock_code's action plugin
(``job_unlock_code``), several at once for the unlock_code lookup and export_unlock_codes's action
plugin (``fetch_unlock_codes``: each unique job id asked for once, ``concurrency`` at a time, the first
failure in the order the ids were given raised). The codes only travel in return values: never log or
print them.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

from ansible_collections.edge.snowball.plugins.module_utils._aws.options import DEFAULT_RETRIES
from ansible_collections.edge.snowball.plugins.module_utils._aws.options import aws_argument_spec
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._jobs.api import SnowballJobs


def job_unlock_code_argument_spec() -> Dict[str, Any]:
    """The options of edge.snowball.job_unlock_code (its documentation describes them)."""
    spec = aws_argument_spec()
    spec.update(
        job_id=dict(type="str", required=True),
        check_state=dict(type="bool", default=True),
        describe_job=dict(type="bool", default=False),
        wait=dict(type="bool", default=False),
        timeout=dict(type="int", default=600, aliases=["wait_timeout"]),
        poll_interval=dict(type="int", default=15, aliases=["wait_interval"]),
        retries=dict(type="int", default=DEFAULT_RETRIES),
    )
    return spec


def wait_options_problem(params: Dict[str, Any]) -> Optional[str]:
    """What is wrong with job_unlock_code's ``timeout`` and ``poll_interval``, in words, or None."""
    if params["timeout"] < 0:
        return f"timeout (wait_timeout) must be 0 or more seconds, got {params['timeout']}"
    if params["poll_interval"] < 1:
        return f"poll_interval (wait_interval) must be at least 1 second, got {params['poll_interval']}"
    return None


def job_unlock_code(jobs: SnowballJobs, job_id: str, params: Dict[str, Any]) -> Dict[str, Any]:
    """job_unlock_code's result for ``job_id`` (validated): the code, and the job's state and expiry
    when DescribeJob was called (``describe_job``, or to explain a refusal with ``check_state``)."""
    result: Dict[str, Any] = {"changed": False, "job_id": job_id}
    waiting = dict(wait=params["wait"], wait_timeout=params["timeout"], poll_interval=params["poll_interval"])
    state = None
    if params["describe_job"]:
        state = jobs.check_job(job_id, **waiting)
        code = jobs.unlock_code(job_id)
    elif params["check_state"]:
        # The code first: one call in the common case; DescribeJob only explains a refusal.
        code, state = jobs.checked_unlock_code(job_id, **waiting)
    else:
        code = jobs.unlock_code(job_id)
    if state is not None:
        result["job_state"] = state["job_state"]
        result["expires_at"] = state["expires_at"].isoformat() if state["expires_at"] else None
    result["unlock_code"] = code
    return result


def fetch_unlock_codes(jobs: SnowballJobs, job_ids: List[str], workers: int, check_state: bool) -> Dict[str, str]:
    """``{job_id: code}`` for every unique id of ``job_ids`` (already validated), in their order."""
    unique_ids = list(dict.fromkeys(job_ids))

    def fetch(job_id: str) -> Tuple[Optional[str], Optional[SnowballError]]:
        try:
            if check_state:
                # The code first (one call); DescribeJob only explains a refusal.
                return jobs.checked_unlock_code(job_id)[0], None
            return jobs.unlock_code(job_id), None
        except SnowballError as e:
            return None, e

    if min(workers, len(unique_ids)) <= 1:
        answers = [fetch(job_id) for job_id in unique_ids]
    else:
        with ThreadPoolExecutor(
            max_workers=min(workers, len(unique_ids)), thread_name_prefix="snowball-unlock-code"
        ) as pool:
            answers = list(pool.map(fetch, unique_ids))
    codes: Dict[str, str] = {}
    for job_id, (code, error) in zip(unique_ids, answers):
        if error is not None:
            raise error
        codes[job_id] = code
    return codes
