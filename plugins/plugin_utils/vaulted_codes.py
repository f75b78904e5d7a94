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

import binascii
import dataclasses
import os
import re
import stat
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

import yaml

from ansible.errors import AnsibleError
from ansible.parsing.vault import AnsibleVaultFormatError
from ansible.parsing.vault import VaultLib
from ansible.parsing.vault import is_encrypted

from ansible_collections.edge.snowball.plugins.module_utils import _atomic_file
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._job_id import validate_job_id
from ansible_collections.edge.snowball.plugins.module_utils._paths import NotRegularFileError
from ansible_collections.edge.snowball.plugins.module_utils._paths import nul_problem
from ansible_collections.edge.snowball.plugins.module_utils._paths import read_regular
from ansible_collections.edge.snowball.plugins.module_utils._secret import is_unlock_code

#: What ansible-core's CLI options load, for messages.
HOW_TO_LOAD = "--vault-id, --vault-password-file or --ask-vault-pass (or ANSIBLE_VAULT_PASSWORD_FILE)"
#: The first line of every codes file's clear text (the same since 2.0.0): the mark that the file is
#: export_unlock_codes's own, and so may be rewritten. Inside the encryption, like the codes.
MARKER = "# edge.snowball.export_unlock_codes:"
HEADER = MARKER + " job id -> unlock code. Keep apart from the manifests.\n"
#: An unlock code as AWS hands them out (and device_unlock accepts): 5 groups of 5 letters or digits.
_VAULT_HEADER = re.compile(rb"\$ANSIBLE_VAULT;[0-9.]+;AES256(?:;[^;\r\n]*)?")
_HEX = re.compile(rb"[0-9a-fA-F]+")
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


@dataclasses.dataclass
class CodesFile:
    """What a codes file holds, once decrypted and checked."""

    codes: Dict[str, str] = dataclasses.field(repr=False)
    #: The plaintext starts with MARKER: export_unlock_codes wrote it (every release since 2.0.0).
    ours: bool
    #: The identity in the file's envelope (``default`` for format 1.1, which names none).
    vault_id: str
    #: The loaded vault secret that decrypted it.
    secret: Any = dataclasses.field(repr=False, default=None)


def vault_damage(data: bytes) -> Optional[str]:
    """What is broken in the structure of the ansible-vault text ``data`` (truncated, not
    hexadecimal, parts missing), or None when it is well formed. A well-formed file can still fail
    its integrity check (HMAC): a wrong password, or a change to its hexadecimal digits."""
    lines = data.splitlines()
    if not lines or not _VAULT_HEADER.fullmatch(lines[0].strip()):
        return "its first line is not an ansible-vault header ($ANSIBLE_VAULT;1.1;AES256, or 1.2 with a vault id)"
    body = b"".join(line.strip() for line in lines[1:])
    if not body:
        return "it holds no encrypted text after its header (cut off?)"
    if not _HEX.fullmatch(body):
        return "its encrypted text holds characters other than hexadecimal digits"
    if len(body) % 2:
        return "its encrypted text has an odd number of hexadecimal digits (cut off?)"
    parts = binascii.unhexlify(body).split(b"\n", 2)
    if len(parts) != 3:
        return "its encrypted text lacks the salt, the integrity check (HMAC) or the ciphertext (cut off?)"
    salt, hmac, ciphertext = parts
    if not (salt and _HEX.fullmatch(salt) and len(salt) % 2 == 0):
        return "its salt is not hexadecimal"
    if not (_HEX.fullmatch(hmac) and len(hmac) == 64):
        return "its integrity check (HMAC) is not 64 hexadecimal digits"
    if not (ciphertext and _HEX.fullmatch(ciphertext) and len(ciphertext) % 32 == 0):
        return "its ciphertext is not whole AES blocks of hexadecimal digits (cut off?)"
    return None


def _envelope_vault_id(data: bytes) -> str:
    header = data.splitlines()[0].strip().split(b";")
    return header[3].decode("utf-8", "replace") if len(header) >= 4 and header[1] == b"1.2" else "default"


def _password_right_but_altered(data: bytes, secrets: List[Tuple[str, Any]]) -> bool:
    """True when one of ``secrets`` is the file's password although its integrity check fails: a
    file export_unlock_codes wrote starts with MARKER, and AES-CTR turns a changed bit of the
    ciphertext into that one changed bit of the clear text. Only the first len(MARKER) bytes are
    deciphered (the marker, never a code), in memory, and only compared."""
    try:
        # ansible-core's vault needs cryptography too (it was there to decrypt): imported here only so
        # that loading this file never needs it (ansible-test's import sanity test has none).
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.ciphers import Cipher
        from cryptography.hazmat.primitives.ciphers import algorithms
        from cryptography.hazmat.primitives.ciphers import modes
        from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
    except ImportError:
        return False
    body = b"".join(line.strip() for line in data.splitlines()[1:])
    salt, _hmac, ciphertext = binascii.unhexlify(body).split(b"\n", 2)
    salt = binascii.unhexlify(salt)
    head = binascii.unhexlify(ciphertext)[: len(MARKER)]
    for _vault_id, secret in secrets:
        key = PBKDF2HMAC(algorithm=hashes.SHA256(), length=80, salt=salt, iterations=10000).derive(secret.bytes)
        decryptor = Cipher(algorithms.AES(key[:32]), modes.CTR(key[64:80])).decryptor()
        clear = decryptor.update(head)
        # A wrong key gives random bytes: about 1 in 256 equal to the marker's, not 30 of 36.
        if sum(a == b for a, b in zip(clear, MARKER.encode())) >= len(MARKER) - 6:
            return True
    return False


def _damaged(path: str, what: str) -> SnowballError:
    return SnowballError(
        f"{path} is damaged: {what}. No password can decrypt it. Restore it from a copy, or export the codes"
        " again while connected (edge.snowball.export_unlock_codes).",
        "CodesFileDamaged",
    )


def codes_problem(codes: Any) -> Optional[str]:
    """Why ``codes`` is not a mapping of job id to unlock code, or None. Names a job id only when it
    is a valid one, never a value (nor a key that is not a job id: it could be a code)."""
    if not isinstance(codes, dict):
        return "does not hold a mapping of job id to unlock code"
    if not codes:
        return "holds no job"
    for number, (job_id, code) in enumerate(codes.items(), start=1):
        if validate_job_id(job_id) is not None:
            return f"its key number {number} of {len(codes)} is not a job id (JID or MID followed by a UUID; not shown)"
        if not isinstance(code, str) or code != code.strip() or not is_unlock_code(code):
            return f"the value for job {job_id} is not an unlock code (5 groups of 5 letters or digits; not shown)"
    return None


def decrypt_codes(data: bytes, path: str, secrets: List[Tuple[str, Any]]) -> Dict[str, str]:
    """``{job_id: code}`` from a codes file's bytes, decrypted in memory."""
    return open_codes(data, path, secrets).codes


def _decrypted(data: bytes, path: str, secrets: List[Tuple[str, Any]]) -> Tuple[bytes, Any]:
    """The plaintext of a vault file and the secret that opened it; SnowballError naming damage or a wrong password."""
    failure = None
    try:
        plaintext, _used_id, secret = VaultLib(secrets).decrypt_and_get_vault_id(data)
    except AnsibleVaultFormatError:
        failure = _damaged(path, "ansible-vault cannot parse its encrypted text")
    except AnsibleError:
        if _password_right_but_altered(data, secrets):
            failure = _damaged(path, "the vault password is right, but the file was changed after it was written")
        else:
            failure = SnowballError(
                f"cannot decrypt {path} with the vault secrets loaded for this run: wrong vault password (or vault"
                " id). Load the password it was exported with (--vault-id, --vault-password-file or"
                " --ask-vault-pass). If the password is right, the file was changed after it was written (the two"
                " cannot be told apart): restore it from a copy, or export the codes again.",
                "VaultDecryptFailed",
            )
    if failure is not None:
        raise failure
    return plaintext, secret


def _parsed_codes(plaintext: bytes, path: str) -> Dict[str, str]:
    """``{job_id: code}`` from a codes file's plaintext; SnowballError when it is not one (never quoting it)."""
    codes = None
    duplicate = None
    try:
        codes = yaml.load(plaintext, Loader=_UniqueKeys)  # a SafeLoader that refuses duplicate keys
    except _DuplicateKey as e:
        duplicate = e.key
    except yaml.YAMLError:
        codes = None  # The parser's message quotes the text: never shown.
    if duplicate is not None:
        named = f"job {duplicate}" if validate_job_id(duplicate) is None else "a key (not a job id; not shown)"
        problem = f"holds {named} twice (YAML would keep the last one silently)"
    else:
        problem = codes_problem(codes)
    if problem:
        raise SnowballError(
            f"{path} decrypts, but {problem}: it is not a codes file as edge.snowball.export_unlock_codes writes it"
            " (its content is not shown). Export the codes again.",
            "NotACodesFile",
        )
    return codes


def open_codes(data: bytes, path: str, secrets: List[Tuple[str, Any]]) -> CodesFile:
    """The codes file ``data`` (read from ``path``), decrypted in memory and checked: SnowballError
    saying what is wrong (not a vault file, damaged, no or wrong password, not codes)."""
    if not is_encrypted(data):
        raise SnowballError(
            f"{path} is not an ansible-vault encrypted file, so it is not a codes file written by"
            " edge.snowball.export_unlock_codes (its content is not shown). If it holds unlock codes in clear,"
            " destroy it, and export the codes again while connected.",
            "NotAVaultFile",
        )
    damage = vault_damage(data)
    if damage:
        raise _damaged(path, damage)
    if not secrets:
        raise SnowballError(
            f"{path} is vault-encrypted but no vault secret is loaded. Run the playbook with {HOW_TO_LOAD}.",
            "NoVaultSecret",
        )
    plaintext, secret = _decrypted(data, path, secrets)
    codes = _parsed_codes(plaintext, path)
    return CodesFile(codes, plaintext.startswith(MARKER.encode()), _envelope_vault_id(data), secret)


def read_codes(path: str, secrets: List[Tuple[str, Any]]) -> Dict[str, str]:
    """Read and decrypt the codes file at ``path`` (on the controller)."""
    return read_codes_file(path, secrets).codes


def read_codes_file(path: str, secrets: List[Tuple[str, Any]]) -> CodesFile:
    """Read (never blocking: a FIFO or device is refused unopened or unread) and decrypt the codes
    file at ``path``, once every link in it is resolved."""
    problem = nul_problem(path, "the codes file's path")
    if problem:
        raise SnowballError(problem, "InvalidPath")
    failure = None
    try:
        data = read_regular(os.path.realpath(path), MAX_SIZE, follow=False)
    except NotRegularFileError as e:
        failure = SnowballError(
            f"the codes file {path} is {e.kind}, not a regular file: give the path of the vault file"
            " edge.snowball.export_unlock_codes wrote.",
            "NotACodesFile",
        )
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
    return open_codes(data, path, secrets)


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key: Any):
        super().__init__("duplicate key")
        self.key = key


class _UniqueKeys(yaml.SafeLoader):
    """yaml.SafeLoader, except that a mapping holding a key twice is an error, not the last one."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)
            seen = set()
            for key_node, _value_node in node.value:
                key = self.construct_object(key_node, deep=deep)
                try:
                    if key in seen:
                        raise _DuplicateKey(key)
                    seen.add(key)
                except TypeError:
                    pass  # An unhashable key: SafeLoader refuses it below.
        return super().construct_mapping(node, deep=deep)


def write_atomically(path: str, data: bytes, mode: int = 0o600) -> None:
    """Write ``data`` (ciphertext only) to ``path``: a private temporary file in the same
    directory, flushed to disk, then renamed over ``path``. Readers see the old file or the new."""
    _atomic_file.write_atomically(path, data, mode, prefix=".export_unlock_codes.", suffix=".tmp")


def file_mode(path: str) -> Optional[int]:
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return None
