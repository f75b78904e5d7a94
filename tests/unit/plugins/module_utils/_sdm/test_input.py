"""The ids managed_device_* take, checked before any call (plugins/module_utils/_sdm/input.py)."""

from __future__ import annotations

import pytest

from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._sdm import input as _sdm_input

from unit.constants import OTHER_JOB_ID
from unit.constants import TYPED_CODES
from unit.constants import VALID_JOB_ID


def test_job_ids_are_checked_and_deduplicated():
    assert _sdm_input.require_valid_job_ids([VALID_JOB_ID, VALID_JOB_ID, OTHER_JOB_ID]) == [VALID_JOB_ID, OTHER_JOB_ID]
    with pytest.raises(SnowballError, match="upper-case"):
        _sdm_input.require_valid_job_ids([VALID_JOB_ID, VALID_JOB_ID.upper().replace("JID", "JID")])


@pytest.mark.parametrize("value", ["", " smd-1", "x" * 65, None, 5])
def test_bad_managed_device_ids_are_refused(value):
    with pytest.raises(SnowballError, match="not a managed device id"):
        _sdm_input.require_valid_device_ids([value])


@pytest.mark.parametrize("form", TYPED_CODES)
def test_any_typed_form_of_a_code_as_a_managed_device_id_is_refused_unshown(form):
    for given in (form, "smd-" + form.lower()):
        with pytest.raises(SnowballError, match="looks like an unlock code") as refused:
            _sdm_input.require_valid_device_ids(["smd-1", given])
        assert given not in str(refused.value) and form[:10] not in str(refused.value)


@pytest.mark.parametrize(
    "value", ["ab3de\u2013fgh1j\u2013klmn0\u2013pqrs7\u2013uvwx9\n", "kkkkk    33333 ", " smd-1", "x" * 65]
)
def test_a_refused_managed_device_id_is_described_never_shown(value):
    """Attack review: the refusal quoted the value, so any secret the shape check missed was printed."""
    with pytest.raises(SnowballError, match="not a managed device id") as refused:
        _sdm_input.require_valid_device_ids([value])
    assert value.strip() not in str(refused.value) and value.strip()[:5] not in str(refused.value)
