#!/usr/bin/python
# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: device_credentials
version_added: 2.1.0
short_description: The access key, secret key and certificates of an unlocked Snowball Edge device, never shown
description:
  - Runs the Snowball Edge client on the edge host, after the unlock, for what every tool that talks to the
    device needs (the AWS CLI against its S3 or EC2-compatible endpoints, amazon.aws modules with C(endpoint_url),
    EKS Anywhere), C(snowballEdge list-access-keys), C(get-secret-access-key), C(list-certificates) and
    C(get-certificate), and returns them.
  - The result holds the device's secret access key, so it is always censored as with C(no_log), even when the
    task has no C(no_log); register it and use its values in later tasks. Failures hold no key and stay readable.
  - The secret key is never on a command line, in a message (anything shaped like a secret access key in what the
    client prints is masked, also before the module knows the key), or in any file but O(credentials_file), and
    only with O(aws_profile).
  - With O(aws_profile), writes an AWS CLI profile of that name for the user the task runs as, each file
    atomically, every other section and comment of both files kept byte for byte.
  - The unlock code is handled as by M(edge.snowball.device_unlock), through a private temporary client profile.
    The device must be C(UNLOCKED) (M(edge.snowball.device_unlock) first); the client refuses these commands before.
author:
  - edge.snowball maintainers (@edge-snowball)
options:
  access_key_id:
    description:
      - Which of the device's access keys, for example V(AKIAIOSFODNN7EXAMPLE). Default the first that
        C(snowballEdge list-access-keys) lists.
      - 16 to 128 capital letters and digits; anything else is refused without being shown (a secret key typed here
        must not come back in a message).
    type: str
  certificates:
    description:
      - Whether to read the device's certificates (RV(certificates), RV(ca_bundle), and the profile's C(ca_bundle)).
      - The device's HTTPS endpoints use a self-signed certificate, and unlocking it on a new IP address regenerates
        it, so an old CA bundle then fails.
    type: bool
    default: true
  aws_profile:
    description:
      - Write an AWS CLI profile of this name on the edge host, for the user the task runs as.
      - In O(credentials_file), section C([NAME]) with C(aws_access_key_id) and C(aws_secret_access_key) (a
        C(aws_session_token) left there by earlier keys is removed); the file's mode is set to C(0600).
      - In O(config_file), section C([profile NAME]) (C([default]) for V(default)) with C(region = snow) and, with
        O(certificates), C(ca_bundle) set to the absolute path of a PEM file the module writes beside the config
        file, C(snowball-NAME-ca-bundle.pem) (mode C(0644), since certificates are public). A new config file gets mode
        C(0600), an existing one keeps its mode.
      - Idempotent, C(changed) only when something differs (a rotated key, a regenerated certificate, a mode).
        Options and comments of the profile's own sections that this module does not set stay as well.
      - 1 to 64 letters, digits or C(_ . @ + = , -).
    type: str
  credentials_file:
    description:
      - The AWS CLI credentials file to write the profile into.
      - Default C($AWS_SHARED_CREDENTIALS_FILE) on the edge host (the task's C(environment)), else
        C(~/.aws/credentials) (its directory made with mode C(0700) when missing).
    type: path
  config_file:
    description:
      - The AWS CLI config file to write the profile into; the CA bundle file goes beside it.
      - Default C($AWS_CONFIG_FILE) on the edge host, else C(~/.aws/config).
    type: path
  cluster_ips:
    description:
      - Must be left empty. The keys and certificates are those of the one device at O(endpoint); for a cluster, run
        the task for each node with its own endpoint, manifest and code.
    type: list
    elements: str
    default: []
  timeout:
    description: Seconds each client command may take.
    type: int
    default: 120
extends_documentation_fragment:
  - action_common_attributes
  - action_common_attributes.flow
  - edge.snowball.attributes
  - edge.snowball.device
attributes:
  action:
    details: >-
      Checks the task's options, code and pipelining on the controller, and censors the result; the client runs
      on the edge host.
  check_mode:
    support: full
    details: Reads the keys and certificates from the device, writes nothing, and says in RV(msg) what would change.
notes:
  - The task is refused under C(failed_when) or C(until) inside a block with C(rescue) or C(always), which would
    hand the result, secret key included, to C(ansible_failed_result) there.
  - Any option holding something shaped like a secret access key (40 letters, digits, C(/) or C(+)) is refused
    without being shown (also by M(edge.snowball.device_unlock) and M(edge.snowball.device_info)).
seealso:
  - module: edge.snowball.device_unlock
  - module: edge.snowball.device_info
"""

EXAMPLES = r"""
- name: Write the device's profile for the AWS CLI on the edge host (the result is censored)
  edge.snowball.device_credentials:
    endpoint: https://192.0.2.10
    manifest_file: /srv/snowball/manifest.bin
    unlock_code: "{{ lookup('edge.snowball.unlock_code', 'JID123e4567-e89b-12d3-a456-426655440000') }}"
    aws_profile: snowball
# Then, for example: aws s3 ls --profile snowball --endpoint-url https://192.0.2.10:8443
# (the port from edge.snowball.device_info with services: true).

- name: Or keep the values for later tasks of this play
  edge.snowball.device_credentials:
    endpoint: https://192.0.2.10
    manifest_file: /srv/snowball/manifest.bin
    unlock_code: "{{ lookup('edge.snowball.unlock_code', 'JID123e4567-e89b-12d3-a456-426655440000') }}"
  register: device_keys

- name: Put the device's CA bundle (public) where your tool expects it
  ansible.builtin.copy:
    content: "{{ device_keys.ca_bundle }}"
    dest: /srv/snowball/device-ca-bundle.pem
    mode: "0644"
"""

RETURN = r"""
endpoint:
  description:
    - The device endpoint the keys were read from, as given in O(endpoint). With the other values, what
      M(edge.snowball.eks_anywhere_credentials) takes for each device.
  returned: success
  type: str
  sample: https://192.0.2.10
access_key_id:
  description: The device's access key id.
  returned: success
  type: str
  sample: AKIAIOSFODNN7EXAMPLE
secret_access_key:
  description: The device's secret access key for RV(access_key_id). The result is censored; never print it.
  returned: success
  type: str
  sample: "********"
certificates:
  description: The device's certificates, each with its C(arn), C(subject_alternative_names) and C(pem).
  returned: success, with O(certificates)
  type: list
  elements: dict
  sample: [{"arn": "arn:aws:snowball-device:::certificate/78EXAMPLE516EXAMPLEf538EXAMPLEa7",
            "subject_alternative_names": ["192.0.2.10"], "pem": "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n"}]
ca_bundle:
  description: Every certificate's PEM, joined (what C(ca_bundle) or C(AWS_CA_BUNDLE) wants); empty without O(certificates).
  returned: success
  type: str
  sample: "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n"
msg:
  description: What was written, or in check mode what would be (paths and what differs, never a value).
  returned: success, with O(aws_profile)
  type: str
  sample: "credentials file /home/edge/.aws/credentials: [snowball] added; config file /home/edge/.aws/config: unchanged"
client_version:
  description: The Snowball Edge client's version, from C(snowballEdge version); null when the client did not say.
  returned: always
  type: str
  sample: 1.2.0 Build 661
client_failure:
  description:
    - How the client command failed, when the task failed because of it (V(connection), V(refusal) or
      V(unknown); exit status; the stream its words were on). Never holds the client's output.
  returned: when a client command failed
  type: dict
  sample: {"kind": "refusal", "rc": 1, "stream": "stderr"}
"""

import os
import pwd
import stat

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.edge.snowball.plugins.module_utils._atomic_file import write_atomically
from ansible_collections.edge.snowball.plugins.module_utils._atomic_file import write_unnamed_first
from ansible_collections.edge.snowball.plugins.module_utils._edge.aws_cli_files import ACCESS_KEY_ID
from ansible_collections.edge.snowball.plugins.module_utils._edge.aws_cli_files import PEM_BLOCK
from ansible_collections.edge.snowball.plugins.module_utils._edge.aws_cli_files import CredentialsTextError
from ansible_collections.edge.snowball.plugins.module_utils._edge.aws_cli_files import config_section
from ansible_collections.edge.snowball.plugins.module_utils._edge.aws_cli_files import credentials_section
from ansible_collections.edge.snowball.plugins.module_utils._edge.aws_cli_files import parse_secret_access_key
from ansible_collections.edge.snowball.plugins.module_utils._edge.aws_cli_files import profile_name_problem
from ansible_collections.edge.snowball.plugins.module_utils._edge.aws_cli_files import section_header
from ansible_collections.edge.snowball.plugins.module_utils._edge.aws_cli_files import set_section
from ansible_collections.edge.snowball.plugins.module_utils._edge.client import check_device_options
from ansible_collections.edge.snowball.plugins.module_utils._edge.client import device_argument_spec
from ansible_collections.edge.snowball.plugins.module_utils._edge.client import edge_client
from ansible_collections.edge.snowball.plugins.module_utils._edge.errors import DeviceError
from ansible_collections.edge.snowball.plugins.module_utils._edge.version import client_and_version
from ansible_collections.edge.snowball.plugins.module_utils._report import run_device_module
from ansible_collections.edge.snowball.plugins.module_utils._secret import mask

CREDENTIALS_MODE = 0o600
NEW_CONFIG_MODE = 0o600
CA_BUNDLE_MODE = 0o644


def argument_spec():
    spec = device_argument_spec(timeout=120, poll_interval=15)
    del spec["poll_interval"]
    spec.update(
        access_key_id=dict(type="str", no_log=False),  # an id, not a secret (validate-modules asks)
        certificates=dict(type="bool", default=True),
        aws_profile=dict(type="str"),
        credentials_file=dict(type="path"),
        config_file=dict(type="path"),
    )
    return spec


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    run_device_module(module, credentials)


def credentials(module, outcome):
    """The device's key pair and certificates; the profile written (or planned, in check mode)."""
    params = module.params
    check_device_options(params)
    if params["cluster_ips"]:
        raise DeviceError(
            "device_credentials reads one device's keys: leave cluster_ips out and run the task for each node of"
            " the cluster, with that node's endpoint, manifest and code."
        )
    if params["timeout"] < 1:
        raise DeviceError(f"timeout must be at least 1 second, got {params['timeout']}")
    if params["access_key_id"] is not None and not ACCESS_KEY_ID.fullmatch(params["access_key_id"]):
        raise DeviceError(
            "access_key_id must be 16 to 128 capital letters and digits, as list-access-keys prints them (the"
            " value is not shown); leave it out for the device's first key."
        )
    if params["aws_profile"] is not None:
        problem = profile_name_problem(params["aws_profile"])
        if problem:
            raise DeviceError(problem)
    client_path, outcome.extra["client_version"] = client_and_version(params["client"])
    with edge_client(params, client_path) as client:
        try:
            result = read_device(client, params)
            if params["aws_profile"] is not None:
                result.update(write_profile(params, result, module.check_mode))
        except DeviceError as e:
            # What the client said is masked already; a message quoting anything else is masked here.
            e.message = mask(e.message, params["unlock_code"], client.keys)
            e.args = (e.message,)
            raise
    return result


def read_certificates(client, timeout):
    """Every certificate the device lists: its ARN, subject alternative names and PEM."""
    certificates = []
    for entry in client.query("list-certificates", timeout, cluster=False).get("Certificates") or []:
        arn = entry.get("CertificateArn") if isinstance(entry, dict) else None
        if not isinstance(arn, str) or not arn:
            continue
        pem = client.run("get-certificate", timeout, ["--certificate-arn", arn], raw=True, cluster=False)
        blocks = PEM_BLOCK.findall(pem)
        if not blocks:
            raise DeviceError(
                f"snowballEdge get-certificate printed no PEM certificate for {arn} (endpoint {client.endpoint})."
            )
        certificates.append(
            {
                "arn": arn,
                "subject_alternative_names": list(entry.get("SubjectAlternativeNames") or []),
                "pem": "".join(block.replace("\r\n", "\n") + "\n" for block in blocks),
            }
        )
    return certificates


def read_device(client, params):
    timeout = params["timeout"]
    listed = client.query("list-access-keys", timeout, cluster=False).get("AccessKeyIds")
    if not isinstance(listed, list) or not listed or not all(isinstance(key, str) for key in listed):
        raise DeviceError(
            f"snowballEdge list-access-keys listed no access key for endpoint {client.endpoint}; check on the device"
            " (OpsHub, or snowballEdge list-access-keys) that it has one."
        )
    access_key_id = params["access_key_id"] or listed[0]
    if access_key_id not in listed:
        raise DeviceError(
            f"access_key_id {access_key_id} is not one of the device's access keys ({', '.join(listed)}); leave it"
            " out for the first one."
        )
    text = client.run("get-secret-access-key", timeout, ["--access-key-id", access_key_id], raw=True, cluster=False)
    try:
        said_id, secret = parse_secret_access_key(text)
    except CredentialsTextError as e:
        raise DeviceError(
            f"snowballEdge get-secret-access-key did not print the key pair it should for {access_key_id} ({e});"
            " its output is not shown, since it may hold the key. Run the field check and report the client's version."
        ) from None
    client.keys.append(secret)
    if said_id != access_key_id:
        raise DeviceError(
            f"snowballEdge get-secret-access-key answered for another access key than {access_key_id}; try again."
        )
    certificates = read_certificates(client, timeout) if params["certificates"] else []
    return {
        "changed": False,
        "endpoint": client.endpoint,
        "access_key_id": access_key_id,
        "secret_access_key": secret,
        "certificates": certificates,
        "ca_bundle": "".join(entry["pem"] for entry in certificates),
    }


# ---------------------------------------------------------------- the profile
def default_path(option, variable, name):
    """The option (already a path), else the AWS CLI's variable, else its default under the home."""
    path = option or os.environ.get(variable) or os.path.join("~", ".aws", name)
    if path == "~" or path.startswith("~/"):
        # The AWS CLI expands a leading ~ in these variables; the home of the user the task runs as.
        home = os.environ.get("HOME") or pwd.getpwuid(os.getuid()).pw_dir
        path = home + path[1:]
    return os.path.abspath(path)


def read_file(path):
    """(text, mode) of ``path``, or ("", None) when it does not exist; bytes kept (surrogateescape)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return "", None
    except OSError as e:
        raise DeviceError(f"could not read {path}: {e.strerror}; check its permissions for the task's user.") from None
    return data.decode("utf-8", "surrogateescape"), mode


def plan(path, text, mode, label):
    """One file's change: (path, new text, mode, what differs or None)."""
    current, current_mode = read_file(path)
    if current_mode is None:
        return path, text, mode, f"{label} {path}: created"
    what = []
    if current != text:
        what.append("updated")
    if mode != current_mode:
        what.append(f"mode {current_mode:04o} -> {mode:04o}")
    return path, text, mode, f"{label} {path}: {', '.join(what)}" if what else None


def write_profile(params, result, check_mode):
    """Write (or in check mode, plan) the profile's three files; ``changed`` and ``msg``."""
    name = params["aws_profile"]
    credentials_file = os.path.realpath(
        default_path(params["credentials_file"], "AWS_SHARED_CREDENTIALS_FILE", "credentials")
    )
    config_file = os.path.realpath(default_path(params["config_file"], "AWS_CONFIG_FILE", "config"))
    if credentials_file == config_file:
        raise DeviceError(f"credentials_file and config_file are the same file ({config_file}); give two files.")
    changes = []
    ca_bundle_file = None
    if params["certificates"]:
        ca_bundle_file = os.path.join(os.path.dirname(config_file), f"snowball-{name}-ca-bundle.pem")
        changes.append(plan(ca_bundle_file, result["ca_bundle"], CA_BUNDLE_MODE, "CA bundle"))
    current, _mode = read_file(credentials_file)
    text = set_section(current, name, credentials_section(result["access_key_id"], result["secret_access_key"]))
    changes.append(plan(credentials_file, text, CREDENTIALS_MODE, "credentials file"))
    current, mode = read_file(config_file)
    text = set_section(current, section_header("config", name), config_section(ca_bundle_file))
    changes.append(plan(config_file, text, mode if mode is not None else NEW_CONFIG_MODE, "config file"))
    differing = [change for change in changes if change[3]]
    if not check_mode:
        for path, text, mode, _what in differing:
            write(path, text, mode, secret=path == credentials_file)
    said = "; ".join(change[3] for change in differing)
    if not differing:
        msg = f"profile {name} is up to date in {credentials_file} and {config_file}"
    else:
        msg = f"profile {name} {'would be written' if check_mode else 'written'}: {said}"
    return {"changed": bool(differing), "msg": msg}


def write(path, text, mode, secret=False):
    directory = os.path.dirname(path)
    try:
        if not os.path.isdir(directory):
            os.makedirs(directory, mode=0o700)
        # The credentials file (the key) goes through an unnamed file: no other file ever holds the key.
        writer = write_unnamed_first if secret else write_atomically
        writer(path, text.encode("utf-8", "surrogateescape"), mode=mode)
    except OSError as e:
        raise DeviceError(
            f"could not write {path}: {e.strerror}; check that the task's user may write {directory}."
        ) from None


if __name__ == "__main__":
    main()
