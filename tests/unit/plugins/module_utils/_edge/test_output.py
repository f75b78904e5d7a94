"""Reading the client's output: the JVM banner, its words, what kind of failure (plugins/module_utils/_edge/output.py)."""

from __future__ import annotations

import pytest

from ansible_collections.edge.snowball.plugins.module_utils._edge import output

# ---------------------------------------------------------------- the JVM banner, the client's words


@pytest.mark.parametrize(
    "line",
    [
        "Picked up JAVA_TOOL_OPTIONS: -Duser.home=/tmp/x",
        "Picked up _JAVA_OPTIONS: -Xmx1g",
        "NOTE: Picked up JDK_JAVA_OPTIONS: --add-opens x",
    ],
)
def test_jvm_banner_lines_are_dropped(line):
    assert output.drop_jvm_banner(f"{line}\nreal words\n") == "real words\n"


def test_a_line_that_only_mentions_picked_up_is_kept():
    assert output.drop_jvm_banner("the device Picked up JAVA_TOOL_OPTIONS: x\n") != ""


def test_words_on_both_streams_are_both_kept(jvm_banner):
    assert output.client_words("on stdout\n", jvm_banner + "on stderr\n") == "on stderr | on stdout"


# ---------------------------------------------------------------- connection failure or refusal
@pytest.mark.parametrize(
    "words",
    [
        "Unable to execute HTTP request: Connect to 192.0.2.10:9091 [/192.0.2.10] failed: Connection refused"
        " (Connection refused)",
        "com.amazonaws.SdkClientException: Unable to execute HTTP request: connect timed out",
        "java.net.NoRouteToHostException: No route to host (Host unreachable)",
        "java.net.UnknownHostException: snowball.local",
        "java.net.SocketException: Connection reset",
        "org.apache.http.NoHttpResponseException: 192.0.2.10:9091 failed to respond",
        "java.net.SocketTimeoutException: Read timed out",
        "java.net.SocketException: Network is unreachable (connect failed)",
        "Could not connect to the device at https://192.0.2.10",
        "[Errno 111] Connection refused",
        "Service Unavailable (Service: AWSSnowballDevice; Status Code: 503)",
        # the manifest's path and the endpoint do not count as a "manifest" refusal
        "Unable to connect to https://192.0.2.10 with /srv/snowball/manifest.bin: Connection refused",
    ],
)
def test_connection_level_failures_are_recognised(words):
    assert output.classify(1, words, "https://192.0.2.10", "/srv/snowball/manifest.bin") == output.CONNECTION


@pytest.mark.parametrize(
    "words",
    [
        "The unlock code is not valid for this device. (Service: AWSSnowballDevice; Status Code: 400)",
        "InvalidUnlockCodeException: invalid unlock code",
        "Unable to read the manifest: it is not a valid Snowball manifest",
        "The request signature we calculated does not match the signature you provided",
        "AccessDeniedException: Access denied (Status Code: 403)",
        "Unauthorized (Status Code: 401)",
        "javax.net.ssl.SSLHandshakeException: PKIX path building failed",
        # a refusal wins over connection words in the same text
        "Connection refused by the device: the unlock code is wrong",
    ],
)
def test_refusals_are_recognised_and_win(words):
    assert output.classify(1, words, "https://192.0.2.10", "/srv/snowball/manifest.bin") == output.REFUSAL


@pytest.mark.parametrize(
    ("rc", "words", "kind"),
    [
        (None, "", output.CONNECTION),  # stopped after its time limit: no answer came
        (127, "Connection refused", output.UNKNOWN),  # could not even run
        (-9, "Connection refused", output.UNKNOWN),  # killed by a signal
        (1, "Profile edge-snowball was not found", output.UNKNOWN),
        (1, "", output.UNKNOWN),
    ],
)
def test_everything_else_is_unknown(rc, words, kind):
    assert output.classify(rc, words) == kind
