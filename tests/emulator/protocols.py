"""Make botocore speak Smithy RPC v2 CBOR to Snowball.

botocore prefers AWS JSON 1.1 whenever a service model offers both protocols
(``PRIORITY_ORDERED_SUPPORTED_PROTOCOLS`` lists ``json`` first), so with the
stock model every Snowball call goes out as JSON. To exercise the CBOR wire
format end to end, tests point ``AWS_DATA_PATH`` at a copy of the installed
model that offers CBOR only. The copy is made from whatever botocore is
installed, so it stays in step with it.
"""

from __future__ import annotations

import json
import pathlib

import botocore
from botocore.loaders import create_loader


def botocore_supports_cbor() -> bool:
    try:
        from botocore.parsers import PROTOCOL_PARSERS
    except ImportError:
        return False
    return "smithy-rpc-v2-cbor" in PROTOCOL_PARSERS


def cbor_model_path(directory: pathlib.Path | str) -> pathlib.Path:
    """Write a CBOR-only Snowball model under ``directory``; return the AWS_DATA_PATH to use."""
    if not botocore_supports_cbor():
        raise RuntimeError(f"botocore {botocore.__version__} cannot speak Smithy RPC v2 CBOR")
    loader = create_loader()
    model = loader.load_service_model("snowball", "service-2")
    model["metadata"]["protocol"] = "smithy-rpc-v2-cbor"
    model["metadata"]["protocols"] = ["smithy-rpc-v2-cbor"]
    root = pathlib.Path(directory) / "botocore-data-cbor"
    target = root / "snowball" / model["metadata"]["apiVersion"] / "service-2.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(model), encoding="utf-8")
    return root
