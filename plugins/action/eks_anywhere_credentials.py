# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Action plugin for edge.snowball.eks_anywhere_credentials: everything happens on the controller.

The devices' key pairs and certificates (device_credentials' registered results) become the two
files EKS Anywhere reads (plugin_utils/eks_anywhere_files.py). The credentials file goes through
an unnamed file that gets its name only once whole (no other file ever holds a key, also after a
kill); both files have mode 0600. No module runs on any host, and the result, which holds no key,
is censored anyway (the task handled keys), as export_unlock_codes' is.
"""

from __future__ import annotations

import os
import stat

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.edge.snowball.plugins.module_utils._atomic_file import write_unnamed_first
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._paths import missing_directories
from ansible_collections.edge.snowball.plugins.module_utils._paths import not_regular
from ansible_collections.edge.snowball.plugins.module_utils._paths import shown
from ansible_collections.edge.snowball.plugins.module_utils._paths import vars_directory
from ansible_collections.edge.snowball.plugins.module_utils._secret import mask
from ansible_collections.edge.snowball.plugins.module_utils._secret import misplaced_key_refusal
from ansible_collections.edge.snowball.plugins.plugin_utils.action_base import SnowballActionBase
from ansible_collections.edge.snowball.plugins.plugin_utils.eks_anywhere_files import CA_BUNDLES_HEADER
from ansible_collections.edge.snowball.plugins.plugin_utils.eks_anywhere_files import CREDENTIALS_HEADER
from ansible_collections.edge.snowball.plugins.plugin_utils.eks_anywhere_files import ca_bundles_text
from ansible_collections.edge.snowball.plugins.plugin_utils.eks_anywhere_files import credentials_text
from ansible_collections.edge.snowball.plugins.plugin_utils.eks_anywhere_files import devices_from
from ansible_collections.edge.snowball.plugins.plugin_utils.eks_anywhere_files import ours
from ansible_collections.edge.snowball.plugins.plugin_utils.secrets_guard import argument_refusal
from ansible_collections.edge.snowball.plugins.plugin_utils.secrets_guard import debug_refusal

NAME = "edge.snowball.eks_anywhere_credentials"
FILE_MODE = 0o600
DIRECTORY_MODE = 0o700
#: Larger than any file this module writes for a fleet; a larger one is not ours.
READ_LIMIT = 16 * 1024 * 1024


def argument_spec():
    return dict(
        # no_log: the items hold the devices' secret keys (ansible-core masks them by value in any output).
        devices=dict(type="list", elements="raw", required=True, no_log=True),
        credentials_file=dict(type="path", required=True),
        ca_bundles_file=dict(type="path", required=True),
    )


class ActionModule(SnowballActionBase):
    _own_checks = ("credentials_file", "ca_bundles_file")
    # A registered device_credentials result holds PEM text and a random key: devices_from checks the
    # parts that are written and could hold a code by mistake (ip, endpoint, access_key_id).
    _code_checked_by_act = ("devices",)
    # Its arguments hold the devices' keys: every result censored, a failure before _act included.
    _censor_always = True

    TRANSFERS_FILES = False

    def _act(self, result, task_vars):
        printed = argument_refusal(NAME, self._given_no_log)
        refusal = debug_refusal(NAME) or printed
        if refusal:
            raise SnowballError(
                refusal.replace("the unlock code", "the devices' secret keys"), "ArgumentsWouldBePrinted"
            )
        if self._task.loop or self._task.loop_with:
            # ansible-core keeps each loop item in the registered result ("item"), keys included.
            raise SnowballError(
                f"{NAME} refused in a loop: each item would stay in the registered result with its keys. Give every"
                " device in one task's devices list.",
                "Looped",
            )
        result.update(self._write_files(task_vars or {}))
        return result

    def _write_files(self, task_vars):
        params = self._validated()
        devices = devices_from(params["devices"])
        for option in ("credentials_file", "ca_bundles_file"):
            if mask(params[option], keys=[device["secret_access_key"] for device in devices]) != params[option]:
                raise SnowballError(
                    f"{option} holds a device's secret access key (not shown): was the key put in the wrong option?"
                    f" Set {option} to a path of your own, for example /srv/eksa/credentials.",
                    "SecretKeyInWrongOption",
                )
        # The CA bundles file first: it holds no secret, so a failure leaves at most it written.
        paths = {
            "CA bundles file": (self._dest(params["ca_bundles_file"], "ca_bundles_file", task_vars), CA_BUNDLES_HEADER),
            "credentials file": (
                self._dest(params["credentials_file"], "credentials_file", task_vars),
                CREDENTIALS_HEADER,
            ),
        }
        (bundles, _h1), (credentials, _h2) = paths.values()
        if os.path.realpath(credentials) == os.path.realpath(bundles):
            raise SnowballError(
                f"credentials_file and ca_bundles_file are the same file ({credentials}); give two files.",
                "InvalidDest",
            )
        texts = {"credentials file": credentials_text(devices), "CA bundles file": ca_bundles_text(devices)}
        said, writes = [], []
        for label, (path, header) in paths.items():
            what = self._difference(label, path, header, texts[label])
            said.append(f"{label} {path}: {what or 'unchanged'}")
            if what:
                writes.append((label, path, texts[label]))
        if writes and not self._task.check_mode:
            done = []
            for label, path, text in writes:
                self._write(label, path, text, done)
                done.append(f"the {label} {path}")
        ips = [device["ip"] for device in devices]
        verb = "would be written" if self._task.check_mode else "written"
        return {
            "changed": bool(writes),
            "credentials_file": credentials,
            "ca_bundles_file": bundles,
            "devices": ips,
            "msg": f"{len(ips)} device(s) ({', '.join(ips)}) {verb if writes else 'up to date'}: {'; '.join(said)}",
        }

    def _validated(self):
        validated = ArgumentSpecValidator(argument_spec()).validate(dict(self._task.args))
        if validated.error_messages:
            # ansible-core's messages name options and types, never a value of a no_log option.
            raise SnowballError("; ".join(validated.error_messages), "InvalidArguments")
        refusal = misplaced_key_refusal(
            {name: validated.validated_parameters[name] for name in ("credentials_file", "ca_bundles_file")}
        )
        if refusal:
            raise SnowballError(refusal, "SecretKeyInWrongOption")
        return validated.validated_parameters

    def _dest(self, path, option, task_vars):
        if not path or path.endswith(os.sep):
            raise SnowballError(f"{option} {path!r} must name a file, for example /srv/eksa/credentials", "InvalidDest")
        if "\x00" in path:
            raise SnowballError(f"{option} holds a NUL byte (the value is not shown): give a path", "InvalidDest")
        path = self._loader.path_dwim(os.path.expanduser(path))
        if os.path.isdir(path):
            raise SnowballError(f"{option} {path} is a directory: name the file inside it", "InvalidDest")
        folder = vars_directory(path)
        if folder:
            raise SnowballError(
                f"{option} {path} is inside a {folder} directory (once its links are resolved:"
                f" {shown(os.path.realpath(path))}): Ansible would load it as inventory variables. Choose a"
                " directory of its own, for example /srv/eksa.",
                "InvalidDest",
            )
        inventory = self._inventory_directory(path, task_vars)
        if inventory:
            raise SnowballError(
                f"{option} {path} is inside the inventory directory {inventory}: Ansible would parse it as inventory."
                " Choose a directory of its own, for example /srv/eksa.",
                "InvalidDest",
            )
        if os.path.islink(path) and not os.path.exists(path):
            raise SnowballError(
                f"{option} {path} is a link to a file that does not exist: it is not followed (a link planted in a"
                " shared directory would choose where the keys go). Remove the link, or name its target.",
                "InvalidDest",
            )
        kind = not_regular(path)
        if kind:
            raise SnowballError(
                f"{option} {path} is {kind}, not a file: it is never opened nor replaced.", "InvalidDest"
            )
        if os.path.exists(path) and os.stat(path).st_nlink > 1:
            raise SnowballError(
                f"{option} {path} has {os.stat(path).st_nlink} hard links: another name of the same file would keep"
                " the keys. Remove the other links, or choose another file.",
                "InvalidDest",
            )
        return path

    @staticmethod
    def _inventory_directory(path, task_vars):
        """The inventory source directory ``path`` lies in (links resolved), else None."""
        real = os.path.realpath(path)
        sources = task_vars.get("ansible_inventory_sources") or []
        for source in sources if isinstance(sources, (list, tuple)) else [sources]:
            if isinstance(source, str) and os.path.isdir(source):
                directory = os.path.realpath(source)
                if real.startswith(directory.rstrip(os.sep) + os.sep):
                    return directory
        return None

    @staticmethod
    def _difference(label, path, header, text):
        """What writing ``text`` would change at ``path`` (None: nothing); refuses a file not ours."""
        real = os.path.realpath(path)
        try:
            with open(real, "rb") as handle:
                current = handle.read(READ_LIMIT)
            mode = stat.S_IMODE(os.stat(real).st_mode)
        except FileNotFoundError:
            return "created"
        except OSError as e:
            raise SnowballError(f"cannot read the {label} {path}: {e.strerror}.", "DestUnreadable") from None
        if not ours(current, header):
            raise SnowballError(
                f"the {label} {path} was not written by {NAME} (its first line is not the one this module writes):"
                " refusing to replace it. Remove it first, or choose another file.",
                "NotOurFile",
            )
        what = []
        if current != text.encode("ascii"):
            what.append("updated")
        if mode != FILE_MODE:
            what.append(f"mode {mode:04o} -> {FILE_MODE:04o}")
        return ", ".join(what) or None

    @staticmethod
    def _write(label, path, text, done):
        """The missing directories (each 0700), then the file atomically with mode 0600; ``done``: the
        files written before it, for the message."""
        real = os.path.realpath(path)
        created = []
        try:
            for directory in missing_directories(os.path.dirname(real)):
                os.mkdir(directory, DIRECTORY_MODE)
                created.append(directory)
                os.chmod(directory, DIRECTORY_MODE)
            write_unnamed_first(real, text.encode("ascii"), FILE_MODE)
        except OSError as e:
            for directory in reversed(created):
                try:
                    os.rmdir(directory)
                except OSError:
                    pass
            raise SnowballError(
                f"cannot write the {label} {path} on the controller: {e.strerror}; it is unchanged"
                f"{(' (' + ' and '.join(done) + ' was written)') if done else ''}. Check the directory is writable,"
                " then run the task again.",
                "DestUnwritable",
            ) from None
