"""Look for unlock codes in text a user or an attacker could read."""

from __future__ import annotations

import base64
import re
from typing import Iterable


def variants(code: str) -> dict[str, re.Pattern[str]]:
    """The code, and the forms a careless transform would give it, as patterns.

    Case is ignored for the code itself (upper- or lower-cased, with or without hyphens);
    base64 is case-sensitive by nature, so its forms are matched exactly.
    """
    bare = code.replace("-", "")
    return {
        "the code, any case": re.compile(re.escape(code), re.IGNORECASE),
        "without hyphens, any case": re.compile(re.escape(bare), re.IGNORECASE),
        "base64": re.compile(re.escape(base64.b64encode(code.encode()).decode())),
        "base64 of bare": re.compile(re.escape(base64.b64encode(bare.encode()).decode())),
    }


def find_leaks(text: str, codes: Iterable[str]) -> list[str]:
    """Return where each code was found, as 'line N (form)', never the code itself."""
    found = []
    for code in codes:
        for form, pattern in variants(code).items():
            match = pattern.search(text)
            if match:
                found.append(f"line {text.count(chr(10), 0, match.start()) + 1} ({form})")
    return found


def redact(text: str, codes: Iterable[str]) -> str:
    for code in codes:
        for pattern in variants(code).values():
            text = pattern.sub("<UNLOCK-CODE>", text)
    return text
