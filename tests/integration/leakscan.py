"""Look for unlock codes and the devices' secret access keys in text a user or an attacker could read,
after a run and during it."""

from __future__ import annotations

import base64
import json
import os
import pathlib
import re
import subprocess
import sys
import threading
import time
from typing import Callable
from typing import Iterable
from typing import Iterator
from urllib.parse import quote

#: Memory-backed directories where edge.snowball keeps its client profile: sampled too.
MEMORY_DIRS = tuple(
    path for path in ("/dev/shm", os.environ.get("XDG_RUNTIME_DIR") or "") if path and os.path.isdir(path)
)


def _aligned_base64(text: str) -> list[str]:
    """The part of base64(... + text + ...) that depends only on ``text``, at the 3 alignments."""
    forms = []
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + text.encode()).decode()
        start = (shift * 4 + 2) // 3 + (1 if shift else 0)
        forms.append(encoded[start : len(encoded) - 4])
    return [form for form in forms if len(form) >= 16]


def variants(code: str) -> dict[str, re.Pattern[str]]:
    """The code, and the forms a careless transform would give it, as patterns.

    Case is ignored for the code itself (upper- or lower-cased, with or without hyphens, any
    separator or escape between its groups); any two of its groups in a row count (a code echoed
    with a typo, cut short or split is still a leak); base64 is case-sensitive by nature, so its forms are
    matched exactly, at every alignment inside a longer encoded text.
    """
    bare = code.replace("-", "")
    groups = code.split("-")
    sep = r"(?:[^A-Za-z0-9]|\\[nrtu]|\\x[0-9a-f]{2}|u00[0-9a-f]{2}){0,6}"
    found = {
        "the code, any case": re.compile(re.escape(code), re.IGNORECASE),
        "without hyphens, any case": re.compile(re.escape(bare), re.IGNORECASE),
        "base64": re.compile(re.escape(base64.b64encode(code.encode()).decode())),
        "base64 of bare": re.compile(re.escape(base64.b64encode(bare.encode()).decode())),
        "hex": re.compile(re.escape(code.encode().hex()), re.IGNORECASE),
    }
    if len(groups) >= 2 and all(len(group) >= 4 for group in groups):
        runs = [sep.join(re.escape(group) for group in groups[i : i + 2]) for i in range(len(groups) - 1)]
        found["two groups in a row, any separator"] = re.compile("|".join(runs), re.IGNORECASE)
    for i, form in enumerate(_aligned_base64(code) + _aligned_base64(bare)):
        found[f"base64 inside a longer text ({i})"] = re.compile(re.escape(form))
    return found


#: How many characters of a secret key in a row count as the key (a cut or wrapped key is still a leak).
KEY_PART = 14


def key_variants(key: str) -> dict[str, re.Pattern[str]]:
    """A secret access key (40 of [A-Za-z0-9/+]) and the forms a careless transform would give it, as
    patterns. Case matters: keys are case-sensitive, so a key in another case is another key. Any
    KEY_PART characters of it in a row count, each ``/`` and ``+`` also escaped (JSON ``\\/``, URL,
    ``\\u002f``)."""
    escaped = {"/": r"(?:/|\\/|%2[Ff]|\\u002[Ff])", "+": r"(?:\+|%2[Bb]|\\u002[Bb])"}
    chars = [escaped.get(char, re.escape(char)) for char in key]
    found = {
        "the key, as given or escaped": re.compile("".join(chars)),
        "URL-quoted": re.compile(re.escape(quote(key, safe="")), re.IGNORECASE),
        "hex": re.compile(re.escape(key.encode().hex()), re.IGNORECASE),
        "base64": re.compile(re.escape(base64.b64encode(key.encode()).decode())),
        f"{KEY_PART} characters of it in a row": re.compile(
            "|".join("".join(chars[i : i + KEY_PART]) for i in range(len(chars) - KEY_PART + 1))
        ),
    }
    for i, form in enumerate(_aligned_base64(key)):
        found[f"key in base64 inside a longer text ({i})"] = re.compile(re.escape(form))
    return found


def find_leaks(text: str, codes: Iterable[str], keys: Iterable[str] = ()) -> list[str]:
    """Return where each code (and each secret key) was found, as 'line N (form)', never the secret itself."""
    found = []
    for secret, forms in [(code, variants) for code in codes] + [(key, key_variants) for key in keys]:
        for form, pattern in forms(secret).items():
            match = pattern.search(text)
            if match:
                found.append(f"line {text.count(chr(10), 0, match.start()) + 1} ({form})")
    return found


def redact(text: str, codes: Iterable[str], keys: Iterable[str] = ()) -> str:
    for code in codes:
        for pattern in variants(code).values():
            text = pattern.sub("<UNLOCK-CODE>", text)
    for key in keys:
        for pattern in key_variants(key).values():
            text = pattern.sub("<SECRET-KEY>", text)
    return text


def _read(path: pathlib.Path, limit: int = 4 * 1024 * 1024) -> str:
    with open(path, "rb") as handle:
        return handle.read(limit).decode("utf-8", "replace")


def _own_files(roots: Iterable[pathlib.Path | str]) -> Iterator[tuple[pathlib.Path, str]]:
    """Each regular file of ours under ``roots`` (no symlink, none of another user's), with its text."""
    for root in roots:
        for folder, _dirs, files in os.walk(root):
            for name in files:
                path = pathlib.Path(folder, name)
                try:
                    if path.is_symlink() or not path.is_file() or path.stat().st_uid != os.getuid():
                        continue
                    text = _read(path)
                except OSError:
                    continue
                yield path, text


class RunSampler:
    """Samples, while a playbook runs, every process's argv and environment and every file under
    ``roots`` (the controller's and the edge host's directories, and the memory-backed ones), and
    records where a code was seen (never the code). Each client profile (a file in a memory-backed
    directory, known by its inode) is matched by procsample.py with the test's client commands
    (sessions) running while it exists:
    ``shared_profiles`` are the profiles that more than one command saw, ``profile_alone`` how long
    a profile existed while no client process ran (a figure, not a bound)."""

    def __init__(
        self,
        codes: Iterable[str] = (),
        roots: Iterable[pathlib.Path | str] = (),
        interval: float = 0.005,
        keys: Callable[[], list[str]] | None = None,
        allowed: Iterable[pathlib.Path | str] = (),
    ):
        self.codes = list(codes)
        #: The secret keys to look for, asked at every scan (a device may issue one during the run).
        self.keys = keys or (lambda: [])
        #: Files allowed to hold a key (the credentials file a task was asked to write).
        self.allowed = {str(path) for path in allowed}
        self.roots = [pathlib.Path(root) for root in roots] + [pathlib.Path(p) for p in MEMORY_DIRS]
        self.interval = interval
        self.seen: set[tuple[int, str, str]] = set()  # every (pid, argv, environment) seen
        self.file_hits: set[str] = set()
        self.samples = 0
        self.profile_alone: list[tuple[float, float]] = []  # (start, end) of a profile seen without a client
        self.profile_commands: dict[tuple[int, int], set[int]] = {}  # profile (dev, inode): client sessions
        self._stop = threading.Event()
        # Processes are sampled by a process of their own (procsample.py): a file scan can hold the
        # interpreter for long (a growing debug log), and a client command that runs for a fraction of
        # a second must not fall between two scans.
        self._client_seen = 0  # process samples that saw a client, so far
        self._client_now = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._sampler: subprocess.Popen | None = None
        self._ready = threading.Event()
        self._process_thread = threading.Thread(target=self._read_processes, daemon=True)

    def _read_processes(self):
        """Reads what procsample.py reports: the processes it saw and whether a client runs."""
        for line in self._sampler.stdout:
            record = json.loads(line)
            if record == "C":
                self._client_now = True
                self._client_seen += 1
            elif record == "N":
                self._client_now = False
            elif record == "R":
                self._ready.set()
            elif "profile" in record:
                self.profile_commands.setdefault(tuple(record["profile"]), set()).update(record["sessions"])
            else:
                self.seen.add((record["pid"], record["argv"], record["environ"]))

    def _files(self) -> bool:
        """Reads the files under the roots; True when a client profile holding a code exists."""
        profile = False
        keys = self.keys()
        for path, text in _own_files(self.roots):
            if keys and str(path) not in self.allowed:
                key_leaks = find_leaks(text, (), keys)
                if key_leaks:
                    self.file_hits.add(f"{path} {key_leaks[0]}")
            leaks = find_leaks(text, self.codes) if self.codes else []
            if leaks and path.name == "snowball-edge.config" and str(path).startswith(MEMORY_DIRS or ("//",)):
                # The client's profile, in memory-backed storage, allowed while a client command
                # runs: matched with its commands by procsample.py, not a leak by itself.
                profile = True
            elif leaks:
                self.file_hits.add(f"{path} {leaks[0]}")
        return profile

    def shared_profiles(self) -> int:
        """How many profiles more than one client command saw (each command must get its own)."""
        return sum(1 for sessions in self.profile_commands.values() if len(sessions) > 1)

    def commands_with_a_profile(self) -> int:
        return len(set().union(*self.profile_commands.values())) if self.profile_commands else 0

    def _run(self):
        alone_since = None
        while not self._stop.is_set():
            seen_before = self._client_seen
            profile = self._files() if self.codes else False
            # a client ran during this file scan, or runs now
            client = self._client_now or self._client_seen != seen_before
            now = time.monotonic()
            self.samples += 1
            if profile and not client:
                alone_since = alone_since or now
            elif alone_since is not None:
                self.profile_alone.append((alone_since, now))
                alone_since = None
            self._stop.wait(self.interval)
        if alone_since is not None:
            self.profile_alone.append((alone_since, time.monotonic()))

    def __enter__(self):
        script = pathlib.Path(__file__).with_name("procsample.py")
        self._sampler = subprocess.Popen(
            [sys.executable, str(script), str(self.interval)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self._process_thread.start()
        # The first report (every process running now) is read before the run starts.
        if not self._ready.wait(60):
            raise RuntimeError("the process sampler (procsample.py) never reported")
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sampler.stdin.close()
        self._sampler.wait()
        self._process_thread.join()

    def leaks(self, codes: Iterable[str] | None = None) -> list[str]:
        codes = list(codes) if codes is not None else self.codes
        keys = self.keys()  # every key issued so far, so also every key a process could have held
        where: dict[str, str] = {}  # each text seen once, searched once
        for pid, argv, environ in sorted(self.seen):
            for what, text in (("argv", argv), ("environment", environ)):
                where.setdefault(text, f"process {pid} {what} ({argv[:80]})")
        found = []
        for text, place in where.items():
            if find_leaks(text, codes):
                found.append(place)
            if keys and find_leaks(text, (), keys):
                found.append(f"secret key in {place}")
        return found + [f"file during the run: {hit}" for hit in sorted(self.file_hits)]

    def longest_profile_without_client(self) -> float:
        return max((end - start for start, end in self.profile_alone), default=0.0)

    def client_runs(self):
        return [argv for _pid, argv, _env in self.seen if "emulator.client" in argv or "snowballEdge" in argv]


def leftovers(codes: Iterable[str], roots: Iterable[pathlib.Path | str] = ()) -> list[str]:
    """Files holding a code under ``roots`` and the memory-backed directories, now."""
    found = []
    for path, text in _own_files([*roots, *MEMORY_DIRS]):
        leaks = find_leaks(text, codes)
        if leaks:
            found.append(f"{path} {leaks[0]}")
    return found
