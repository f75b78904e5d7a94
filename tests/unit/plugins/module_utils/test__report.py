"""The one failure path of the modules (plugins/module_utils/_report.py), on a real AnsibleModule:
what a failed and a successful result hold, and which errors end a module as a failed task."""

from __future__ import annotations

import pytest

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.edge.snowball.plugins.module_utils import _report
from ansible_collections.edge.snowball.plugins.module_utils._edge.errors import DeviceError
from ansible_collections.edge.snowball.plugins.module_utils._errors import SnowballError
from ansible_collections.edge.snowball.plugins.module_utils._jobs.api import SnowballJobs

from unit.constants import FAKE_CODE
from unit.constants import FAKE_SECRET_KEY

SPEC = {"job_id": {"type": "str"}, "debug_botocore_endpoint_logs": {"type": "bool", "default": False}}


class Api:
    def retry_summary(self):
        return "GetJobUnlockCode: 2 requests for 1 call(s) (1 retried)"


def test_a_failure_keeps_what_the_module_knew_but_its_msg(run_module):
    def main():
        known = {"msg": "half-way", "devices": ["smd-1"]}
        _report.report(AnsibleModule(SPEC), SnowballError("denied", error_code="AccessDenied"), known, api=Api())

    ended = run_module(main, {})
    assert ended.failed
    assert ended.result == {
        "msg": "denied",
        "error_code": "AccessDenied",
        "devices": ["smd-1"],
        "retried": "GetJobUnlockCode: 2 requests for 1 call(s) (1 retried)",
    }


def test_a_success_gets_the_extra_keys_and_the_aws_actions_when_asked(run_module):
    def main():
        module = AnsibleModule(SPEC)
        api = SnowballJobs(None)  # no client: only the calls it counts are read
        for action in ("GetJobUnlockCode", "DescribeJob", "GetJobUnlockCode"):
            api.counter.called(action)
        _report.report(module, None, {"changed": False}, api=api, client_version="1.2")

    ended = run_module(main, {"debug_botocore_endpoint_logs": True})
    assert not ended.failed
    assert ended.result == {
        "changed": False,
        "resource_actions": ["snowball:DescribeJob", "snowball:GetJobUnlockCode"],
        "client_version": "1.2",
    }


def test_run_and_report_fails_a_caught_error_outside_the_except_and_lets_others_through(run_module):
    def work(module, outcome):
        raise SnowballError("check the job id")

    ended = run_module(lambda: _report.run_and_report(AnsibleModule(SPEC), work, _report.Outcome(x=1)), {})
    assert ended.failed and ended.result == {"msg": "check the job id", "x": 1}

    def broken(module, outcome):
        raise ValueError("a bug, not a failure to report")

    with pytest.raises(ValueError):
        run_module(lambda: _report.run_and_report(AnsibleModule(SPEC), broken), {})


def test_a_device_module_hides_a_code_given_as_job_id_and_always_returns_client_version(run_module, monkeypatch):
    for name in ("SUDO_USER", "SUDO_COMMAND"):
        monkeypatch.delenv(name, raising=False)
    modules = []

    def work(module, outcome):
        raise DeviceError("still LOCKED", state="LOCKED")

    def main():
        modules.append(AnsibleModule(SPEC))
        _report.run_device_module(modules[0], work)

    ended = run_module(main, {"job_id": FAKE_CODE})
    assert ended.failed
    assert ended.result == {"msg": "still LOCKED", "state": "LOCKED", "client_version": None, "sudo_io_log": None}
    assert FAKE_CODE in modules[0].no_log_values


def test_a_device_module_under_sudo_that_logs_input_warns_and_reports_it(run_module, monkeypatch, tmp_path):
    """Issue 22 leak 5: the module's pipelined input (the code) is in sudo's I/O log: said, on every ending."""
    monkeypatch.setenv("SUDO_USER", "ansible")
    monkeypatch.setenv("SUDO_COMMAND", "/bin/sh -c python3")
    sudo = tmp_path / "sudo"
    sudo.write_text("#!/bin/sh\necho 'Matching Defaults entries for ansible on edge:'\necho '    log_input'\n")
    sudo.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")

    warned = []
    monkeypatch.setattr(AnsibleModule, "warn", lambda self, text: warned.append(text))

    def work(module, outcome):
        raise DeviceError("still LOCKED", state="LOCKED")

    ended = run_module(lambda: _report.run_device_module(AnsibleModule(SPEC), work), {})
    assert ended.result["sudo_io_log"]["input"] is True
    assert "sudo -l" in ended.result["sudo_io_log"]["seen_in"]
    assert len(warned) == 1 and "I/O log" in warned[0]


def test_a_code_put_in_an_aws_option_is_masked_in_the_result_and_its_invocation(run_module):
    seen = {}
    spec = dict(SPEC, region={"type": "str"}, endpoint_url={"type": "str"}, profile={"type": "str"})

    def main():
        seen["module"] = module = AnsibleModule(spec)
        _report.report(module, SnowballError("region holds something shaped like an unlock code (not shown)"))

    run_module(main, {"region": FAKE_CODE, "endpoint_url": f"https://{FAKE_CODE}", "profile": "site-north"})
    masked = seen["module"].no_log_values
    assert {FAKE_CODE, f"https://{FAKE_CODE}"} <= masked
    assert "site-north" not in masked, "an ordinary profile name stays readable"


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("endpoint", "https://{c}"),
        ("manifest_file", "/srv/{c}/manifest.bin"),
        ("client", "/opt/{n}/snowballEdge"),
        ("cluster_ips", ["192.0.2.1", "{c}"]),
    ],
)
def test_a_device_module_refuses_a_code_in_another_option_and_masks_it(run_module, option, value):
    """device_unlock/device_info quote their endpoint, paths and addresses: a code there is refused
    before the work runs, never repeated, and masked in the invocation."""
    modules, ran = [], []
    spec = dict(SPEC, endpoint={"type": "str"}, manifest_file={"type": "str"}, client={"type": "str"})
    spec["cluster_ips"] = {"type": "list", "elements": "str"}
    forms = {"c": FAKE_CODE, "n": FAKE_CODE.replace("-", "")}
    given = [v.format(**forms) for v in value] if isinstance(value, list) else value.format(**forms)

    def main():
        modules.append(AnsibleModule(spec))
        _report.run_device_module(modules[0], lambda module, outcome: ran.append(1))

    ended = run_module(main, {option: given})
    assert ended.failed and not ran
    assert ended.result["msg"].startswith(f"{option} holds something shaped like an unlock code (not shown)")
    assert FAKE_CODE not in repr(ended.result) and FAKE_CODE.replace("-", "") not in repr(ended.result)
    assert (given[-1] if isinstance(given, list) else given) in modules[0].no_log_values


def test_a_device_module_refuses_a_secret_key_in_another_option_and_masks_it(run_module):
    """A secret access key typed into an option of device_unlock/device_info/device_credentials: refused
    on the edge host too before the work runs, never repeated, masked in the invocation."""
    modules, ran = [], []
    spec = dict(SPEC, aws_profile={"type": "str"})

    def main():
        modules.append(AnsibleModule(spec))
        _report.run_device_module(modules[0], lambda module, outcome: ran.append(1))

    ended = run_module(main, {"aws_profile": FAKE_SECRET_KEY})
    assert ended.failed and not ran
    assert ended.result["msg"].startswith("aws_profile holds something shaped like a secret access key (not shown)")
    assert FAKE_SECRET_KEY not in repr(ended.result) and FAKE_SECRET_KEY in modules[0].no_log_values
