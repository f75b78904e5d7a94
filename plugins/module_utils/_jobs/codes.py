# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball; no public API, may change without notice.

"""The unlock codes of several jobs at once, on the controller.

Shared by the unlock_code lookup and export_unlock_codes's action plugin: each unique job id
is asked for once, ``concurrency`` at a time, and the first failure (in the order the ids were
given) is raised. The codes only travel in the return value: never log or print it.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._jobs.api import SnowballJobs


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
