"""The house's rules, read from the source (issue 21): module_utils is a few private packages by where
code runs; every file in it says it is internal; what ships to the edge host stays lean, so a module
there never needs botocore, boto3 or amazon.aws (the edge host has only the Snowball Edge client)."""

from __future__ import annotations

import ast
import pathlib

import pytest

PLUGINS = pathlib.Path(__file__).resolve().parents[4] / "plugins"
MODULE_UTILS = PLUGINS / "module_utils"
PREFIX = "ansible_collections.edge.snowball.plugins."
#: Modules whose code runs on the edge host.
EDGE_MODULES = ("device_unlock", "device_info", "device_credentials", "job_manifest")
HEAVY = ("botocore", "boto3", "amazon")
AWS_SIDE = ("module_utils._aws", "module_utils._jobs", "module_utils._sdm")


def imported(path):
    """Every module name ``path`` imports, at any depth of its code (a lazy import counts too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def source_of(name):
    """The file of a collection module name, or None (a name imported from a module, or not ours)."""
    if not name.startswith(PREFIX):
        return None
    base = PLUGINS.joinpath(*name[len(PREFIX) :].split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def closure(path):
    """Every name ``path`` imports, and every name the collection's files it imports import, in turn."""
    seen, todo, names = set(), [path], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for name in imported(current):
            names.add(name)
            source = source_of(name)
            if source is not None:
                todo.append(source)
    return names


def test_module_utils_has_at_most_twelve_entries_each_private():
    entries = sorted(p.name for p in MODULE_UTILS.iterdir() if p.name != "__pycache__")
    assert len(entries) <= 12, entries
    assert all(name.startswith("_") for name in entries), entries


# A package's __init__.py stays empty (ansible-test's empty-init rule); README's Layout says what each holds.
@pytest.mark.parametrize(
    "path",
    [p for p in sorted(MODULE_UTILS.rglob("*.py")) if p.name != "__init__.py"],
    ids=lambda p: str(p.relative_to(MODULE_UTILS)),
)
def test_every_file_says_it_is_for_internal_use(path):
    assert "internal use only" in path.read_text()[:600].lower()


EDGE_FILES = sorted((MODULE_UTILS / "_edge").glob("*.py")) + [PLUGINS / "modules" / f"{m}.py" for m in EDGE_MODULES]


@pytest.mark.parametrize("path", EDGE_FILES, ids=lambda p: p.stem)
def test_what_runs_on_the_edge_host_never_imports_an_aws_sdk(path):
    heavy = sorted(name for name in closure(path) if name.split(".")[0] in HEAVY)
    assert not heavy, f"{path.name} pulls in {heavy} on the edge host"


@pytest.mark.parametrize("path", sorted((MODULE_UTILS / "_edge").glob("*.py")), ids=lambda p: p.stem)
def test_the_edge_package_never_imports_the_aws_side(path):
    aws = sorted(name for name in imported(path) if any(f".{side}" in name for side in AWS_SIDE))
    assert not aws, f"{path.name} imports {aws}"


def test_the_guard_sees_an_added_import(tmp_path, monkeypatch):
    """The guard itself: an import of botocore two files away is found."""
    (tmp_path / "module_utils" / "_edge").mkdir(parents=True)
    (tmp_path / "module_utils" / "_edge" / "leaf.py").write_text("import botocore.session\n")
    (tmp_path / "module_utils" / "_edge" / "mid.py").write_text(f"from {PREFIX}module_utils._edge.leaf import x\n")
    top = tmp_path / "top.py"
    top.write_text(f"from {PREFIX}module_utils._edge import mid\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["PLUGINS"]), "PLUGINS", tmp_path)
    assert "botocore.session" in closure(top)


@pytest.mark.parametrize("path", sorted((MODULE_UTILS / "_aws").glob("*.py")), ids=lambda p: p.stem)
def test_the_aws_package_serves_every_service_and_imports_none(path):
    """_aws is what the job API and Snow Device Management share (client, call, error table): it imports
    neither; each service's own words live in its package (2.0.0's error table imported _jobs)."""
    services = sorted(name for name in imported(path) if ".module_utils._jobs" in name or ".module_utils._sdm" in name)
    assert not services, f"{path.name} imports {services}"
