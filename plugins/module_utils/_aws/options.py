# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball; no public API, may change without notice.

"""amazon.aws's AWS options, without importing boto3 or botocore.

``amazon.aws.plugins.module_utils.modules.aws_argument_spec`` returns the same dict, but
importing that module imports boto3 (190 ms per module run). The unit tests check the two
stay equal.
"""

from __future__ import annotations

from typing import Any
from typing import Dict

from ansible.module_utils.basic import env_fallback

#: Retries on top of botocore's own, for every AWS call of this collection.
DEFAULT_RETRIES = 6
#: Calls in flight at once for a fleet, by default, everywhere (the lookup, export_unlock_codes, Snow Device
#: Management's per-device calls): what the fleet benchmark found fastest (docs/performance.md).
DEFAULT_CONCURRENCY = 16


def aws_argument_spec() -> Dict[str, Any]:
    """amazon.aws's ``aws_argument_spec()`` (amazon.aws 10), without importing boto3."""
    return dict(
        access_key=dict(
            aliases=["aws_access_key_id", "aws_access_key"],
            fallback=(env_fallback, ["AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"]),
            no_log=False,
        ),
        secret_key=dict(
            aliases=["aws_secret_access_key", "aws_secret_key"],
            fallback=(env_fallback, ["AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY"]),
            no_log=True,
        ),
        session_token=dict(
            aliases=["aws_session_token"],
            fallback=(env_fallback, ["AWS_SESSION_TOKEN"]),
            no_log=True,
        ),
        profile=dict(aliases=["aws_profile"], fallback=(env_fallback, ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"])),
        endpoint_url=dict(aliases=["aws_endpoint_url"], fallback=(env_fallback, ["AWS_URL"])),
        validate_certs=dict(type="bool", default=True),
        aws_ca_bundle=dict(type="path", fallback=(env_fallback, ["AWS_CA_BUNDLE"])),
        aws_config=dict(type="dict"),
        debug_botocore_endpoint_logs=dict(
            type="bool", default=False, fallback=(env_fallback, ["ANSIBLE_DEBUG_BOTOCORE_LOGS"])
        ),
        region=dict(aliases=["aws_region"], fallback=(env_fallback, ["AWS_REGION", "AWS_DEFAULT_REGION"])),
    )
