"""edge.snowball.export_unlock_codes through ansible-playbook against the emulator.

Refusals come before any request (no vault secret, a bad job id, a vault_id not loaded, a dest
that is not a codes file); what it writes decrypts with ansible-vault to exactly the codes; its
result holds the job ids, is censored in output and still registered.
"""

from __future__ import annotations

import subprocess

import yaml

from integration.harness import BIN
from integration.harness import edge_host_env
from integration.harness import run_playbook
from integration.harness import user_env

PASSWORD = "correct horse battery staple"


def play(tmp_path, tasks):
    path = tmp_path / "play.yml"
    path.write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], sort_keys=False))
    return path


def export(dest, *ids, **options):
    return {"edge.snowball.export_unlock_codes": {"job_ids": list(ids), "dest": str(dest), **options}}


def test_export_writes_a_vault_file_only_ansible_vault_can_read(emulator, tmp_path):
    jobs = emulator.state.by_name
    ids = [jobs["ready1"].job_id, jobs["ready2"].job_id, jobs["ready1"].job_id]
    dest = tmp_path / "codes" / "site.vault.yml"
    password = tmp_path / "pass"
    password.write_text(PASSWORD)
    tasks = [
        dict(export(dest, *ids), register="exported"),
        {
            "ansible.builtin.assert": {
                "that": [
                    f"exported.job_ids == {ids[:2]!r}",
                    "exported is changed",
                    f"exported.dest == {str(dest)!r}",
                ]
            }
        },
        # The whole registered result, on disk under the run's directory: run.leaks() reads it.
        {"ansible.builtin.copy": {"content": "{{ exported | to_json }}", "dest": str(tmp_path / "result.json")}},
        dict(export(dest, *ids), register="again"),
        {"ansible.builtin.assert": {"that": ["again is not changed"]}},
    ]
    run = run_playbook(
        play(tmp_path, tasks),
        emulator,
        tmp_path,
        extra_env=user_env(emulator),
        extra_args=["--vault-password-file", str(password)],
    )
    assert run.rc == 0, run.tail()
    assert not run.leaks(), run.leaks()
    assert "censored" in run.stdout, "the result was not censored in output"
    assert "job_ids" in (tmp_path / "result.json").read_text()
    assert dest.read_bytes().startswith(b"$ANSIBLE_VAULT;1.1;AES256\n")
    assert oct(dest.stat().st_mode & 0o777) == "0o600"
    assert oct(dest.parent.stat().st_mode & 0o777) == "0o700"
    # ansible-vault itself reads it back (to stdout only: nothing in clear on disk).
    clear = subprocess.run(
        [str(BIN / "ansible-vault"), "view", "--vault-password-file", str(password), str(dest)],
        capture_output=True,
        text=True,
        check=True,
        env=edge_host_env(tmp_path),
    ).stdout
    assert yaml.safe_load(clear) == {job_id: emulator.state.jobs[job_id].unlock_code for job_id in ids}


def test_export_refuses_before_any_request(emulator, tmp_path):
    jobs = emulator.state.by_name
    good = jobs["ready1"].job_id
    password = tmp_path / "pass"
    password.write_text(PASSWORD)
    not_codes = tmp_path / "inventory.yml"
    not_codes.write_text("all: {}\n")
    dest = tmp_path / "codes" / "site.vault.yml"
    cases = {
        "no vault secret": (export(dest, good), [], "no vault secret is loaded"),
        "bad job id": (
            export(dest, good, good[:-1]),
            ["--vault-password-file", str(password)],
            "must be 39 characters",
        ),
        "vault id not loaded": (
            export(dest, good, vault_id="site"),
            ["--vault-id", f"other@{password}"],
            "vault_id 'site' is not among the vault identities loaded for this run (other)",
        ),
        # Ansible loads every file there as inventory variables: ansible-inventory --list would show the codes.
        "dest in group_vars": (
            export(tmp_path / "group_vars" / "all" / "codes.vault.yml", good),
            ["--vault-password-file", str(password)],
            "is inside a group_vars directory",
        ),
        "dest in host_vars": (
            export(tmp_path / "inventory" / "host_vars" / "edge1.yml", good),
            ["--vault-password-file", str(password)],
            "is inside a host_vars directory",
        ),
        "dest not a codes file": (
            export(not_codes, good),
            ["--vault-password-file", str(password)],
            f"Refusing to overwrite {not_codes}",
        ),
    }
    failures = {}
    for case, (task, args, message) in cases.items():
        before = emulator.state.stats()["total"]
        run = run_playbook(
            play(tmp_path, [task]), emulator, tmp_path, extra_env=user_env(emulator), verbosity="-v", extra_args=args
        )
        assert not run.leaks(), (case, run.leaks())
        if emulator.state.stats()["total"] != before:
            failures[case] = "the Snowball API was called"
        elif run.rc == 0 or message not in " ".join(run.stdout.split()):
            failures[case] = run.tail(20)
    assert not failures, failures
    assert not dest.exists()
    assert not (tmp_path / "group_vars").exists() and not (tmp_path / "inventory").exists()
    assert not_codes.read_text() == "all: {}\n"


def test_export_in_check_mode_writes_nothing(emulator, tmp_path):
    dest = tmp_path / "codes" / "site.vault.yml"
    password = tmp_path / "pass"
    password.write_text(PASSWORD)
    tasks = [
        dict(export(dest, emulator.state.by_name["ready1"].job_id), register="checked"),
        {"ansible.builtin.assert": {"that": ["checked is changed"]}},
    ]
    run = run_playbook(
        play(tmp_path, tasks),
        emulator,
        tmp_path,
        extra_env=user_env(emulator),
        extra_args=["--check", "--vault-password-file", str(password)],
    )
    assert run.rc == 0, run.tail()
    assert not (tmp_path / "codes").exists(), "check mode wrote something"
