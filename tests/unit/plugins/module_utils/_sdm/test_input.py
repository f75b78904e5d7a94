"""The ids managed_device_* take, checked before any call (plugins/module_utils/_sdm/input.py)."""

from __future__ import annotations

import pytest

from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._sdm import input as _sdm_input

from unit.constants import OTHER_JOB_ID
from unit.constants import VALID_JOB_ID


def test_job_ids_are_checked_and_deduplicated():
    assert _sdm_input.require_valid_job_ids([VALID_JOB_ID, VALID_JOB_ID, OTHER_JOB_ID]) == [VALID_JOB_ID, OTHER_JOB_ID]
    with pytest.raises(SnowballError, match="upper-case"):
        _sdm_input.require_valid_job_ids([VALID_JOB_ID, VALID_JOB_ID.upper().replace("JID", "JID")])


@pytest.mark.parametrize("value", ["", " smd-1", "x" * 65, None, 5])
def test_bad_managed_device_ids_are_refused(value):
    with pytest.raises(SnowballError, match="not a managed device id"):
        _sdm_input.require_valid_device_ids([value])
