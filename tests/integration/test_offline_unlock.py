"""A disconnected site: prepare while connected, then unlock with the Snowball API out of reach.

playbooks/prepare-offline.yml exports the codes of every job (one ansible-vault file) and fetches
the manifests into a directory apart; then the emulator is stopped and playbooks/unlock.yml
unlocks every simulated device (three single devices and a cluster shared by three hosts) from
those files alone. While each run goes, a sampler reads every file under the run's directory
(the codes file's directory included, where the export's temporary file lives), so a code in
clear on disk, even for a moment, fails the test.
"""

from __future__ import annotations

import os
import pathlib
import tempfile
import threading

import yaml

from integration import harness
from integration.harness import REPO
from integration.harness import edge_tmp
from integration.harness import recap
from integration.harness import run_playbook
from integration.harness import user_env
from integration.inventories import CLUSTER
from integration.inventories import SINGLE
from integration.inventories import edge_inventory
from integration.inventories import next_to
from integration.inventories import site_inventory
from integration.leakscan import find_leaks

PREPARE = REPO / "playbooks" / "prepare-offline.yml"
UNLOCK = REPO / "playbooks" / "unlock.yml"
PASSWORD = "correct horse battery staple"


class FileSampler:
    """Reads every file under ``roots`` again and again while a playbook runs."""

    def __init__(self, codes, *roots, skip=()):
        self.codes = codes
        self.skip = tuple(skip)
        self.roots = [pathlib.Path(root) for root in roots]
        self.found: set[str] = set()
        self.files_seen: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            for root in self.roots:
                for dirpath, dirs, files in os.walk(root):
                    dirs[:] = [name for name in dirs if not name.startswith(self.skip)]
                    for name in files:
                        path = os.path.join(dirpath, name)
                        try:
                            with open(path, "rb") as handle:
                                text = handle.read().decode("utf-8", "replace")
                        except OSError:
                            continue
                        self.files_seen.add(name)
                        if find_leaks(text, self.codes):
                            self.found.add(path)
            self._stop.wait(0.002)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def site(tmp_path):
    codes = tmp_path / "codes-key" / "site.vault.yml"
    manifests = tmp_path / "manifests-key"
    password = tmp_path / "vault-password"
    password.write_text(PASSWORD + "\n")
    return codes, manifests, password


def prepare(emulator, tmp_path, inv, *extra):
    codes, manifests, password = site(tmp_path)
    args = [
        "--vault-id",
        f"site@{password}",
        "-e",
        f"offline_codes_file={codes}",
        "-e",
        f"offline_manifest_dir={manifests}",
    ]
    return run_playbook(
        PREPARE,
        emulator,
        tmp_path,
        extra_env=user_env(emulator),
        verbosity="-vvv",
        inventory=inv,
        extra_args=args + list(extra),
    )


def offline_inventory(devices, emulator, tmp_path):
    codes, manifests, _password = site(tmp_path)
    return site_inventory(
        devices,
        emulator,
        tmp_path,
        unlock_codes_file=str(codes),
        unlock_manifest_src=f"{manifests}/{{{{ unlock_job_id }}}}.bin",
    )


def test_prepare_then_unlock_every_device_with_the_api_stopped(emulator, devices, tmp_path, monkeypatch):
    inv = offline_inventory(devices, emulator, tmp_path)
    codes_file, manifests, password = site(tmp_path)
    secrets = emulator.secrets()
    jobs = emulator.state.by_name
    all_devices = list(SINGLE.values()) + list(CLUSTER.values())

    checked = prepare(emulator, tmp_path, inv, "--check")
    assert checked.rc == 0, checked.tail()
    assert not codes_file.exists(), "check mode wrote the codes file"
    assert not list(tmp_path.rglob("*.bin")), "check mode wrote a manifest"

    with FileSampler(secrets, tmp_path, edge_tmp(tmp_path)) as sampler:
        prepared = prepare(emulator, tmp_path, inv)
    assert prepared.rc == 0, prepared.tail()
    assert not prepared.leaks(), prepared.leaks()
    assert not sampler.found, sorted(sampler.found)
    assert "site.vault.yml" in sampler.files_seen, "the sampler never read the codes file: it proved nothing"
    assert codes_file.read_bytes().startswith(b"$ANSIBLE_VAULT;1.2;AES256;site\n")
    assert oct(codes_file.stat().st_mode & 0o777) == "0o600"
    assert sorted(p.name for p in codes_file.parent.iterdir()) == ["site.vault.yml"], "a temporary file was left"
    used = {jobs[name].job_id for name in SINGLE.values()} | {jobs["cluster1"].job_id}
    assert sorted(p.name for p in manifests.iterdir()) == sorted(f"{job}.bin" for job in used)
    for job in used:
        assert (manifests / f"{job}.bin").read_bytes() == emulator.state.jobs[job].manifest
        assert oct((manifests / f"{job}.bin").stat().st_mode & 0o777) == "0o600"

    # Idempotent: the same codes are not rewritten.
    before = codes_file.stat()
    again = prepare(emulator, tmp_path, inv)
    assert again.rc == 0, again.tail()
    assert all(totals["changed"] == 0 for totals in recap(again).values()), recap(again)
    after = codes_file.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)

    # The site: no Snowball API at all.
    requests = emulator.state.stats()["total"]
    # run_playbook asks the emulator for the play's variables: ask now, while it still answers.
    known = harness.emulator_vars(emulator, devices)
    monkeypatch.setattr(harness, "emulator_vars", lambda server, fleet=None: known)
    emulator.stop()
    env = user_env(emulator)
    # device_unlock's private client profile (0700, removed after the call) is the edge host's
    # business, the same online or offline (docs/security-model.md): everything else is sampled.
    with FileSampler(secrets, tmp_path, edge_tmp(tmp_path), skip=("edge-snowball-client-",)) as sampler:
        run = run_playbook(
            UNLOCK,
            emulator,
            tmp_path,
            extra_env=env,
            verbosity="-vvv",
            inventory=inv,
            extra_args=["--vault-id", f"site@{password}"],
        )
    assert run.rc == 0, run.tail()
    assert not run.leaks(), run.leaks()
    assert not sampler.found, sorted(sampler.found)
    assert emulator.state.stats()["total"] == requests, "the offline unlock called the Snowball API"
    assert all(devices.device(name).state == "UNLOCKED" for name in all_devices)
    assert all(t["failed"] == 0 and t["unreachable"] == 0 for t in recap(run).values()), recap(run)


def one_host(devices, emulator, tmp_path, name, **variables):
    """An inventory of one edge host next to device ``name`` (its own job), in a file of its own."""
    fd, path = tempfile.mkstemp(prefix=f"inventory-{name}-", suffix=".yml", dir=tmp_path)
    os.close(fd)
    hosts = {"site": next_to(devices, emulator, name, **variables)}
    return edge_inventory(pathlib.Path(path), hosts, unlock_timeout=10)


def test_each_offline_failure_says_what_is_wrong_and_calls_no_api(emulator, devices, tmp_path):
    codes_file, manifests, password = site(tmp_path)
    jobs = emulator.state.by_name
    prepared = prepare(emulator, tmp_path, one_host(devices, emulator, tmp_path, "ready1"))
    assert prepared.rc == 0, prepared.tail()
    wrong = tmp_path / "wrong-password"
    wrong.write_text("not the password\n")
    clear = tmp_path / "elsewhere" / "codes.yml"
    clear.parent.mkdir()
    # A codes file in clear, as people make by hand (a made-up code: the leak scan reads this directory).
    clear.write_text(yaml.safe_dump({jobs["ready1"].job_id: "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE"}))
    other_manifest = tmp_path / "elsewhere" / "ready2.bin"
    other_manifest.write_bytes(jobs["ready2"].manifest)
    own_manifest = f"{manifests}/{{{{ unlock_job_id }}}}.bin"
    vault = ["--vault-id", f"site@{password}"]
    env = user_env(emulator)
    # case: (device and job, codes file, manifest, vault arguments, what the failure must say)
    cases = {
        "job missing from the file": (
            "ready2",
            codes_file,
            other_manifest,
            vault,
            f"job {jobs['ready2'].job_id} is not in the codes file {codes_file} (it holds 1 job(s))",
        ),
        "wrong vault password": (
            "ready1",
            codes_file,
            own_manifest,
            ["--vault-id", f"site@{wrong}"],
            f"cannot decrypt {codes_file} with the vault secrets loaded for this run: wrong vault password",
        ),
        "no vault password at all": (
            "ready1",
            codes_file,
            own_manifest,
            [],
            f"{codes_file} is vault-encrypted but no vault secret is loaded",
        ),
        "not a vault file": ("ready1", clear, own_manifest, vault, f"{clear} is not an ansible-vault encrypted file"),
        # The device's refusal, through the client (device_unlock names the endpoint and the command).
        "manifest of another job": (
            "ready1",
            codes_file,
            other_manifest,
            vault,
            "describe-device failed (exit status 1) for endpoint",
        ),
    }
    failures = {}
    for case, (name, codes, manifest, args, message) in cases.items():
        inv = one_host(
            devices, emulator, tmp_path, name, unlock_codes_file=str(codes), unlock_manifest_src=str(manifest)
        )
        requests = emulator.state.stats()["total"]
        run = run_playbook(UNLOCK, emulator, tmp_path, extra_env=env, verbosity="-vvv", inventory=inv, extra_args=args)
        assert not run.leaks(), (case, run.leaks())
        assert emulator.state.stats()["total"] == requests, f"{case}: the Snowball API was called"
        if run.rc == 0 or message not in " ".join(run.stdout.split()):
            failures[case] = run.tail(30)
    assert not failures, failures
    assert devices.device("ready1").state == "LOCKED" and devices.device("ready2").state == "LOCKED"
