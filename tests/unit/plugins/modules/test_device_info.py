"""device_info's services (plugins/modules/device_info.py): list-services, then describe-service for
each, reduced to service_id, state and endpoints; asked of the device at the endpoint only."""

from __future__ import annotations

from ansible_collections.edge.snowball.plugins.modules import device_info

S3 = {
    "ServiceId": "s3",
    "Status": {"State": "ACTIVE"},
    "Endpoints": [
        {"Host": "192.0.2.10", "Port": 8080, "Protocol": "http", "Description": "s3 adapter"},
        {
            "Host": "192.0.2.10",
            "Port": 8443,
            "Protocol": "https",
            "CertificateAssociation": {"CertificateArn": "arn:aws:snowball-device:::certificate/1"},
            "Description": "s3 adapter",
        },
    ],
}


class Answers:
    """The JSON answers of an EdgeClient (``query``), by command and arguments; the calls it got."""

    def __init__(self, answers):
        self.answers = answers
        self.calls = []

    def query(self, command, timeout, args=(), cluster=True):
        self.calls.append((command, tuple(args), cluster))
        return self.answers[(command, tuple(args))]


def test_each_service_with_its_state_and_endpoints():
    client = Answers(
        {
            ("list-services", ()): {"ServiceIds": ["s3", "sts"]},
            ("describe-service", ("--service-id", "s3")): S3,
            ("describe-service", ("--service-id", "sts")): {"ServiceId": "sts", "Status": {"State": "INACTIVE"}},
        }
    )
    assert device_info.services(client, 10) == [
        {
            "service_id": "s3",
            "state": "ACTIVE",
            "endpoints": [
                {"host": "192.0.2.10", "port": 8080, "protocol": "http", "certificate_arn": None},
                {
                    "host": "192.0.2.10",
                    "port": 8443,
                    "protocol": "https",
                    "certificate_arn": "arn:aws:snowball-device:::certificate/1",
                },
            ],
        },
        {"service_id": "sts", "state": "INACTIVE", "endpoints": []},
    ]
    # the device at the endpoint: never with a cluster's --device-ip-addresses
    assert all(cluster is False for _command, _args, cluster in client.calls)


def test_a_device_without_services_and_odd_entries_give_what_is_there():
    client = Answers(
        {
            ("list-services", ()): {"ServiceIds": ["ec2", 7]},
            ("describe-service", ("--service-id", "ec2")): {"Endpoints": ["odd", {"Port": 8243}]},
        }
    )
    assert device_info.services(client, 10) == [
        {
            "service_id": "ec2",
            "state": None,
            "endpoints": [{"host": None, "port": 8243, "protocol": None, "certificate_arn": None}],
        }
    ]
    assert device_info.services(Answers({("list-services", ()): {}}), 10) == []
