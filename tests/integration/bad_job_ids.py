"""Bad job ids, each with what the refusal must say (a regex on the one-line message).

Every value here is refused before any request. Alternatives in a pattern cover the two places a
refusal can come from: ansible-core's own argument check (for values that are not strings), and
this collection's rule.
"""

from __future__ import annotations

import json
import re

GOOD = "JIDd7db2543-ce46-5560-916e-b5f651e960ce"  # a real job of the emulator: only validation stops it
UUID = GOOD[3:]


def at(index: int, char: str) -> str:
    """GOOD with the character at 0-based ``index`` replaced."""
    return GOOD[:index] + char + GOOD[index + 1 :]


NOT_A_STRING = (
    r"must be a string|unable to convert to str|is required|missing required|got null|is empty|must be 39 characters"
)
LENGTH = r"must be 39 characters, got {}"

CASES: list[tuple[str, object, str]] = [
    ("empty", "", r"job_id is empty"),
    ("null", None, NOT_A_STRING),
    ("integer", 12345, NOT_A_STRING + r"|got 5"),
    ("float", 3.5, NOT_A_STRING),
    ("boolean", True, NOT_A_STRING),
    # The lookup takes a list of ids (ansible flattens it); one bad id in it refuses the whole list.
    ("list holding a bad id", [GOOD, GOOD[:-1]], NOT_A_STRING + r"|got 38"),
    ("dict", {"job_id": GOOD}, NOT_A_STRING),
    ("38 characters", GOOD[:-1], LENGTH.format(38)),
    ("40 characters", GOOD + "0", LENGTH.format(40)),
    ("the prefix alone", "JID", LENGTH.format(3)),
    ("hyphens left out", "JID" + UUID.replace("-", ""), LENGTH.format(35)),
    ("UUID in braces", "JID{" + UUID + "}", LENGTH.format(41)),
    ("upper-case hex everywhere", "JID" + UUID.upper(), r"upper-case letter at position 4"),
    ("one upper-case hex digit", at(10, "E"), r"upper-case letter at position 11"),
    ("MID with upper-case hex", "MID" + UUID.upper(), r"upper-case"),
    ("KID prefix", "KID" + UUID, r"must start with JID or MID"),
    ("lower-case jid prefix", "jid" + UUID, r"must start with JID or MID"),
    ("CID (a cluster id, not a job id)", "CID" + UUID, r"must start with JID or MID"),
    ("leading space", " " + GOOD[1:], r"leading or trailing whitespace"),
    ("trailing space", GOOD[:-1] + " ", r"leading or trailing whitespace"),
    ("trailing newline", GOOD + "\n", r"leading or trailing whitespace"),
    ("trailing carriage return", GOOD + "\r", r"leading or trailing whitespace"),
    ("embedded newline", at(20, "\n"), r"U\+000A \(whitespace\) at position 21"),
    ("embedded tab", at(5, "\t"), r"U\+0009 \(whitespace\) at position 6"),
    ("NUL inside", at(10, "\x00"), r"U\+0000 at position 11"),
    ("valid id then NUL", GOOD + "\x00", LENGTH.format(40)),
    ("fullwidth digit 2", at(8, "\uff12"), r"U\+FF12 at position 9"),
    ("Arabic-Indic digit", at(8, "\u0662"), r"U\+0662 at position 9"),
    ("superscript two", at(8, "\u00b2"), r"U\+00B2 at position 9"),
    ("Unicode hyphen", at(11, "\u2010"), r"must have '-' at position 12, got .*U\+2010"),
    ("en dash", at(11, "\u2013"), r"must have '-' at position 12, got .*U\+2013"),
    ("minus sign", at(16, "\u2212"), r"must have '-' at position 17, got .*U\+2212"),
    ("Cyrillic a", at(12, "\u0430"), r"U\+0430 at position 13"),
    ("Cyrillic e", at(14, "\u0435"), r"U\+0435 at position 15"),
    ("zero-width space added", at(5, "\u200b" + GOOD[5]), LENGTH.format(40)),
    ("zero-width space instead of a digit", at(5, "\u200b"), r"U\+200B at position 6"),
    (
        "non-hex letter g",
        at(6, "g"),
        r"a letter other than a-f at position 7, which is not a lower-case hexadecimal digit",
    ),
    ("hyphen moved", GOOD[:10] + "-" + GOOD[10] + GOOD[12:], r"at position 11|must have '-' at position"),
    ("shell injection", ("JID$(reboot)" + "0" * 39)[:39], r"'\$' \(U\+0024\) at position 4"),
    ("backticks", ("JID`id`" + "0" * 39)[:39], r"'`' \(U\+0060\) at position 4"),
    ("semicolon command", ("JID;rm -rf /;" + "0" * 39)[:39], r"';' \(U\+003B\) at position 4"),
    ("path traversal", "../../../../etc/passwd", LENGTH.format(22)),
    ("path traversal at length", ("JID../../../etc/passwd" + "0" * 39)[:39], r"'\.' \(U\+002E\) at position 4"),
    ("SQL injection", ("JID' OR '1'='1" + "0" * 39)[:39], r"\"'\" \(U\+0027\) at position 4"),
    ("URL-encoded prefix", "%4AID" + UUID, LENGTH.format(41)),
    ("an ARN", "arn:aws:snowball:us-east-1:123456789012:job/" + GOOD, LENGTH.format(83)),
    ("1 MB string", "J" * 1_000_000, LENGTH.format(1000000)),
    # A code (the other secret of a job) typed into the job id: refused, never shown (issue 12).
    ("an unlock code", "ab12c-3de45-f6g7h-89ijk-l0mno", r"this looks like an unlock code, not a job id"),
    ("an unlock code with a newline", "ab12c-3de45-f6g7h-89ijk-l0mno\n", r"this looks like an unlock code"),
    ("an unlock code without hyphens", "ab12c3de45f6g7h89ijkl0mno", r"this looks like an unlock code"),
]

#: The cases as the plays loop over them (``corpus``): name and value.
CORPUS = [{"name": name, "value": value} for name, value, _expect in CASES]


def hand_back(**places: str) -> str:
    """The last task of a refusal play: for each ``place="registered"`` (a task looped over ``corpus``),
    write to ``refusals.json`` its messages (``place``) and whether each item failed (``place_failed``).
    A value that is no registered variable (no ``.results``) is written as it is, with no ``_failed``."""
    fields = []
    for place, value in places.items():
        if value.endswith(".results"):
            fields.append(f"'{place}': {value} | map(attribute='msg', default=None) | list")
            fields.append(f"'{place}_failed': {value} | map(attribute='failed', default=False) | list")
        else:
            fields.append(f"'{place}': {value}")
    content = "{{ {" + ", ".join(fields) + "} | to_json }}"
    return f"""
    - name: Hand the messages to the test
      ansible.builtin.copy:
        dest: "{{{{ work_dir }}}}/refusals.json"
        mode: "0600"
        content: {json.dumps(content)}
"""


def refusal_problems(refusals: dict, places: tuple[str, ...], also: str = "", unrepeated: bool = False) -> list[str]:
    """What is wrong with the refusals a play handed back (``hand_back``), case by case: every case of
    every place must be refused (failed, with a message) by one short line that matches its pattern
    (or ``also``, a regex alternative); with ``unrepeated``, the message must not repeat the value:
    a value typed into job_id could be a secret (issue 12)."""
    problems = []
    for index, (name, value, expect) in enumerate(CASES):
        for where in places:
            message = refusals[where][index]
            failed = refusals.get(f"{where}_failed", [True] * len(CASES))[index]
            if not failed or not message or message == "NOT REFUSED":
                problems.append(f"{where} / {name}: not refused ({message!r})")
            elif not re.search(expect + also, message):
                problems.append(f"{where} / {name}: {message[:300]!r} does not match {expect!r}")
            elif "\n" in message or len(message) > 400:
                problems.append(f"{where} / {name}: not one short line ({len(message)} characters)")
            elif unrepeated and isinstance(value, str) and len(value.strip()) >= 4 and value.strip()[:12] in message:
                problems.append(f"{where} / {name}: the message repeats the value")
    return problems
