"""A code typed into any documented option of any module, in any of the forms a person types or pastes
it (tests/unit/constants.py TYPED_CODES: a hyphen dropped, doubled, mixed, spaced, encoded), is refused
by the action plugin on the controller before the module runs, and no part of it is in the result.
unlock_code itself refuses a value that is not a code exactly as AWS writes it. The modules' options are
read from their documentation, so a new option is covered without touching this test (issue 21: the
code's shape needed one separator throughout, so a dropped hyphen passed every misplaced-code check)."""

from __future__ import annotations

import pytest

from ansible.parsing.vault import VaultSecret

from ansible_collections.edge.snowball.plugins.module_utils._secret import SECRET_OPTIONS

from unit.constants import FAKE_CODE
from unit.constants import INNOCENT_TEXTS
from unit.constants import TYPED_CODES
from unit.plugins.action.test_nul_in_any_option import CASES
from unit.plugins.action.test_nul_in_any_option import REQUIRED

#: eks_anywhere_credentials' device fields hold random keys and PEM text: its own check covers them.
SKIPPED = {("eks_anywhere_credentials", "devices")}
#: AWS secrets are no_log options whose random values may hold a run of 25 by chance: never refused.
AWS_SECRETS = {case[1] for case in CASES if {case[1], *case[2].get("aliases", [])} & SECRET_OPTIONS}
STRING_CASES = [
    case
    for case in CASES
    if (case[0], case[1]) not in SKIPPED and case[1] not in AWS_SECRETS and case[2].get("type") != "bool"
]


def _value(spec, form):
    if spec.get("type") == "list":
        return ["192.0.2.1", form]
    if spec.get("type") == "dict":
        return {"key": form}
    return form


@pytest.mark.parametrize(
    ("module", "option", "spec"), STRING_CASES, ids=[f"{case[0]}-{case[1]}" for case in STRING_CASES]
)
def test_every_typed_form_of_a_code_in_the_option_is_refused_unshown(
    module, option, spec, action_plugin, assert_no_code, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # a path option not refused would be written here
    for form in TYPED_CODES:
        if option == "unlock_code" and form.strip() in (FAKE_CODE, FAKE_CODE.upper()):
            continue  # the one option a code belongs in
        plugin = action_plugin(module, {**REQUIRED[module], option: _value(spec, form)})
        plugin._loader.set_vault_secrets([("default", VaultSecret(b"unit-test vault password"))])
        result = plugin.run(task_vars={})
        assert result.get("failed") is True, (form, result)
        plugin._execute_module.assert_not_called()
        assert_no_code(result)
        for group in FAKE_CODE.split("-")[1:4]:
            assert group not in str(result).replace(FAKE_CODE, ""), (form, result)
        assert option.rstrip("s") in result["msg"] or option == "unlock_code", (form, result["msg"])
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("module", "option", "spec"), STRING_CASES, ids=[f"{case[0]}-{case[1]}" for case in STRING_CASES]
)
def test_ordinary_values_near_the_shape_are_not_refused_as_a_code(
    module, option, spec, action_plugin, tmp_path, monkeypatch
):
    """A path of five-letter words or a numbered series of hosts is not a code (issue 21: such paths
    were refused as "shaped like an unlock code" in every option)."""
    monkeypatch.chdir(tmp_path)
    for text in INNOCENT_TEXTS:
        plugin = action_plugin(module, {**REQUIRED[module], option: _value(spec, text)})
        plugin._loader.set_vault_secrets([("default", VaultSecret(b"unit-test vault password"))])
        result = plugin.run(task_vars={})
        message = str(result.get("msg", ""))
        assert "shaped like an unlock code" not in message and "looks like an unlock code" not in message, (
            text,
            result,
        )
