"""botocore's debug log never shows a response body while our calls run
(plugins/module_utils/_aws/redaction.py)."""

from __future__ import annotations

import io
import logging

from ansible_collections.edge.snowball.plugins.module_utils._jobs.api import SnowballJobs

from unit.constants import FAKE_CODE
from unit.constants import VALID_JOB_ID

GOOD = VALID_JOB_ID


def test_botocore_debug_log_never_shows_the_response_body(stub, assert_no_code):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("botocore")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        client = stub.client

        # The Stubber skips the HTTP layer, so log the way botocore.parsers does from inside the call.
        def log_body(**kwargs):
            logging.getLogger("botocore.parsers").debug("Response body:\n%r", FAKE_CODE.encode())

        client.meta.events.register("before-parameter-build.snowball.GetJobUnlockCode", log_body)
        stub.add_response("get_job_unlock_code", {"UnlockCode": FAKE_CODE}, {"JobId": GOOD})
        SnowballJobs(client, retrying=False).unlock_code(GOOD)
        logging.getLogger("botocore.parsers").debug("Response body:\n%r", b"outside")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    text = stream.getvalue()
    assert "withheld by edge.snowball" in text
    assert "outside" in text, "the filter must only be active during our own calls"
    assert_no_code(text)
