"""How codes files and manifests are recognised in a directory (module_utils/_secrets_apart.py)."""

from __future__ import annotations

import pytest

from ansible_collections.edge.snowball.plugins.module_utils import _secrets_apart

from unit.constants import VALID_JOB_ID


@pytest.mark.parametrize(
    ("name", "manifest"),
    [
        (f"{VALID_JOB_ID}.bin", True),
        (f"{VALID_JOB_ID}_manifest.bin", True),
        ("manifest.bin", True),
        ("Site-MANIFEST", True),
        ("codes.vault.yml", False),
        ("notes.txt", False),
        # Upper-case hex is no AWS job id.
        ("JID123E4567-E89B-12D3-A456-426655440000.bin", False),
    ],
)
def test_manifest_names(name, manifest):
    assert _secrets_apart.is_manifest_name(name) is manifest


def test_a_manifest_is_found_but_never_a_vault_file_dest_itself_or_a_fifo(tmp_path, fifo):
    dest = tmp_path / "site.vault.yml"
    (tmp_path / f"{VALID_JOB_ID}.vault.yml").write_bytes(b"$ANSIBLE_VAULT;1.1;AES256\n6162\n")
    (tmp_path / "notes.txt").write_text("manifest list\n")
    fifo("manifest-pipe")
    assert _secrets_apart.manifest_beside(str(tmp_path), str(dest)) is None
    (tmp_path / "manifest.bin").write_bytes(b"\x00\x01")
    assert _secrets_apart.manifest_beside(str(tmp_path), str(dest)) == str(tmp_path / "manifest.bin")
    assert _secrets_apart.manifest_beside(str(tmp_path), str(tmp_path / "manifest.bin")) is None
    assert _secrets_apart.manifest_beside(str(tmp_path / "missing"), str(dest)) is None


@pytest.mark.parametrize(
    ("head", "vault"),
    [(b"$ANSIBLE_VAULT;1.1;AES256\n", True), (b"\n$ANSIBLE_VAULT;1.2;AES256;site\n", True), (b"SBMANIFEST1\n", False)],
)
def test_vault_files(head, vault):
    assert _secrets_apart.is_vault_file(head) is vault
