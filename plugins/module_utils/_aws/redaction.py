# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball's AWS machinery; may change without notice.

"""Keeping response bodies (an unlock code among them) out of botocore's debug log."""

from __future__ import annotations

import logging
import threading
from typing import Any


class _ResponseBodyRedactor(logging.Filter):
    """Drops the body from botocore's ``Response body:`` debug records.

    botocore logs every raw response body at DEBUG (``botocore.parsers``), and
    a GetJobUnlockCode body holds the code. While one of our calls is in flight
    the filter is on that logger, so the record still appears, without the body.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith("Response body"):
            record.msg = "Response body: <withheld by edge.snowball: it may hold an unlock code>"
            record.args = ()
        return True


_REDACTOR = _ResponseBodyRedactor()
_REDACTOR_LOCK = threading.Lock()
_REDACTOR_USERS = 0
_REDACTED_LOGGERS = ("botocore.parsers",)


class RedactResponseBodies:
    """Context manager: botocore debug logs never show response bodies inside it."""

    def __enter__(self) -> RedactResponseBodies:
        global _REDACTOR_USERS
        with _REDACTOR_LOCK:
            if _REDACTOR_USERS == 0:
                for name in _REDACTED_LOGGERS:
                    logging.getLogger(name).addFilter(_REDACTOR)
            _REDACTOR_USERS += 1
        return self

    def __exit__(self, *exc_info: Any) -> None:
        global _REDACTOR_USERS
        with _REDACTOR_LOCK:
            _REDACTOR_USERS -= 1
            if _REDACTOR_USERS == 0:
                for name in _REDACTED_LOGGERS:
                    logging.getLogger(name).removeFilter(_REDACTOR)
