# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball; no public API, may change without notice.

"""The one way to AWS: ``connect(api_class, params)`` makes a botocore client for amazon.aws's
connection options (the same documentation fragments describe them), wraps it in amazon.aws's
retry wrapper with the class's backoff, and returns the api (``_aws/api.py``'s AwsApi: the job
API, Snow Device Management).

botocore alone, not boto3: amazon.aws's ``AnsibleAWSModule`` imports boto3 and s3transfer, about
as much CPU as a whole ``ping`` task (190 ms against 54 ms for ``ansible.module_utils.basic``).
Every client made in one process shares one botocore data loader (model, endpoint rules and
partitions read once, about 40 ms per client otherwise); ``plugin_utils/prefork.py`` fills it
before ansible-core forks a worker per host.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import Optional
from typing import Type
from typing import TypeVar

from ansible.module_utils.ansible_release import __version__ as ansible_version

try:
    import botocore
    import botocore.config
    import botocore.session

    HAS_BOTOCORE = True
except ImportError:
    HAS_BOTOCORE = False

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper

from ansible_collections.edge.snowball.plugins.module_utils._aws.api import AwsApi
from ansible_collections.edge.snowball.plugins.module_utils._aws.options import DEFAULT_RETRIES
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._secret import misplaced_code_refusal

#: Options whose value botocore and this collection's messages quote (a region or endpoint that does
#: not answer, a profile that is not found): a code put there by mistake is refused, never repeated.
QUOTED_OPTIONS = ("region", "endpoint_url", "profile")

ApiT = TypeVar("ApiT", bound=AwsApi)

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


def _create_kwargs(params: Dict[str, Any], max_pool_connections: int) -> Dict[str, Any]:
    """botocore's ``create_client`` arguments for amazon.aws's connection options."""
    keys = {
        "aws_access_key_id": params.get("access_key") or None,
        "aws_secret_access_key": params.get("secret_key") or None,
        "aws_session_token": params.get("session_token") or None,
    }
    if params.get("profile") and any(keys.values()):
        raise SnowballError("Passing both a profile and access tokens is not supported.")
    verify: Any = params.get("validate_certs", True)
    if verify and params.get("aws_ca_bundle"):
        verify = params["aws_ca_bundle"]
    return dict(
        keys,
        region_name=params.get("region") or None,
        endpoint_url=params.get("endpoint_url") or None,
        verify=verify,
        config=_client_config(params.get("aws_config"), max_pool_connections),
    )


def make_client(service: str, title: str, params: Dict[str, Any], max_pool_connections: int = 10) -> Any:
    """A botocore client of ``service`` for amazon.aws's connection options (module params, or a
    plugin's ``get_options()``). Every failure is a SnowballError: bad options, and a client that
    cannot be made (bad region, endpoint_url, profile...) with the option to fix; ``title`` names
    the service for people."""
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
    failure = None
    try:
        kwargs = _create_kwargs(params, max_pool_connections)
        return shared_session(params.get("profile") or None).create_client(service, **kwargs)
    except (botocore.exceptions.BotoCoreError, ValueError) as e:
        from ansible_collections.edge.snowball.plugins.module_utils._aws.errors import client_creation_error

        failure = client_creation_error(e, title)
    raise failure


def connect(api_class: Type[ApiT], params: Dict[str, Any], max_pool_connections: int = 0, **kwargs: Any) -> ApiT:
    """The one way to AWS: ``api_class`` (an ``AwsApi``: SnowballJobs, ManagedDevices) on a client
    from ``make_client``, wrapped in amazon.aws's retry wrapper with the class's backoff for
    ``retries`` (checked first). ``max_pool_connections`` defaults to the class's ``POOL``;
    ``kwargs`` go to the class. What it calls is the api's ``resource_actions()``."""
    retry = api_class.backoff(params.get("retries", DEFAULT_RETRIES))
    client = make_client(api_class.SERVICE, api_class.TITLE, params, max_pool_connections or api_class.POOL)
    return api_class(
        RetryingBotoClientWrapper(client, retry),
        region=client.meta.region_name,
        endpoint=params.get("endpoint_url") or None,
        **kwargs,
    )
