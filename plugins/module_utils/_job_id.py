# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball; no public API, may change without notice.

"""The rule AWS documents for a Snowball job id, checked before any network call.

Standard library and ansible-core only, so that controller-side plugins can check ids cheaply.

A refusal never repeats the value it refuses, not even a part of it: a value typed into the wrong
field can be a secret (the unlock code, 29 characters in 5 groups of 5, is the classic mix-up).
It says which rule failed, the length, the position and the class of a wrong character instead.
"""

from __future__ import annotations

import re
from typing import Any
from typing import Iterable
from typing import List
from typing import Mapping
from typing import Optional

from ansible.module_utils.common.validation import check_type_list

from ansible_collections.edge.snowball.plugins.module_utils._secret import holds_unlock_code
from ansible_collections.edge.snowball.plugins.module_utils._secret import looks_like_unlock_code

JOB_ID_LENGTH = 39
JOB_ID_PREFIXES = ("JID", "MID")
# 0-based positions of the hyphens in JID12345678-1234-1234-1234-123456789012
_HYPHEN_POSITIONS = frozenset((11, 16, 21, 26))
_LOWER_HEX = frozenset("0123456789abcdef")
_EXPECTED = "expected JID or MID followed by a UUID in lower-case hexadecimal, 39 characters"
#: The same rule as a pattern, to find a job id inside a longer text (a manifest's file name); the role's
#: ``unlock_job_id_pattern`` (roles/unlock/vars/main.yml) is this, anchored. A unit test holds the three equal.
JOB_ID_IN_TEXT = re.compile(r"(?:JID|MID)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def describe_char(char: str) -> str:
    """What kind of character ``char`` is, without showing a letter or digit (which could be a
    piece of a secret); other characters are named by code point, which helps with look-alikes."""
    if char.isascii() and char.isalpha():
        return "an upper-case letter" if char.isupper() else "a letter other than a-f"
    if char.isascii() and char.isdigit():
        return "a digit"
    if char.isascii() and char.isprintable():
        return f"{char!r} (U+{ord(char):04X})"
    return f"U+{ord(char):04X}" + (" (whitespace)" if char.isspace() else "")


def validate_job_id(value: Any) -> Optional[str]:
    """Return why ``value`` is not a valid Snowball job id, or ``None`` when it is.

    The rule is the one AWS documents for ``JobId``: exactly 39 characters,
    ``JID`` or ``MID`` followed by a UUID in lower-case hexadecimal. The reason never
    contains the value.
    """
    if value is None:
        return "job_id is required, got null"
    if not isinstance(value, str):
        return f"job_id must be a string, got {type(value).__name__}"
    if value == "":
        return f"job_id is empty ({_EXPECTED})"
    if looks_like_unlock_code(value) or holds_unlock_code(value):
        return (
            "job_id: this looks like an unlock code, not a job id (not shown). Pass the job's id (JID or MID"
            " followed by a UUID, 39 characters) and keep the code secret."
        )
    if value != value.strip():
        return f"job_id has leading or trailing whitespace ({len(value)} characters; not shown). Remove it."
    if len(value) != JOB_ID_LENGTH:
        return f"job_id must be {JOB_ID_LENGTH} characters, got {len(value)} ({_EXPECTED}; the value is not shown)"
    if value[:3] not in JOB_ID_PREFIXES:
        return f"job_id must start with JID or MID ({_EXPECTED}; the value is not shown)"
    for index in range(3, JOB_ID_LENGTH):
        char = value[index]
        position = index + 1
        if index in _HYPHEN_POSITIONS:
            if char != "-":
                return (
                    f"job_id must have '-' at position {position}, got {describe_char(char)} (UUID layout 8-4-4-4-12)"
                )
        elif char not in _LOWER_HEX:
            if char.isascii() and char.isalpha() and char.lower() in _LOWER_HEX:
                return f"job_id has an upper-case letter at position {position}: AWS job ids use lower-case hexadecimal"
            return (
                f"job_id has {describe_char(char)} at position {position}, which is not a lower-case hexadecimal digit"
            )
    return None


def listed(value: Any) -> List[Any]:
    """The list ansible-core's ``type: list`` makes of ``value`` (a string is split on commas); a value
    it cannot make a list of, as the one item its own check will refuse."""
    if value is None:
        return []
    try:
        return check_type_list(value)
    except TypeError:
        return [value]


def job_ids_problem(args: Mapping[str, Any], required: bool = False) -> Optional[str]:
    """Why the job ids among a task's arguments (``job_id``, each item of ``job_ids``) are refused, or
    None. ``job_id`` is checked when given, or always when ``required``; the reason never shows a value."""
    given = [args.get("job_id")] if required or args.get("job_id") is not None else []
    for value in given + listed(args.get("job_ids")):
        reason = validate_job_id(value)
        if reason is not None:
            return reason
    return None


#: Shorter refused values are not masked: ansible-core would mask every occurrence of them in the result.
MASKED_MIN_LENGTH = 8


def values_never_shown(job_ids: Optional[Iterable[Any]], device_ids: Optional[Iterable[Any]]) -> list:
    """The given ids that must never be shown, not even in ``invocation``: every job id that is not
    one (a refusal never repeats it, and it could be a code typed into the wrong field) and every
    managed device id shaped like an unlock code; as given and stripped. A module adds them to its
    ``no_log_values`` before anything can fail, so ansible-core masks them everywhere in its result."""
    found = set()
    for value in list(job_ids or []):
        if isinstance(value, str) and validate_job_id(value) is not None:
            found.update((value, value.strip()))
    for value in list(device_ids or []):
        if holds_unlock_code(value):
            found.update((value, value.strip()))
    return sorted(value for value in found if len(value.strip()) >= MASKED_MIN_LENGTH)
