"""What a remote unlock's execution state means (plugins/module_utils/_sdm/states.py); the failed
states are proven through ManagedDevices.wait_for_unlock in _sdm/test_api.py."""

from __future__ import annotations

from ansible_collections.edge.snowball.plugins.module_utils._sdm import states as _sdm_states

from unit.constants import OTHER_JOB_ID
from unit.constants import VALID_JOB_ID


def entry(**given):
    return dict({"job_id": VALID_JOB_ID, "managed_device_id": "smd-1", "task_id": "st-0"}, **given)


def test_succeeded_and_unlocked_in_time_is_no_failure():
    assert _sdm_states.failure_message([entry(execution_state="SUCCEEDED", state="UNLOCKED")], 60) is None


def test_succeeded_without_a_fresh_unlocked_state_says_so_not_still_pending():
    late = entry(execution_state="SUCCEEDED", timed_out=True, state="LOCKED", last_updated_at="2026-11-28T02:00:00")
    message = _sdm_states.failure_message([late], 90)
    assert "the execution SUCCEEDED but the device has not reported UNLOCKED" in message
    assert "it reports LOCKED, last updated 2026-11-28T02:00:00" in message and "within 90s" in message
    assert "still" not in message


def test_no_device_message_names_every_job_and_the_client_method():
    message = _sdm_states.no_device_message([VALID_JOB_ID, OTHER_JOB_ID])
    assert f"{VALID_JOB_ID}, {OTHER_JOB_ID}" in message
    assert "unlock_method: client" in message
