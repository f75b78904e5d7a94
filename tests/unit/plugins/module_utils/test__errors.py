"""The one error family's failed result (plugins/module_utils/_errors.py): what ``as_result`` puts
in a task's result, which every module and action plugin fails through."""

from __future__ import annotations

from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError


def test_a_plain_error_gives_only_its_message():
    assert SnowballError("check the job id").as_result() == {"msg": "check the job id"}


def test_error_code_and_request_id_are_added_when_known_and_aws_text_is_not():
    error = SnowballError("denied", error_code="AccessDeniedException", request_id="req-1", aws_message="AWS words")
    assert error.as_result() == {"msg": "denied", "error_code": "AccessDeniedException", "request_id": "req-1"}
    assert error.message == str(error) == "denied"
