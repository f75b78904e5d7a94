"""The backoff both AWS APIs retry with (plugins/module_utils/_aws/api.py): ``retries`` counts
retries after the first attempt, throttling and the extra codes are retried, nothing else is."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from ansible_collections.edge.snowball.plugins.module_utils._aws.api import jittered_backoff
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    from ansible_collections.amazon.aws.plugins.module_utils import cloud

    monkeypatch.setattr(cloud.time, "sleep", lambda seconds: None)


def failing(*codes):
    """A call that fails with each of ``codes`` in turn, then answers "ok"; ``calls`` counts it."""
    answers = list(codes)

    def call():
        call.calls += 1
        if answers:
            code = answers.pop(0)
            raise ClientError({"Error": {"Code": code, "Message": "x"}}, "ListDevices")
        return "ok"

    call.calls = 0
    return call


def test_retries_are_on_top_of_the_first_attempt():
    call = failing("ThrottlingException", "ThrottlingException")
    assert jittered_backoff(2)(call)() == "ok" and call.calls == 3


def test_no_retries_means_one_attempt():
    call = failing("ThrottlingException")
    with pytest.raises(ClientError):
        jittered_backoff(0)(call)()
    assert call.calls == 1


def test_the_extra_codes_are_retried_and_other_errors_are_not():
    call = failing("InternalServerException")
    assert jittered_backoff(1, also_retry=["InternalServerException"])(call)() == "ok" and call.calls == 2
    denied = failing("AccessDeniedException")
    with pytest.raises(ClientError):
        jittered_backoff(3, also_retry=["InternalServerException"])(denied)()
    assert denied.calls == 1


@pytest.mark.parametrize("retries", [-1, "2", None])
def test_retries_that_are_not_a_count_are_refused(retries):
    with pytest.raises(SnowballError, match="retries must be 0 or more"):
        jittered_backoff(retries)
