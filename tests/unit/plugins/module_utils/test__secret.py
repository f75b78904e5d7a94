"""The masking of the code in everything the edge client prints (plugins/module_utils/_secret.py)."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

import pytest

from ansible_collections.edge.snowball.plugins.module_utils import _secret as masking
from unit.constants import FAKE_CODE
from unit.constants import FAKE_SECRET_KEY


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


# ---------------------------------------------------------------- the secret access key
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
    assert masking.mask_data({"said": "PhysicalNetworkInterfaces"}) == {"said": masking.MASK}  # values: shapes too


def test_a_secret_key_holding_a_run_of_25_is_a_misplaced_key_not_a_code():
    key = "+" + "aB3dE" * 5 + "/" + "Zq8/Xv3+Lm5kZ"  # 25 letters and digits between "+" and "/"
    assert len(key) == 40 and masking.holds_unlock_code(key) and masking.holds_secret_key(key)
    assert masking.misplaced_codes({"aws_profile": key}) == []
    assert masking.misplaced_keys({"aws_profile": key}) == [("aws_profile", key)]
    assert masking.misplaced_codes({"aws_profile": f"{key} {FAKE_CODE}"}) != []  # a code beside it still counts
