"""Samples every process's argv and environment, for ``leakscan.RunSampler``, in a process of its own.

A thread would share the test's interpreter lock with the file scan, whose regular expressions over a
large debug log hold it for seconds: a client command living a fraction of a second fell between two
scans. Run as a script: until its stdin closes, it writes to stdout one JSON line per (pid, argv,
environment) not seen before, ``"C"`` for each sample that saw a Snowball client and ``"N"`` when a
client is no longer seen, and ``"R"`` once the first sample is written. It never searches: the parent does, after the run. It skips itself and its
parent (the test, whose own environment is not what is checked)."""

from __future__ import annotations

import json
import os
import select
import sys


def _sample(skip: set[int], seen: set[int]) -> tuple[list[dict], bool]:
    records, client = [], False
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) in skip:
            continue
        try:
            with open(os.path.join(entry.path, "cmdline"), "rb") as handle:
                argv = handle.read().replace(b"\0", b" ").decode("utf-8", "replace")
            with open(os.path.join(entry.path, "environ"), "rb") as handle:
                environ = handle.read().replace(b"\0", b"\n").decode("utf-8", "replace")
        except OSError:
            continue
        record = (int(entry.name), argv, environ)
        if hash(record) not in seen:
            seen.add(hash(record))
            records.append({"pid": record[0], "argv": argv, "environ": environ})
        client = client or "emulator.client" in argv or "bin/snowballEdge" in argv
    return records, client


def main(interval: float) -> None:
    skip, seen, was_client, first = {os.getpid(), os.getppid()}, set(), False, True
    out = sys.stdout
    while True:
        records, client = _sample(skip, seen)
        for record in records:
            out.write(json.dumps(record) + "\n")
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
