"""The job id rules (plugins/module_utils/_job_id.py): what is accepted, and refusals that name the
rule that failed without ever repeating the value (it could be a code typed into the wrong field)."""

from __future__ import annotations

import pathlib
import re

import pytest

from ansible_collections.edge.snowball.plugins.module_utils._job_id import JOB_ID_IN_TEXT
from ansible_collections.edge.snowball.plugins.module_utils._job_id import validate_job_id
from ansible_collections.edge.snowball.plugins.module_utils._job_id import values_never_shown

from unit.constants import TYPED_CODES
from unit.constants import VALID_JOB_ID

GOOD = VALID_JOB_ID
ROOT = pathlib.Path(__file__).resolve().parents[4]


@pytest.mark.parametrize(
    "value",
    [
        GOOD,
        "MID123e4567-e89b-12d3-a456-426655440000",
        "JID00000000-0000-0000-0000-000000000000",
        "JIDffffffff-ffff-ffff-ffff-ffffffffffff",
    ],
)
def test_accepts_valid_job_ids(value):
    assert validate_job_id(value) is None


BAD = [
    (None, "required, got null"),
    (12345, "must be a string, got int"),
    ([GOOD], "must be a string, got list"),
    ("", "job_id is empty"),
    (" " + GOOD[1:], "leading or trailing whitespace"),
    (GOOD + "\n", "leading or trailing whitespace"),
    (GOOD[:-1], "must be 39 characters, got 38"),
    (GOOD + "0", "must be 39 characters, got 40"),
    ("KID" + GOOD[3:], "must start with JID or MID"),
    ("jid" + GOOD[3:], "must start with JID or MID"),
    ("CID" + GOOD[3:], "must start with JID or MID"),
    (GOOD[:3] + "123E4567" + GOOD[11:], "upper-case letter at position 7"),
    (GOOD[:11] + "_" + GOOD[12:], "must have '-' at position 12"),
    (GOOD[:11] + "\u2010" + GOOD[12:], "U+2010"),
    (GOOD[:4] + "\uff12" + GOOD[5:], "U+FF12"),
    (
        GOOD[:4] + "g" + GOOD[5:],
        "a letter other than a-f at position 5, which is not a lower-case hexadecimal digit",
    ),
    (GOOD[:20] + "\n" + GOOD[21:], "at position 21"),
    (GOOD[:38] + "\x00", "U+0000 at position 39"),
    ("JID;rm -rf /;" + "0" * 26, "';' (U+003B) at position 4"),
    ("JID../../../../etc/passwd" + "0" * 14, "at position 4"),
    ("JID" + "0" * 36, "must have '-' at position 12"),
]


@pytest.mark.parametrize(("value", "expected"), BAD)
def test_rejects_bad_job_ids_with_the_rule_that_failed(value, expected):
    reason = validate_job_id(value)
    assert reason is not None
    assert expected in reason
    assert "\n" not in reason


def _role_pattern():
    import yaml

    return yaml.safe_load((ROOT / "roles" / "unlock" / "vars" / "main.yml").read_text())["unlock_job_id_pattern"]


@pytest.mark.parametrize(
    "value",
    [GOOD, "MID123e4567-e89b-12d3-a456-426655440000", "JID" + "f" * 8 + "-0000-0000-0000-" + "0" * 12]
    + [value for value, _expected in BAD if isinstance(value, str)]
    + [GOOD + "\r\n", "x" + GOOD, GOOD.upper()],
)
def test_the_job_ids_pattern_and_the_roles_say_what_validate_job_id_says(value):
    """One rule: the pattern that finds a job id in a file name (JOB_ID_IN_TEXT, whole value) and the
    role's ``unlock_job_id_pattern`` (ansible's ``match`` test: re.match) accept what validate_job_id does."""
    valid = validate_job_id(value) is None
    assert (JOB_ID_IN_TEXT.fullmatch(value) is not None) == valid
    assert (re.match(_role_pattern(), value) is not None) == valid


@pytest.mark.parametrize(
    "value",
    [
        "ab12c-3de45-f6g7h-89ijk-l0mno",
        " ab12c-3de45-f6g7h-89ijk-l0mno",
        "ab12c-3de45-f6g7h-89ijk-l0mno\n",
        "AB12C-3DE45-F6G7H-89IJK-L0MNO",
        "ab12c3de45f6g7h89ijkl0mno",
        "ab12c 3de45 f6g7h 89ijk l0mno",
    ],
)
def test_a_code_given_as_job_id_is_named_and_never_shown(value):
    reason = validate_job_id(value)
    assert "this looks like an unlock code, not a job id" in reason
    assert value.strip()[:5] not in reason and value.strip()[-5:] not in reason


@pytest.mark.parametrize(
    "value",
    ["ab12c-3de45-f6g7h-89ijk-l0mn", "xab12c-3de45-f6g7h-89ijk-l0mno", "JIDab12c-3de45-f6g7h-89ijk-l0mnoab12c3d"],
)
def test_no_refusal_repeats_the_value(value):
    reason = validate_job_id(value)
    assert reason is not None
    for start in range(0, len(value) - 4):
        assert value[start : start + 5] not in reason.replace("JID or MID", "")


def test_rejection_of_a_huge_value_is_short_and_one_line():
    reason = validate_job_id("J" * 1_000_000)
    assert "1000000" in reason
    assert len(reason) < 300


def test_valid_id_followed_by_nul_is_refused():
    assert "40" in validate_job_id(GOOD + "\x00")


def test_values_never_shown():
    code = "AB3DE-FGH1J-KLMN0-PQRST-UVWX9"
    masked = values_never_shown([GOOD, f"{code}\n", code[:-1], "x"], [f" {code}", "smd-0123456789abcdef"])
    assert GOOD not in masked and "smd-0123456789abcdef" not in masked
    assert {f"{code}\n", code, code[:-1], f" {code}"} <= set(masked)
    assert "x" not in masked  # too short: ansible-core would mask every "x" of the result


@pytest.mark.parametrize("form", TYPED_CODES)
def test_any_typed_form_of_a_code_as_a_job_id_is_named_a_code_and_never_shown(form):
    for given in (form, f'"{form}"', f"code: {form}"):
        reason = validate_job_id(given)
        assert reason.startswith("job_id: this looks like an unlock code"), (given, reason)
        assert form not in reason and form.replace("-", "")[:10].lower() not in reason.lower()
    assert form in values_never_shown([form], []) and form in values_never_shown([], [form])
