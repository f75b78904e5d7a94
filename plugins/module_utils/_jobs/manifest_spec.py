# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball; no public API, may change without notice.

"""The options of edge.snowball.job_manifest, shared by its action plugin (controller) and module (target)."""

from __future__ import annotations

from typing import Any
from typing import Dict

from ansible_collections.edge.snowball.plugins.module_utils._aws.options import DEFAULT_RETRIES
from ansible_collections.edge.snowball.plugins.module_utils._aws.options import aws_argument_spec


def job_manifest_argument_spec(on_controller: bool) -> Dict[str, Any]:
    """``dest`` is a path on the target: on the controller it is only checked, never expanded there."""
    spec = aws_argument_spec()
    spec.update(
        job_id=dict(type="str", required=True),
        dest=dict(type="str" if on_controller else "path", required=True),
        mode=dict(type="raw", default="0600"),
        owner=dict(type="str"),
        group=dict(type="str"),
        backup=dict(type="bool", default=False),
        directory_mode=dict(type="raw"),
        # On the controller: a manifest the user already has. On the target: the copy the action
        # plugin put in Ansible's temporary directory there.
        src=dict(type="path"),
        retries=dict(type="int", default=DEFAULT_RETRIES),
        download_timeout=dict(type="int", default=60),
        # Controller only: refuse unless pipelining is in effect (the role's device_unlock needs it).
        require_pipelining=dict(type="bool", default=False),
    )
    return spec
