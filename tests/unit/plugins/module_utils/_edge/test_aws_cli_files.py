"""The AWS CLI files as device_credentials writes them (plugins/module_utils/_edge/aws_cli_files.py): the
client's INI answer read, one profile's section set, every other byte kept."""

from __future__ import annotations

import configparser
import json

import pytest

from ansible_collections.edge.snowball.plugins.module_utils._edge import aws_cli_files as files

from unit.constants import FAKE_SECRET_KEY

AKID = "AKIAEXAMPLEDEVICE001"
CREDENTIALS = files.credentials_section(AKID, FAKE_SECRET_KEY)
OTHERS = (
    "# my own profiles: keep this comment\n"
    "[default]\n"
    "aws_access_key_id=AKIAOTHER\n"
    "aws_secret_access_key = other ; not ours\n"
    "\n"
    "; a comment between sections\n"
    "[work]\n"
    "aws_access_key_id = AKIAWORK\n"
)


# ---------------------------------------------------------------- the client's answer
def test_reads_the_ini_text_the_client_prints():
    text = f"[snowballEdge]\naws_access_key_id = {AKID}\naws_secret_access_key = {FAKE_SECRET_KEY}\n"
    assert files.parse_secret_access_key(text) == (AKID, FAKE_SECRET_KEY)


def test_reads_json_too_should_a_client_print_it():
    text = json.dumps({"AccessKeyId": AKID, "SecretAccessKey": FAKE_SECRET_KEY})
    assert files.parse_secret_access_key(text) == (AKID, FAKE_SECRET_KEY)


@pytest.mark.parametrize(
    "text",
    [
        "",
        f"[snowballEdge]\naws_access_key_id = {AKID}\n",
        f"[snowballEdge]\naws_access_key_id = {AKID}\naws_secret_access_key =\n",
        f'{{"AccessKeyId": "{AKID}", "SecretAccessKey": "{FAKE_SECRET_KEY[:20]} {FAKE_SECRET_KEY[20:]}"}}',
        '{"AccessKeyId": ',
    ],
)
def test_an_answer_without_a_key_pair_is_refused_without_quoting_it(text):
    with pytest.raises(files.CredentialsTextError) as raised:
        files.parse_secret_access_key(text)
    assert FAKE_SECRET_KEY[:10] not in str(raised.value) and AKID not in str(raised.value)


# ---------------------------------------------------------------- the merge
def test_a_new_section_is_added_at_the_end_and_every_other_byte_kept():
    merged = files.set_section(OTHERS, "snow", CREDENTIALS)
    assert merged.startswith(OTHERS)
    assert merged[len(OTHERS) :] == (
        f"\n[snow]\naws_access_key_id = {AKID}\naws_secret_access_key = {FAKE_SECRET_KEY}\n"
    )
    parsed = configparser.RawConfigParser()
    parsed.read_string(merged)
    assert parsed["snow"]["aws_secret_access_key"] == FAKE_SECRET_KEY and parsed["work"]["aws_access_key_id"]


def test_an_empty_file_gets_just_the_section():
    assert files.set_section("", "profile snow", files.config_section("/h/.aws/snow.pem")) == (
        "[profile snow]\nregion = snow\nca_bundle = /h/.aws/snow.pem\n"
    )


def test_setting_the_same_values_again_changes_nothing():
    once = files.set_section(OTHERS, "snow", CREDENTIALS)
    assert files.set_section(once, "snow", CREDENTIALS) == once


def test_a_rotated_key_replaces_the_old_one_in_place_and_keeps_the_rest_of_the_section():
    old = (
        OTHERS
        + "\n[snow]\n# the device's keys\naws_access_key_id = OLDID\naws_secret_access_key = oldkey\n  continued\noutput = json\n\n[last]\nx = 1\n"
    )
    merged = files.set_section(old, "snow", CREDENTIALS)
    assert merged == old.replace("OLDID", AKID).replace("oldkey\n  continued", FAKE_SECRET_KEY)


def test_a_value_already_right_keeps_its_own_spelling_and_duplicates_go():
    old = f"[snow]\nAWS_Access_Key_Id={AKID}\naws_secret_access_key = x\naws_secret_access_key = y\naws_session_token = t\n"
    assert files.set_section(old, "snow", CREDENTIALS) == (
        f"[snow]\nAWS_Access_Key_Id={AKID}\naws_secret_access_key = {FAKE_SECRET_KEY}\n"
    )


def test_missing_options_go_after_the_sections_last_option_not_after_its_blank_lines():
    old = "[profile snow]\noutput = json\n\n[profile other]\nregion = eu-west-1\n"
    merged = files.set_section(old, "profile snow", files.config_section("/p.pem"))
    assert merged == (
        "[profile snow]\noutput = json\nregion = snow\nca_bundle = /p.pem\n\n[profile other]\nregion = eu-west-1\n"
    )


def test_crlf_files_stay_crlf_and_a_last_line_without_newline_is_completed():
    old = "[default]\r\nregion = us-east-1"
    merged = files.set_section(old, "profile snow", files.config_section(None))
    assert merged == "[default]\r\nregion = us-east-1\r\n\r\n[profile snow]\r\nregion = snow\r\n"
    assert (
        files.set_section("[profile snow]", "profile snow", [("region", "snow")]) == "[profile snow]\nregion = snow\n"
    )


def test_a_header_with_extra_spaces_is_the_same_section():
    old = "[profile   snow ]\nregion = us-east-1\n"
    assert files.set_section(old, "profile snow", [("region", "snow")]) == "[profile   snow ]\nregion = snow\n"


def test_the_config_section_is_named_as_the_aws_cli_reads_it():
    assert files.section_header("config", "snow") == "profile snow"
    assert files.section_header("config", "default") == "default"
    assert files.section_header("credentials", "snow") == "snow"


@pytest.mark.parametrize("name", ["", "a b", "x]", "a/b", "p\n[x]", "x" * 65])
def test_profile_names_that_would_break_a_file_are_refused_without_being_shown(name):
    problem = files.profile_name_problem(name)
    assert problem and (not name or name not in problem)
