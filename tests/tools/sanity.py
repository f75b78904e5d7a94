"""Run ``ansible-test sanity`` offline (no Galaxy, no ansible-test download server).

ansible-test wants the collection at ``.../ansible_collections/edge/snowball`` with its
dependencies in the same root, and downloads a ``get-pip`` bootstrap script from a server
this machine cannot reach. This script

1. copies the tracked tree into ``.build/sanity/ansible_collections/edge/snowball`` and links
   the installed amazon.aws beside it;
2. writes the bootstrap script ansible-test would download into its cache, as a small
   program that installs the pip wheel fetched from PyPI (the same pip version ansible-test asks for);
3. runs ``ansible-test sanity --venv`` there.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import re
import shutil
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
BUILD = REPO / ".build"
# ansible-test keeps its venvs and caches under ~/.ansible/test, whatever ANSIBLE_HOME says: its own home
# in the checkout, so that nothing is written outside it.
HOME = BUILD / "ansible-test-home"

BOOTSTRAP = '''"""Offline stand-in for ansible-test's get-pip script (written by tests/tools/sanity.py)."""
import sys

WHEEL = {wheel!r}
sys.path.insert(0, WHEEL)
from pip._internal.cli.main import main  # noqa: E402

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
sys.exit(main(["install", WHEEL] + args))
'''


def pip_version_wanted(ansible_test_root: pathlib.Path) -> str:
    text = (ansible_test_root / "_internal" / "python_requirements.py").read_text()
    match = re.search(r"pip='([0-9.]+)'", text)
    if not match:
        raise SystemExit("could not find the pip version ansible-test bootstraps")
    return match[1]


def prepare_bootstrap(python: pathlib.Path) -> None:
    import ansible_test

    version = pip_version_wanted(pathlib.Path(ansible_test.__file__).parent)
    cache = HOME / ".ansible" / "test" / "cache"
    script = cache / f"get_pip_{version.replace('.', '_')}.py"
    wheels = REPO / ".cache" / "wheels"
    wheel = next(wheels.glob(f"pip-{version}-*.whl"), None)
    if wheel is None:
        wheels.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [str(python), "-m", "pip", "download", "-q", "--no-deps", f"pip=={version}", "-d", str(wheels)], check=True
        )
        wheel = next(wheels.glob(f"pip-{version}-*.whl"))
    cache.mkdir(parents=True, exist_ok=True)
    script.write_text(BOOTSTRAP.format(wheel=str(wheel)))


def copy_tree(target: pathlib.Path) -> None:
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout.split("\0")
    if target.exists():
        shutil.rmtree(target)
    for name in filter(None, files):
        source = REPO / name
        if not source.is_file():
            continue
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest)
    # ansible-test lists files through git when it finds a repository: give it one.
    subprocess.run(["git", "init", "-q"], cwd=target, check=True)
    subprocess.run(["git", "add", "-A"], cwd=target, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--venv", default=".venv", help="the venv whose ansible-test to use")
    parser.add_argument("--python", default=f"{sys.version_info[0]}.{sys.version_info[1]}")
    parser.add_argument("tests", nargs="*", help="only these sanity tests")
    args = parser.parse_args()

    venv_bin = (REPO / args.venv / "bin").resolve()
    root = BUILD / "sanity" / "ansible_collections"
    target = root / "edge" / "snowball"
    copy_tree(target)
    amazon = (
        pathlib.Path(os.environ.get("ANSIBLE_COLLECTIONS_PATH", BUILD / "collections"))
        / "ansible_collections"
        / "amazon"
        / "aws"
    )
    link = root / "amazon" / "aws"
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(amazon.resolve(), target_is_directory=True)
    prepare_bootstrap(venv_bin / "python")

    command = [str(venv_bin / "ansible-test"), "sanity", "--venv", "--python", args.python, "--color", "no"]
    for name in args.tests:
        command += ["--test", name]
    env = dict(os.environ, HOME=str(HOME), PATH=f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}")
    return subprocess.call(command, cwd=target, env=env)


if __name__ == "__main__":
    sys.exit(main())
