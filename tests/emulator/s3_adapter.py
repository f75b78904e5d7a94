"""A simulated device's S3 adapter: a real S3 implementation (moto's server, from PyPI) on the
device's own IP address, over HTTPS with the device's own certificate and key.

A real Snowball Edge device serves S3 on its IP (``describe-service --service-id s3`` lists the
port); its HTTPS endpoint presents the device's self-signed certificate, the one
``get-certificate`` prints. Here the same holds: a client (the AWS CLI, boto3, amazon.aws) that
trusts the CA bundle device_credentials wrote, and signs with the keys it read, talks to moto as
it would talk to the device. moto accepts any signature: this proves the wiring (endpoint, region
``snow``, CA bundle, keys reaching the request), not the device's key checks.

moto keeps one S3 store per process: the adapters of one fleet share their buckets.
"""

from __future__ import annotations

import os
import ssl
import tempfile
import threading
from typing import Any


def available() -> bool:
    """Whether moto's server and cryptography (for the device's key) can be imported here."""
    try:
        import cryptography  # noqa: F401
        import moto.server  # noqa: F401
        import werkzeug.serving  # noqa: F401
    except ImportError:
        return False
    return True


class S3Adapter:
    """moto's S3 on ``device.ip`` (a free port, recorded as ``device.s3_port``), TLS with the device's
    certificate; a regenerated certificate is presented from the next connection on."""

    def __init__(self, device: Any):
        from moto.server import DomainDispatcherApplication
        from moto.server import create_backend_app
        from werkzeug.serving import make_server

        self.device = device
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._generation = -1
        self.reload_certificate()
        app = DomainDispatcherApplication(create_backend_app)
        self._server = make_server(device.ip, 0, app, threaded=True, ssl_context=self._context)
        # werkzeug logs every request to stderr; the tests read ansible-playbook's output, not ours.
        self._server.log = lambda *_args, **_kwargs: None
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"s3-{device.ip}", daemon=True)

    def reload_certificate(self) -> None:
        pem, key = self.device.tls_identity()
        if key is None:
            raise RuntimeError("the device has no private key (cryptography is missing): it cannot serve TLS")
        # ssl loads a chain from files only: a private directory for the moment it takes.
        with tempfile.TemporaryDirectory(prefix="s3-adapter-") as directory:
            certificate_file = os.path.join(directory, "certificate.pem")
            key_file = os.path.join(directory, "key.pem")
            for path, text in ((certificate_file, pem), (key_file, key)):
                with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="ascii") as f:
                    f.write(text)
            self._context.load_cert_chain(certificate_file, key_file)
        self._generation = self.device.certificate_generation

    def start(self) -> S3Adapter:
        self._thread.start()
        self.device.s3_port = self._server.server_port
        return self

    def stop(self) -> None:
        self.device.s3_port = None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
