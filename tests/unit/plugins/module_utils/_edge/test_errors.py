"""Edge-host failures (plugins/module_utils/_edge/errors.py): the failed result says the state and
how a client command failed, never what the client printed."""

from __future__ import annotations

import json

from ansible_collections.edge.snowball.plugins.module_utils._edge.errors import CommandError
from ansible_collections.edge.snowball.plugins.module_utils._edge.errors import DeviceError


def test_a_device_error_gives_its_message_and_the_state():
    assert DeviceError("still LOCKED", state="LOCKED").as_result() == {"msg": "still LOCKED", "state": "LOCKED"}


def test_a_command_error_says_how_it_failed_but_not_the_clients_words():
    words = "client printed: profile edge-snowball secret-looking text"
    error = CommandError("describe-device failed", "connection", words, rc=1, stream="stderr", stdout=words)
    result = error.as_result()
    assert result == {
        "msg": "describe-device failed",
        "state": None,
        "client_failure": {"kind": "connection", "rc": 1, "stream": "stderr"},
    }
    assert "secret-looking" not in json.dumps(result)
    assert error.kind == "connection" and error.words == words
