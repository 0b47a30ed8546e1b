"""A fresh virtual environment that has torch (like Colab) but not pinhub, for running published notebooks.

Installing torch into it would take minutes and the network, so it sees this project's environment
through a `.pth` line, minus the pinhub that is installed there: a `pip install pinhub` in the fresh
environment must really install the wheel from the site's package index, and the kernel must import
that copy.
"""

from __future__ import annotations

import subprocess
import sysconfig
import venv
from pathlib import Path

PINHUB_FILES = ("pinhub", "pinhub-", "_pinhub", "_editable_impl_pinhub", "__editable__")


def fresh_environment(folder: Path) -> Path:
    """A new venv in `folder` (with pip) that can import everything this one has but pinhub.

    Returns:
        Its Python interpreter.
    """
    venv.EnvBuilder(with_pip=True, symlinks=True).create(folder / "venv")
    python = folder / "venv" / "bin" / "python"
    shadow = folder / "preinstalled"
    shadow.mkdir()
    for item in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not item.name.startswith(PINHUB_FILES) and item.suffix != ".pth":
            (shadow / item.name).symlink_to(item)
    site_packages = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(site_packages) / "preinstalled.pth").write_text(f"{shadow}\n", encoding="utf-8")
    return python
