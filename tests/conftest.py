"""Makes ``ansible_collections.edge.snowball`` (this checkout) and amazon.aws importable in pytest.

The set-up (``make setup``) installs amazon.aws under ``.build/collections``; here a collection
root under ``.build/pytest`` links both, so unit tests run against the source tree itself.
"""

from __future__ import annotations

import os
import pathlib
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent
COLLECTIONS = pathlib.Path(
    os.environ.get("ANSIBLE_COLLECTIONS_PATH", str(REPO / ".build" / "collections")).split(os.pathsep)[0]
)
ROOT = REPO / ".build" / "pytest"


def _link(target: pathlib.Path, link: pathlib.Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() and link.resolve() == target.resolve():
        return
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(target, target_is_directory=True)


_amazon = COLLECTIONS / "ansible_collections" / "amazon" / "aws"
if not _amazon.is_dir():
    raise RuntimeError(f"amazon.aws is not installed under {COLLECTIONS}: run `make setup` first")
_link(_amazon, ROOT / "ansible_collections" / "amazon" / "aws")
_link(REPO, ROOT / "ansible_collections" / "edge" / "snowball")
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(REPO / "tests"))

# Let ansible-core's plugin loaders find the collections too (lookups read their options
# from their DOCUMENTATION through the loader, as in a playbook).
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder  # noqa: E402

_AnsibleCollectionFinder(paths=[str(ROOT)], scan_sys_paths=False)._install()


def pytest_configure(config):
    # make test runs the integration suite in three columns (main, lowest, newest). A test marked
    # `once` proves something the versions do not change (our scanner, the package, a large scenario
    # whose plugin code paths the targets already run in every column): the main column runs it, the
    # other two skip it with -m "not once".
    config.addinivalue_line("markers", "once: runs in the main column of make test only")


#: The integration files whose tests run longest (one playbook of 150 tasks, a fleet of hosts, five leak
#: runs): collected first, so that under `pytest -n 2` no worker starts one of them while the other
#: has nothing left to do. Only the order changes; figures: `make test` prints --durations.
LONGEST_FIRST = ("test_targets.py", "test_load.py", "test_leaks.py", "test_examples.py")


def pytest_collection_modifyitems(config, items):
    def rank(item):
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the order within a file, and of the other files, is kept
