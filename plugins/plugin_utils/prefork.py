# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Loading botocore once per play on the controller, before ansible-core forks its workers.

ansible-core forks a worker process for every host and task; a lookup, or an action plugin that
calls AWS on the controller (job_manifest, export_unlock_codes), runs in that worker. Each worker
would import botocore and read and parse the Snowball model, endpoint rules and partitions again
(about 0.2 CPU-seconds per host). ansible-core's strategy imports a task's action plugin in its main
process before it forks, so an action plugin that calls ``warm_up_botocore()`` when it is imported
(at module level: that import is the only moment this collection's code runs in the main process
before the fork) leaves botocore imported and the process's shared data loader
(``module_utils/_aws/client.py``) filled, and every worker inherits both.
tests/integration/test_controller_warmup.py proves it: botocore.session is imported once for a
play on several hosts.

Only the action plugins that need it call it: job_unlock_code's stays lean (it never calls AWS on
the controller and must not load botocore).
"""

from __future__ import annotations

from ansible_collections.edge.snowball.plugins.module_utils._aws import client as botocore_client


def warm_up_botocore() -> None:
    """Import botocore and load what a Snowball client needs into the shared loader, without
    credentials, network or any of the user's settings beyond botocore's data path. Best effort:
    any failure only means the first real client does the loading."""
    if not botocore_client.HAS_BOTOCORE:
        return
    try:
        botocore_client.shared_session(None).create_client(
            "snowball", region_name="us-east-1", aws_access_key_id="warm-up", aws_secret_access_key="warm-up"
        )
    except Exception:  # noqa: BLE001 - a warm-up must never break the play; the real client reports errors
        pass
