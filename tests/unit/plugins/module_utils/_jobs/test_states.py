"""Job states and the credentials' lifetime (plugins/module_utils/_jobs/states.py)."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.edge.snowball.plugins.module_utils._jobs import states as job_states


@pytest.mark.parametrize("state", sorted(job_states.STATE_MEANINGS))
def test_every_state_has_an_explanation(state):
    assert job_states.explain_state(state).startswith(state + ": ")


def test_unknown_state_is_reported_not_guessed():
    assert "does not know" in job_states.explain_state("Teleporting")


def test_expiry_is_creation_plus_360_days():
    created = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    assert job_states.expires_at(created) == datetime.datetime(2026, 12, 27, tzinfo=datetime.timezone.utc)
