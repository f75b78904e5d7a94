# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The rule AWS documents for a Snowball job id, checked before any network call.

Pure Python with no imports, so that controller-side plugins can check ids cheaply.
"""

from __future__ import annotations

from typing import Any
from typing import Optional

JOB_ID_LENGTH = 39
JOB_ID_PREFIXES = ("JID", "MID")
# 0-based positions of the hyphens in JID12345678-1234-1234-1234-123456789012
_HYPHEN_POSITIONS = frozenset((11, 16, 21, 26))
_LOWER_HEX = frozenset("0123456789abcdef")
_UPPER_HEX = frozenset("ABCDEF")
_SHOW_LIMIT = 48


def show_value(value: str) -> str:
    """A one-line, bounded, printable rendering of a (non-secret) job id."""
    if len(value) > _SHOW_LIMIT:
        return f"{value[:_SHOW_LIMIT]!r}... ({len(value)} characters)"
    return repr(value)


def _describe_char(char: str) -> str:
    if char.isprintable() and char.isascii():
        return repr(char)
    return f"{char!r} (U+{ord(char):04X})"


def validate_job_id(value: Any) -> Optional[str]:
    """Return why ``value`` is not a valid Snowball job id, or ``None`` when it is.

    The rule is the one AWS documents for ``JobId``: exactly 39 characters,
    ``JID`` or ``MID`` followed by a UUID in lower-case hexadecimal.
    """
    if value is None:
        return "job_id is required, got null"
    if not isinstance(value, str):
        return f"job_id must be a string, got {type(value).__name__}"
    if value == "":
        return "job_id is empty (expected JID or MID followed by a UUID, 39 characters)"
    if value != value.strip():
        return f"job_id {show_value(value)} has leading or trailing whitespace"
    if len(value) != JOB_ID_LENGTH:
        return (
            f"job_id {show_value(value)} must be {JOB_ID_LENGTH} characters, got {len(value)}"
            " (expected JID or MID followed by a UUID)"
        )
    if value[:3] not in JOB_ID_PREFIXES:
        return f"job_id {show_value(value)} must start with JID or MID, got {value[:3]!r}"
    for index in range(3, JOB_ID_LENGTH):
        char = value[index]
        position = index + 1
        if index in _HYPHEN_POSITIONS:
            if char != "-":
                return (
                    f"job_id {show_value(value)} must have '-' at position {position}, got {_describe_char(char)}"
                    " (UUID layout 8-4-4-4-12)"
                )
        elif char in _UPPER_HEX:
            return (
                f"job_id {show_value(value)} has upper-case {char!r} at position {position}:"
                " AWS job ids use lower-case hexadecimal"
            )
        elif char not in _LOWER_HEX:
            return (
                f"job_id {show_value(value)} has {_describe_char(char)} at position {position},"
                " which is not a lower-case hexadecimal digit"
            )
    return None
