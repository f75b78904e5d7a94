# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Action plugin for edge.snowball.export_unlock_codes: everything happens on the controller.

Every job id is checked first (no request for a bad one), and a vault secret must be loaded
before any call. The codes are fetched as the unlock_code lookup fetches them
(module_utils/_jobs/codes.py), encrypted in memory with the play's own vault secrets, and
written atomically as one vault file (plugin_utils/vaulted_codes.py): the clear text never
reaches a disk, not even a temporary file. No module runs on any host.

The result holds job ids, never a code; it is censored like job_unlock_code's anyway (the task
handled codes), and ``register`` still gets every key.
"""

from __future__ import annotations

import os

from ansible.utils.display import Display

from ansible_collections.edge.snowball.plugins.module_utils._aws.client import connect
from ansible_collections.edge.snowball.plugins.module_utils._aws.options import DEFAULT_CONCURRENCY
from ansible_collections.edge.snowball.plugins.module_utils._aws.options import DEFAULT_RETRIES
from ansible_collections.edge.snowball.plugins.module_utils._aws.options import aws_argument_spec
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._jobs.api import SnowballJobs
from ansible_collections.edge.snowball.plugins.module_utils._jobs.codes import fetch_unlock_codes
from ansible_collections.edge.snowball.plugins.module_utils._paths import missing_directories
from ansible_collections.edge.snowball.plugins.module_utils._paths import not_regular
from ansible_collections.edge.snowball.plugins.module_utils._paths import nul_problem
from ansible_collections.edge.snowball.plugins.module_utils._paths import shown
from ansible_collections.edge.snowball.plugins.module_utils._paths import vars_directory
from ansible_collections.edge.snowball.plugins.module_utils._secrets_apart import manifest_beside
from ansible_collections.edge.snowball.plugins.plugin_utils.action_base import SnowballActionBase
from ansible_collections.edge.snowball.plugins.plugin_utils.action_base import validated_args
from ansible_collections.edge.snowball.plugins.plugin_utils.prefork import warm_up_botocore
from ansible_collections.edge.snowball.plugins.plugin_utils.secrets_guard import debug_refusal
from ansible_collections.edge.snowball.plugins.plugin_utils.vaulted_codes import codes_problem
from ansible_collections.edge.snowball.plugins.plugin_utils.vaulted_codes import encrypt_codes
from ansible_collections.edge.snowball.plugins.plugin_utils.vaulted_codes import encrypt_secret
from ansible_collections.edge.snowball.plugins.plugin_utils.vaulted_codes import file_mode
from ansible_collections.edge.snowball.plugins.plugin_utils.vaulted_codes import loaded_secrets
from ansible_collections.edge.snowball.plugins.plugin_utils.vaulted_codes import read_codes_file
from ansible_collections.edge.snowball.plugins.plugin_utils.vaulted_codes import write_atomically

# Imported by ansible-core's strategy in its main process before it forks: load botocore there once.
warm_up_botocore()

FILE_MODE = 0o600
DIRECTORY_MODE = 0o700


def argument_spec():
    spec = aws_argument_spec()
    spec.update(
        job_ids=dict(type="list", elements="str", required=True),
        dest=dict(type="path", required=True),
        vault_id=dict(type="str"),
        check_state=dict(type="bool", default=True),
        concurrency=dict(type="int", default=DEFAULT_CONCURRENCY),
        retries=dict(type="int", default=DEFAULT_RETRIES),
    )
    return spec


class ActionModule(SnowballActionBase):
    _own_checks = ("dest",)

    TRANSFERS_FILES = False
    _calls_aws_here = True

    def _act(self, result, task_vars):
        result.update(self._export())
        # The task handled codes: censored like job_unlock_code's result (see its action plugin).
        self._censor(result)
        return result

    def _export(self):
        refusal = debug_refusal("edge.snowball.export_unlock_codes")
        if refusal:
            raise SnowballError(refusal, "DebugOutputOn")
        params = self._validated()
        job_ids = self._job_ids(params)
        # And no request without a way to encrypt the answers.
        vault_id, secret = encrypt_secret(loaded_secrets(self._loader), params["vault_id"])
        # Every decision about dest is made on its real path (every link in it resolved), before any request.
        dest = self._dest(params["dest"])
        real = os.path.realpath(dest)
        existing = self._existing(dest, real)
        self._refuse_manifests_beside(dest, real)
        codes, retried = self._fetch(params, job_ids)
        problem = codes_problem(codes)
        if problem:
            raise SnowballError(
                f"a code AWS returned cannot be used at the site: {problem}, and device_unlock would refuse it."
                " Nothing was written.",
                "UnexpectedUnlockCode",
            )
        result = {"changed": False, "dest": dest, "job_ids": job_ids}
        if retried:
            result["retried"] = retried
        # The same codes under the same identity (vault id and secret) need no new encryption.
        identity = (vault_id, secret)
        same = existing is not None and existing.codes == codes and (existing.vault_id, existing.secret) == identity
        if same and file_mode(real) == FILE_MODE:
            return result
        result["changed"] = True
        if self._task.check_mode:
            return result
        if same:
            os.chmod(real, FILE_MODE)
            return result
        self._write(real, encrypt_codes(codes, vault_id, secret))
        return result

    @staticmethod
    def _job_ids(params):
        """The distinct job ids; before anything else: no request, no file, for any bad id."""
        job_ids = list(dict.fromkeys(params["job_ids"]))  # each checked by the base class before _act
        if not job_ids:
            raise SnowballError("job_ids is empty: give the job id of every device the site will unlock", "NoJobIds")
        return job_ids

    @staticmethod
    def _fetch(params, job_ids):
        """``({job_id: code}, which calls were retried or None)``."""
        workers = min(params["concurrency"], len(job_ids))
        jobs = connect(SnowballJobs, params, max_pool_connections=max(10, workers))
        failure = None
        try:
            codes = fetch_unlock_codes(jobs, job_ids, workers, params["check_state"])
        except SnowballError as e:
            failure = e
        retried = jobs.retry_summary()
        if retried:
            Display().vvv(f"export_unlock_codes retried: {retried}")
        if failure is not None:
            raise failure
        return codes, retried

    def _validated(self):
        params = validated_args(argument_spec(), self._task.args)
        if params["concurrency"] < 1:
            raise SnowballError(f"concurrency must be at least 1, got {params['concurrency']}", "InvalidArguments")
        return params

    def _dest(self, dest):
        if not dest or dest.endswith(os.sep):
            raise SnowballError(
                f"dest {dest!r} must name the codes file, for example /media/site-usb/codes.vault.yml", "InvalidDest"
            )
        problem = nul_problem(dest, "dest")
        if problem:
            raise SnowballError(problem, "InvalidDest")
        dest = self._loader.path_dwim(os.path.expanduser(dest))
        if os.path.isdir(dest):
            raise SnowballError(f"dest {dest} is a directory: name the codes file inside it", "InvalidDest")
        folder = vars_directory(dest)
        if folder:
            through = (
                ""
                if folder in dest.split(os.sep)
                else f" once its links are resolved ({shown(os.path.realpath(dest))})"
            )
            raise SnowballError(
                f"dest {dest} is inside a {folder} directory{through}: Ansible loads every file there as inventory"
                " variables (decrypting it with the vault password), so ansible-inventory --list or hostvars"
                " would show every code in clear. Choose a directory of its own, for example"
                " /media/site-usb/codes.vault.yml.",
                "InvalidDest",
            )
        kind = not_regular(dest)
        if kind:
            raise SnowballError(
                f"dest {dest} is {kind}, not a codes file: it is never opened nor replaced. Choose another dest.",
                "InvalidDest",
            )
        links = os.stat(dest).st_nlink if os.path.exists(dest) else 1
        if links > 1:
            raise SnowballError(
                f"dest {dest} has {links} hard links: another name of the same file (perhaps inside group_vars or"
                " a manifests directory) would keep the codes. Remove the other links, or choose another dest.",
                "InvalidDest",
            )
        return dest

    @staticmethod
    def _refuse_manifests_beside(dest, real):
        """AWS's advice, enforced: never the codes where the manifests are."""
        manifest = manifest_beside(os.path.dirname(real), real)
        if manifest:
            raise SnowballError(
                f"refusing to put the codes file {dest} beside the manifest {shown(manifest)}: whoever holds both can unlock"
                " the devices (AWS advises keeping them apart). Choose a directory without manifests for dest, on"
                " another medium.",
                "CodesBesideManifests",
            )

    def _existing(self, dest, real):
        """The codes file already at dest (a CodesFile), or None when there is no dest yet. A dest that
        is something else (not a vault file, damaged, another password, not written by this module) is
        never overwritten."""
        if not os.path.lexists(real):
            return None
        failure = None
        try:
            existing = read_codes_file(dest, loaded_secrets(self._loader))  # read at its real path
            if existing.ours:
                return existing
            failure = SnowballError(
                f"{dest} decrypts to job ids and codes, but export_unlock_codes did not write it (its clear text"
                " does not start with the line this module writes).",
                "NotACodesFile",
            )
        except SnowballError as e:
            failure = e
        raise SnowballError(
            f"{failure.message} Refusing to overwrite {dest}: remove it first (or choose another dest).",
            failure.error_code,
        )

    def _write(self, dest, data):
        """The missing directories (each 0700), then dest atomically; on failure, nothing is left:
        not the temporary file, nor a directory made for it."""
        created = []
        try:
            for directory in missing_directories(os.path.dirname(dest)):
                os.mkdir(directory, DIRECTORY_MODE)
                created.append(directory)
                os.chmod(directory, DIRECTORY_MODE)  # whatever the umask
            write_atomically(dest, data, FILE_MODE)
        except OSError as e:
            for directory in reversed(created):
                try:
                    os.rmdir(directory)
                except OSError:
                    pass
            raise SnowballError(
                f"cannot write the codes file {dest} on the controller: {e.strerror}. Nothing was written; check"
                " the directory exists and is writable.",
                "CodesFileUnwritable",
            ) from None
