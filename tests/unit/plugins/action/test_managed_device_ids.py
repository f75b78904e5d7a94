"""The id checks that keep a code typed into an id field out of managed_device_*'s results."""

from __future__ import annotations

import pytest

from ansible_collections.edge.snowball.plugins.action.managed_device_unlock import id_refusal
from ansible_collections.edge.snowball.plugins.module_utils.job_id import values_never_shown

CODE = "AB3DE-FGH1J-KLMN0-PQRST-UVWX9"
JOB = "JID123e4567-e89b-12d3-a456-426655440000"


@pytest.mark.parametrize(
    "args",
    [
        {"job_ids": [JOB, CODE]},
        {"job_ids": f"{JOB},{CODE}"},
        {"job_ids": [CODE.lower()]},
        {"job_ids": [CODE[:-1]]},
        {"managed_device_ids": [f" {CODE}\n"]},
        {"managed_device_ids": [CODE.replace("-", "")]},
    ],
)
def test_id_refusal_never_repeats_the_value(args):
    refusal = id_refusal(args)
    assert refusal is not None
    message, _code = refusal
    for form in (CODE, CODE.lower(), CODE[:-1], CODE.replace("-", ""), CODE[:17]):
        assert form.lower() not in message.lower()


def test_id_refusal_lets_real_ids_through():
    assert id_refusal({"job_ids": [JOB], "managed_device_ids": None}) is None
    assert id_refusal({"managed_device_ids": ["smd-0123456789abcdef"]}) is None


def test_values_never_shown():
    masked = values_never_shown([JOB, f"{CODE}\n", CODE[:-1], "x"], [f" {CODE}", "smd-0123456789abcdef"])
    assert JOB not in masked and "smd-0123456789abcdef" not in masked
    assert {f"{CODE}\n", CODE, CODE[:-1], f" {CODE}"} <= set(masked)
    assert "x" not in masked  # too short: ansible-core would mask every "x" of the result
