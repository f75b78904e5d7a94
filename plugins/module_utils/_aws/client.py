# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball; no public API, may change without notice.

"""A Snowball client straight from botocore, for modules that must start fast.

amazon.aws's ``AnsibleAWSModule`` imports boto3 (and through it s3transfer), which costs
about as much CPU as a whole ``ping`` task: measured 190 ms to import, against 54 ms for
``ansible.module_utils.basic``. job_unlock_code makes one Snowball call per host, so it builds
its client with botocore alone. The options are amazon.aws's, unchanged (the same
documentation fragments describe them); ``AWSRetry`` and ``RetryingBotoClientWrapper`` still
come from amazon.aws, whose ``retries`` module needs only botocore.

On the controller (the lookup, job_manifest's action plugin) every client made in one process
shares one botocore data loader, so the Snowball model, endpoint rules and partitions are read
and parsed once (about 40 ms per client otherwise). ``plugin_utils/prefork.py`` fills that loader
before ansible-core forks a worker per host (action plugins call it when they are imported, in
the strategy's main process), so the workers inherit botocore already imported and loaded.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

from ansible.module_utils.ansible_release import __version__ as ansible_version

try:
    import botocore
    import botocore.config
    import botocore.session

    HAS_BOTOCORE = True
except ImportError:
    HAS_BOTOCORE = False

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper

from ansible_collections.edge.snowball.plugins.module_utils._aws.options import DEFAULT_RETRIES
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._jobs.api import SnowballJobs
from ansible_collections.edge.snowball.plugins.module_utils._jobs.api import retry_decorator
from ansible_collections.edge.snowball.plugins.module_utils._secret import misplaced_code_refusal

#: Options whose value botocore and this collection's messages quote (a region or endpoint that does
#: not answer, a profile that is not found): a code put there by mistake is refused, never repeated.
QUOTED_OPTIONS = ("region", "endpoint_url", "profile")

#: One data loader per botocore data path (``AWS_DATA_PATH``), shared by every session in the process.
_LOADERS: Dict[Any, Any] = {}


def shared_session(profile: Any) -> Any:
    """A botocore session whose data loader is the process's shared one."""
    session = botocore.session.Session(profile=profile)
    data_path = session.get_config_variable("data_path")
    loader = _LOADERS.get(data_path)
    if loader is None:
        _LOADERS[data_path] = session.get_component("data_loader")
    else:
        session.register_component("data_loader", loader)
    return session


def _client_config(aws_config: Optional[Dict[str, Any]], max_pool_connections: int) -> Any:
    """botocore's client configuration: ours (user agent, pool size) merged with ``aws_config``."""
    config = botocore.config.Config(
        user_agent_extra=f"Ansible/{ansible_version} edge.snowball", max_pool_connections=max_pool_connections
    )
    if aws_config:
        try:
            config = config.merge(botocore.config.Config(**aws_config))
        except TypeError as e:
            raise SnowballError(f"aws_config is not a valid botocore configuration: {e}") from None
    return config


def aws_client(service: str, params: Dict[str, Any], max_pool_connections: int = 10) -> Tuple[Any, List[str]]:
    """A botocore client of ``service`` for amazon.aws's connection options (module params, or a
    plugin's ``get_options()``), and the list that collects the ``service:Operation`` names it
    calls (amazon.aws's ``resource_actions``).

    Raises ``SnowballError`` for bad options, and botocore's own exceptions (``BotoCoreError``,
    ``ValueError``) when the client cannot be made: callers turn those into their messages.
    """
    if not HAS_BOTOCORE:
        raise SnowballError(
            "botocore is required by the Python that calls AWS here (the controller's: every AWS call of"
            " edge.snowball is made there): pip install -r the collection's requirements.txt (boto3 and"
            " botocore >= 1.34.0) into the Python that runs ansible-playbook"
        )
    # A code put in the wrong option: botocore and our messages quote these (region, endpoint, profile).
    refusal = misplaced_code_refusal({option: params.get(option) for option in QUOTED_OPTIONS})
    if refusal:
        raise SnowballError(refusal)
    profile = params.get("profile") or None
    keys = {
        "aws_access_key_id": params.get("access_key") or None,
        "aws_secret_access_key": params.get("secret_key") or None,
        "aws_session_token": params.get("session_token") or None,
    }
    if profile and any(keys.values()):
        raise SnowballError("Passing both a profile and access tokens is not supported.")
    verify: Any = params.get("validate_certs", True)
    if verify and params.get("aws_ca_bundle"):
        verify = params["aws_ca_bundle"]
    config = _client_config(params.get("aws_config"), max_pool_connections)
    endpoint = params.get("endpoint_url") or None
    region = params.get("region") or None
    client = shared_session(profile).create_client(
        service, region_name=region, endpoint_url=endpoint, verify=verify, config=config, **keys
    )
    calls: List[str] = []
    if params.get("debug_botocore_endpoint_logs"):
        client.meta.events.register(
            f"before-parameter-build.{client.meta.service_model.service_id.hyphenize()}",
            lambda model=None, **kwargs: calls.append(f"{service}:{model.name}") if model is not None else None,
        )
    return client, calls


def service_client(
    service: str, title: str, params: Dict[str, Any], max_pool_connections: int = 10
) -> Tuple[Any, List[str]]:
    """``aws_client``, with a client that cannot be made (bad region, endpoint_url, profile...)
    raised as a SnowballError whose message says which option to fix; ``title`` names the service
    for people."""
    failure = None
    try:
        return aws_client(service, params, max_pool_connections)
    except SnowballError:
        raise  # before the botocore clause: botocore may be missing
    except (botocore.exceptions.BotoCoreError, ValueError) as e:
        from ansible_collections.edge.snowball.plugins.module_utils._aws.errors import client_creation_error

        failure = client_creation_error(e, title)
    raise failure


def snowball_client(params: Dict[str, Any], max_pool_connections: int = 10) -> Tuple[Any, List[str]]:
    """A botocore Snowball client for amazon.aws's connection options (module params, or a
    plugin's ``get_options()``), and the list that collects the ``snowball:Operation`` names it
    calls (amazon.aws's ``resource_actions``)."""
    return service_client(SnowballJobs.SERVICE, "Snowball", params, max_pool_connections)


def snowball_jobs(params: Dict[str, Any], max_pool_connections: int = 10) -> Tuple[SnowballJobs, List[str]]:
    """The Snowball calls for amazon.aws's connection options and this collection's ``retries``
    (module params, or a plugin's ``get_options()``; ``retries`` is checked first): a client from
    ``snowball_client`` wrapped in amazon.aws's retry wrapper with ``snowball.retry_decorator``, and
    the list of ``snowball:Operation`` names it calls. The one way every caller gets the job API."""
    retry = retry_decorator(params.get("retries", DEFAULT_RETRIES))
    client, calls = snowball_client(params, max_pool_connections)
    jobs = SnowballJobs(
        RetryingBotoClientWrapper(client, retry),
        region=client.meta.region_name,
        endpoint=params.get("endpoint_url") or None,
    )
    return jobs, calls
