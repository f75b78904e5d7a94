"""Look for unlock codes in text a user or an attacker could read."""

from __future__ import annotations

import base64
import pathlib
from typing import Iterable


def variants(code: str) -> dict[str, str]:
    """The code, and the forms a careless transform would give it."""
    bare = code.replace("-", "")
    return {
        "as is": code,
        "without hyphens": bare,
        "upper-cased": code.upper(),
        "base64": base64.b64encode(code.encode()).decode(),
        "base64 of bare": base64.b64encode(bare.encode()).decode(),
    }


def find_leaks(text: str, codes: Iterable[str]) -> list[str]:
    """Return where each code was found, as 'line N (form)', never the code itself."""
    found = []
    for code in codes:
        for form, needle in variants(code).items():
            index = text.find(needle)
            if index >= 0:
                found.append(f"line {text.count(chr(10), 0, index) + 1} ({form})")
    return found


def redact(text: str, codes: Iterable[str]) -> str:
    for code in codes:
        for needle in variants(code).values():
            text = text.replace(needle, "<UNLOCK-CODE>")
    return text


def scan_paths(paths: Iterable[pathlib.Path], codes: list[str]) -> list[str]:
    leaks = []
    for path in paths:
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            leaks.extend(f"{path}: {where}" for where in find_leaks(text, codes))
    return leaks
