"""Counting calls and the HTTP requests botocore sent for them (plugins/module_utils/_aws/call_counter.py),
through a real client's event system."""

from __future__ import annotations

import botocore.session

from ansible_collections.edge.snowball.plugins.module_utils._aws.call_counter import CallCounter


def counter():
    client = botocore.session.get_session().create_client(
        "snowball", region_name="us-east-1", aws_access_key_id="AKIAUNITTEST00000000", aws_secret_access_key="x"
    )
    return client, CallCounter(client, "snowball")


def test_no_retry_no_summary():
    client, calls = counter()
    calls.called("GetJobUnlockCode")
    client.meta.events.emit("before-send.snowball.GetJobUnlockCode", request=None)
    assert calls.summary() is None
    assert calls.calls == {"GetJobUnlockCode": 1} and calls.attempts == {"GetJobUnlockCode": 1}


def test_retried_requests_are_summarised_per_operation():
    client, calls = counter()
    calls.called("GetJobUnlockCode")
    calls.called("DescribeJob")
    for _request in range(4):
        client.meta.events.emit("before-send.snowball.GetJobUnlockCode", request=None)
    client.meta.events.emit("before-send.snowball.DescribeJob", request=None)
    assert calls.summary() == "GetJobUnlockCode: 4 requests for 1 call(s) (3 retried)"


def test_another_services_requests_are_not_counted():
    client, calls = counter()
    client.meta.events.emit("before-send.snow-device-management.ListDevices", request=None)
    assert calls.attempts == {}
