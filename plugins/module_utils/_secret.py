# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball's secret handling; may change without notice. Standard
# library only: it ships to the edge host too.

"""The device secrets in one place: the unlock code (its shape, finding it inside a text in any form,
masking it, and the check that refuses it in an option where it does not belong) and the device's
secret access key (its shape, and masking it, known or not). No other file of ``plugins/`` holds a
regular expression for either; docs/security-model.md says why each form is here."""

from __future__ import annotations

import base64
import bisect
import functools
import html
import json
import re
from typing import Any
from typing import Dict
from typing import Iterable
from typing import List
from typing import Optional
from typing import Tuple
from urllib.parse import quote
from urllib.parse import unquote

MASK = "********"
#: The options allowed to hold a code, and those whose own check refuses one without quoting it.
CODE_OPTIONS = frozenset(("unlock_code",))
SELF_CHECKED_OPTIONS = frozenset(("job_id", "job_ids", "managed_device_ids"))
#: AWS secrets: no_log options, never quoted, whose values may hold a run of 25 by chance.
SECRET_OPTIONS = frozenset(
    ("secret_key", "aws_secret_access_key", "aws_secret_key", "session_token", "aws_session_token")
)

_GROUP = "[A-Za-z0-9]{5}"
#: The code exactly as AWS writes it: 25 letters or digits in 5 groups of 5, hyphens between.
_EXACT = re.compile(rf"{_GROUP}(?:-{_GROUP}){{4}}", re.ASCII)
#: A value that is a code however it was typed: up to three separators, or none, between any two groups.
_TYPED = re.compile(r"\s*" + r"[\s_.:-]{0,3}".join(f"(?P<g{n}>{_GROUP})" for n in range(5)) + r"\s*", re.ASCII)
# Between two groups in a printed text: a separator (dashes and blanks a word processor or another
# keyboard puts in, zero-width ones too), or an escape of one (JSON, repr, URL, HTML).
_BLANKS = r"\s\u00a0\u00ad\u2000-\u200d\u202f\u205f\u2060\u3000\ufeff"
_DASHES = r"_.:,;/\-\u2010-\u2015\u2212\ufe63\uff0d"
_SEP = (
    rf"(?:[{_BLANKS}{_DASHES}]|\\[nrt]|\\u00[0-9a-fA-F]{{2}}|\\x[0-9a-fA-F]{{2}}|%[0-9a-fA-F]{{2}}"
    r"|&#?[0-9a-zA-Z]{1,6};)"
)
# A bound before a code: not a letter or digit, unless it ends an escape (%27, \x27, \u0027, &#39;, \n).
_BEFORE = r"(?:(?<![A-Za-z0-9])|(?<=\\[nrt])|(?<=%[0-9a-fA-F]{2})|(?<=\\x[0-9a-fA-F]{2})|(?<=\\u[0-9a-fA-F]{4})|(?<=;))"
#: Something shaped like a code inside a text, three ways:
#:  - the written form standing alone, 5 groups of 5 with a hyphen between each (letters only too);
#:  - 5 groups of 5 with one separator (or escape) throughout, also inside a longer token (a group may
#:    be the end or the start of a longer word);
#:  - standing alone, 5 groups of 5 with up to three separators or none between any two (a dropped,
#:    doubled or mixed hyphen; a bare run of 25).
#: The last two count only with letters and digits both in the groups ("InvalidSignatureException" is a
#: name, /opt/ansible/files/certs/sites/paris a path) and not as a numbered series (web01,...,web05):
#: see ``_counts`` and ``_code_spans``.
_WRITTEN = re.compile(rf"{_BEFORE}{_GROUP}(?:-{_GROUP}){{4}}(?![A-Za-z0-9])", re.ASCII)
_SAME_SEP = re.compile(
    rf"(?P<g0>{_GROUP})(?P<sep>{_SEP})(?P<g1>{_GROUP})" + "".join(f"(?P=sep)(?P<g{n}>{_GROUP})" for n in range(2, 5)),
    re.ASCII,
)
_ANY_SEPS = re.compile(
    _BEFORE + rf"{_SEP}{{0,3}}".join(f"(?P<g{n}>{_GROUP})" for n in range(5)) + "(?![A-Za-z0-9])", re.ASCII
)
#: The longest text _ANY_SEPS can match: 25 letters and digits, 4 gaps of 3 escapes of at most 9 characters.
_LONGEST = 25 + 4 * 3 * 9
#: A code stored in a file (bytes): the written form, standing alone.
_STORED = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{5}(?:-[A-Za-z0-9]{5}){4}(?![A-Za-z0-9])")
#: How many characters of a known code in order count as the code (two groups: what a scanner looks for).
PART_LENGTH = 10


# ---------------------------------------------------------------- shape
def is_unlock_code(value: Any) -> bool:
    """True for a code exactly as AWS writes it (surrounding whitespace allowed)."""
    return isinstance(value, str) and _EXACT.fullmatch(value.strip()) is not None


def looks_like_unlock_code(value: Any) -> bool:
    """True when the whole of ``value`` has the shape of an unlock code, however typed."""
    if not isinstance(value, str):
        return False
    found = _TYPED.fullmatch(value)
    return found is not None and (_counts(found) or is_unlock_code(value))


def _unescaped(text: str) -> str:
    """``text`` with URL, HTML, JSON and Python escapes undone (twice, for a doubly encoded echo)."""
    for _round in range(2):
        text = html.unescape(unquote(text))
        text = re.sub(
            r"\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1) or m.group(2), 16)), text
        )
    return text


def _matches(pattern: re.Pattern[str], text: str) -> Iterable[re.Match[str]]:
    """Every match of ``pattern`` in ``text``, overlapping ones too."""
    found = pattern.search(text)
    while found is not None:
        yield found
        found = pattern.search(text, found.start() + 1)


def _counts(found: re.Match[str]) -> bool:
    """True when the groups of ``found`` may be a code: letters and digits both in them, and not a
    numbered series (five groups that share their first three characters: a random code does that
    with a chance of one in 36 to the twelfth)."""
    groups = [found.group(f"g{n}") for n in range(5)]
    chars = "".join(groups)
    series = len({group[:3].lower() for group in groups}) == 1
    return any(char.isdigit() for char in chars) and any(char.isalpha() for char in chars) and not series


def _spaced(found: re.Match[str]) -> int:
    """How many gaps between the groups of ``found`` are blank: in "using ab3de-fgh1j-klmn0-pqrs7" a
    word and a blank make a first group, as the code just after it does not."""
    gaps = (found.string[found.end(f"g{n}") : found.start(f"g{n + 1}")] for n in range(4))
    return sum(1 for gap in gaps if gap and not gap.strip())


def _beside(found: re.Match[str], other: re.Match[str]) -> bool:
    """True when ``found`` is a word beside the code ``other`` matched, not a code: it takes more blank
    gaps than ``other``, and its groups outside ``other`` hold no digit ("using ab3de-fgh1j-..."; in
    "ab3de fgh1j klmn0-pqrs7-uvwx9-2026a" either may be the code, and both are kept)."""
    if not (other.start() < found.end() and found.start() < other.end() and _spaced(other) < _spaced(found)):
        return False
    outside = (found.group(f"g{n}") for n in range(5) if not other.start() <= found.start(f"g{n}") < other.end())
    return not any(char.isdigit() for group in outside for char in group)


def _code_spans(text: str) -> List[Tuple[int, int]]:
    """Where ``text`` holds something shaped like an unlock code (the three ways above)."""
    if not isinstance(text, str) or len(text) < 25:
        return []
    spans = [found.span() for found in _WRITTEN.finditer(text)]
    spans.extend(found.span() for found in _matches(_SAME_SEP, text) if _counts(found))
    loose = [found for found in _matches(_ANY_SEPS, text) if _counts(found)]
    starts = [found.start() for found in loose]
    for found in loose:
        # the matches that can overlap this one start less than the longest match before its end
        near = loose[bisect.bisect_left(starts, found.start() - _LONGEST) : bisect.bisect_left(starts, found.end())]
        if not any(_beside(found, other) for other in near):
            spans.append(found.span())
    return spans


def holds_unlock_code(text: Any) -> bool:
    """True when ``text`` holds something shaped like an unlock code, in any escaped form."""
    if not isinstance(text, str) or len(text) < 25:
        return False
    return bool(_code_spans(text)) or bool(_code_spans(_unescaped(text)))


def stores_unlock_code(data: bytes) -> bool:
    """True when ``data`` (a file's head) holds a code in its written form."""
    return _STORED.search(data) is not None


def unlock_code_problem(value: Any) -> Optional[str]:
    """None for a code of the unlock-code shape (surrounding whitespace allowed: it is stripped),
    else what is wrong with it, never showing it or a piece of it."""
    if not isinstance(value, str) or not value.strip():
        return "unlock_code is empty; pass the job's code (the edge.snowball.unlock_code lookup)."
    code = value.strip()
    if is_unlock_code(code):
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


# ---------------------------------------------------------------- masking
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


# Between two characters of a known code: a separator (or escape) a careless program could print,
# as in Java's Arrays.toString ("[A, B, C]") or a code split over lines.
_CHAR_SEP = r"(?:[^A-Za-z0-9]|\\[nrt]|\\u00[0-9a-fA-F]{2}|\\x[0-9a-fA-F]{2}|%[0-9a-fA-F]{2}){0,10}"


def _part_patterns(code: str) -> List[str]:
    """Every run of PART_LENGTH characters of the code in order, any separators between them, and
    the code as a list of character numbers (Arrays.toString of its bytes)."""
    chars = [char for char in code.strip() if char.isalnum()]
    if len(chars) < PART_LENGTH:
        return []
    parts = [
        _CHAR_SEP.join(re.escape(char) for char in chars[start : start + PART_LENGTH])
        for start in range(len(chars) - PART_LENGTH + 1)
    ]
    parts.append(r"\W{0,3}".join(str(ord(char)) for char in code.strip()))
    return parts


def _mask_spans(text: str, patterns: Iterable[re.Pattern[str]], spans: Optional[List[Tuple[int, int]]] = None) -> str:
    """``text`` with the union of every (overlapping) match of ``patterns`` and of ``spans`` masked."""
    spans = list(spans or [])
    for pattern in patterns:
        spans.extend(found.span() for found in _matches(pattern, text))
    if not spans:
        return text
    spans.sort()
    merged = [list(spans[0])]
    for start, end in spans[1:]:
        if start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, last = [], 0
    for start, end in merged:
        out.extend((text[last:start], MASK))
        last = end
    out.append(text[last:])
    return "".join(out)


@functools.lru_cache(maxsize=16)  # a module polls with the same code: compile its pattern once
def _known_pattern(code: str) -> re.Pattern[str]:
    parts = [re.escape(form) for form in code_variants(code)] + _part_patterns(code)
    return re.compile("|".join(parts), re.IGNORECASE)


def mask(text: str, code: Optional[str] = None, keys: Iterable[str] = (), shapes: bool = True) -> str:
    """``text`` with every form of ``code`` (any case, any separators, any run of PART_LENGTH of its
    characters in order), every form of each known secret access key in ``keys`` (case-sensitive),
    and (with ``shapes``) anything else shaped like a code or a secret access key masked. Mask first,
    cut after."""
    if not text or not isinstance(text, str):
        return text
    patterns = [_known_pattern(code)] if code and code.strip() else []
    patterns.extend(_known_key_pattern(key) for key in keys if key)
    masked = _mask_spans(text, patterns, _shape_spans(text) if shapes else [])
    # An escape the patterns cannot see through (a doubly URL-encoded echo): shown unescaped, masked, from
    # the text as given (a mask inside an escaped code would split it: its rest would not be found).
    unescaped = _unescaped(masked)
    if unescaped != masked and (any(p.search(unescaped) for p in patterns) or shapes and _shape_spans(unescaped)):
        unescaped = _unescaped(text)
        masked = _mask_spans(unescaped, patterns, _shape_spans(unescaped) if shapes else [])
    return masked


def _shape_spans(text: str) -> List[Tuple[int, int]]:
    """Where ``text`` holds something shaped like a code or a secret access key."""
    return _code_spans(text) + secret_key_spans(text)


def mask_data(value: Any, code: Optional[str] = None, keys: Iterable[str] = ()) -> Any:
    """``value`` with the code and the keys masked in every string inside it, dictionary keys included.
    Dictionary keys are field names (``PhysicalNetworkInterfaces`` is 25 letters, the shape of a code):
    in them only the known code and keys are masked, not shapes."""
    keys = list(keys)
    if isinstance(value, str):
        return mask(value, code, keys)
    if isinstance(value, (list, tuple)):
        return [mask_data(item, code, keys) for item in value]
    if isinstance(value, dict):
        return {
            mask(key, code, keys, shapes=False) if isinstance(key, str) else key: mask_data(item, code, keys)
            for key, item in value.items()
        }
    return value


def cut(text: str, limit: int, code: Optional[str] = None) -> str:
    """``text`` masked, then cut to ``limit`` characters: a cut never leaves a part of a code."""
    return mask(text, code)[:limit]


# ---------------------------------------------------------------- the secret access key
# AWS secret access keys (the device's too) are 40 characters of [A-Za-z0-9/+]. Decided
# (docs/security-model.md, "The secret key's shape"): a text holds one where
#  - a name says so: ``aws_secret_access_key``, ``secret_access_key``, ``SecretAccessKey``,
#    ``secret_key`` (any case, ``=`` or ``:``, quoted or not) followed by a value of 8 or more key
#    characters: the value is masked whatever its length;
#  - or, standing alone, a run of exactly 40 key characters (bounded by anything else, ``=`` after it
#    excluded: base64 padding) holding both an upper- and a lower-case letter. That leaves out hex
#    digests (SHA-1, git ids: lower case), upper-case ids (AKIA...), a PEM's 64-character lines, and
#    misses a random key only with a chance of 2 in a billion (no upper- or no lower-case letter).
#  ``/`` and ``+`` count in their escaped forms too (JSON ``\/``, ``%2F``, ``\u002F``), and an escape
#  just before the run (``\n``, ``%0A``, ``\u000a``) is not part of it, nor are slashes that lead or
#  end the run (``https://KEY``, ``/KEY/``). A key inside a longer path (``/srv/KEY/x``) is not found
#  by its shape: splitting runs at every slash would take too many paths for keys.
#: How long an AWS secret access key is.
SECRET_KEY_LENGTH = 40
_KEY_CHAR = r"(?:[A-Za-z0-9+/]|\\/|%2[FfBb]|\\u002[FfBb])"
_KEY_RUN = re.compile(rf"{_KEY_CHAR}+", re.ASCII)
_KEY_UNIT = re.compile(_KEY_CHAR, re.ASCII)
_KEY_NAME = r"(?:aws_)?secret_?access_?key|secret_key"
_KEY_IN_CONTEXT = re.compile(
    rf"(?i:{_KEY_NAME})(?:\\?[\"'])?[ \t]*[=:][ \t]*(?:\\?[\"'])?(?P<value>{_KEY_CHAR}{{8,}})", re.ASCII
)
# An escape that may stand just before a key: its letters or digits are not part of the key.
_ESCAPE_BEFORE = {"\\": re.compile(r"[nrt]|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}"), "%": re.compile(r"[0-9a-fA-F]{2}")}


def _key_units(run: str) -> List[str]:
    return _KEY_UNIT.findall(run)


def _looks_like_key(units: List[str]) -> bool:
    chars = "".join(unit if len(unit) == 1 else "/" for unit in units)
    return (
        len(units) == SECRET_KEY_LENGTH
        and any(char.isupper() for char in chars)
        and any(char.islower() for char in chars)
    )


def _candidates(text: str, start: int, end: int) -> List[Tuple[int, int]]:
    """The run, and the run without the slashes that lead or end it (``https://KEY``, ``/KEY/``)."""
    inner_start = start
    while inner_start < end and text[inner_start] == "/":
        inner_start += 1
    inner_end = end
    while inner_end > inner_start and text[inner_end - 1] == "/":
        inner_end -= 1
    return list(dict.fromkeys(((start, end), (inner_start, end), (start, inner_end), (inner_start, inner_end))))


def secret_key_spans(text: str) -> List[Tuple[int, int]]:
    """Where ``text`` holds something shaped like a secret access key (the rules above)."""
    if not isinstance(text, str) or len(text) < 8:
        return []
    spans = [found.span("value") for found in _KEY_IN_CONTEXT.finditer(text)]
    for run in _KEY_RUN.finditer(text):
        start, end = run.span()
        if text[end : end + 1] == "=":
            continue
        escape = _ESCAPE_BEFORE.get(text[start - 1 : start]) if start else None
        skipped = escape.match(text, start) if escape else None
        for begin, finish in _candidates(text, skipped.end() if skipped else start, end):
            if _looks_like_key(_key_units(text[begin:finish])):
                spans.append((begin, finish))
                break
    return spans


def holds_secret_key(text: Any) -> bool:
    """True when ``text`` holds something shaped like a secret access key, in any escaped form."""
    return bool(secret_key_spans(text)) if isinstance(text, str) else False


def is_secret_key(value: Any) -> bool:
    """True for a value that is a secret access key as AWS issues them (40 of [A-Za-z0-9/+])."""
    return isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9+/]{40}", value, re.ASCII) is not None


_KEY_ESCAPES = {"/": r"(?:/|\\/|%2[Ff]|\\u002[Ff])", "+": r"(?:\+|%2[Bb]|\\u002[Bb])"}


def key_variants(key: str) -> List[str]:
    """The literal forms of a known secret key a text may hold: as given, JSON-escaped (``\\/``),
    URL-quoted, hex, base64 (also inside a longer encoded text). Case matters: keys are case-sensitive."""
    forms = {key, json.dumps(key)[1:-1], key.replace("/", "\\/"), quote(key, safe=""), key.encode().hex()}
    forms.update(_base64_forms(key))
    return sorted((form for form in forms if form), key=len, reverse=True)


@functools.lru_cache(maxsize=16)
def _known_key_pattern(key: str) -> re.Pattern[str]:
    """Every literal form of ``key``, and any run of PART_LENGTH of its characters in order (each
    ``/`` or ``+`` in any escape, any separators between them): a cut or wrapped key is masked too."""
    chars = [_KEY_ESCAPES.get(char, re.escape(char)) for char in key]
    parts = [
        _CHAR_SEP.join(chars[start : start + PART_LENGTH]) for start in range(max(0, len(chars) - PART_LENGTH + 1))
    ]
    return re.compile("|".join([re.escape(form) for form in key_variants(key)] + parts))


# ---------------------------------------------------------------- options
def _strings(value: Any, depth: int = 0) -> Iterable[str]:
    if depth > 20:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key, depth + 1)
            yield from _strings(item, depth + 1)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _strings(item, depth + 1)


def misplaced_codes(options: Dict[str, Any], allowed: Iterable[str] = ()) -> List[Tuple[str, str]]:
    """``(option, value)`` for every string in ``options`` (nested in lists and dicts too) that holds
    something shaped like an unlock code, outside ``unlock_code``, the AWS secrets and ``allowed``."""
    return _misplaced(options, allowed, _holds_code_not_key)


def _misplaced(options: Dict[str, Any], allowed: Iterable[str], holds: Any) -> List[Tuple[str, str]]:
    """``(option, value)`` for every string in ``options`` (nested too) that ``holds`` a secret, outside
    ``unlock_code``, the AWS secrets and ``allowed``."""
    skipped = CODE_OPTIONS | SECRET_OPTIONS | frozenset(allowed)
    found = []
    for name in sorted(options, key=str):
        if name not in skipped:
            found.extend((str(name), value) for value in _strings(options[name]) if holds(value))
    return found


def _holds_code_not_key(value: str) -> bool:
    """``holds_unlock_code``, outside what is shaped like a secret access key (a random key often holds
    a run of 25 letters and digits between its ``/`` and ``+``): a key is refused as a key."""
    if not holds_unlock_code(value):
        return False
    spans = secret_key_spans(value)
    if not spans:
        return True
    chars = list(value)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return holds_unlock_code("".join(chars))


def _option_names(found: List[Tuple[str, str]]) -> str:
    """The options of ``found`` (option, value) pairs, for a message: names only, never a value."""
    return ", ".join(sorted({name for name, _value in found}))


def misplaced_code_refusal(options: Dict[str, Any], allowed: Iterable[str] = ()) -> Optional[str]:
    """Why these options are refused (a code in the wrong one), never repeating it; or None. The
    options that refuse a code themselves (job and device ids, with their own words) are left to them."""
    names = _option_names(misplaced_codes(options, SELF_CHECKED_OPTIONS | frozenset(allowed)))
    if not names:
        return None
    return (
        f"{names} holds something shaped like an unlock code (not shown): was the code put in the wrong option?"
        f" Pass the code as unlock_code only (the edge.snowball.unlock_code lookup), and set {names} to the"
        " value it names."
    )


def misplaced_keys(options: Dict[str, Any], allowed: Iterable[str] = ()) -> List[Tuple[str, str]]:
    """``(option, value)`` for every string in ``options`` (nested too) shaped like a secret access
    key, outside the AWS secrets and ``allowed``."""
    return _misplaced(options, allowed, holds_secret_key)


def misplaced_key_refusal(options: Dict[str, Any], allowed: Iterable[str] = ()) -> Optional[str]:
    """Why these options are refused (a secret access key in one of them), never repeating it; or None."""
    names = _option_names(misplaced_keys(options, allowed))
    if not names:
        return None
    return (
        f"{names} holds something shaped like a secret access key (not shown): was a key put in the wrong option?"
        f" No option of this module takes a secret key; set {names} to the value it names."
    )
