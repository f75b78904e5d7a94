# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball's device_credentials; may change without notice.
# Standard library only (it runs on the edge host).

"""The AWS CLI's two files, as small pure functions: reading the INI text ``snowballEdge
get-secret-access-key`` prints, and setting one section of a credentials or config file while every
other byte of it (other sections, comments, blank lines, line endings) stays as it was.

The AWS CLI reads both files with Python's ``configparser`` (botocore's ``raw_config_parse``): a
section starts at a line beginning with ``[``; ``name = value`` or ``name: value`` lines belong to
the section above them, option names in any case; an indented line continues the value above it.
The credentials file names a profile ``[NAME]``, the config file ``[profile NAME]`` (``[default]``
for the default profile)."""

from __future__ import annotations

import json
import re
from typing import Dict
from typing import List
from typing import Optional
from typing import Sequence
from typing import Tuple

#: What a profile name may hold here (it also names the CA bundle file beside the config).
PROFILE_NAME = re.compile(r"[A-Za-z0-9_.@+=,-]{1,64}")
_OPTION = re.compile(r"(?P<name>[^\s=:#;\[][^=:]*?)[ \t]*[=:]")
#: An access key id as the device gives it (device_credentials' option, EKS Anywhere's files).
ACCESS_KEY_ID = re.compile(r"[A-Z0-9]{16,128}")
#: One certificate in a PEM bundle (a device's certificate, as device_credentials writes it).
PEM_BLOCK = re.compile(r"-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+?-----END CERTIFICATE-----")


class CredentialsTextError(ValueError):
    """The client's answer holds no key pair; the message never quotes the answer (it may hold the key)."""


def parse_secret_access_key(text: str) -> Tuple[str, str]:
    """``(access_key_id, secret_access_key)`` from what ``get-secret-access-key`` printed: INI text
    (a ``[snowballEdge]`` section, as the developer guide shows), or JSON with ``AccessKeyId`` and
    ``SecretAccessKey`` should a client print that. CredentialsTextError when either is missing."""
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except ValueError:
            raise CredentialsTextError("its JSON output could not be read") from None
        pair = (data.get("AccessKeyId"), data.get("SecretAccessKey")) if isinstance(data, dict) else (None, None)
    else:
        values: Dict[str, str] = {}
        for line in stripped.splitlines():
            found = _OPTION.match(line)
            if found:
                name = found.group("name").strip().lower()
                values.setdefault(name, line[found.end() :].strip())
        pair = (values.get("aws_access_key_id"), values.get("aws_secret_access_key"))
    for name, value in zip(("aws_access_key_id", "aws_secret_access_key"), pair):
        if not isinstance(value, str) or not value or any(char.isspace() for char in value):
            raise CredentialsTextError(f"it printed no usable {name}")
    return pair[0], pair[1]


def profile_name_problem(name: str) -> Optional[str]:
    """None for a profile name this module writes, else what is wrong (the name is not repeated:
    a secret could have been typed there)."""
    if PROFILE_NAME.fullmatch(name or ""):
        return None
    return (
        "aws_profile must be 1 to 64 letters, digits or _ . @ + = , - (no spaces, brackets or slashes: it names"
        " a section of both files and the CA bundle file); the value is not shown."
    )


def section_header(kind: str, name: str) -> str:
    """The section's name for profile ``name`` in a ``credentials`` or ``config`` file."""
    if kind == "config" and name != "default":
        return f"profile {name}"
    return name


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _header_of(line: str) -> Optional[str]:
    """The section name a line starts (whitespace inside normalised), or None."""
    if not line.startswith("["):
        return None
    end = line.find("]")
    if end == -1:
        return None
    return " ".join(line[1:end].split())


def _ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]


def _new_section(text: str, header: str, values: Sequence[Tuple[str, Optional[str]]], newline: str) -> str:
    """``text`` with section ``header`` added at the end, after a blank line."""
    added = [f"{name} = {value}{newline}" for name, value in values if value is not None]
    head = text
    if head and not head.endswith(("\n", "\r")):
        head += newline
    if head.strip():
        head += "" if head.endswith(newline * 2) else newline
    return head + f"[{header}]{newline}" + "".join(added)


def _merged_body(lines: List[str], wanted: Dict[str, Tuple[str, Optional[str]]], newline: str) -> List[str]:
    """A section's ``lines`` (after its header) with the ``wanted`` options set, in place, others kept."""
    body: List[str] = []
    done = set()
    index = 0
    while index < len(lines):
        line = lines[index]
        found = _OPTION.match(line)
        name = found.group("name").strip().lower() if found else None
        index += 1
        if name not in wanted:
            body.append(line)
            continue
        continuation = []
        while index < len(lines) and lines[index][:1] in (" ", "\t") and lines[index].strip():
            continuation.append(lines[index])
            index += 1
        spelled, value = wanted[name]
        if name in done or value is None:
            continue
        done.add(name)
        current = line[found.end() :].strip() if found else None
        body.append(line if current == value and not continuation else f"{spelled} = {value}{_ending(line) or newline}")
    missing = [
        f"{spelled} = {value}{newline}"
        for key, (spelled, value) in wanted.items()
        if key not in done and value is not None
    ]
    if missing:
        last = max((i for i, line in enumerate(body) if line.strip()), default=-1)
        if last >= 0 and not _ending(body[last]):
            body[last] += newline
        body[last + 1 : last + 1] = missing
    return body


def set_section(text: str, header: str, values: Sequence[Tuple[str, Optional[str]]]) -> str:
    """``text`` (a whole INI file) with section ``header`` holding ``values`` (name, value; a value of
    None removes that option), every other line kept byte for byte.

    In an existing section an option keeps its place (and its own spelling when its value is already
    the same), a duplicate of it is removed, continuation lines of a replaced value go with it, and
    new options come after the section's last option; other options and comments stay. A missing
    section is added at the end, after a blank line. The file's line ending (``\\r\\n`` or ``\\n``) is kept."""
    newline = _newline(text)
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if _header_of(line) == header), None)
    if start is None:
        return _new_section(text, header, values, newline)
    end = next((i for i in range(start + 1, len(lines)) if _header_of(lines[i]) is not None), len(lines))
    body = _merged_body(lines[start + 1 : end], {name.lower(): (name, value) for name, value in values}, newline)
    header_line = lines[start]
    if body and not _ending(header_line):
        header_line += newline
    return "".join(lines[:start] + [header_line] + body + lines[end:])


def credentials_section(access_key_id: str, secret_access_key: str) -> List[Tuple[str, Optional[str]]]:
    """What the profile's credentials section holds (a session token of earlier keys removed: it
    would not go with these)."""
    return [
        ("aws_access_key_id", access_key_id),
        ("aws_secret_access_key", secret_access_key),
        ("aws_session_token", None),
        ("aws_security_token", None),
    ]


def config_section(ca_bundle: Optional[str]) -> List[Tuple[str, Optional[str]]]:
    """What the profile's config section holds: ``region = snow`` and, when certificates were read,
    ``ca_bundle`` (an absolute path)."""
    values: List[Tuple[str, Optional[str]]] = [("region", "snow")]
    if ca_bundle is not None:
        values.append(("ca_bundle", ca_bundle))
    return values
