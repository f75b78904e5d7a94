"""The vault-encrypted codes file (plugins/plugin_utils/vaulted_codes.py); writing and refusing a
dest that is not a codes file are proven through export_unlock_codes in tests/unit/plugins/action/."""

from __future__ import annotations

import pytest

from ansible.parsing.vault import VaultSecret

from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.plugin_utils import vaulted_codes

from unit.constants import FAKE_CODE
from unit.constants import VALID_JOB_ID

SECRETS = [("default", VaultSecret(b"site password"))]


def test_codes_round_trip_through_the_vault():
    data = vaulted_codes.encrypt_codes({VALID_JOB_ID: FAKE_CODE}, *SECRETS[0])
    assert FAKE_CODE.encode() not in data
    assert vaulted_codes.decrypt_codes(data, "codes.yml", SECRETS) == {VALID_JOB_ID: FAKE_CODE}


@pytest.mark.parametrize("codes", [{VALID_JOB_ID: ""}, {VALID_JOB_ID: [FAKE_CODE]}, {VALID_JOB_ID: 12345}])
def test_a_mapping_without_a_code_for_each_job_is_not_a_codes_file(codes, assert_no_code):
    import yaml

    from ansible.parsing.vault import VaultLib

    data = VaultLib(SECRETS).encrypt(yaml.safe_dump(codes).encode())
    with pytest.raises(SnowballError) as refused:
        vaulted_codes.decrypt_codes(data, "codes.yml", SECRETS)
    assert refused.value.error_code == "NotACodesFile"
    assert_no_code(refused.value.message)


def test_a_file_larger_than_any_codes_file_is_not_read(tmp_path, monkeypatch):
    path = tmp_path / "codes.yml"
    path.write_bytes(vaulted_codes.encrypt_codes({VALID_JOB_ID: FAKE_CODE}, *SECRETS[0]))
    monkeypatch.setattr(vaulted_codes, "MAX_SIZE", 100)
    with pytest.raises(SnowballError, match="larger than 100 bytes"):
        vaulted_codes.read_codes(str(path), SECRETS)


# ---------------------------------------------------------------- what the file holds (issue 22, W6)
def _vault(text, secrets=None):
    from ansible.parsing.vault import VaultLib

    return VaultLib(secrets or SECRETS).encrypt(text.encode())


def _refusal(data, secrets=None):
    with pytest.raises(SnowballError) as refused:
        vaulted_codes.decrypt_codes(data, "codes.yml", secrets or SECRETS)
    return refused.value


def test_a_job_id_given_twice_is_refused_naming_the_job_never_the_codes(assert_no_code):
    other = "lllll-22222-mmmmm-33333-nnnnn"
    refused = _refusal(_vault(f"{VALID_JOB_ID}: {other}\n{VALID_JOB_ID}: {FAKE_CODE}\n"))
    assert refused.error_code == "NotACodesFile"
    assert f"holds job {VALID_JOB_ID} twice" in refused.message
    assert_no_code(refused.message)
    assert_no_code(refused.message, other)


def test_a_key_that_is_not_a_job_id_is_refused_without_showing_it(assert_no_code):
    # A code typed in as the key: the message must not name it.
    refused = _refusal(_vault(f"{VALID_JOB_ID}: lllll-22222-mmmmm-33333-nnnnn\n{FAKE_CODE}: {FAKE_CODE}\n"))
    assert refused.error_code == "NotACodesFile"
    assert "key number 2 of 2 is not a job id" in refused.message
    assert_no_code(refused.message)


def test_a_key_given_twice_that_is_no_job_id_is_not_shown(assert_no_code):
    refused = _refusal(_vault(f"{FAKE_CODE}: a\n{FAKE_CODE}: b\n"))
    assert "holds a key (not a job id; not shown) twice" in refused.message
    assert_no_code(refused.message)


@pytest.mark.parametrize(
    "value", [FAKE_CODE[:-1], FAKE_CODE + "k", FAKE_CODE.replace("-", ""), "not a code", "'" + FAKE_CODE + "'"]
)
def test_a_value_that_is_not_an_unlock_code_is_refused_naming_the_job(value, assert_no_code):
    import yaml

    refused = _refusal(_vault(yaml.safe_dump({VALID_JOB_ID: value})))
    assert refused.error_code == "NotACodesFile"
    assert f"the value for job {VALID_JOB_ID} is not an unlock code" in refused.message
    assert_no_code(refused.message)


def test_an_empty_mapping_is_not_a_codes_file():
    assert "holds no job" in _refusal(_vault("{}\n")).message


# ---------------------------------------------------------------- damaged files (issue 22, W5)
def _exported():
    return vaulted_codes.encrypt_codes({VALID_JOB_ID: FAKE_CODE}, *SECRETS[0])


def _flip(data, part, index):
    """``data`` with one hexadecimal digit of its salt, HMAC or ciphertext (``part`` 0, 1, 2) changed
    to another: the file stays well formed, its integrity check fails."""
    import binascii

    header, _newline, body = data.partition(b"\n")
    parts = binascii.unhexlify(body.replace(b"\n", b"")).split(b"\n", 2)
    digits = bytearray(parts[part])
    digits[index] = ord("0") if digits[index] != ord("0") else ord("1")
    parts[part] = bytes(digits)
    outer = binascii.hexlify(b"\n".join(parts))
    return header + b"\n" + b"\n".join(outer[i : i + 80] for i in range(0, len(outer), 80)) + b"\n"


@pytest.mark.parametrize(
    "damage, said",
    [
        (lambda data: data[: len(data) // 2], "cut off"),
        (lambda data: data[:-7] + b"\n", "cut off"),
        (lambda data: data.replace(b"3", b"z", 1), "characters other than hexadecimal digits"),
        (lambda data: data.split(b"\n")[0] + b"\n", "no encrypted text"),
    ],
    ids=["half", "last-digits", "not-hex", "header-only"],
)
def test_a_damaged_file_is_said_to_be_damaged_not_a_wrong_password(damage, said, assert_no_code):
    refused = _refusal(damage(_exported()))
    assert refused.error_code == "CodesFileDamaged", refused.message
    assert said in refused.message and "wrong vault password" not in refused.message
    assert_no_code(refused.message)


def test_a_changed_digit_with_the_right_password_is_damage():
    data = _exported()
    # The HMAC, then the ciphertext's last digits (the codes): each fails the integrity check.
    for part, index in ((1, 5), (2, -3)):
        refused = _refusal(_flip(data, part, index))
        assert refused.error_code == "CodesFileDamaged", (part, refused.message)
        assert "the vault password is right, but the file was changed" in refused.message


def test_a_wrong_password_is_still_a_wrong_password():
    refused = _refusal(_exported(), [("default", VaultSecret(b"another password"))])
    assert refused.error_code == "VaultDecryptFailed"
    assert "wrong vault password" in refused.message
    # A changed salt changes every key: it cannot be told from a wrong password, and the message says so.
    refused = _refusal(_flip(_exported(), 0, 3))
    assert refused.error_code == "VaultDecryptFailed"
    assert "the two cannot be told apart" in refused.message


# ---------------------------------------------------------------- the file is ours (issue 22, W2)
def test_what_export_writes_is_marked_as_its_own_and_so_is_a_2_0_0_file():
    assert vaulted_codes.open_codes(_exported(), "codes.yml", SECRETS).ours
    # The clear text 2.0.0 wrote, byte for byte (its header line is the marker).
    written_by_2_0_0 = (
        "# edge.snowball.export_unlock_codes: job id -> unlock code. Keep apart from the manifests.\n"
        f"---\n{VALID_JOB_ID}: {FAKE_CODE}\n"
    )
    opened = vaulted_codes.open_codes(_vault(written_by_2_0_0), "codes.yml", SECRETS)
    assert opened.ours and opened.codes == {VALID_JOB_ID: FAKE_CODE} and opened.vault_id == "default"
    assert not vaulted_codes.open_codes(_vault(f"{VALID_JOB_ID}: {FAKE_CODE}\n"), "codes.yml", SECRETS).ours


# ---------------------------------------------------------------- the path (issue 22, W3, W4)
def test_a_fifo_is_refused_without_blocking(fifo):
    path = fifo("codes.vault.yml")
    with pytest.raises(SnowballError) as refused:
        vaulted_codes.read_codes(str(path), SECRETS)
    assert "is a FIFO (named pipe), not a regular file" in refused.value.message


def test_a_nul_byte_in_the_path_is_refused_by_name():
    with pytest.raises(SnowballError) as refused:
        vaulted_codes.read_codes("/media/key/codes\0.yml", SECRETS)
    assert "holds a NUL byte" in refused.value.message


def test_a_vault_id_with_a_space_is_no_damage():
    secrets = [("my site", VaultSecret(b"site password"))]
    data = vaulted_codes.encrypt_codes({VALID_JOB_ID: FAKE_CODE}, *secrets[0])
    assert data.startswith(b"$ANSIBLE_VAULT;1.2;AES256;my site\n")
    assert vaulted_codes.open_codes(data, "codes.yml", secrets).vault_id == "my site"
