# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: this file is part of edge.snowball's device_unlock/device_info machinery and
# may change without notice. Standard library and ansible-core only (it runs on the edge host).

"""The unlock code's shape, and masking every form of it in what the client prints."""

from __future__ import annotations

import base64
import json
import re
from typing import Any
from typing import List
from typing import Optional

#: Every Snowball Edge unlock code has this shape: 25 letters or digits in 5 groups of 5.
UNLOCK_CODE_SHAPE = re.compile(r"[A-Za-z0-9]{5}(?:-[A-Za-z0-9]{5}){4}", re.ASCII)
MASK = "********"


def _base64_forms(text: str) -> List[str]:
    """base64 of ``text`` on its own, and the part of base64(... + text + ...) that depends only on
    ``text`` at each of the 3 alignments (a client could print a whole encoded profile)."""
    forms = [base64.b64encode(text.encode()).decode()]
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + text.encode()).decode()
        inner = encoded[(shift * 4 + 2) // 3 + (1 if shift else 0) : len(encoded) - 4]
        if len(inner) >= 16:
            forms.append(inner)
    return forms


def code_variants(code: str) -> List[str]:
    """The literal forms of a code that text may hold: as given and stripped, with or without
    hyphens, JSON- and repr-escaped, hex, base64 (also inside a longer encoded text)."""
    forms = set()
    for given in dict.fromkeys((code, code.strip())):
        for base in (given, given.replace("-", "")):
            if not base:
                continue
            forms.add(base)
            forms.add(json.dumps(base)[1:-1])
            forms.add(repr(base)[1:-1])
            forms.add(base.encode().hex())
            forms.update(_base64_forms(base))
    return sorted((form for form in forms if form), key=len, reverse=True)


def _mask_pattern(code: str) -> re.Pattern[str]:
    parts = [re.escape(form) for form in code_variants(code)]
    groups = code.strip().split("-")
    if len(groups) > 1 and all(groups):
        # the groups in order with any separator or escape between them (spaces, newlines, "\n", ...)
        sep = r"(?:[^A-Za-z0-9]|\\[nrt]|\\u00[0-9a-fA-F]{2}|\\x[0-9a-fA-F]{2}){0,6}"
        parts.insert(0, sep.join(re.escape(group) for group in groups))
    return re.compile("|".join(parts), re.IGNORECASE)


def mask(text: str, code: Optional[str]) -> str:
    """``text`` with every form of ``code`` (in any case, any separators between its groups) masked."""
    if not code or not code.strip() or not text:
        return text
    return _mask_pattern(code).sub(MASK, text)


def mask_data(value: Any, code: Optional[str]) -> Any:
    """``value`` with the code masked in every string inside it, dictionary keys included."""
    if isinstance(value, str):
        return mask(value, code)
    if isinstance(value, (list, tuple)):
        return [mask_data(item, code) for item in value]
    if isinstance(value, dict):
        return {mask_data(key, code): mask_data(item, code) for key, item in value.items()}
    return value


def unlock_code_problem(value: Any) -> Optional[str]:
    """None for a code of the unlock-code shape (surrounding whitespace allowed: it is stripped),
    else what is wrong with it, never showing it or a piece of it."""
    if not isinstance(value, str) or not value.strip():
        return "unlock_code is empty; pass the job's code (the edge.snowball.unlock_code lookup)."
    code = value.strip()
    if UNLOCK_CODE_SHAPE.fullmatch(code):
        return None
    what = [f"{len(code)} characters"]
    if any(char.isspace() for char in code):
        what.append("whitespace inside")
    if any(not (char.isascii() and (char.isalnum() or char == "-")) for char in code):
        what.append("characters other than letters, digits and hyphens")
    what.append(f"{code.count('-')} hyphens")
    return (
        "unlock_code does not have the shape of an unlock code: 5 groups of 5 letters or digits separated by"
        f" hyphens, 29 characters (it has {', '.join(what)}; the value is not shown). Pass the code exactly as"
        " GetJobUnlockCode returns it (the edge.snowball.unlock_code lookup), not a job id, a file or a quoted string."
    )
