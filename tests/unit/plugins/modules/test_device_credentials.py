"""device_credentials' profile on the edge host (plugins/modules/device_credentials.py): the three
files planned and written, modes, check mode, idempotence, a rotated key and a regenerated certificate."""

from __future__ import annotations

import os
import stat

import pytest

from ansible_collections.edge.snowball.plugins.module_utils._edge.errors import DeviceError
from ansible_collections.edge.snowball.plugins.modules import device_credentials as module

from unit.constants import FAKE_SECRET_KEY

AKID = "AKIAEXAMPLEDEVICE001"
PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


@pytest.fixture
def profile(tmp_path):
    """``profile(result=None, check_mode=False, **params)``: write_profile's answer for profile ``snow``
    with files under tmp_path/aws (``profile.dir``)."""
    aws = tmp_path / "aws"

    def run(result=None, check_mode=False, **params):
        options = dict(
            aws_profile="snow",
            credentials_file=str(aws / "credentials"),
            config_file=str(aws / "config"),
            certificates=True,
        )
        options.update(params)
        keys = dict(access_key_id=AKID, secret_access_key=FAKE_SECRET_KEY, ca_bundle=PEM)
        keys.update(result or {})
        return module.write_profile(options, keys, check_mode)

    run.dir = aws
    return run


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_profile_makes_the_directory_and_three_files_with_their_modes(profile):
    done = profile()
    assert done["changed"] is True and "credentials file" in done["msg"] and FAKE_SECRET_KEY not in done["msg"]
    assert mode(profile.dir) == 0o700
    assert mode(profile.dir / "credentials") == 0o600 and mode(profile.dir / "config") == 0o600
    assert mode(profile.dir / "snowball-snow-ca-bundle.pem") == 0o644
    assert (profile.dir / "snowball-snow-ca-bundle.pem").read_text() == PEM
    assert (profile.dir / "config").read_text() == (
        f"[profile snow]\nregion = snow\nca_bundle = {profile.dir / 'snowball-snow-ca-bundle.pem'}\n"
    )
    assert f"aws_secret_access_key = {FAKE_SECRET_KEY}\n" in (profile.dir / "credentials").read_text()


def test_check_mode_writes_nothing_and_says_what_would_change(profile):
    done = profile(check_mode=True)
    assert done["changed"] is True and done["msg"].startswith("profile snow would be written: CA bundle ")
    assert not profile.dir.exists()


def test_the_second_run_changes_nothing(profile):
    profile()
    before = {path.name: path.stat().st_mtime_ns for path in profile.dir.iterdir()}
    done = profile()
    assert done["changed"] is False and "is up to date" in done["msg"]
    assert {path.name: path.stat().st_mtime_ns for path in profile.dir.iterdir()} == before
    assert profile(check_mode=True)["changed"] is False


def test_a_rotated_key_is_a_change_of_the_credentials_file_only(profile):
    profile()
    rotated = FAKE_SECRET_KEY[::-1]
    done = profile({"secret_access_key": rotated})
    assert done["changed"] is True and done["msg"].endswith(
        "credentials file " + str(profile.dir / "credentials") + ": updated"
    )
    text = (profile.dir / "credentials").read_text()
    assert rotated in text and FAKE_SECRET_KEY not in text


def test_a_regenerated_certificate_is_a_change_of_the_bundle(profile):
    profile()
    done = profile({"ca_bundle": PEM.replace("MIIB", "MIIC")})
    assert done["changed"] is True and "CA bundle" in done["msg"] and "credentials file" not in done["msg"]


def test_a_credentials_file_readable_by_others_is_made_private_and_a_config_keeps_its_mode(profile):
    profile.dir.mkdir()
    (profile.dir / "credentials").write_text("[default]\nregion = x\n")
    (profile.dir / "credentials").chmod(0o644)
    (profile.dir / "config").write_text("[default]\n")
    (profile.dir / "config").chmod(0o640)
    profile()
    assert mode(profile.dir / "credentials") == 0o600 and mode(profile.dir / "config") == 0o640
    profile.dir.joinpath("credentials").chmod(0o644)
    assert "mode 0644 -> 0600" in profile()["msg"]


def test_without_certificates_the_config_gets_no_ca_bundle_and_no_pem_is_written(profile):
    profile(certificates=False)
    assert (profile.dir / "config").read_text() == "[profile snow]\nregion = snow\n"
    assert not (profile.dir / "snowball-snow-ca-bundle.pem").exists()


def test_the_default_files_follow_the_aws_cli_variables(profile, monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "elsewhere" / "creds"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "elsewhere" / "conf"))
    profile(credentials_file=None, config_file=None)
    assert sorted(path.name for path in (tmp_path / "elsewhere").iterdir()) == [
        "conf",
        "creds",
        "snowball-snow-ca-bundle.pem",
    ]


def test_one_file_for_both_is_refused(profile):
    with pytest.raises(DeviceError, match="are the same file"):
        profile(config_file=str(profile.dir / "credentials"))


def test_a_symlinked_credentials_file_stays_a_symlink(profile, tmp_path):
    profile.dir.mkdir()
    real = tmp_path / "real-credentials"
    real.write_text("")
    (profile.dir / "credentials").symlink_to(real)
    profile()
    assert (profile.dir / "credentials").is_symlink() and AKID in real.read_text()
