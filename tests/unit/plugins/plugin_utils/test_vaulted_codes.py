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
