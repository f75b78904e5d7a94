"""Issue 22: paths and files, as a user meets them through ansible-playbook against the emulator.

Each decision about a path is made on what it really is (every link resolved) and before any
request; a refused task leaves nothing behind; codes and manifests never share a directory; a
codes file is said to be damaged when it is; a new vault identity is applied; an endpoint with a
control character is refused at once. A FIFO is refused, never waited on (that the old code hung on
one for ever is proven in the unit tests, with a guard on every blocking open: here it would only
hit the harness's time-out).
"""

from __future__ import annotations

import json
import os
import sys

import yaml

from integration.harness import run_playbook
from integration.harness import user_env

PASSWORD = "correct horse battery staple"
MADE_UP_CODE = "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE"


def play(tmp_path, tasks):
    path = tmp_path / "play.yml"
    path.write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], sort_keys=False))
    return path


def export(dest, *ids, **options):
    return {"edge.snowball.export_unlock_codes": {"job_ids": list(ids), "dest": str(dest), **options}}


def passwords(tmp_path):
    first, second = tmp_path / "pass-site", tmp_path / "pass-other"
    first.write_text(PASSWORD)
    second.write_text(PASSWORD + " 2")
    return ["--vault-id", f"site@{first}", "--vault-id", f"other@{second}"]


def test_each_bad_path_is_refused_before_any_request_and_leaves_nothing(emulator, tmp_path):
    job = emulator.state.by_name["ready1"].job_id
    vault = passwords(tmp_path)
    all_vars = tmp_path / "inventory" / "group_vars" / "all"
    all_vars.mkdir(parents=True)
    (tmp_path / "usb").symlink_to(all_vars)
    os.mkfifo(tmp_path / "pipe.vault.yml")
    manifests = tmp_path / "manifests-key"
    manifests.mkdir()
    (manifests / f"{job}.bin").write_bytes(emulator.state.jobs[job].manifest)
    cases = {
        # Leak 3: ansible-inventory --list would print every code in clear.
        "dest through a link into group_vars": (
            export(tmp_path / "usb" / "codes.vault.yml", job),
            "is inside a group_vars directory once its links are resolved",
        ),
        # W4: not "embedded null byte" after the codes were fetched, and no directory left.
        "dest with a NUL byte": (export(f"{tmp_path}/new-dir/codes\0.vault.yml", job), "dest holds a NUL byte"),
        # W3: a FIFO (the unit tests prove the old code opened it blocking, and so hung for ever).
        "dest a FIFO": (export(tmp_path / "pipe.vault.yml", job), "is a FIFO (named pipe), not a codes file"),
        # W9: codes beside manifests.
        "dest beside the manifests": (
            export(manifests / "site.vault.yml", job),
            f"beside the manifest {manifests / (job + '.bin')}",
        ),
    }
    failures = {}
    for case, (task, message) in cases.items():
        before = emulator.state.stats()["total"]
        run = run_playbook(
            play(tmp_path, [task]), emulator, tmp_path, extra_env=user_env(emulator), verbosity="-v", extra_args=vault
        )
        assert not run.leaks(), (case, run.leaks())
        if emulator.state.stats()["total"] != before:
            failures[case] = "the Snowball API was called"
        elif run.rc == 0 or message not in " ".join(run.stdout.split()):
            failures[case] = run.tail(20)
    assert not failures, failures
    assert list(all_vars.iterdir()) == []
    assert not (tmp_path / "new-dir").exists()
    assert sorted(p.name for p in manifests.iterdir()) == [f"{job}.bin"]


def test_job_manifest_refuses_a_directory_holding_the_codes_file(emulator, tmp_path):
    """W9, the other way: the codes file is encrypted (no code shows), so any vault file counts."""
    jobs = emulator.state.by_name
    codes = tmp_path / "key" / "site.vault.yml"
    src = tmp_path / "manifest-from-console.bin"
    src.write_bytes(emulator.state.jobs[jobs["ready1"].job_id].manifest)
    tasks = [
        export(codes, jobs["ready1"].job_id),
        {
            "edge.snowball.job_manifest": {
                "job_id": jobs["ready1"].job_id,
                "src": str(src),
                "dest": str(codes.parent / "manifest.bin"),
            }
        },
    ]
    run = run_playbook(
        play(tmp_path, tasks),
        emulator,
        tmp_path,
        extra_env=user_env(emulator),
        verbosity="-v",
        extra_args=passwords(tmp_path),
    )
    assert not run.leaks(), run.leaks()
    assert run.rc != 0 and f"{codes} is an ansible-vault file" in " ".join(run.stdout.split()), run.tail(20)
    assert sorted(p.name for p in codes.parent.iterdir()) == ["site.vault.yml"]


def test_a_new_vault_id_is_applied_and_a_damaged_file_is_said_to_be_damaged(emulator, tmp_path):
    """W1 (the same codes under another identity are encrypted again), W5 (a cut file), W3 (a FIFO)."""
    job = emulator.state.by_name["ready1"].job_id
    dest = tmp_path / "key" / "site.vault.yml"
    tasks = [
        dict(export(dest, job, vault_id="site"), register="first"),
        dict(export(dest, job, vault_id="other"), register="second"),
        {"ansible.builtin.assert": {"that": ["first is changed", "second is changed"]}},
    ]
    vault = passwords(tmp_path)
    run = run_playbook(
        play(tmp_path, tasks), emulator, tmp_path, extra_env=user_env(emulator), verbosity="-v", extra_args=vault
    )
    assert run.rc == 0, run.tail()
    assert dest.read_bytes().startswith(b"$ANSIBLE_VAULT;1.2;AES256;other\n")

    dest.write_bytes(dest.read_bytes()[:-50])
    lookup = {
        "ansible.builtin.set_fact": {
            "code": f"{{{{ lookup('edge.snowball.unlock_code', '{job}', codes_file='{dest}') }}}}",
        },
        "no_log": False,
    }
    before = emulator.state.stats()["total"]
    run = run_playbook(
        play(tmp_path, [lookup]), emulator, tmp_path, extra_env=user_env(emulator), verbosity="-v", extra_args=vault
    )
    assert not run.leaks(), run.leaks()
    said = " ".join(run.stdout.split())
    assert run.rc != 0 and f"{dest} is damaged" in said and "wrong vault password" not in said, run.tail(20)
    assert emulator.state.stats()["total"] == before

    # W3: a FIFO as codes_file is refused, not waited on.
    pipe = tmp_path / "codes-pipe.vault.yml"
    os.mkfifo(pipe)
    lookup["ansible.builtin.set_fact"]["code"] = lookup["ansible.builtin.set_fact"]["code"].replace(
        str(dest), str(pipe)
    )
    run = run_playbook(
        play(tmp_path, [lookup]), emulator, tmp_path, extra_env=user_env(emulator), verbosity="-v", extra_args=vault
    )
    said = " ".join(run.stdout.split())
    assert run.rc != 0 and "is a FIFO (named pipe), not a regular file" in said, run.tail(20)


def test_an_endpoint_with_a_nul_byte_is_refused_at_once(emulator, tmp_path):
    """W11: the old module accepted it and waited the whole timeout for a device that cannot exist."""
    manifest = tmp_path / "manifest.bin"
    manifest.write_bytes(b"SBMANIFEST1\n")
    task = {
        "edge.snowball.device_unlock": {
            "endpoint": "https://127.0.0.1:9\0",
            "manifest_file": str(manifest),
            "unlock_code": MADE_UP_CODE,
            "timeout": 5,
        },
        "vars": {"ansible_python_interpreter": sys.executable},
    }
    run = run_playbook(play(tmp_path, [task]), emulator, tmp_path, extra_env=user_env(emulator), verbosity="-v")
    said = " ".join(run.stdout.split())
    assert run.rc != 0 and "endpoint holds whitespace or a control character (U+0000" in said, run.tail(20)
    assert MADE_UP_CODE not in run.stdout
    assert not run.client_calls(), "the Snowball Edge client was started"


def test_a_nul_byte_in_any_other_option_is_refused_naming_it(emulator, tmp_path):
    """ansible-core 2.20 failed each of these modules with "Failed to log to syslog (embedded null
    character)" (its module logging), naming neither the option nor the fix; older ones ran the module."""
    job = emulator.state.by_name["ready1"].job_id
    manifest = tmp_path / "manifest.bin"
    manifest.write_bytes(b"SBMANIFEST1\n")
    device = {"endpoint": "https://127.0.0.1:9", "manifest_file": str(manifest), "unlock_code": MADE_UP_CODE}
    cases = {
        "profile": {"edge.snowball.job_unlock_code": {"job_id": job, "profile": "site\0"}},
        "client": {"edge.snowball.device_unlock": {**device, "client": "snowball\0Edge"}},
        "manifest_file": {"edge.snowball.device_info": {**device, "manifest_file": f"{manifest}\0"}},
        "owner": {"edge.snowball.job_manifest": {"job_id": job, "dest": str(tmp_path / "m.bin"), "owner": "ro\0ot"}},
        "managed_device_ids item 1": {"edge.snowball.managed_device_info": {"managed_device_ids": ["smd-\0"]}},
    }
    tasks = [{**task, "register": "said", "ignore_errors": True} for task in cases.values()]
    tasks = [
        {"block": [task, {"set_fact": {"messages": "{{ (messages | default([])) + [said.msg | default('')] }}"}}]}
        for task in tasks
    ] + [{"copy": {"content": "{{ messages | to_json }}", "dest": str(tmp_path / "messages.json")}}]
    before = emulator.state.stats()["total"]
    run = run_playbook(play(tmp_path, tasks), emulator, tmp_path, extra_env=user_env(emulator), verbosity="-v")
    assert run.rc == 0, run.tail(30)
    messages = json.loads((tmp_path / "messages.json").read_text())
    for option, message in zip(cases, messages):
        assert message.startswith(f"{option} holds a NUL byte (U+0000 at position"), (option, message)
    assert "syslog" not in run.stdout
    assert emulator.state.stats()["total"] == before, "the Snowball API was called"
    assert not run.client_calls(), "the Snowball Edge client was started"
    assert not run.leaks(), run.leaks()
