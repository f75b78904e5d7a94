#!/usr/bin/python
# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: job_manifest
version_added: 1.0.0
short_description: Put the manifest of an AWS Snowball job on the edge host
description:
  - Gets the job's manifest (C(GetJobManifest), then a download from the link it returns) on the
    B(controller), with the usual AWS options, and writes it to O(dest) on the target host.
  - The target needs neither AWS credentials, boto3 nor internet access. The manifest never touches
    the controller's disk; on the target it passes through Ansible's private temporary directory
    (removed after the task), as with M(ansible.builtin.copy).
  - The file is written atomically (a temporary file in the same directory, flushed to disk, then
    renamed over O(dest)), with mode V(0600) unless O(mode) says otherwise. A failed or cut-off
    download leaves O(dest) as it was.
  - Idempotent. When O(dest) already holds the same bytes the task reports no change.
  - AWS advises never to keep the unlock code where the manifest is. The module refuses to write into a
    directory that holds a file looking like a stored unlock code, a Snowball client profile (which
    holds one), or an ansible-vault file (such as the codes file of M(edge.snowball.export_unlock_codes)).
  - O(job_id) is checked before any call to AWS.
author:
  - edge.snowball maintainers (@edge-snowball)
options:
  job_id:
    description:
      - The id of the Snowball job, C(JID) or C(MID) followed by a lower-case UUID (39 characters).
    type: str
    required: true
  dest:
    description:
      - Path of the manifest file on the target. Its directory must exist, unless O(directory_mode) is set.
    type: path
    required: true
  mode:
    description:
      - Permissions of O(dest), in octal (V('0600')) or symbolic (V(u=rw)) form, as for M(ansible.builtin.file).
    type: raw
    default: '0600'
  owner:
    description: Owner of O(dest). Needs privileges (C(become)) to set.
    type: str
  group:
    description: Group of O(dest).
    type: str
  directory_mode:
    description:
      - Create the missing directories of O(dest), each with this mode (octal V('0700') or symbolic
        V(u=rwx)) and with O(owner) and O(group), as M(ansible.builtin.file) does with C(state=directory).
      - Directories that already exist are never changed (the directory may be V(/tmp) or V(/srv)).
      - Without it, a missing directory is an error.
    type: raw
  backup:
    description: Keep a time-stamped copy of an existing, different O(dest) before replacing it.
    type: bool
    default: false
  src:
    description:
      - A manifest you already have, as a path on the controller (for example one saved from the AWS
        console). It is put on the target instead of downloading the manifest, and AWS is not called.
      - It must be a regular file (a FIFO or a device is refused, never waited on), and not an ansible-vault file.
      - Without it, the manifest is fetched from AWS.
    type: path
  download_timeout:
    description: Seconds the manifest download may stall before it is given up (it is tried 3 times).
    type: int
    default: 60
  require_pipelining:
    description:
      - Refuse, before any AWS call and before anything is written on the target, unless pipelining is in
        effect for this task (the connection's C(pipelining), for example the variable C(ansible_pipelining);
        no C(become_method=su); C(ANSIBLE_KEEP_REMOTE_FILES) off), as M(edge.snowball.device_unlock) requires.
      - Set it when a later task unlocks the device on the same host, so that a run that would be refused there
        stops before the manifest is left on the edge host. The role P(edge.snowball.unlock#role) sets it.
    type: bool
    default: false
    version_added: 2.0.0
extends_documentation_fragment:
  - action_common_attributes
  - action_common_attributes.flow
  - edge.snowball.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - edge.snowball.retries
attributes:
  action:
    details: The AWS call and the download run on the controller.
  check_mode:
    support: full
    details: Downloads the manifest and reports whether O(dest) would change, without writing.
notes:
  - Needs the IAM action C(snowball:GetJobManifest) on the controller's credentials.
seealso:
  - module: edge.snowball.device_unlock
  - module: edge.snowball.job_unlock_code
"""

EXAMPLES = r"""
# Authentication (access_key, secret_key, profile, region, ...) is left out: these run on the
# controller with the usual AWS options, module_defaults or AWS_* environment variables.

- name: Put the job's manifest on the edge host, in a private directory made if missing
  edge.snowball.job_manifest:
    job_id: JID123e4567-e89b-12d3-a456-426655440000
    dest: /srv/snowball/manifest.bin
    directory_mode: "0700"
  register: manifest

- name: Again, keeping a copy of a different manifest already there
  edge.snowball.job_manifest:
    job_id: JID123e4567-e89b-12d3-a456-426655440000
    dest: /srv/snowball/manifest.bin
    backup: true
"""

RETURN = r"""
dest:
  description: Path of the manifest on the target.
  returned: success
  type: str
  sample: /srv/snowball/manifest.bin
sha256:
  description: SHA-256 of the manifest.
  returned: success
  type: str
  sample: 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
size:
  description: Size of the manifest in bytes.
  returned: success
  type: int
  sample: 4108
backup_file:
  description: Path of the copy made of the previous O(dest).
  returned: when O(backup=true) and O(dest) was replaced
  type: str
  sample: /srv/snowball/manifest.bin.2961.2026-11-25@10:00:00~
created_directories:
  description: The directories created for O(dest) (or that would be, in check mode), outermost first.
  returned: when O(directory_mode) is set and a directory was missing
  type: list
  elements: str
  sample: [/srv/snowball]
job_id:
  description: The job the manifest belongs to.
  returned: success
  type: str
  sample: JID123e4567-e89b-12d3-a456-426655440000
"""

import hashlib
import os
import re

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.edge.snowball.plugins.module_utils._atomic_file import write_atomically
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._jobs.manifest_spec import job_manifest_argument_spec
from ansible_collections.edge.snowball.plugins.module_utils._paths import NotRegularFileError
from ansible_collections.edge.snowball.plugins.module_utils._paths import missing_directories
from ansible_collections.edge.snowball.plugins.module_utils._paths import not_regular
from ansible_collections.edge.snowball.plugins.module_utils._paths import read_regular
from ansible_collections.edge.snowball.plugins.module_utils._paths import shown
from ansible_collections.edge.snowball.plugins.module_utils._report import run_and_report
from ansible_collections.edge.snowball.plugins.module_utils._secret import stores_unlock_code
from ansible_collections.edge.snowball.plugins.module_utils._secrets_apart import is_vault_file

CLIENT_PROFILE_KEY = b'"unlockCode"'
SCAN_LIMIT = 64 * 1024
SCAN_FILES = 500


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def stored_code_beside(directory, dest):
    """``(path, what)`` for the first file in ``directory`` that looks like it holds an unlock code,
    or None. Read without blocking: a FIFO or a device is skipped, never waited on."""
    try:
        names = sorted(os.listdir(directory))[:SCAN_FILES]
    except OSError:
        return None
    for name in names:
        path = os.path.join(directory, name)
        if os.path.realpath(path) == os.path.realpath(dest) or name.endswith((".part", "~")):
            continue
        try:
            if os.path.getsize(path) > 1024 * 1024:
                continue
            head = read_regular(path, SCAN_LIMIT)[:SCAN_LIMIT]
        except (NotRegularFileError, OSError):
            continue
        if is_vault_file(head):
            return path, "is an ansible-vault file (perhaps the codes file of edge.snowball.export_unlock_codes)"
        if CLIENT_PROFILE_KEY in head or stores_unlock_code(head):
            return path, "looks like a stored unlock code (or a Snowball client profile, which holds one)"
    return None


def octal_mode(mode):
    """The mode as an int when it is numeric; None when symbolic (applied afterwards)."""
    if isinstance(mode, int):
        return mode
    text = str(mode)
    if re.fullmatch(r"0?[0-7]{3,4}", text):
        return int(text, 8)
    return None


def make_directories(module, paths):
    """Create each directory private, then give it directory_mode, owner and group."""
    params = module.params
    for path in paths:
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            if os.path.isdir(path):
                continue  # created meanwhile by someone else: not ours to change
            raise SnowballError(f"cannot create the directory {path}: a file of that name is in the way.") from None
        except OSError as e:
            raise SnowballError(f"cannot create the directory {path}: {e.strerror}.") from None
        file_args = module.load_file_common_arguments(
            dict(path=path, mode=params["directory_mode"], owner=params["owner"], group=params["group"])
        )
        module.set_fs_attributes_if_different(file_args, True)


def read_staged_manifest(module):
    """The manifest the action plugin copied to the target (``src``)."""
    src = module.params["src"]
    if not src or not os.path.isfile(src):
        raise SnowballError("job_manifest must run through its action plugin (edge.snowball.job_manifest).")
    with open(src, "rb") as handle:
        return handle.read()


def check_directory(module, dest, result):
    """Refuse a dest that cannot or must not hold the manifest; create missing directories when
    ``directory_mode`` is set. True when the task ends here (check mode, directories to create)."""
    directory = os.path.dirname(dest)
    if os.path.isdir(dest):
        raise SnowballError(f"dest {dest} is a directory; give the file name, for example {dest}/manifest.bin")
    kind = not_regular(dest)
    if kind:
        raise SnowballError(f"dest {dest} is {kind}, not a file the manifest may replace; choose another dest.")
    missing = missing_directories(directory)
    if missing and create_missing_directories(module, directory, missing, result):
        return True
    if not module.check_mode and not os.access(directory, os.W_OK | os.X_OK):
        raise SnowballError(
            f"the directory {directory} is not writable by the user the task runs as; use become or another dest."
        )
    stored = stored_code_beside(directory, dest)
    if stored:
        raise SnowballError(
            f"refusing to put the manifest in {directory}: {shown(stored[0])} {stored[1]}. AWS advises never to keep the"
            " code where the manifest is; move that file or choose another directory for dest."
        )
    return False


def create_missing_directories(module, directory, missing, result):
    """Only with ``directory_mode``. True in check mode: the change is reported, nothing more is done."""
    if module.params["directory_mode"] is None:
        if module.check_mode:
            # A task before this one (ansible.builtin.file) would usually have created it.
            module.warn(
                f"the directory {directory} does not exist yet; writing the manifest would fail unless it is"
                " created first (or directory_mode is set)"
            )
            result["changed"] = True
            return True
        raise SnowballError(
            f"the directory {directory} does not exist on the target; set directory_mode (for example"
            " '0700') to create it, or create it first (ansible.builtin.file with state=directory)."
        )
    result.update(changed=True, created_directories=missing)
    if module.check_mode:
        return True
    make_directories(module, missing)
    return False


def write_manifest(module, dest, content, result):
    """Write dest unless it already holds the manifest (backup first if asked), then apply mode,
    owner and group."""
    params = module.params
    if not (os.path.isfile(dest) and sha256_of(dest) == result["sha256"]):
        result["changed"] = True
        if not module.check_mode:
            if params["backup"] and os.path.exists(dest):
                result["backup_file"] = module.backup_local(dest)
            mode = octal_mode(params["mode"])
            try:
                write_atomically(dest, content, 0o600 if mode is None else mode)
            except OSError as e:
                raise SnowballError(f"could not write {dest}: {e.strerror}. Nothing was changed.") from None
    if os.path.exists(dest):
        file_args = module.load_file_common_arguments(
            dict(path=dest, mode=params["mode"], owner=params["owner"], group=params["group"])
        )
        result["changed"] = module.set_fs_attributes_if_different(file_args, result["changed"])


def main():
    argument_spec = job_manifest_argument_spec(on_controller=False)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_and_report(module, place_manifest)


def place_manifest(module, outcome):
    """The manifest the action plugin staged, put at ``dest`` (the result; SnowballError to fail)."""
    content = read_staged_manifest(module)
    dest = os.path.abspath(module.params["dest"])
    result = dict(
        changed=False,
        dest=dest,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        job_id=module.params["job_id"],
    )
    if not check_directory(module, dest, result):
        write_manifest(module, dest, content, result)
    return result


if __name__ == "__main__":
    main()
