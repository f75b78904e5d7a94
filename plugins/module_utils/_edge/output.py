# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: this file is part of edge.snowball's device_unlock/device_info machinery and
# may change without notice. Standard library and ansible-core only (it runs on the edge host).

"""What the client said: its words without the JVM banner, from either stream, and whether a failed
command failed at the connection level, was a refusal, or is unknown."""

from __future__ import annotations

import os
import re
from typing import Optional

from ansible_collections.edge.snowball.plugins.module_utils._secret import cut
from ansible_collections.edge.snowball.plugins.module_utils._secret import mask

# HotSpot prints these on stderr at every start when the variable is set (JDK-8280357); the module
# sets JAVA_TOOL_OPTIONS itself (-Duser.home), so the real client always prints the first one.
_JVM_BANNER = re.compile(r"^\s*(NOTE: )?Picked up (JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS):")

# How a failed command is told apart, from the client's words (no published texts: REAL-CLIENT.md).
# Connection-level: the client never got an answer from the device (off, booting, network). The
# phrases are Java's own (java.net exceptions and their OS messages), the AWS SDK's and Apache
# HttpClient's wrappers, and plain English any client may use.
_CONNECTION_WORDS = re.compile(
    r"connection refused|connect timed out|connection timed out|read timed out|timed out|timeout"
    r"|no route to host|network is unreachable|host is unreachable|unreachable|unknownhost|unknown host"
    r"|name or service not known|temporary failure in name resolution|nodename nor servname"
    r"|connection reset|broken pipe|connection closed|closed connection|connection aborted|end of stream"
    r"|unexpected end of file|remote end closed|terminated the handshake|failed to respond"
    r"|unable to execute http request|could not connect|couldn't connect|cannot connect|can't connect"
    r"|unable to connect|failed to connect|not reachable|service unavailable|status code: 50[234]"
    r"|connectexception|sockettimeoutexception|noroutetohostexception|socketexception"
    r"|httphostconnectexception|connecttimeoutexception|nohttpresponseexception",
    re.IGNORECASE,
)
# A refusal: the device (or the client) rejected the code, the manifest or the credentials made from
# them, or the TLS peer. These win over connection words: retrying a wrong code for 20 minutes helps
# no one. The endpoint and the manifest's path are taken out of the text first (a path like
# /srv/snowball/manifest.bin must not count as "manifest").
_REFUSAL_WORDS = re.compile(
    r"unlock.?code|manifest|signature|access.?denied|not authori[sz]ed|unauthori[sz]ed|forbidden"
    r"|authenticat|credential|unrecognizedclient|status code: 40[13]|certificate|pkix",
    re.IGNORECASE,
)
#: How much of the client's words a message quotes (cut after masking, never before).
WORDS_LIMIT = 1000
CONNECTION = "connection"
REFUSAL = "refusal"
UNKNOWN = "unknown"


def drop_jvm_banner(text: str) -> str:
    """``text`` without the JVM's ``Picked up JAVA_TOOL_OPTIONS: …`` lines (and their kin)."""
    if "Picked up" not in text:
        return text
    return "".join(line for line in text.splitlines(keepends=True) if not _JVM_BANNER.match(line))


def last_lines(text: str, count: int = 3, code: Optional[str] = None) -> str:
    """What a person needs from a client's output: its first error line (a Java exception's
    headline) and its last lines, on one line, masked, then cut to WORDS_LIMIT."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    picked = lines[-count:]
    headline = next((line for line in lines if "Exception" in line or "Error" in line), None)
    if headline and headline not in picked:
        picked = [headline, "..."] + picked
    return cut(" ".join(picked), WORDS_LIMIT, code)


def client_words(stdout: str, stderr: str, code: Optional[str] = None) -> str:
    """What the client said, banner dropped, from whichever stream it used (both when both); each
    stream masked before anything is cut, and the joined words again (a code split between them)."""
    said = [last_lines(drop_jvm_banner(mask(text, code)), code=code) for text in (stderr, stdout)]
    return cut(" | ".join(words for words in said if words), WORDS_LIMIT * 2 + 3, code)


def classify(rc: Optional[int], words: str, endpoint: str = "", manifest: str = "") -> str:
    """CONNECTION, REFUSAL or UNKNOWN for a failed client command (see docs/troubleshooting.md).

    ``rc`` None means the command ran past its time limit and was stopped: no answer came, a
    connection-level failure. A command the system could not run (126, 127) or that died of a
    signal (negative) is UNKNOWN whatever it printed."""
    if rc is None:
        return CONNECTION
    if rc <= 0 or rc in (126, 127):
        return UNKNOWN
    text = words
    for known in (endpoint, manifest, os.path.basename(manifest) if manifest else ""):
        if known:
            text = text.replace(known, " ")
    if _REFUSAL_WORDS.search(text):
        return REFUSAL
    if _CONNECTION_WORDS.search(text):
        return CONNECTION
    return UNKNOWN
