"""Print the directory holding python3.13, which `sam build` needs for the functions' runtime.

pyenv installs it without putting it on PATH; `make build` and the build test prepend this.
"""

from __future__ import annotations

import glob
import os
import shutil
import sys
from pathlib import Path


def python313_dir() -> Path | None:
    # A pyenv shim answers to `which` but fails unless 3.13 is selected, so real installs come first.
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    installed = sorted(glob.glob(os.path.join(pyenv_root, "versions", "3.13*", "bin", "python3.13")))
    if installed:
        return Path(installed[-1]).parent
    found = shutil.which("python3.13")
    if found and "shims" not in Path(found).parts:
        return Path(found).resolve().parent
    return None


if __name__ == "__main__":
    directory = python313_dir()
    if directory is None:
        sys.exit("python3.13 not found: install it (pyenv install 3.13) to build the python3.13 functions")
    print(directory)
