"""Test-only: with EDGE_SNOWBALL_TEST_BOTO_DEBUG=<file>, every Python process of the run
(ansible-playbook, the workers where lookups run, the modules) does ``boto3.set_stream_logger('')``,
as a user's own script might, with the stream sent to <file>: ansible-core's workers do not
write to the terminal, so a file is where the test can read (and leak-scan) what was logged."""

import os

_PATH = os.environ.get("EDGE_SNOWBALL_TEST_BOTO_DEBUG")
if _PATH:
    try:
        import boto3
    except ImportError:
        boto3 = None
    if boto3 is not None:
        boto3.set_stream_logger("")
        import logging

        for _handler in logging.getLogger("").handlers:
            if isinstance(_handler, logging.StreamHandler) and not isinstance(_handler, logging.FileHandler):
                _handler.setStream(open(_PATH, "a", buffering=1, encoding="utf-8"))  # noqa: SIM115 - lives as long as the process
