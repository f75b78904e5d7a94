"""Samples every process's argv and environment, for ``leakscan.RunSampler``, in a process of its own.

A thread would share the test's interpreter lock with the file scan, whose regular expressions over a
large debug log hold it for seconds: a client command living a fraction of a second fell between two
scans. Run as a script: until its stdin closes, it writes to stdout one JSON line per (pid, argv,
environment) not seen before, ``"C"`` for each sample that saw a Snowball client and ``"N"`` when a
client is no longer seen, ``{"profile": [dev, inode], "sessions": [...]}`` for a client profile (in a
memory-backed directory) and the client commands of the test's own runs that ran while it existed (the
same file before and after the sample, so no clock is involved), and ``"R"`` once the first sample is
written. It never searches: the parent does, after the run. It skips itself and its parent (the test,
whose own environment is not what is checked)."""

from __future__ import annotations

import json
import os
import select
import sys

MEMORY_DIRS = [path for path in ("/dev/shm", os.environ.get("XDG_RUNTIME_DIR") or "") if path and os.path.isdir(path)]
PROFILE_NAME = "snowball-edge.config"


def _profiles() -> dict[str, tuple[int, int]]:
    """Every client profile in the memory-backed directories now: path, (device, inode)."""
    found = {}
    for top in MEMORY_DIRS:
        for root, _dirs, files in os.walk(top):
            if PROFILE_NAME in files:
                try:
                    stat = os.stat(os.path.join(root, PROFILE_NAME))
                except OSError:
                    continue
                found[os.path.join(root, PROFILE_NAME)] = (stat.st_dev, stat.st_ino)
    return found


def _stat_fields(path: str) -> list[str]:
    with open(os.path.join(path, "stat"), encoding="utf-8") as handle:
        return handle.read().rsplit(")", 1)[1].split()  # state, ppid, pgrp, session, ...


def _sample(skip: set[int], seen: set[int]) -> tuple[list[dict], bool, list[tuple]]:
    """New (pid, argv, environment) records, whether a client runs, and each live client as
    (pid, parent, session, HOME)."""
    records, client, clients = [], False, []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) in skip:
            continue
        try:
            with open(os.path.join(entry.path, "cmdline"), "rb") as handle:
                argv = handle.read().replace(b"\0", b" ").decode("utf-8", "replace")
            with open(os.path.join(entry.path, "environ"), "rb") as handle:
                environ = handle.read().replace(b"\0", b"\n").decode("utf-8", "replace")
            is_client = "emulator.client" in argv or "bin/snowballEdge" in argv
            fields = _stat_fields(entry.path) if is_client else []
        except (OSError, IndexError):
            continue
        record = (int(entry.name), argv, environ)
        if hash(record) not in seen:
            seen.add(hash(record))
            records.append({"pid": record[0], "argv": argv, "environ": environ})
        client = client or is_client
        if fields and fields[0] not in ("Z", "X"):
            home = next((line[5:] for line in environ.split("\n") if line.startswith("HOME=")), "/")
            clients.append((record[0], int(fields[1]), int(fields[3]), home))
    return records, client, clients


def _descends(pid: int, ancestor: int) -> bool:
    """True when ``pid`` descends from ``ancestor`` (the test: not another test's runs)."""
    for _depth in range(64):
        if pid == ancestor:
            return True
        if pid <= 1:
            return False
        try:
            pid = int(_stat_fields(f"/proc/{pid}")[1])
        except (OSError, IndexError, ValueError):
            return False
    return False


def _commands(before: dict, after: dict, clients: list[tuple], test: int) -> list[dict]:
    """Each profile there before and after the sample, with the test's clients whose HOME holds it."""
    out = []
    for path, file_id in after.items():
        if before.get(path) != file_id:
            continue
        sessions = sorted(
            {
                session
                for pid, parent, session, home in clients
                if home not in ("", "/") and path.startswith(home.rstrip("/") + "/") and _descends(parent, test)
            }
        )
        if sessions:
            out.append({"profile": list(file_id), "sessions": sessions})
    return out


def main(interval: float) -> None:
    skip, seen, was_client, first = {os.getpid(), os.getppid()}, set(), False, True
    out = sys.stdout
    reported: set[str] = set()
    while True:
        before = _profiles()
        records, client, clients = _sample(skip, seen)
        for record in records:
            out.write(json.dumps(record) + "\n")
        for line in [json.dumps(c) for c in _commands(before, _profiles(), clients, os.getppid())] if before else []:
            if line not in reported:
                reported.add(line)
                out.write(line + "\n")
        if client or was_client:
            out.write('"C"\n' if client else '"N"\n')
        was_client = client
        if first:
            out.write('"R"\n')
            first = False
        out.flush()
        ready = select.select([sys.stdin], [], [], interval)[0]
        if ready and not sys.stdin.buffer.read1(4096):
            return


if __name__ == "__main__":
    main(float(sys.argv[1]))
