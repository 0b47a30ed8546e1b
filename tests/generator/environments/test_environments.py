"""Verification environments on real hubs: conflicting requirements, requirements that cannot be installed,
environments shared by entries that resolve alike. Packages come from wheels the tests make."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import pipeline
from generator.config import load_config
from generator.lock import read_lock
from generator.lock.records import EntryLock, SmokeResult
from support.hubrepos import CATALOGUE_HEAD, entry_yaml, make_hub_repo, make_project
from tests.generator.environments.wheels import make_wheel

# The entrypoint's size tells which release of `wheelpkg` it imported: Linear(major, 1).
HUBCONF = '''
dependencies = {dependencies!r}

import torch
import wheelpkg


def sized(pretrained=False):
    """A layer whose width is the major version of the wheelpkg it was built with."""
    return torch.nn.Linear(int(wheelpkg.VERSION.split(".")[0]), 1)
'''


@pytest.fixture
def wheel_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, find_links: str) -> Path:
    """wheelpkg 1.0 and 2.0, where uv looks for packages (besides the index and torch's own folder)."""
    folder = tmp_path / "wheels"
    for version in ("1.0", "2.0"):
        make_wheel(folder, "wheelpkg", version, f'VERSION = "{version}"\n')
    monkeypatch.setenv("UV_FIND_LINKS", ",".join(p for p in (find_links, str(folder)) if p))
    return folder


def _hub(path: Path, dependencies: list[str]) -> str:
    return make_hub_repo(path, {"hubconf.py": HUBCONF.format(dependencies=dependencies)}).url


def _commit(url: str) -> str:
    from support.hubrepos import git

    return git(Path(url.removeprefix("file://")), "rev-parse", "HEAD")


def _loaded(record: EntryLock) -> SmokeResult:
    entrypoint = record.entrypoint("sized")
    assert entrypoint is not None
    return entrypoint.smoke["cpu"]


def test_conflicting_versions_each_verify_in_their_own_environment(tmp_path: Path, wheel_folder: Path) -> None:
    old = _hub(tmp_path / "old", ["torch", "wheelpkg==1.0"])  # declared by the hub
    new = _hub(tmp_path / "new", ["torch"])  # needed but undeclared: the catalogue's requirements: says so
    catalogue = CATALOGUE_HEAD + entry_yaml("old", old, _commit(old)) + entry_yaml("new", new, _commit(new))
    catalogue += '    requirements: ["wheelpkg==2.0"]\n'
    config = load_config(make_project(tmp_path / "project", catalogue))

    report = pipeline.lock(config, pipeline.LockOptions())

    lock = read_lock(config.lock)
    assert {i: o for i, (o, _) in report.outcomes.items()} == {"old": "verified", "new": "verified"}
    old_record, new_record = lock.entries["old"], lock.entries["new"]
    assert _loaded(old_record).parameters == 2  # Linear(1, 1)
    assert _loaded(new_record).parameters == 3  # Linear(2, 1)
    old_environment, new_environment = lock.environment(old_record), lock.environment(new_record)
    assert old_environment is not None and new_environment is not None
    assert old_environment.version("wheelpkg") == "1.0" and new_environment.version("wheelpkg") == "2.0"
    assert old_environment.id != new_environment.id
    assert old_record.requirements == ["wheelpkg==1.0"] and new_record.requirements == ["wheelpkg==2.0"]


def test_requirements_that_cannot_be_installed_are_the_entrys_status(tmp_path: Path, wheel_folder: Path) -> None:
    hub = _hub(tmp_path / "hub", ["torch", "wheelpkg==9.9"])
    config = load_config(make_project(tmp_path / "project", CATALOGUE_HEAD + entry_yaml("hub", hub, _commit(hub))))

    report = pipeline.lock(config, pipeline.LockOptions())

    record = read_lock(config.lock).entries["hub"]
    assert report.outcomes["hub"][0] == "failed"
    assert record.environment_error.startswith("cannot install wheelpkg==9.9: ")
    assert "wheelpkg" in record.environment_error.removeprefix("cannot install wheelpkg==9.9: ")
    assert _loaded(record).status == "cannot-install"
    assert [e.name for e in record.entrypoints] == ["sized"]  # read from the source instead
    assert record.introspection == "static"


def test_entries_that_resolve_alike_share_one_environment(
    tmp_path: Path, wheel_folder: Path, environments_dir: Path
) -> None:
    first = _hub(tmp_path / "first", ["torch", "wheelpkg==1.0"])
    second = _hub(tmp_path / "second", ["torch", "wheelpkg"])
    catalogue = CATALOGUE_HEAD + entry_yaml("first", first, _commit(first))
    catalogue += entry_yaml("second", second, _commit(second)) + '    requirements: ["wheelpkg<2"]\n'
    config = load_config(make_project(tmp_path / "project", catalogue))

    pipeline.lock(config, pipeline.LockOptions(jobs=2))

    lock = read_lock(config.lock)
    first_id = lock.entries["first"].environments["cpu"]
    assert lock.entries["second"].environments["cpu"] == first_id
    assert list(lock.environments) == [first_id]
    assert (environments_dir / first_id / "bin" / "python").exists()
