"""Fixtures shared by the unit tests (plain helpers, with no pytest set-up, live in unit/helpers.py)."""

from __future__ import annotations

from unittest import mock

import pytest

from ansible_collections.edge.snowball.plugins.module_utils import botocore_client
from unit.helpers import stubbed_client


@pytest.fixture
def stub():
    """A ``botocore.stub.Stubber`` on the Snowball client that modules, the lookup and action plugins
    build through ``botocore_client.snowball_client`` (patched to hand out the stubbed client; the
    patch is ``stub.factory``). Any call not added to it fails; every added response must be used."""
    client, stubber = stubbed_client()
    with mock.patch.object(botocore_client, "snowball_client", return_value=(client, [])) as factory:
        with stubber:
            stubber.factory = factory
            yield stubber
    stubber.assert_no_pending_responses()
