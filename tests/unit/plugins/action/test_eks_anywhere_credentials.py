"""The action plugin of edge.snowball.eks_anywhere_credentials: EKS Anywhere's two files on the
controller from device_credentials' results. The plugin runs as ansible-core runs it (a real Task,
DataLoader, PlayContext and Templar, the local connection); no module runs."""

from __future__ import annotations

import os
import stat

import pytest

from ansible_collections.edge.snowball.plugins.plugin_utils.eks_anywhere_files import CREDENTIALS_HEADER

from emulator.device import FIXED_PEM
from unit.constants import FAKE_SECRET_KEY

OTHER_KEY = FAKE_SECRET_KEY[::-1]
KEY_ID = "AKIAUNITTEST00000001"


def registered(ip="192.0.2.10", key=FAKE_SECRET_KEY, **extra):
    """What device_credentials registers for one device (censoring is display only)."""
    return dict(
        {
            "changed": False,
            "endpoint": f"https://{ip}",
            "access_key_id": KEY_ID,
            "secret_access_key": key,
            "certificates": [{"arn": "arn:aws:snowball-device:::certificate/1", "pem": FIXED_PEM}],
            "ca_bundle": FIXED_PEM,
            "client_version": "1.2.0 Build 661",
        },
        **extra,
    )


@pytest.fixture
def files(tmp_path):
    return tmp_path / "eksa" / "credentials", tmp_path / "eksa" / "ca-bundles.pem"


@pytest.fixture
def run(action_plugin, files):
    def run(devices, check_mode=False, **args):
        credentials, bundles = files
        options = {"devices": devices, "credentials_file": str(credentials), "ca_bundles_file": str(bundles), **args}
        plugin = action_plugin("eks_anywhere_credentials", options, check_mode=check_mode)
        result = plugin.run(task_vars={})
        plugin._execute_module.assert_not_called()
        return result

    return run


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def no_key(result):
    text = repr(result)
    for key in (FAKE_SECRET_KEY, OTHER_KEY):
        assert key not in text and key.replace("/", "\\/") not in text


def test_writes_both_files_0600_one_section_per_device_ip(run, files):
    result = run([registered("192.0.2.10"), registered("192.0.2.11", OTHER_KEY)])
    credentials, bundles = files
    assert result["changed"] is True and result.get("failed") is not True, result
    assert result["devices"] == ["192.0.2.10", "192.0.2.11"]
    assert result["_ansible_no_log"] is True  # censored: the task handled keys
    no_key(result)
    assert credentials.read_text() == CREDENTIALS_HEADER + (
        f"[192.0.2.10]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {FAKE_SECRET_KEY}\nregion = snow\n"
        f"\n[192.0.2.11]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {OTHER_KEY}\nregion = snow\n"
    )
    text = bundles.read_text()
    assert text.count(FIXED_PEM) == 2 and "# 192.0.2.10\n" in text and "# 192.0.2.11\n" in text
    assert mode(credentials) == mode(bundles) == 0o600
    assert mode(credentials.parent) == 0o700
    assert sorted(os.listdir(credentials.parent)) == ["ca-bundles.pem", "credentials"]  # no temporary file left


def test_idempotent_and_a_rotated_key_or_a_mode_is_a_change(run, files):
    credentials, _bundles = files
    run([registered()])
    assert run([registered()])["changed"] is False
    result = run([registered(key=OTHER_KEY)])
    assert result["changed"] is True and "credentials file" in result["msg"] and "updated" in result["msg"]
    assert OTHER_KEY in credentials.read_text() and FAKE_SECRET_KEY not in credentials.read_text()
    os.chmod(credentials, 0o644)
    result = run([registered(key=OTHER_KEY)])
    assert result["changed"] is True and "mode 0644 -> 0600" in result["msg"]
    assert mode(credentials) == 0o600


def test_a_device_left_out_is_removed(run, files):
    credentials, bundles = files
    run([registered("192.0.2.10"), registered("192.0.2.11", OTHER_KEY)])
    assert run([registered("192.0.2.11", OTHER_KEY)])["devices"] == ["192.0.2.11"]
    assert "192.0.2.10" not in credentials.read_text() and "192.0.2.10" not in bundles.read_text()


def test_check_mode_writes_nothing_and_says_what_would_change(run, files):
    credentials, _bundles = files
    result = run([registered()], check_mode=True)
    assert result["changed"] is True and "would be written" in result["msg"] and "created" in result["msg"]
    assert not credentials.parent.exists()


def test_a_file_it_did_not_write_is_never_replaced(run, files):
    credentials, bundles = files
    credentials.parent.mkdir()
    credentials.write_text("[default]\naws_access_key_id = MINE\n")
    result = run([registered()])
    assert result["failed"] is True and "not written by" in result["msg"] and "Remove it first" in result["msg"]
    assert credentials.read_text() == "[default]\naws_access_key_id = MINE\n" and not bundles.exists()


@pytest.mark.parametrize(
    ("item", "said"),
    [
        ({"skipped": True, "changed": False}, "devices item 1 is the result of a skipped task"),
        (registered(failed=True), "devices item 1 is the result of a failed task"),
        (registered(key="not-a-key"), "devices item 1 (192.0.2.10) has no secret_access_key of the shape"),
        (registered(key=FAKE_SECRET_KEY[:-1]), "has no secret_access_key of the shape"),
        (registered(access_key_id="akia-lower"), "has no access_key_id"),
        (registered(ca_bundle=""), "has no certificate in ca_bundle"),
        (registered(endpoint="https://snowball1.example.com"), "names no device IP address"),
        (registered(endpoint=f"https://{FAKE_SECRET_KEY}"), "shaped like a secret access key"),
        (registered(ip=FAKE_SECRET_KEY), "shaped like a secret access key"),
        ("a string", "devices item 1 is not a dict"),
    ],
    ids=[
        "skipped",
        "failed",
        "no-key",
        "short-key",
        "bad-key-id",
        "no-certificate",
        "hostname",
        "key-in-endpoint",
        "key-in-ip",
        "not-a-dict",
    ],
)
def test_an_item_that_cannot_be_written_is_refused_naming_it_never_the_key(run, files, item, said):
    result = run([item])
    assert result["failed"] is True and said in result["msg"], result["msg"]
    no_key(result)
    assert not files[0].parent.exists()


def test_an_ip_given_wins_over_the_endpoint_and_a_device_given_twice_alike_is_written_once(run, files):
    result = run([registered(ip="192.0.2.99"), registered(ip="192.0.2.99")])
    assert result["devices"] == ["192.0.2.99"] and files[0].read_text().count("[192.0.2.99]") == 1


def test_a_device_given_twice_with_other_keys_is_refused(run):
    result = run([registered(), registered(key=OTHER_KEY)])
    assert result["failed"] is True and "192.0.2.10 twice with different keys" in result["msg"]
    no_key(result)


def test_a_key_of_only_letters_and_digits_is_a_key_not_a_misplaced_code(run, files):
    # 40 letters and digits hold runs a code's shape could match; in secret_access_key it is the key.
    key = "Ab3De" * 8
    result = run([registered(key=key)])
    assert result["changed"] is True and result.get("failed") is not True, result
    assert f"aws_secret_access_key = {key}\n" in files[0].read_text()


def test_certificate_text_shaped_like_a_code_by_chance_is_written_not_refused(run, files):
    # base64 lines hold runs of letters, digits and "/" that a code's shape can match (the demo's run
    # was refused so, at random, before); only the PEM blocks of ca_bundle are written.
    lines = FIXED_PEM.splitlines()
    lines[2] = "ab1cd/ef2gh/ij3kl/mn4op/qr5st" + lines[2][29:]
    pem = "\n".join(lines) + "\n"
    item = registered(ca_bundle=pem, certificates=[{"pem": pem}], msg="ab1cd-ef2gh-ij3kl-mn4op-qr5st")
    result = run([item])
    assert result.get("failed") is not True and result["changed"] is True, result
    assert pem in files[1].read_text()


@pytest.mark.parametrize("field", ["ip", "endpoint", "access_key_id"])
def test_a_code_in_a_field_that_is_written_or_read_is_refused_without_showing_it(run, files, field):
    code = "ab1cd-ef2gh-ij3kl-mn4op-qr5st"
    item = registered()
    item[field] = code if field != "endpoint" else f"https://{code}"
    result = run([item])
    assert result["failed"] is True and "shaped like an unlock code" in result["msg"]
    assert f"devices item 1 {field}" in result["msg"] and code not in repr(result)
    assert not files[0].parent.exists()


def test_no_devices_is_refused(run):
    assert "one entry per device" in run([])["msg"]


@pytest.mark.parametrize("option", ["credentials_file", "ca_bundles_file"])
def test_a_key_typed_into_a_path_is_refused_without_showing_it(run, option):
    result = run([registered()], **{option: FAKE_SECRET_KEY})
    assert result["failed"] is True and "shaped like a secret access key" in result["msg"] and option in result["msg"]
    no_key(result)


def test_the_same_file_twice_inside_group_vars_or_a_directory_is_refused(run, tmp_path):
    same = str(tmp_path / "both")
    assert "the same file" in run([registered()], credentials_file=same, ca_bundles_file=same)["msg"]
    inside = str(tmp_path / "group_vars" / "all")
    assert "inside a group_vars directory" in run([registered()], credentials_file=inside)["msg"]
    assert "is a directory" in run([registered()], credentials_file=str(tmp_path))["msg"]


def test_a_path_under_a_file_is_refused_readably(run, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = run([registered()], credentials_file=str(blocker / "eksa" / "credentials"))
    assert result["failed"] is True and "cannot read the credentials file" in result["msg"], result["msg"]
    assert "Not a directory" in result["msg"] and [p.name for p in tmp_path.iterdir()] == ["a-file"]


def test_a_file_that_cannot_be_written_leaves_it_unchanged_and_names_what_was(run, files):
    # /proc takes no new directory, even from root. The CA bundles file (no secret) is written first.
    credentials, bundles = files
    result = run([registered()], credentials_file="/proc/edge-snowball-test/credentials")
    assert result["failed"] is True, result
    assert "cannot write the credentials file /proc/edge-snowball-test/credentials" in result["msg"]
    assert f"the CA bundles file {bundles} was written" in result["msg"] and "run the task again" in result["msg"]
    assert not credentials.exists()
    result = run([registered()], ca_bundles_file="/proc/edge-snowball-test/ca-bundles.pem")
    assert result["failed"] is True and "cannot write the CA bundles file" in result["msg"]
    assert "was written" not in result["msg"] and not credentials.exists()


def test_every_result_is_censored_failures_before_the_action_included(action_plugin, files):
    # a NUL byte is refused by the common base before the action's own code runs
    credentials, bundles = files
    item = registered(ca_bundle=FIXED_PEM + "\x00")
    plugin = action_plugin(
        "eks_anywhere_credentials",
        {"devices": [item], "credentials_file": str(credentials), "ca_bundles_file": str(bundles)},
        loop=[item],
    )
    result = plugin.run(task_vars={"item": item})
    assert result["failed"] is True and "NUL byte" in result["msg"]
    assert result["_ansible_no_log"] is True and plugin._task.no_log is True


def test_a_loop_is_refused(action_plugin, files):
    credentials, bundles = files
    args = {"devices": [registered()], "credentials_file": str(credentials), "ca_bundles_file": str(bundles)}
    plugin = action_plugin("eks_anywhere_credentials", args, loop=[registered()])
    result = plugin.run(task_vars={"item": registered()})
    assert result["failed"] is True and "refused in a loop" in result["msg"] and result["_ansible_no_log"] is True


def test_a_devices_own_key_in_a_path_is_refused_without_showing_it(run, tmp_path):
    for path in (tmp_path / "dir" / FAKE_SECRET_KEY, f"{tmp_path}/{FAKE_SECRET_KEY}/"):
        result = run([registered()], credentials_file=str(path))
        assert result["failed"] is True and "holds a device's secret access key" in result["msg"], result["msg"]
        no_key(result)
        assert not (tmp_path / "dir").exists()


def test_an_ipv6_scope_id_is_refused_it_could_carry_lines_into_the_files(run, files):
    for ip in ("fe80::1%a]\nregion = x\n[192.0.2.99", "fe80::1%\u00e9"):
        result = run([{**registered(), "ip": ip}])
        assert result["failed"] is True and "names no device IP address" in result["msg"], result
        assert not files[0].parent.exists()


def test_a_dangling_link_or_an_inventory_directory_is_refused(run, action_plugin, tmp_path, files):
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "elsewhere" / "deep" / "credentials")
    result = run([registered()], credentials_file=str(link))
    assert result["failed"] is True and "a link to a file that does not exist" in result["msg"]
    assert not (tmp_path / "elsewhere").exists()
    inventory = tmp_path / "inventory"
    inventory.mkdir()
    args = {"devices": [registered()], "credentials_file": str(inventory / "eksa"), "ca_bundles_file": str(files[1])}
    plugin = action_plugin("eks_anywhere_credentials", args)
    result = plugin.run(task_vars={"ansible_inventory_sources": [str(inventory)]})
    assert result["failed"] is True and "inside the inventory directory" in result["msg"]
