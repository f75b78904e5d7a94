from __future__ import annotations

import pytest

from ansible.errors import AnsibleLookupError
from ansible.plugins.loader import lookup_loader

from ansible_collections.edge.snowball.plugins.lookup.unlock_code import LookupModule

from unit.constants import VALID_JOB_ID

OTHER_ID = "MID123e4567-e89b-12d3-a456-426655440001"
CODE_A = "aaaaa-" * 4 + "aaaaa"
CODE_B = "bbbbb-" * 4 + "bbbbb"
CONNECTION = {"region": "us-east-1", "access_key": "AKIAUNITTEST00000000", "secret_key": "unit-test-secret"}


@pytest.fixture
def lookup():
    # Loaded as in a playbook, so its options come from its DOCUMENTATION.
    plugin = lookup_loader.get("edge.snowball.unlock_code")
    assert isinstance(plugin, LookupModule)
    return plugin


def test_returns_one_code_per_id_in_order_and_asks_once_per_id(lookup, stub):
    stub.add_response("get_job_unlock_code", {"UnlockCode": CODE_A}, {"JobId": VALID_JOB_ID})
    stub.add_response("get_job_unlock_code", {"UnlockCode": CODE_B}, {"JobId": OTHER_ID})
    codes = lookup.run([VALID_JOB_ID, OTHER_ID, VALID_JOB_ID], {}, check_state=False, concurrency=1, **CONNECTION)
    assert codes == [CODE_A, CODE_B, CODE_A]


def test_default_options_ask_once_per_id_without_describe_job(lookup, stub):
    # The Stubber fails on any call it was not given: one GetJobUnlockCode per id, nothing else.
    stub.add_response("get_job_unlock_code", {"UnlockCode": CODE_A}, {"JobId": VALID_JOB_ID})
    stub.add_response("get_job_unlock_code", {"UnlockCode": CODE_B}, {"JobId": OTHER_ID})
    assert lookup.run([VALID_JOB_ID, OTHER_ID], {}, concurrency=1, **CONNECTION) == [CODE_A, CODE_B]


def test_a_refused_code_is_explained_by_describe_job(lookup, stub, job_metadata):
    stub.add_client_error("get_job_unlock_code", service_error_code="InvalidJobStateException")
    stub.add_response("describe_job", job_metadata(age_days=400), {"JobId": VALID_JOB_ID})
    with pytest.raises(AnsibleLookupError, match="its unlock code expired on .*360 days"):
        lookup.run([VALID_JOB_ID], {}, **CONNECTION)


def test_one_bad_id_fails_before_any_call(lookup, stub):
    with pytest.raises(AnsibleLookupError, match="must start with JID or MID"):
        lookup.run([VALID_JOB_ID, "XID" + VALID_JOB_ID[3:]], {}, **CONNECTION)
    stub.factory.assert_not_called()


def test_aws_errors_raise_lookup_errors_without_chaining(lookup, stub):
    stub.add_client_error("get_job_unlock_code", service_error_code="InvalidResourceException", service_message="nope")
    with pytest.raises(AnsibleLookupError, match="was not found") as info:
        lookup.run([VALID_JOB_ID], {}, check_state=False, **CONNECTION)
    assert info.value.__cause__ is None


def test_needs_at_least_one_id(lookup):
    with pytest.raises(AnsibleLookupError, match="at least one job id"):
        lookup.run([], {}, **CONNECTION)


def _codes_file(tmp_path, secrets, content):
    from ansible.parsing.vault import VaultLib

    path = tmp_path / "codes.vault.yml"
    path.write_bytes(VaultLib(secrets).encrypt(content))
    return path


def test_codes_file_gives_the_codes_with_no_aws_call(stub, tmp_path):
    from ansible.parsing.dataloader import DataLoader
    from ansible.parsing.vault import VaultSecret

    lookup = lookup_loader.get("edge.snowball.unlock_code", loader=DataLoader())

    secrets = [("default", VaultSecret(b"pw"))]
    path = _codes_file(tmp_path, secrets, f"{VALID_JOB_ID}: {CODE_A}\n{OTHER_ID}: {CODE_B}\n".encode())
    lookup._loader.set_vault_secrets(secrets)
    try:
        assert lookup.run([OTHER_ID, VALID_JOB_ID], {}, codes_file=str(path)) == [CODE_B, CODE_A]
        with pytest.raises(AnsibleLookupError, match=f"job {VALID_JOB_ID[:-1]}9 is not in the codes file"):
            lookup.run([VALID_JOB_ID[:-1] + "9"], {}, codes_file=str(path))
        lookup._loader.set_vault_secrets([("default", VaultSecret(b"wrong"))])
        with pytest.raises(AnsibleLookupError, match="wrong vault password") as info:
            lookup.run([VALID_JOB_ID], {}, codes_file=str(path))
        assert info.value.__cause__ is None and info.value.__context__ is None
    finally:
        lookup._loader.set_vault_secrets(None)
    with pytest.raises(AnsibleLookupError, match="no vault secret is loaded"):
        lookup.run([VALID_JOB_ID], {}, codes_file=str(path))
    stub.factory.assert_not_called()


@pytest.fixture
def vault_lookup():
    """The lookup on a DataLoader holding one vault secret (``vault_lookup.secrets``)."""
    from ansible.parsing.dataloader import DataLoader
    from ansible.parsing.vault import VaultSecret

    plugin = lookup_loader.get("edge.snowball.unlock_code", loader=DataLoader())
    plugin.secrets = [("default", VaultSecret(b"pw"))]
    plugin._loader.set_vault_secrets(plugin.secrets)
    yield plugin
    plugin._loader.set_vault_secrets(None)


def test_codes_file_that_is_a_fifo_is_refused_without_waiting(vault_lookup, stub, fifo):
    """Issue 22 W3: open() on a FIFO waits for a writer for ever."""
    path = fifo("codes.vault.yml")
    with pytest.raises(AnsibleLookupError, match=r"is a FIFO \(named pipe\), not a regular file"):
        vault_lookup.run([VALID_JOB_ID], {}, codes_file=str(path))
    stub.factory.assert_not_called()


def test_codes_file_with_a_nul_byte_is_refused_by_name(vault_lookup, stub, tmp_path):
    """Issue 22 W4: not Python's bare 'embedded null byte'."""
    with pytest.raises(AnsibleLookupError, match="codes_file holds a NUL byte") as info:
        vault_lookup.run([VALID_JOB_ID], {}, codes_file=f"{tmp_path}/codes\0.vault.yml")
    assert info.value.__cause__ is None
    stub.factory.assert_not_called()


def test_codes_file_reached_through_a_link_into_group_vars_is_refused(vault_lookup, stub, tmp_path):
    """Issue 22 leak 3: decided on the real path, not the path as written."""
    all_vars = tmp_path / "inventory" / "group_vars" / "all"
    all_vars.mkdir(parents=True)
    _codes_file(all_vars, vault_lookup.secrets, f"{VALID_JOB_ID}: {CODE_A}\n".encode())
    (tmp_path / "usb").symlink_to(all_vars)
    with pytest.raises(AnsibleLookupError, match="is inside a group_vars directory"):
        vault_lookup.run([VALID_JOB_ID], {}, codes_file=str(tmp_path / "usb" / "codes.vault.yml"))
    stub.factory.assert_not_called()


def test_codes_file_holding_a_job_twice_is_refused_naming_it_never_a_code(vault_lookup, stub, tmp_path, assert_no_code):
    """Issue 22 W6: YAML would keep the last one silently."""
    path = _codes_file(tmp_path, vault_lookup.secrets, f"{VALID_JOB_ID}: {CODE_A}\n{VALID_JOB_ID}: {CODE_B}\n".encode())
    with pytest.raises(AnsibleLookupError, match=f"holds job {VALID_JOB_ID} twice") as info:
        vault_lookup.run([VALID_JOB_ID], {}, codes_file=str(path))
    assert_no_code(str(info.value), CODE_A)
    assert_no_code(str(info.value), CODE_B)
