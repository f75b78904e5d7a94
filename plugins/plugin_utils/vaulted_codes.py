# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The codes file of a disconnected site: one ansible-vault file, job id -> unlock code.

Controller only. export_unlock_codes writes it; the unlock_code lookup (``codes_file``) reads
it. Both use the vault secrets ansible-core loaded for the play (``--vault-id``,
``--vault-password-file``, ``--ask-vault-pass``) and encrypt or decrypt **in memory**: never
through ``DataLoader.get_real_file`` (what the ``file`` and ``unvault`` lookups use), which
writes the decrypted text to a temporary file on the controller.

No message here ever quotes the file's decrypted text, not even a YAML parser's complaint
about it (those quote the line they choke on).
"""

from __future__ import annotations

import os
import stat
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

import yaml
from ansible.errors import AnsibleError
from ansible.parsing.vault import VaultLib
from ansible.parsing.vault import is_encrypted
from ansible_collections.edge.snowball.plugins.module_utils import _atomic_file
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError

#: What ansible-core's CLI options load, for messages.
HOW_TO_LOAD = "--vault-id, --vault-password-file or --ask-vault-pass (or ANSIBLE_VAULT_PASSWORD_FILE)"
HEADER = "# edge.snowball.export_unlock_codes: job id -> unlock code. Keep apart from the manifests.\n"
#: Larger than any codes file for a fleet (a line is about 75 bytes): refuse to read anything bigger.
MAX_SIZE = 16 * 1024 * 1024


def loaded_secrets(loader: Any) -> List[Tuple[str, Any]]:
    """The (vault id, secret) pairs ansible-core loaded for this run, in its order of preference."""
    return list(getattr(getattr(loader, "_vault", None), "secrets", None) or [])


def encrypt_secret(secrets: List[Tuple[str, Any]], vault_id: Optional[str] = None) -> Tuple[str, Any]:
    """The identity that encrypts: ``vault_id`` when given, else the first one loaded."""
    if not secrets:
        raise SnowballError(
            "no vault secret is loaded, and the unlock codes are only ever written encrypted. Run the"
            f" playbook with {HOW_TO_LOAD}.",
            "NoVaultSecret",
        )
    if vault_id is None:
        return secrets[0]
    for loaded_id, secret in secrets:
        if loaded_id == vault_id:
            return loaded_id, secret
    loaded = ", ".join(sorted({str(loaded_id) for loaded_id, _secret in secrets}))
    raise SnowballError(
        f"vault_id {vault_id!r} is not among the vault identities loaded for this run ({loaded}). Load it with"
        f" --vault-id {vault_id}@SOURCE, or leave vault_id out to use the first one.",
        "VaultIdNotLoaded",
    )


def encrypt_codes(codes: Dict[str, str], vault_id: str, secret: Any) -> bytes:
    """The vault file's bytes for ``codes``; the clear text exists only in this process's memory."""
    # Plain str: ansible-core 2.19 hands over tagged str subclasses, which safe_dump refuses with an
    # error that quotes the value (a code, for a value).
    plain = {str.__str__(job_id): str.__str__(code) for job_id, code in sorted(codes.items())}
    failure = None
    try:
        plaintext = HEADER + yaml.safe_dump(plain, default_flow_style=False, explicit_start=True)
    except yaml.YAMLError:
        failure = SnowballError("the codes could not be written as YAML (not shown).", "CodesNotSerializable")
    if failure is not None:
        raise failure
    return VaultLib([(vault_id, secret)]).encrypt(plaintext.encode("utf-8"), secret, vault_id=vault_id)


def decrypt_codes(data: bytes, path: str, secrets: List[Tuple[str, Any]]) -> Dict[str, str]:
    """``{job_id: code}`` from a codes file's bytes, decrypted in memory."""
    if not is_encrypted(data):
        raise SnowballError(
            f"{path} is not an ansible-vault encrypted file, so it is not a codes file written by"
            " edge.snowball.export_unlock_codes (its content is not shown). If it holds unlock codes in clear,"
            " destroy it, and export the codes again while connected.",
            "NotAVaultFile",
        )
    if not secrets:
        raise SnowballError(
            f"{path} is vault-encrypted but no vault secret is loaded. Run the playbook with {HOW_TO_LOAD}.",
            "NoVaultSecret",
        )
    failure = None
    try:
        plaintext = VaultLib(secrets).decrypt(data)
    except AnsibleError:
        failure = SnowballError(
            f"cannot decrypt {path} with the vault secrets loaded for this run: wrong vault password (or vault"
            " id). Load the password it was exported with (--vault-id, --vault-password-file or"
            " --ask-vault-pass).",
            "VaultDecryptFailed",
        )
    if failure is not None:
        raise failure
    try:
        codes = yaml.safe_load(plaintext)
    except yaml.YAMLError:
        codes = None  # The parser's message quotes the text: never shown.
    if not isinstance(codes, dict) or not all(
        isinstance(key, str) and isinstance(value, str) and value for key, value in codes.items()
    ):
        raise SnowballError(
            f"{path} decrypts, but does not hold a mapping of job id to unlock code as"
            " edge.snowball.export_unlock_codes writes it (its content is not shown). Export the codes again.",
            "NotACodesFile",
        )
    return codes


def read_codes(path: str, secrets: List[Tuple[str, Any]]) -> Dict[str, str]:
    """Read and decrypt the codes file at ``path`` (on the controller)."""
    failure = None
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_SIZE + 1)
    except OSError as e:
        failure = SnowballError(
            f"cannot read the codes file {path} on the controller: {e.strerror}. Check the path (the file"
            " edge.snowball.export_unlock_codes wrote while connected).",
            "CodesFileUnreadable",
        )
    if failure is not None:
        raise failure
    if len(data) > MAX_SIZE:
        raise SnowballError(f"{path} is larger than {MAX_SIZE} bytes: not a codes file.", "NotACodesFile")
    return decrypt_codes(data, path, secrets)


def write_atomically(path: str, data: bytes, mode: int = 0o600) -> None:
    """Write ``data`` (ciphertext only) to ``path``: a private temporary file in the same
    directory, flushed to disk, then renamed over ``path``. Readers see the old file or the new."""
    _atomic_file.write_atomically(path, data, mode, prefix=".export_unlock_codes.", suffix=".tmp")


def file_mode(path: str) -> Optional[int]:
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return None
