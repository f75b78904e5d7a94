"""The action plugin of edge.snowball.export_unlock_codes, with botocore stubbed by Stubber.

The plugin runs as ansible-core runs it: a real Task, DataLoader (holding the play's vault
secrets), PlayContext and Templar; only the connection (never used: nothing runs on a host) is
a stand-in.
"""

from __future__ import annotations

import os
from unittest import mock

import pytest
import yaml

from ansible.parsing.dataloader import DataLoader
from ansible.parsing.vault import VaultLib
from ansible.parsing.vault import VaultSecret
from ansible.playbook.play_context import PlayContext
from ansible.playbook.task import Task
from ansible.template import Templar

from ansible_collections.edge.snowball.plugins.action.export_unlock_codes import ActionModule
from ansible_collections.edge.snowball.plugins.plugin_utils import vaulted_codes

from unit.constants import VALID_JOB_ID

OTHER_ID = "MID123e4567-e89b-12d3-a456-426655440001"
CODE_A = "aaaaa-" * 4 + "aaaaa"
CODE_B = "bbbbb-" * 4 + "bbbbb"
CONNECTION = {"region": "us-east-1", "access_key": "AKIAUNITTEST00000000", "secret_key": "unit-test-secret"}
SECRET = ("default", VaultSecret(b"site password"))


def action(args, secrets=(SECRET,), check_mode=False):
    loader = DataLoader()
    loader.set_vault_secrets(list(secrets))
    task = Task()
    task.action = "edge.snowball.export_unlock_codes"
    task.args = dict(CONNECTION, check_state=False, **args)
    task.check_mode = check_mode
    connection = mock.MagicMock()
    connection._shell.tmpdir = None
    return ActionModule(task, connection, PlayContext(), loader, Templar(loader=loader), None)


def decrypt(path, secrets=(SECRET,)):
    return yaml.safe_load(VaultLib(list(secrets)).decrypt(path.read_bytes()))


def codes(stub, *pairs):
    for job_id, code in pairs:
        stub.add_response("get_job_unlock_code", {"UnlockCode": code}, {"JobId": job_id})


def test_writes_one_vault_file_of_every_code_and_returns_only_job_ids(stub, tmp_path, assert_no_code):
    dest = tmp_path / "codes" / "site.vault.yml"
    codes(stub, (VALID_JOB_ID, CODE_A), (OTHER_ID, CODE_B))
    result = action({"job_ids": [VALID_JOB_ID, OTHER_ID, VALID_JOB_ID], "dest": str(dest), "concurrency": 1}).run(
        task_vars={}
    )
    assert not result.get("failed"), result
    assert result["changed"] is True
    assert result["job_ids"] == [VALID_JOB_ID, OTHER_ID]
    assert result["_ansible_no_log"] is True
    assert_no_code(result, CODE_A)
    assert_no_code(result, CODE_B)
    assert decrypt(dest) == {VALID_JOB_ID: CODE_A, OTHER_ID: CODE_B}
    assert oct(dest.stat().st_mode & 0o777) == "0o600"
    assert oct(dest.parent.stat().st_mode & 0o777) == "0o700"
    assert_no_code(dest.read_text(), CODE_A)


def test_the_temporary_file_holds_ciphertext_only_and_sits_beside_dest(stub, tmp_path, assert_no_code):
    dest = tmp_path / "site.vault.yml"
    codes(stub, (VALID_JOB_ID, CODE_A))
    seen = {}
    real_replace = os.replace

    def replace(src, dst):
        seen["dir"] = os.path.dirname(src)
        seen["mode"] = os.stat(src).st_mode & 0o777
        with open(src, "rb") as handle:
            seen["data"] = handle.read()
        return real_replace(src, dst)

    with mock.patch.object(vaulted_codes.os, "replace", side_effect=replace):
        result = action({"job_ids": [VALID_JOB_ID], "dest": str(dest)}).run(task_vars={})
    assert not result.get("failed"), result
    assert seen["dir"] == str(tmp_path)
    assert seen["mode"] == 0o600
    assert VaultLib.is_encrypted(seen["data"])
    assert_no_code(seen["data"].decode(), CODE_A)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site.vault.yml"]


def test_same_codes_again_is_not_changed_and_not_rewritten(stub, tmp_path):
    dest = tmp_path / "site.vault.yml"
    codes(stub, (VALID_JOB_ID, CODE_A), (VALID_JOB_ID, CODE_A))
    assert action({"job_ids": [VALID_JOB_ID], "dest": str(dest)}).run(task_vars={})["changed"] is True
    before = dest.stat()
    with mock.patch.object(vaulted_codes, "write_atomically") as write:
        again = action({"job_ids": [VALID_JOB_ID], "dest": str(dest)}).run(task_vars={})
    assert again["changed"] is False and not again.get("failed"), again
    write.assert_not_called()
    assert dest.stat().st_mtime_ns == before.st_mtime_ns


def test_a_new_code_or_job_rewrites_the_file(stub, tmp_path):
    dest = tmp_path / "site.vault.yml"
    codes(stub, (VALID_JOB_ID, CODE_A), (VALID_JOB_ID, CODE_A), (OTHER_ID, CODE_B))
    action({"job_ids": [VALID_JOB_ID], "dest": str(dest)}).run(task_vars={})
    result = action({"job_ids": [VALID_JOB_ID, OTHER_ID], "dest": str(dest), "concurrency": 1}).run(task_vars={})
    assert result["changed"] is True
    assert decrypt(dest) == {VALID_JOB_ID: CODE_A, OTHER_ID: CODE_B}


def test_check_mode_reports_the_change_and_writes_nothing(stub, tmp_path):
    dest = tmp_path / "codes" / "site.vault.yml"
    codes(stub, (VALID_JOB_ID, CODE_A))
    result = action({"job_ids": [VALID_JOB_ID], "dest": str(dest)}, check_mode=True).run(task_vars={})
    assert result["changed"] is True and not result.get("failed"), result
    assert not (tmp_path / "codes").exists()


def test_vault_id_picks_the_identity_and_an_unknown_one_is_refused(stub, tmp_path):
    dest = tmp_path / "site.vault.yml"
    secrets = (SECRET, ("site", VaultSecret(b"other password")))
    codes(stub, (VALID_JOB_ID, CODE_A))
    result = action({"job_ids": [VALID_JOB_ID], "dest": str(dest), "vault_id": "site"}, secrets=secrets).run(
        task_vars={}
    )
    assert not result.get("failed"), result
    assert dest.read_bytes().startswith(b"$ANSIBLE_VAULT;1.2;AES256;site\n")
    assert decrypt(dest, secrets=secrets[1:]) == {VALID_JOB_ID: CODE_A}
    refused = action({"job_ids": [VALID_JOB_ID], "dest": str(dest), "vault_id": "nope"}, secrets=secrets).run(
        task_vars={}
    )
    assert refused["failed"] and refused["error_code"] == "VaultIdNotLoaded"
    assert "'nope' is not among the vault identities loaded for this run (default, site)" in refused["msg"]


@pytest.mark.parametrize(
    "args, secrets, message",
    [
        ({"job_ids": [VALID_JOB_ID]}, (), "no vault secret is loaded"),
        ({"job_ids": [VALID_JOB_ID, VALID_JOB_ID[:-1]]}, (SECRET,), "must be 39 characters"),
        ({"job_ids": []}, (SECRET,), "job_ids is empty"),
        ({"job_ids": [VALID_JOB_ID], "concurrency": 0}, (SECRET,), "concurrency must be at least 1"),
    ],
)
def test_refuses_before_any_request(stub, tmp_path, args, secrets, message):
    dest = tmp_path / "site.vault.yml"
    result = action(dict(args, dest=str(dest)), secrets=secrets).run(task_vars={})
    assert result["failed"] and message in result["msg"], result
    assert "_ansible_no_log" not in result, "a failure (which holds no code) must stay readable"
    stub.factory.assert_not_called()
    assert not dest.exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"all:\n  hosts: {}\n", "is not an ansible-vault encrypted file"),
        (VaultLib([("default", VaultSecret(b"another"))]).encrypt(b"x: y\n"), "wrong vault password"),
        (VaultLib([SECRET]).encrypt(b"- not\n- a mapping\n"), "does not hold a mapping of job id to unlock code"),
    ],
)
def test_never_overwrites_a_dest_that_is_not_its_codes_file(stub, tmp_path, content, message):
    dest = tmp_path / "site.vault.yml"
    dest.write_bytes(content)
    result = action({"job_ids": [VALID_JOB_ID], "dest": str(dest)}).run(task_vars={})
    assert result["failed"] and message in result["msg"] and "Refusing to overwrite" in result["msg"], result
    stub.factory.assert_not_called()
    assert dest.read_bytes() == content


def test_an_aws_failure_writes_nothing_and_says_what_to_do(stub, tmp_path, job_metadata):
    dest = tmp_path / "site.vault.yml"
    # The code is asked for first; DescribeJob only explains the refusal (one call for a job with the customer).
    stub.add_client_error("get_job_unlock_code", service_error_code="InvalidJobStateException")
    stub.add_response("describe_job", job_metadata(OTHER_ID, state="InTransitToCustomer"), {"JobId": OTHER_ID})
    stub.add_response("get_job_unlock_code", {"UnlockCode": CODE_A}, {"JobId": VALID_JOB_ID})
    task = action({"job_ids": [OTHER_ID, VALID_JOB_ID], "dest": str(dest), "concurrency": 1})
    task._task.args["check_state"] = True
    result = task.run(task_vars={})
    assert result["failed"] and "InTransitToCustomer" in result["msg"], result
    assert not dest.exists()


def test_refuses_with_ansible_debug_on(stub, tmp_path):
    with mock.patch("ansible.constants.DEFAULT_DEBUG", True):
        result = action({"job_ids": [VALID_JOB_ID], "dest": str(tmp_path / "x.yml")}).run(task_vars={})
    assert result["failed"] and "ANSIBLE_DEBUG is on" in result["msg"]
    stub.factory.assert_not_called()


# ---------------------------------------------------------------- issue 22
def test_another_vault_id_re_encrypts_the_same_codes(stub, tmp_path):
    """W1: the identity asked for is applied even when the codes did not change."""
    dest = tmp_path / "site.vault.yml"
    site = ("site", VaultSecret(b"other password"))
    codes(stub, (VALID_JOB_ID, CODE_A), (VALID_JOB_ID, CODE_A), (VALID_JOB_ID, CODE_A))
    action({"job_ids": [VALID_JOB_ID], "dest": str(dest)}, secrets=(SECRET, site)).run(task_vars={})
    assert dest.read_bytes().startswith(b"$ANSIBLE_VAULT;1.1;AES256\n")
    result = action({"job_ids": [VALID_JOB_ID], "dest": str(dest), "vault_id": "site"}, secrets=(SECRET, site)).run(
        task_vars={}
    )
    assert result["changed"] is True and not result.get("failed"), result
    assert dest.read_bytes().startswith(b"$ANSIBLE_VAULT;1.2;AES256;site\n")
    assert decrypt(dest, secrets=(site,)) == {VALID_JOB_ID: CODE_A}
    again = action({"job_ids": [VALID_JOB_ID], "dest": str(dest), "vault_id": "site"}, secrets=(SECRET, site)).run(
        task_vars={}
    )
    assert again["changed"] is False, again


def test_an_unrelated_vault_file_of_job_ids_and_codes_is_never_overwritten(stub, tmp_path):
    """W2: decrypting to a mapping of strings is not enough: the file must carry the module's mark."""
    dest = tmp_path / "site.vault.yml"
    content = VaultLib([SECRET]).encrypt(f"{VALID_JOB_ID}: {CODE_B}\n".encode())
    dest.write_bytes(content)
    result = action({"job_ids": [VALID_JOB_ID], "dest": str(dest)}).run(task_vars={})
    assert result["failed"] and "export_unlock_codes did not write it" in result["msg"], result
    assert "Refusing to overwrite" in result["msg"]
    stub.factory.assert_not_called()
    assert dest.read_bytes() == content


def test_a_fifo_as_dest_is_refused_before_any_request_without_opening_it(stub, tmp_path, fifo):
    """W3: open() on a FIFO waits for a writer for ever."""
    dest = fifo("site.vault.yml")
    result = action({"job_ids": [VALID_JOB_ID], "dest": str(dest)}).run(task_vars={})
    assert result["failed"] and "is a FIFO (named pipe), not a codes file" in result["msg"], result
    stub.factory.assert_not_called()


def test_a_nul_byte_in_dest_is_refused_before_any_request_and_creates_nothing(stub, tmp_path):
    """W4"""
    result = action({"job_ids": [VALID_JOB_ID], "dest": f"{tmp_path}/codes/site\0.vault.yml"}).run(task_vars={})
    assert result["failed"] and "dest holds a NUL byte" in result["msg"], result
    stub.factory.assert_not_called()
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_no_directory_behind(stub, tmp_path):
    """W4: nothing half-written, not even the directories made for dest."""
    dest = tmp_path / "a" / "b" / "site.vault.yml"
    codes(stub, (VALID_JOB_ID, CODE_A))
    with mock.patch.object(vaulted_codes._atomic_file, "write_atomically", side_effect=OSError(28, "No space left")):
        result = action({"job_ids": [VALID_JOB_ID], "dest": str(dest)}).run(task_vars={})
    assert result["failed"] and "No space left" in result["msg"], result
    assert list(tmp_path.iterdir()) == []


def test_missing_directories_are_all_made_0700(stub, tmp_path):
    """W10: every directory made, not only the last (os.makedirs gives the others 0755)."""
    dest = tmp_path / "a" / "b" / "site.vault.yml"
    codes(stub, (VALID_JOB_ID, CODE_A))
    old = os.umask(0o022)
    try:
        result = action({"job_ids": [VALID_JOB_ID], "dest": str(dest)}).run(task_vars={})
    finally:
        os.umask(old)
    assert not result.get("failed"), result
    assert [oct(p.stat().st_mode & 0o777) for p in (tmp_path / "a", tmp_path / "a" / "b")] == ["0o700", "0o700"]


@pytest.mark.parametrize("how", ["directory link", "file link", "hard link"])
def test_dest_reaching_group_vars_through_a_link_is_refused(stub, tmp_path, how):
    """Leak 3: the group_vars refusal decides on the real path (the file and every parent)."""
    all_vars = tmp_path / "inventory" / "group_vars" / "all"
    all_vars.mkdir(parents=True)
    if how == "directory link":
        (tmp_path / "usb").symlink_to(all_vars)
        dest = tmp_path / "usb" / "codes.vault.yml"
        message = "is inside a group_vars directory once its links are resolved"
    elif how == "file link":
        dest = tmp_path / "codes.vault.yml"
        dest.symlink_to(all_vars / "codes.yml")
        message = "is inside a group_vars directory once its links are resolved"
    else:
        (all_vars / "codes.yml").write_bytes(vaulted_codes.encrypt_codes({VALID_JOB_ID: CODE_A}, *SECRET))
        dest = tmp_path / "codes.vault.yml"
        os.link(all_vars / "codes.yml", dest)
        message = "has 2 hard links"
    result = action({"job_ids": [VALID_JOB_ID], "dest": str(dest)}).run(task_vars={})
    assert result["failed"] and message in result["msg"], result
    stub.factory.assert_not_called()
    assert sorted(p.name for p in all_vars.iterdir()) == (["codes.yml"] if how == "hard link" else [])


def test_the_codes_are_never_written_beside_a_manifest(stub, tmp_path):
    """W9: a manifest (named after its job, or 'manifest') in dest's directory; a vault file is no manifest."""
    dest = tmp_path / "site.vault.yml"
    (tmp_path / f"{OTHER_ID}.vault.yml").write_bytes(vaulted_codes.encrypt_codes({OTHER_ID: CODE_B}, *SECRET))
    (tmp_path / "notes.txt").write_text("the site's notes\n")
    codes(stub, (VALID_JOB_ID, CODE_A))
    assert not action({"job_ids": [VALID_JOB_ID], "dest": str(dest)}).run(task_vars={}).get("failed")
    for name in (f"{VALID_JOB_ID}.bin", "Manifest.bin"):
        (tmp_path / name).write_bytes(b"\x00\x01 manifest bytes")
        result = action({"job_ids": [VALID_JOB_ID], "dest": str(dest)}).run(task_vars={})
        assert result["failed"] and f"beside the manifest {tmp_path / name}" in result["msg"], result
        (tmp_path / name).unlink()


def test_a_code_of_another_shape_from_aws_writes_nothing(stub, tmp_path, assert_no_code):
    """The file must be usable at the site: device_unlock refuses anything but 5 groups of 5."""
    dest = tmp_path / "site.vault.yml"
    codes(stub, (VALID_JOB_ID, CODE_A[:-1]))
    result = action({"job_ids": [VALID_JOB_ID], "dest": str(dest)}).run(task_vars={})
    assert result["failed"] and f"the value for job {VALID_JOB_ID} is not an unlock code" in result["msg"], result
    assert_no_code(result, CODE_A[:-1])
    assert not dest.exists()


def test_a_manifest_named_with_a_code_is_refused_without_showing_its_name(stub, tmp_path, assert_no_code):
    dest = tmp_path / "site.vault.yml"
    (tmp_path / f"manifest-{CODE_A}.bin").write_bytes(b"\x00\x01")
    result = action({"job_ids": [VALID_JOB_ID], "dest": str(dest)}).run(task_vars={})
    assert result["failed"] and "its name is not shown" in result["msg"], result
    assert_no_code(result["msg"], CODE_A)
    stub.factory.assert_not_called()


def test_concurrency_has_one_default_in_the_lookup_the_export_and_their_docs():
    """One vocabulary: the export's concurrency is the lookup's, same name, same default, in the code and in
    both ansible-doc pages (the export's doc once said "as the lookup does" with 10 against 16)."""
    from ansible_collections.edge.snowball.plugins.action import export_unlock_codes as action
    from ansible_collections.edge.snowball.plugins.lookup import unlock_code as lookup
    from ansible_collections.edge.snowball.plugins.module_utils._aws.options import DEFAULT_CONCURRENCY
    from ansible_collections.edge.snowball.plugins.modules import export_unlock_codes as module

    defaults = {
        "export's argument spec": action.argument_spec()["concurrency"]["default"],
        "export's doc": yaml.safe_load(module.DOCUMENTATION)["options"]["concurrency"]["default"],
        "lookup's doc": yaml.safe_load(lookup.DOCUMENTATION)["options"]["concurrency"]["default"],
    }
    assert defaults == dict.fromkeys(defaults, DEFAULT_CONCURRENCY)
