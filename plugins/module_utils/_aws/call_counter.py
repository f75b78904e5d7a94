# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball's AWS machinery; may change without notice.

"""Counting, per AWS operation, the calls this collection made and the HTTP requests botocore sent
for them: more requests than calls means retries happened (reported as ``retried``)."""

from __future__ import annotations

import threading
from typing import Any
from typing import Dict
from typing import List
from typing import Optional


class CallCounter:
    """Counts calls (``called``) and the requests botocore sends (its ``before-send`` event)."""

    def __init__(self, client: Any, service: str):
        #: HTTP requests sent per operation.
        self.attempts: Dict[str, int] = {}
        #: Calls made per operation.
        self.calls: Dict[str, int] = {}
        self._lock = threading.Lock()
        events = getattr(getattr(client, "meta", None), "events", None)
        if events is not None:
            events.register(f"before-send.{service}", self._sent)

    def _sent(self, event_name: str = "", **kwargs: Any) -> None:
        operation = event_name.rsplit(".", 1)[-1]
        with self._lock:
            self.attempts[operation] = self.attempts.get(operation, 0) + 1

    def called(self, operation: str) -> None:
        with self._lock:
            self.calls[operation] = self.calls.get(operation, 0) + 1

    def operations(self) -> List[str]:
        """The operations called, sorted."""
        with self._lock:
            return sorted(self.calls)

    def summary(self) -> Optional[str]:
        """'GetJobUnlockCode: 4 requests for 1 call(s) (3 retried)' for each retried operation, or None."""
        parts = []
        with self._lock:
            for operation, sent in sorted(self.attempts.items()):
                made = self.calls.get(operation, 0)
                if sent > made:
                    parts.append(f"{operation}: {sent} requests for {made} call(s) ({sent - made} retried)")
        return "; ".join(parts) or None
