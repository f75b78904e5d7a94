# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball's AWS machinery; may change without notice.

"""The collection's one error family: a failure with a message a person can act on, which never
carries an unlock code (anything shaped like one is masked in it). Standard library only (the
edge-host modules use it too)."""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import Optional

from ansible_collections.edge.snowball.plugins.module_utils._secret import mask


class SnowballError(Exception):
    """A failure with a message a person can act on. Never carries a code."""

    def __init__(
        self,
        message: str,
        error_code: Optional[str] = None,
        request_id: Optional[str] = None,
        aws_message: str = "",
    ):
        # Every channel quotes this message (msg, the log, ansible_failed_result): mask once, here.
        message = mask(message)
        super().__init__(message)
        self.message = message
        self.error_code = error_code
        self.request_id = request_id
        #: What AWS said, when it said something (never a code: error bodies hold none).
        self.aws_message = mask(aws_message)

    def as_result(self) -> Dict[str, Any]:
        result: Dict[str, Any] = {"msg": self.message}
        if self.error_code:
            result["error_code"] = self.error_code
        if self.request_id:
            result["request_id"] = self.request_id
        return result
