# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: how export_unlock_codes (on the controller) and job_manifest (on the target)
# keep the codes and the manifests in different directories; may change without notice.
# Standard library only.

"""Codes and manifests apart: how each one is recognised in a directory, without reading a secret.

- **A codes file** is an ansible-vault file (its first bytes are ``$ANSIBLE_VAULT;``): what
  export_unlock_codes writes, in every release. Its own mark (plugin_utils/vaulted_codes.py's
  MARKER) is inside the encryption, so a host without the vault password cannot see it; any vault
  file counts, since a manifests directory has no business holding one.
- **A manifest** is a file named after its job (a job id in its name, as prepare-offline.yml's
  ``<job id>.bin``) or with ``manifest`` in its name (AWS's console offers ``<job id>_manifest.bin``,
  job_manifest's examples use ``manifest.bin``). A manifest's bytes are AWS's own binary format, which
  nothing here can recognise; a vault file is never counted as one.
"""

from __future__ import annotations

import os
from typing import Optional

from ansible_collections.edge.snowball.plugins.module_utils._job_id import JOB_ID_IN_TEXT
from ansible_collections.edge.snowball.plugins.module_utils._paths import NotRegularFileError
from ansible_collections.edge.snowball.plugins.module_utils._paths import read_regular

VAULT_HEADER = b"$ANSIBLE_VAULT;"
#: At most this many names are looked at in a directory (a manifests directory holds one per job).
SCAN_FILES = 500


def is_vault_file(head: bytes) -> bool:
    """True when the first bytes of a file are an ansible-vault header (a codes file, perhaps)."""
    return head.lstrip().startswith(VAULT_HEADER)


def is_manifest_name(name: str) -> bool:
    """True when a file called ``name`` is named like a manifest."""
    return "manifest" in name.lower() or JOB_ID_IN_TEXT.search(name) is not None


def manifest_beside(directory: str, dest: str) -> Optional[str]:
    """The first file in ``directory`` (other than ``dest``) that is named like a manifest and is not
    a vault file, or None. FIFOs, devices and unreadable files are skipped, never waited on."""
    try:
        names = sorted(os.listdir(directory))[:SCAN_FILES]
    except OSError:
        return None
    for name in names:
        path = os.path.join(directory, name)
        if os.path.realpath(path) == os.path.realpath(dest) or not is_manifest_name(name):
            continue
        try:
            head = read_regular(path, 64)
        except (NotRegularFileError, OSError):
            continue
        if not is_vault_file(head):
            return path
    return None
