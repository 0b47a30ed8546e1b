"""Probes leave nothing behind: hub code that writes where it runs writes into a throwaway folder, and a
checkout that hub code changed anyway (a trusted run without a sandbox) is reported and put back."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from generator import pipeline
from generator.config import load_config
from generator.lock import read_lock
from generator.sandbox import SandboxUnavailableError, bubblewrap
from support.hubrepos import CATALOGUE_HEAD, entry_yaml, make_hub_repo, make_project

# Like hubs that cache into `.torch/` of their working directory and `~/.torch/` of their home.
WRITER_HUBCONF = '''
dependencies = ["torch"]

import os
from pathlib import Path

import torch

Path(".torch").mkdir(exist_ok=True)
Path(".torch", "cache.txt").write_text("written at import")
Path(os.path.expanduser("~/.torch")).mkdir(exist_ok=True)
Path(os.path.expanduser("~/.torch/cache.txt")).write_text("written at import")


def model(pretrained=False):
    """Writes beside its working files again when loaded."""
    Path(".torch", "weights.txt").write_text("written at load")
    return torch.nn.Linear(2, 2)
'''

# Writes into its own checkout: a sandbox refuses; a trusted run lets it, and the build must notice.
SELF_EDITING_HUBCONF = '''
dependencies = ["torch"]

from pathlib import Path

import torch

try:
    Path(__file__).with_name("generated.py").write_text("X = 1\\n")
except OSError:
    pass


def model(pretrained=False):
    """A model."""
    return torch.nn.Linear(2, 2)
'''


def _status(path: Path) -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--ignored"], cwd=path, capture_output=True, text=True
    ).stdout


def _checkouts(cache: Path) -> list[Path]:
    return [path for path in (cache / "checkouts").iterdir() if not path.name.startswith(".")]


def test_a_hub_writing_into_its_working_directory_and_home_verifies_and_leaves_no_trace(
    tmp_path: Path, isolated_caches: Path
) -> None:
    hub = make_hub_repo(tmp_path / "writer", {"hubconf.py": WRITER_HUBCONF})
    project = make_project(tmp_path / "project", CATALOGUE_HEAD + entry_yaml("writer", hub.url, hub.commit))
    config = load_config(project)
    home_cache = Path.home() / ".torch" / "cache.txt"
    home_before = home_cache.read_bytes() if home_cache.exists() else None

    report = pipeline.lock(config, pipeline.LockOptions())

    assert report.outcomes["writer"][0] == "verified", read_lock(config.lock).entries["writer"]
    (checkout,) = _checkouts(isolated_caches / "build-cache")
    assert _status(checkout) == "", "the cached checkout must be exactly the commit"
    assert (home_cache.read_bytes() if home_cache.exists() else None) == home_before, "the builder's HOME"
    assert not list(project.rglob(".torch")) and not list(tmp_path.glob("**/.torch/cache.txt"))


def test_a_trusted_hub_that_edits_its_checkout_is_reported_and_the_checkout_put_back(
    tmp_path: Path, isolated_caches: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A machine without bubblewrap, where the maintainer passed --trust-hub-code.
    monkeypatch.setattr(bubblewrap, "find", lambda: ("", "bubblewrap (bwrap) is not installed"))
    hub = make_hub_repo(tmp_path / "editor", {"hubconf.py": SELF_EDITING_HUBCONF})
    project = make_project(tmp_path / "project", CATALOGUE_HEAD + entry_yaml("editor", hub.url, hub.commit))
    config = load_config(project)

    report = pipeline.lock(config, pipeline.LockOptions(trusted=True))

    record = read_lock(config.lock).entries["editor"]
    assert record.isolation.startswith("none: trusted by the maintainer")
    assert report.outcomes["editor"][0] == "failed"
    assert record.introspection_error == "the hub changed its checkout while it was verified: ?? generated.py"
    (checkout,) = _checkouts(isolated_caches / "build-cache")
    assert _status(checkout) == "" and not (checkout / "generated.py").exists()


def test_without_a_sandbox_hub_code_runs_only_when_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bubblewrap, "find", lambda: ("", "bubblewrap (bwrap) is not installed"))
    hub = make_hub_repo(tmp_path / "hub", {"hubconf.py": SELF_EDITING_HUBCONF})
    config = load_config(make_project(tmp_path / "project", CATALOGUE_HEAD + entry_yaml("hub", hub.url, hub.commit)))
    with pytest.raises(SandboxUnavailableError, match="pass --trust-hub-code"):
        pipeline.lock(config, pipeline.LockOptions())
    assert not config.lock.exists()
