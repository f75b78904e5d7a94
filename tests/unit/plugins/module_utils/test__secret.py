"""The masking of the code in everything the edge client prints (plugins/module_utils/_secret.py)."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

import pytest

from ansible_collections.edge.snowball.plugins.module_utils import _secret as masking

from unit.constants import FAKE_CODE
from unit.constants import FAKE_SECRET_KEY
from unit.constants import INNOCENT_TEXTS
from unit.constants import TYPED_CODES


# ---------------------------------------------------------------- masking
@pytest.mark.parametrize(
    "form",
    [
        FAKE_CODE,
        FAKE_CODE.upper(),
        FAKE_CODE.replace("-", ""),
        FAKE_CODE.replace("-", "").upper(),
        FAKE_CODE.title(),
    ],
)
def test_mask_hides_every_spelling_of_the_code(form, assert_no_code):
    text = f"client said: using {form} now"
    masked = masking.mask(text, FAKE_CODE)
    assert masked == f"client said: using {masking.MASK} now"
    assert_no_code(masked)


def test_mask_hides_base64_of_the_code():
    import base64

    encoded = base64.b64encode(FAKE_CODE.encode()).decode()
    assert encoded not in masking.mask(f"x {encoded} y", FAKE_CODE)


@pytest.mark.parametrize(
    "printed",
    [
        json.dumps({"unlockCode": FAKE_CODE + "\n"}),  # JSON-escaped, with the newline a vault string keeps
        repr(FAKE_CODE + "\r\n"),  # repr-escaped
        FAKE_CODE.replace("-", " "),
        FAKE_CODE.replace("-", "\\n"),
        FAKE_CODE.encode().hex(),
    ],
)
def test_mask_hides_the_escaped_and_spaced_forms(printed, assert_no_code):
    for given in (FAKE_CODE, FAKE_CODE + "\n", "  " + FAKE_CODE + "\t"):
        assert_no_code(masking.mask(f"x {printed} y", given))
        assert FAKE_CODE[6:11] not in masking.mask(f"x {printed} y", given)


def test_mask_hides_base64_inside_a_longer_encoded_text():
    import base64

    for prefix in ("", "a", "ab", "profile: "):
        encoded = base64.b64encode((prefix + FAKE_CODE + " tail").encode()).decode()
        masked = masking.mask(encoded, FAKE_CODE)
        assert masking.MASK in masked, prefix


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        (FAKE_CODE, True),
        (FAKE_CODE + "\n", True),
        (" \t" + FAKE_CODE + "\r\n", True),
        (FAKE_CODE.upper(), True),
        (FAKE_CODE[:-1], False),
        (FAKE_CODE + "x", False),
        (FAKE_CODE.replace("-", ""), False),
        (FAKE_CODE.replace("-", " "), False),
        ('"' + FAKE_CODE + '"', False),
        ("JIDd7db2543-ce46-5560-916e-b5f651e960ce", False),
        ("", False),
        ("   ", False),
    ],
)
def test_unlock_code_shape_is_checked_without_showing_it(value, accepted, assert_no_code):
    problem = masking.unlock_code_problem(value)
    assert (problem is None) == accepted, problem
    if problem:
        assert_no_code(problem)
        assert value.strip()[3:8] not in problem or not value.strip()


def test_mask_data_walks_nested_values():
    data = {"a": [FAKE_CODE, {"b": FAKE_CODE.upper()}], "n": 3}
    assert masking.mask_data(data, FAKE_CODE) == {"a": [masking.MASK, {"b": masking.MASK}], "n": 3}


def test_mask_without_a_code_changes_nothing():
    assert masking.mask("plain", "") == "plain"


def test_paths_and_endpoints_with_job_ids_are_not_mistaken_for_a_code():
    params = {
        "endpoint": "https://192.0.2.10:9091",
        "manifest_file": "/srv/snowball/JID123e4567-e89b-12d3-a456-426655440000/manifest.bin",
        "client": "/opt/snowball-client-linux-1.2.0_661/bin/snowballEdge",
        "backup_dir": "/srv/snowball/manifestfilefornorthsitedevice.bin",  # a long name is not a code
        "host": "https://snowballedgedevicenorthsite01.corp:9091",
        "cluster_ips": ["192.0.2.1", "fd00::1"],
        "unlock_code": FAKE_CODE,
        "job_id": FAKE_CODE,
    }
    # job_id refuses a code with its own words (and is masked in invocation by values_never_shown).
    assert masking.misplaced_codes(params, masking.SELF_CHECKED_OPTIONS) == []
    assert masking.misplaced_code_refusal(params) is None


# ---------------------------------------------------------------- issue 22: what an attacker found
REAL_LOOKING = "Ab3De-9fGh2-Kl4Mn-8pQr7-St6Uv"


def test_a_code_straddling_a_cut_leaves_no_part_of_it(assert_no_code):
    text = "x" * 971 + FAKE_CODE + " and more"
    for limit in (980, 985, 990, 999, 1000):
        cut = masking.cut(text, limit, FAKE_CODE)
        assert_no_code(cut)
        assert FAKE_CODE.replace("-", "")[:9] not in cut.replace("-", "")
    # Cutting first, as before, would have kept most of the code:
    assert FAKE_CODE[:25] in text[:1000]


@pytest.mark.parametrize("length", [10, 12, 14, 15, 20, 28])
def test_any_run_of_ten_characters_of_a_known_code_is_masked(length):
    for start in (0, 29 - length):
        part = REAL_LOOKING[start : start + length]
        if len(part.replace("-", "")) < masking.PART_LENGTH:
            continue
        masked = masking.mask(f"said: {part} ok", REAL_LOOKING)
        assert part not in masked and masking.MASK in masked, part


def test_a_code_split_between_the_streams_is_masked_in_each_and_in_the_join():
    from ansible_collections.edge.snowball.plugins.module_utils._edge.output import client_words

    words = client_words(f"{REAL_LOOKING[14:]} was refused", f"Exception: bad code {REAL_LOOKING[:14]}", REAL_LOOKING)
    for start in range(0, 20):
        assert REAL_LOOKING[start : start + 10] not in words, words


@pytest.mark.parametrize(
    "printed",
    [
        "[" + ", ".join(REAL_LOOKING) + "]",  # Arrays.toString(code.toCharArray())
        "[" + ", ".join(repr(char) for char in REAL_LOOKING) + "]",  # Python's list of characters
        "[" + ", ".join(str(byte) for byte in REAL_LOOKING.encode()) + "]",  # Arrays.toString(code.getBytes())
        "\n".join(REAL_LOOKING.split("-")),  # a group per line
    ],
)
def test_the_forms_a_careless_program_prints_are_masked(printed):
    masked = masking.mask(f"java.lang.IllegalStateException: {printed}", REAL_LOOKING)
    assert masking.MASK in masked
    assert "3De" not in masked.replace(", ", "").replace("'", "") or "Ab3De9fGh2" not in masked


@pytest.mark.parametrize(
    "echo",
    [
        f"Managed device %27{REAL_LOOKING}%27 was not found.",
        f"Managed device x{REAL_LOOKING}y was not found.",
        f"Managed device %2527{REAL_LOOKING.replace('-', '')}%2527 was not found.",
        f"Managed device \\u0027{REAL_LOOKING.lower()}\\u0027 was not found.",
        f"Managed device &#39;{REAL_LOOKING.replace('-', '%2D')}&#39; was not found.",
        f"Managed device {REAL_LOOKING.replace('-', '_')}.",
    ],
)
def test_a_code_shape_is_found_and_masked_in_any_escaped_echo(echo):
    assert masking.holds_unlock_code(echo)
    masked = masking.mask(echo)
    assert not masking.holds_unlock_code(masked), masked
    assert "was not found" in masked or masked.endswith(".")


def test_every_error_message_is_masked_once_in_the_error_itself():
    from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError

    error = SnowballError(f"AWS said: Managed device %27{REAL_LOOKING}%27 was not found.", aws_message=REAL_LOOKING)
    assert REAL_LOOKING not in error.message and REAL_LOOKING not in str(error) and error.aws_message == masking.MASK


@pytest.mark.parametrize(
    "text",
    [
        "using JID123e4567-e89b-12d3-a456-426655440000 in us-gov-west-1",
        "https://vpce-0123456789abcdef0-abcdefgh.snowball.us-east-1.vpce.amazonaws.com",
        "/srv/snowball/manifestfilefornorthsitedevice.bin",
        "The device could not reach these hosts: north, south",
        "client said: using the code now",
        "sha256 3f786850e387550fdab836ed7e6dc881de23001b",
        # near the loose shape (issue 21: up to three separators or none between groups)
        "north-south-east0-west1",  # four groups
        "Build 12345 of kkkkk tests",
        "abcde-fghij_klmno.pqrst:uvwxy",  # letters only: a name, not a code
        "vpce-0123456789abcdef0-abcdefgh1.vpce.amazonaws.com",
        "MIIBUDCB9qADAgECAhRZ3yBSLIJgi2Ih/pLGcwUyKKJufjAKBggqhkjOPQQDAjAV",
        "2026-12-03T15:33:34.123456+00:00 JID123e4567-e89b-12d3-a456-426655440000",
    ],
)
def test_ordinary_texts_are_not_taken_for_a_code(text):
    assert not masking.holds_unlock_code(text)
    assert masking.mask(text) == text


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"concurrency": FAKE_CODE}, "concurrency"),
        ({"dest": f"/srv/x{FAKE_CODE}y.yml"}, "dest"),
        ({"vault_id": FAKE_CODE.replace("-", "")}, "vault_id"),
        ({"aws_config": {"retries": {"mode": FAKE_CODE}}}, "aws_config"),
        ({"cluster_ips": ["192.0.2.1", f"%27{FAKE_CODE}%27"]}, "cluster_ips"),
    ],
)
def test_a_code_in_any_option_is_refused_naming_the_option_only(options, named, assert_no_code):
    refusal = masking.misplaced_code_refusal(dict(options, unlock_code=FAKE_CODE, secret_key="a" * 25))
    assert refusal.startswith(f"{named} holds something shaped like an unlock code (not shown)")
    assert_no_code(refusal)


@pytest.mark.parametrize("text", INNOCENT_TEXTS)
def test_words_and_numbered_series_are_not_taken_for_a_code(text):
    assert not masking.holds_unlock_code(text)
    assert masking.mask(text) == text
    assert masking.misplaced_code_refusal({"manifest": text}) is None


@pytest.mark.parametrize(
    "text",
    [
        "abcde-fghij-klmno-pqrst-uvwxy",  # the written form, letters only: still a code
        "code=ABCDE-FGHIJ-KLMNO-PQRST-UVWXY.",
        "xab3de-fgh1j-klmn0-pqrs7-uvwx9y",  # one separator throughout, glued into longer words
        "ab3de/fgh1j/klmn0/pqrs7/uvwx9",
        "web01,web02,web03,web04,wex05",  # not a series: the groups do not all share three characters
    ],
)
def test_codes_beside_the_exemptions_are_still_found(text):
    assert masking.holds_unlock_code(text)
    assert masking.mask(text) != text


def test_two_overlapping_readings_of_a_code_are_both_masked(assert_no_code):
    """ "ab3de fgh1j klmn0-pqrs7-uvwx9-2026a": the code may start at either group with a digit: both
    readings are masked (the first group was shown), while a word beside a code stays ("using ...")."""
    text = "ab3de fgh1j klmn0-pqrs7-uvwx9-2026a"
    assert masking.mask(text) == masking.MASK
    assert masking.mask(f"using {FAKE_CODE} now") == f"using {masking.MASK} now"
    assert masking.mask("using ab3de fgh1j klmn0-pqrs7-uvwx9") == f"using {masking.MASK}"


@pytest.mark.parametrize("name", ["InvalidSignatureException", "ExpiredTokenExceptionsXYZ", "a" * 25])
def test_a_name_of_25_letters_is_not_a_code(name):
    text = f"AWS did not accept the credentials ({name}): check them"
    assert not masking.holds_unlock_code(text)
    assert masking.mask(text) == text


def test_the_secret_has_one_home_and_functions_stay_short():
    """Issue 21: no pattern for the code outside _secret.py, and no function in plugins/ over 45 lines."""
    import ast
    import pathlib
    import re

    root = pathlib.Path(masking.__file__).resolve().parents[1]
    shapes = re.compile(r"\{5\}|\{25\}|\{4\}\)")  # the code's group repeat, as a pattern writes it
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path.name != "_secret.py":
            assert not [line for line in text.splitlines() if "re.compile" in line and shapes.search(line)], path
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                assert node.end_lineno - node.lineno + 1 <= 45, f"{path.name}:{node.name}"


# ---------------------------------------------------------------- the secret access key (issue 24)
def test_the_fake_key_has_the_shape_of_a_secret_access_key():
    assert len(FAKE_SECRET_KEY) == 40 and masking.is_secret_key(FAKE_SECRET_KEY)
    assert not masking.is_secret_key(FAKE_SECRET_KEY[:-1]) and not masking.is_secret_key(FAKE_SECRET_KEY + "A")


@pytest.mark.parametrize(
    "printed",
    [
        f"caching credentials {FAKE_SECRET_KEY} for AKIA",
        json.dumps({"key": FAKE_SECRET_KEY}).replace("/", "\\/"),  # JSON with escaped slashes
        quote(FAKE_SECRET_KEY, safe=""),  # URL-encoded
        FAKE_SECRET_KEY.replace("/", "\\u002F"),
        repr("\n" + FAKE_SECRET_KEY + "\n"),  # an escape just before it
        "%0A" + quote(FAKE_SECRET_KEY, safe=""),
        f"aws_secret_access_key = {FAKE_SECRET_KEY[:12]}",  # named: masked whatever its length
        f'"SecretAccessKey": "{FAKE_SECRET_KEY[:20]}"',
        f"AWS_SECRET_ACCESS_KEY={FAKE_SECRET_KEY}",
        f"https://{FAKE_SECRET_KEY}",  # slashes leading the run are not the key's
        f"/{FAKE_SECRET_KEY}/",
    ],
)
def test_an_unknown_secret_key_is_masked_by_its_shape(printed):
    masked = masking.mask(f"client said: {printed} (end)")
    assert masking.MASK in masked
    assert FAKE_SECRET_KEY[4:12] not in masked and FAKE_SECRET_KEY[:8] not in masked.replace("%2F", "/")
    assert masked.startswith("client said: ") and masked.endswith(" (end)")
    assert masking.holds_secret_key(printed)


@pytest.mark.parametrize(
    "innocent",
    [
        "commit 0123456789abcdef0123456789abcdef01234567",  # a SHA-1: one case only
        "AKIAIOSFODNN7EXAMPLEAKIAIOSFODNN7EXAMPLE",  # upper case only
        "MIIBUDCB9qADAgECAhRZ3yBSLIJgi2Ih/pLGcwUyKKJufjAKBggqhkjOPQQDAjAV",  # a PEM line: 64 characters
        "Zq8/Xv3+Lm5kZq8/Xv3+Lm5kZq8/Xv3+Lm5kZq8/X",  # 41 characters
        "dGhpcyBpcyBiYXNlNjQgb2YgYSBzZW50ZW5jZSBo=",  # base64, padded
        "/srv/snowball/manifest.bin",
        "arn:aws:snowball-device:::certificate/0123456789abcdef0123456789abcdef",
    ],
)
def test_values_that_only_resemble_a_key_are_left_alone(innocent):
    assert masking.mask(innocent) == innocent
    assert not masking.holds_secret_key(innocent)


@pytest.mark.parametrize(
    "printed",
    [
        FAKE_SECRET_KEY,
        FAKE_SECRET_KEY.replace("/", "\\/"),
        quote(FAKE_SECRET_KEY, safe=""),
        FAKE_SECRET_KEY.encode().hex(),
        FAKE_SECRET_KEY[3:16],  # a cut key: any run of PART_LENGTH characters
        FAKE_SECRET_KEY[:20] + "\n" + FAKE_SECRET_KEY[20:],  # wrapped
        ", ".join(FAKE_SECRET_KEY[:12]),  # Arrays.toString
    ],
)
def test_a_known_key_is_masked_in_every_form(printed):
    masked = masking.mask(f"x {printed} y", keys=[FAKE_SECRET_KEY])
    assert masking.MASK in masked and FAKE_SECRET_KEY[4:10] not in masked.replace(", ", "")


def test_a_known_key_is_masked_inside_a_longer_base64_text():
    for prefix in ("", "a", "ab", "[snowballEdge] "):
        encoded = base64.b64encode((prefix + FAKE_SECRET_KEY + " tail").encode()).decode()
        assert masking.MASK in masking.mask(encoded, keys=[FAKE_SECRET_KEY]), prefix


def test_a_known_key_is_case_sensitive():
    other = FAKE_SECRET_KEY[:12].swapcase()
    assert masking.mask(f"x {other} y", keys=[FAKE_SECRET_KEY]) == f"x {other} y"


def test_mask_data_masks_a_known_key_and_the_code_together(assert_no_code):
    data = {"said": [f"{FAKE_SECRET_KEY[:15]} and {FAKE_CODE}"]}
    masked = masking.mask_data(data, FAKE_CODE, [FAKE_SECRET_KEY])
    assert masked == {"said": [f"{masking.MASK} and {masking.MASK}"]}
    assert_no_code(masked)


def test_field_names_of_the_shape_of_a_code_are_kept_and_a_known_code_in_them_masked():
    data = {"PhysicalNetworkInterfaces": [{"IpAddress": "192.0.2.10"}], FAKE_CODE: "x"}
    assert masking.mask_data(data, FAKE_CODE) == {
        "PhysicalNetworkInterfaces": [{"IpAddress": "192.0.2.10"}],
        masking.MASK: "x",
    }
    # values: shapes too (a run of 25 with letters and digits; a name of letters alone is kept)
    assert masking.mask_data({"said": "Physical4NetworkInterface"}) == {"said": masking.MASK}
    assert masking.mask_data({"said": "PhysicalNetworkInterfaces"}) == {"said": "PhysicalNetworkInterfaces"}


def test_a_secret_key_holding_a_run_of_25_is_a_misplaced_key_not_a_code():
    key = "+" + "aB3dEfG4hJkL5mNpQ6rStU7vW" + "/" + "Zq8/Xv3+Lm5kZ"  # 25 letters and digits between "+" and "/"
    assert len(key) == 40 and masking.holds_unlock_code(key) and masking.holds_secret_key(key)
    assert masking.misplaced_codes({"aws_profile": key}) == []
    assert masking.misplaced_keys({"aws_profile": key}) == [("aws_profile", key)]
    assert masking.misplaced_codes({"aws_profile": f"{key} {FAKE_CODE}"}) != []  # a code beside it still counts


# ---------------------------------------------------------------- issue 21: a code as a person types it
@pytest.mark.parametrize("form", TYPED_CODES)
def test_every_typed_form_is_found_masked_alone_and_refused(form, assert_no_code):
    """A dropped, doubled, mixed or spaced hyphen passed the code's shape (one separator throughout,
    or a bare run of 25), and so every check built on it."""
    for printed in (form, json.dumps(form)[1:-1], quote(form, safe=""), repr(form)[1:-1]):
        text = f"said: using {printed} now"
        assert masking.holds_unlock_code(text), printed
        assert masking.mask(text) == f"said: using {masking.MASK} now", printed
        assert masking.mask(text, FAKE_CODE) == f"said: using {masking.MASK} now", printed
    refusal = masking.misplaced_code_refusal({"region": form, "unlock_code": FAKE_CODE})
    assert refusal and refusal.startswith("region holds something shaped like an unlock code")
    assert masking.misplaced_codes({"dest": [f"/srv/{form}.txt"]}) == [("dest", f"/srv/{form}.txt")]


@pytest.mark.parametrize("form", [form for form in TYPED_CODES if "%" not in form])
def test_every_typed_form_is_a_value_shaped_like_a_code(form):
    assert masking.looks_like_unlock_code(form) and masking.looks_like_unlock_code(f" {form}\n")
    assert not masking.is_unlock_code(form) or form.strip() in (FAKE_CODE, FAKE_CODE.upper())


@pytest.mark.parametrize(
    "separator",
    ["\u2013", " \u2013 ", "\u2014", "\u2212", "\u2011", "\uff0d", "\u00a0", "\u202f", "\u3000", "\u200b", "\u00ad"],
)
def test_a_code_typed_with_the_dashes_and_blanks_of_other_keyboards_is_found(separator):
    """Attack review: a word processor's en dash, an input method's fullwidth hyphen, a no-break space."""
    groups = FAKE_CODE.split("-")
    for form in (separator.join(groups), "-".join(groups[:2]) + separator + "-".join(groups[2:])):
        for printed in (form, json.dumps(form)[1:-1]):
            assert masking.holds_unlock_code(f"said: {printed} now"), printed
            assert masking.mask(f"said: {printed} now") == f"said: {masking.MASK} now", printed
        assert masking.misplaced_code_refusal({"region": form})
