# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Action plugin for edge.snowball.job_manifest: AWS on the controller, the file on the target.

The edge host needs neither AWS credentials, boto3 nor internet access. On the
controller this plugin checks the job id, calls ``GetJobManifest`` with the
task's AWS options (``module_defaults`` included), and downloads the manifest
from the presigned URI into memory, never onto the controller's disk (or reads
``src``, a manifest the user already has). The bytes then go to the target as
``copy`` sends a file: into Ansible's private temporary directory there, whose
path the job_manifest module receives as ``src`` and from which it writes
``dest`` atomically. The temporary directory is removed after the task.

With ``require_pipelining`` (the role sets it) it refuses, before any AWS call or anything written on
the target, when pipelining is not in effect for the task: the device_unlock task that follows would
be refused for it (plugin_utils/secrets_guard.py decides both).

The presigned URI lets anyone download the manifest for an hour: it is never
shown, only its host.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import time
from urllib.error import HTTPError
from urllib.error import URLError
from urllib.parse import urlsplit

from ansible.module_utils.urls import open_url

from ansible_collections.edge.snowball.plugins.module_utils._aws.client import connect
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._jobs.api import SnowballJobs
from ansible_collections.edge.snowball.plugins.module_utils._jobs.manifest_spec import job_manifest_argument_spec
from ansible_collections.edge.snowball.plugins.module_utils._paths import NotRegularFileError
from ansible_collections.edge.snowball.plugins.module_utils._paths import nul_problem
from ansible_collections.edge.snowball.plugins.module_utils._paths import read_regular
from ansible_collections.edge.snowball.plugins.module_utils._secrets_apart import is_vault_file
from ansible_collections.edge.snowball.plugins.plugin_utils.action_base import SnowballActionBase
from ansible_collections.edge.snowball.plugins.plugin_utils.action_base import validated_args
from ansible_collections.edge.snowball.plugins.plugin_utils.prefork import warm_up_botocore
from ansible_collections.edge.snowball.plugins.plugin_utils.secrets_guard import manifest_pipelining_refusal

# ansible-core's strategy imports this plugin in its main process before forking a worker per
# host: botocore is imported and the Snowball model loaded there, once, not in every worker.
warm_up_botocore()

#: What the module on the target needs; the AWS options, retries and download_timeout stay on the controller.
TARGET_OPTIONS = ("job_id", "dest", "mode", "owner", "group", "backup", "directory_mode")
MAX_MANIFEST = 64 * 1024 * 1024
DOWNLOAD_ATTEMPTS = 3


class ActionModule(SnowballActionBase):
    _own_checks = ("dest", "src")
    _job_id_required = True
    _calls_aws_here = True

    def _act(self, result, task_vars):
        params = self._validated(self._task.args)
        refusal = manifest_pipelining_refusal(self, "job_manifest") if params["require_pipelining"] else None
        if refusal:
            raise SnowballError(refusal)
        job_id = params["job_id"]  # checked by the base class before _act
        manifest = self._read(params["src"], job_id) if params["src"] else self._download(params, job_id)
        try:
            tmpdir = self._connection._shell.tmpdir or self._make_tmp_path()
            remote = self._connection._shell.join_path(tmpdir, "manifest")
            self._transfer_data(remote, manifest)
            self._fixup_perms2((tmpdir, remote))
            module_args = {key: params[key] for key in TARGET_OPTIONS}
            module_args["src"] = remote
            result.update(
                self._execute_module(
                    module_name="edge.snowball.job_manifest", module_args=module_args, task_vars=task_vars
                )
            )
            result["sha256"] = result.get("sha256") or hashlib.sha256(manifest).hexdigest()
        finally:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    @staticmethod
    def _read(src, job_id):
        """The manifest at ``src`` on the controller, read without blocking (a FIFO or a device is refused)."""
        failure = None
        try:
            manifest = read_regular(os.path.realpath(src), MAX_MANIFEST, follow=False)
        except NotRegularFileError as e:
            failure = SnowballError(
                f"src {src} is {e.kind}, not a regular file: give the manifest file of job {job_id}"
            )
        except OSError as e:
            failure = SnowballError(f"cannot read src {src} on the controller: {e.strerror}")
        if failure is not None:
            raise failure
        if is_vault_file(manifest[:64]):
            raise SnowballError(
                f"src {src} is an ansible-vault file (perhaps a codes file of export_unlock_codes), not the manifest"
                f" of job {job_id}: codes and manifests are kept apart. Give the manifest file."
            )
        if not manifest or len(manifest) > MAX_MANIFEST:
            raise SnowballError(
                f"src {src} is empty or larger than {MAX_MANIFEST} bytes: not the manifest of job {job_id}"
            )
        return manifest

    @staticmethod
    def _validated(args):
        params = validated_args(job_manifest_argument_spec(on_controller=True), args)
        for option in ("dest", "src"):
            problem = nul_problem(params[option], option)
            if problem:
                raise SnowballError(problem, error_code="InvalidArguments")
        if params["download_timeout"] < 1:
            raise SnowballError(f"download_timeout must be at least 1 second, got {params['download_timeout']}")
        if not params["dest"] or params["dest"].endswith("/"):
            raise SnowballError(
                f"dest {params['dest']!r} must name the manifest file, for example /srv/snowball/manifest.bin"
            )
        return params

    def _download(self, params, job_id):
        jobs = connect(SnowballJobs, params)
        uri = jobs.manifest_uri(job_id)
        host = urlsplit(uri).hostname or "the manifest URI"
        last = None
        for attempt in range(1, DOWNLOAD_ATTEMPTS + 1):
            try:
                return self._fetch(uri, params)
            except _DownloadError as e:
                last = e
                if not e.transient or attempt == DOWNLOAD_ATTEMPTS:
                    break
                time.sleep(attempt)
        raise SnowballError(
            f"downloading the manifest of job {job_id} from {host} failed: {last}. Nothing was written on the"
            " target. Retry; the download link GetJobManifest gives is valid for 60 minutes.",
            error_code="ManifestDownloadFailed",
        )

    @staticmethod
    def _fetch(uri, params):
        try:
            response = open_url(
                uri,
                method="GET",
                timeout=params["download_timeout"],
                validate_certs=params["validate_certs"],
                ca_path=params.get("aws_ca_bundle"),
                use_proxy=True,
                follow_redirects="safe",
            )
        except HTTPError as e:
            raise _DownloadError(f"HTTP {e.code} {e.reason}", transient=e.code >= 500) from None
        except (URLError, OSError, http.client.HTTPException) as e:
            raise _DownloadError(f"{type(e).__name__}: {getattr(e, 'reason', e)}", transient=True) from None
        expected = response.headers.get("Content-Length")
        try:
            body = response.read(MAX_MANIFEST + 1)
        except http.client.IncompleteRead as e:
            raise _DownloadError(
                f"the connection closed after {len(e.partial)} of {expected or 'an unknown number of'} bytes",
                transient=True,
            ) from None
        except (OSError, http.client.HTTPException) as e:
            raise _DownloadError(f"reading the body failed ({type(e).__name__})", transient=True) from None
        finally:
            response.close()
        if len(body) > MAX_MANIFEST:
            raise _DownloadError(f"the body is larger than {MAX_MANIFEST} bytes, which is no manifest", transient=False)
        if expected is not None and expected.isdigit() and int(expected) != len(body):
            raise _DownloadError(f"got {len(body)} of {expected} bytes (cut off)", transient=True)
        if not body:
            raise _DownloadError("the body was empty", transient=True)
        return body


class _DownloadError(SnowballError):
    def __init__(self, message, transient):
        super().__init__(message)
        self.transient = transient
