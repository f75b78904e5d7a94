"""A NUL byte in any documented option of any module is refused by its action plugin on the controller,
naming the option, before the module runs or any request is made: ansible-core 2.20 otherwise fails the
module with "Failed to log to syslog (embedded null character)", naming neither (the newest column of
CI failed so on device_unlock's endpoint). The modules' options are read from their documentation, as
``ansible-doc`` shows them, so a new option is covered without touching this test."""

from __future__ import annotations

import pathlib

import pytest

from ansible.parsing.vault import VaultSecret
from ansible.plugins.loader import fragment_loader
from ansible.utils.plugin_docs import get_docstring

from emulator.device import FIXED_PEM
from unit.constants import FAKE_CODE
from unit.constants import FAKE_SECRET_KEY

MODULES = pathlib.Path(__file__).resolve().parents[4] / "plugins" / "modules"
JOB = "JID123e4567-e89b-12d3-a456-426655440000"
#: What each module needs besides the option under test (valid values).
REQUIRED = {
    "device_unlock": {"endpoint": "https://192.0.2.10", "manifest_file": "/srv/m.bin", "unlock_code": FAKE_CODE},
    "device_info": {"endpoint": "https://192.0.2.10", "manifest_file": "/srv/m.bin", "unlock_code": FAKE_CODE},
    "device_credentials": {"endpoint": "https://192.0.2.10", "manifest_file": "/srv/m.bin", "unlock_code": FAKE_CODE},
    "job_unlock_code": {"job_id": JOB},
    "job_manifest": {"job_id": JOB, "dest": "/srv/snowball/manifest.bin"},
    "export_unlock_codes": {"job_ids": [JOB], "dest": "/srv/codes.vault.yml"},
    "managed_device_unlock": {"job_ids": [JOB]},
    "managed_device_info": {"job_ids": [JOB]},
    "eks_anywhere_credentials": {
        "devices": [
            {
                "ip": "192.0.2.10",
                "access_key_id": "AKIAUNITTEST00000001",
                "secret_access_key": FAKE_SECRET_KEY,
                "ca_bundle": FIXED_PEM,
            }
        ],
        "credentials_file": "/srv/eksa/credentials",
        "ca_bundles_file": "/srv/eksa/ca-bundles.pem",
    },
}


def options(module):
    doc = get_docstring(str(MODULES / f"{module}.py"), fragment_loader)[0]
    return sorted(doc["options"].items())


CASES = [(module, name, spec) for module in sorted(REQUIRED) for name, spec in options(module)]


def test_every_module_with_an_action_plugin_is_covered():
    with_action = {p.stem for p in (MODULES.parent / "action").glob("*.py") if p.stem != "__init__"}
    assert with_action == set(REQUIRED)


@pytest.mark.parametrize(("module", "option", "spec"), CASES, ids=[f"{case[0]}-{case[1]}" for case in CASES])
def test_a_nul_byte_in_the_option_is_refused_naming_it(module, option, spec, action_plugin, assert_no_code):
    # a job id keeps its length, so its own check (the job id's rules) is the one that speaks
    text = JOB[:10] + "\x00" + JOB[11:] if option.startswith("job_id") else "us-west\x00-2"
    value = [text] if spec.get("type") == "list" else {"key": text} if spec.get("type") == "dict" else text
    plugin = action_plugin(module, {**REQUIRED[module], option: value})
    plugin._loader.set_vault_secrets([("default", VaultSecret(b"unit-test vault password"))])  # export_unlock_codes
    result = plugin.run(task_vars={})
    assert result.get("failed") is True, result
    named = option.rstrip("s")  # "job_id ... at position 11" for an item of job_ids
    assert named in result["msg"] and ("U+0000" in result["msg"] or "NUL byte" in result["msg"]), result["msg"]
    assert "syslog" not in result["msg"]
    plugin._execute_module.assert_not_called()
    assert_no_code(result)
