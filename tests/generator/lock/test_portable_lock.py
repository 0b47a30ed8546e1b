"""A lock made on one machine holds on another: other paths, another build venv, no network, nothing made."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from generator import pipeline
from generator.config import load_config
from support.hubrepos import CATALOGUE_HEAD, GOOD_HUBCONF, PROJECT_ROOT, entry_yaml, make_hub_repo, make_project


def _other_build_venv(folder: Path) -> Path:
    """A second virtual environment elsewhere that sees the project's packages (another build machine's venv)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    site_packages = next((folder / "lib").glob("python3*/site-packages"))
    (site_packages / "project.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return folder / "bin" / "python"


def test_a_lock_made_elsewhere_is_reused_offline_without_making_anything(tmp_path: Path) -> None:
    hub = make_hub_repo(tmp_path / "upstream", {"hubconf.py": GOOD_HUBCONF})
    catalogue = CATALOGUE_HEAD + entry_yaml("tiny", hub.url, hub.commit, entrypoints="[tiny]")
    first = load_config(make_project(tmp_path / "machine-a" / "project", catalogue))
    assert pipeline.lock(first, pipeline.LockOptions()).outcomes["tiny"][0] == "verified"
    committed = first.lock.read_bytes()

    elsewhere = tmp_path / "machine-b"
    project = shutil.copytree(first.root, elsewhere / "somewhere" / "else" / "project")
    shutil.rmtree(hub.path)  # the repository is out of reach now
    environment = {
        **os.environ,
        "PINHUB_BUILD_CACHE": str(elsewhere / "build-cache"),
        "PINHUB_ENVIRONMENTS": str(elsewhere / "environments"),
        "XDG_CACHE_HOME": str(elsewhere / "xdg"),
        "UV_CACHE_DIR": str(elsewhere / "uv-cache"),
        "UV_OFFLINE": "1",
        "PINHUB_OFFLINE": "1",
    }
    python = _other_build_venv(elsewhere / "venv")
    command = [str(python), "-m", "generator", "--root", str(project), "build", "--strict", "--quiet"]
    completed = subprocess.run(command, cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True, timeout=600)

    assert completed.returncode == 0, completed.stderr[-2000:]
    assert (project / "catalogue" / "catalogue.lock").read_bytes() == committed
    assert "reused" in completed.stdout
    assert not (elsewhere / "environments").exists(), "no verification environment may be made"
    assert not (elsewhere / "uv-cache").exists(), "uv must not have been asked for anything"
    assert not (elsewhere / "build-cache" / "mirrors").exists(), "nothing may be fetched"
    assert (project / "site" / "models" / "tiny" / "index.html").is_file()
