"""A cached commit is checked against its manifest on every hit: edits are noticed even with size and mtime kept."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

import pinhub
from pinhub._integrity import RACY_WINDOW_NS
from pinhub.errors import DamagedCacheError, OfflineCacheMissError
from support.github import GitHubServer
from tests.pinhub.conftest import Widgets
from tests.pinhub.tampering import edit_in_place
from tests.pinhub.test_offline import run_shell_command

MANIFEST = ".pinhub-manifest.json"


def load(repo: str = "acme/widgets", **kwargs: Any) -> Any:
    return pinhub.load(repo, "affine", trust_repo=True, verbose=False, **kwargs)


def cached(commit: str) -> Path:
    return Path(pinhub.get_dir()) / "pinhub" / "github" / "acme" / "widgets" / commit


@pytest.mark.fault("Loader", "an edited cached hub folder (same size and mtime): noticed, downloaded again")
def test_an_edit_that_keeps_size_and_mtime_is_noticed_and_the_commit_downloaded_again(
    widgets: Widgets, server: GitHubServer, capsys: pytest.CaptureFixture[str]
) -> None:
    load(commit=widgets.first)
    consts = cached(widgets.first) / "utils" / "consts.py"
    edit_in_place(consts, b"OFFSET = 99\n")
    capsys.readouterr()
    assert load(commit=widgets.first).__pinhub__.commit == widgets.first
    assert consts.read_text() == "OFFSET = 10\n"
    assert server.count("archive") == 2
    message = capsys.readouterr().err
    assert f"{cached(widgets.first)} was changed after it was downloaded (utils/consts.py)" in message
    [aside] = cached(widgets.first).parent.glob(f"{widgets.first}.modified-*")
    assert (aside / "utils" / "consts.py").read_text() == "OFFSET = 99\n"  # the edit is kept, not deleted
    assert f"Moved {cached(widgets.first)} aside to {aside}" in message


@pytest.mark.fault("Loader", "offline, an edited cached hub folder: refused, naming the files and the fix")
@pytest.mark.parametrize("pin", ["commit", "branch", "abbreviated"])
def test_offline_an_edited_commit_is_refused_with_the_files_and_the_fix(
    widgets: Widgets, server: GitHubServer, monkeypatch: pytest.MonkeyPatch, pin: str
) -> None:
    request = {"commit": {"commit": widgets.third}, "branch": {"repo": "acme/widgets:dev"}}
    request["abbreviated"] = {"commit": widgets.third[:10]}
    load(**request["branch"])
    edit_in_place(cached(widgets.third) / "models.py", (cached(widgets.third) / "models.py").read_bytes().upper())
    monkeypatch.setenv("PINHUB_OFFLINE", "1")
    with pytest.raises(DamagedCacheError) as raised:
        load(**request[pin])
    assert isinstance(raised.value, OfflineCacheMissError)
    message = str(raised.value)
    where = f"acme/widgets@{widgets.third} in the cache ({cached(widgets.third)})"
    assert f"{where} was changed after it was downloaded (models.py)" in message
    assert "because PINHUB_OFFLINE is set" in message
    assert "load it with force_reload=True" in message
    command = message.rsplit("or run: ", 1)[1]
    assert command == f"PINHUB_OFFLINE=0 python -m pinhub fetch acme/widgets --commit {widgets.third} --force-reload"
    assert run_shell_command(command).returncode == 0
    assert load(**request[pin]).__pinhub__.commit == widgets.third


@pytest.mark.fault("Loader", "force_reload replaces an edited cached hub folder")
def test_force_reload_replaces_an_edited_commit(widgets: Widgets, server: GitHubServer) -> None:
    load(commit=widgets.first)
    edit_in_place(cached(widgets.first) / "README.md", b"hub 9\n")
    load(commit=widgets.first, force_reload=True)
    assert (cached(widgets.first) / "README.md").read_text() == "hub 1\n"
    assert server.count("archive") == 2


def test_a_copied_cache_is_a_hit_and_its_new_stamps_are_recorded(widgets: Widgets, server: GitHubServer) -> None:
    load(commit=widgets.first)
    folder = cached(widgets.first)
    original = folder.with_name("original")
    folder.rename(original)
    shutil.copytree(original, folder, symlinks=True)  # same content; new inodes, ctimes, mtimes
    shutil.rmtree(original)
    wait_until_settled(folder)
    load(commit=widgets.first)
    assert server.count("archive") == 1
    manifest = json.loads((folder / MANIFEST).read_text())
    for name, facts in manifest["files"].items():
        info = os.lstat(folder / name)
        assert facts[1:] == [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino], name


def test_a_cache_written_by_an_older_pinhub_still_loads_offline(
    widgets: Widgets, server: GitHubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(commit=widgets.first)
    manifest_path = cached(widgets.first) / MANIFEST
    manifest = json.loads(manifest_path.read_text())
    old_files = {name: [size, mtime_ns, sha256] for name, (sha256, size, mtime_ns, *_) in manifest["files"].items()}
    manifest_path.write_text(json.dumps({**manifest, "format": 1, "files": old_files}))
    monkeypatch.setenv("PINHUB_OFFLINE", "1")
    assert load(commit=widgets.first).__pinhub__.commit == widgets.first
    assert server.count("archive") == 1


def wait_until_settled(folder: Path) -> None:
    """Wait until every file's last change is older than the window in which a stamp cannot vouch for a hash."""
    newest = max(os.lstat(path).st_ctime_ns for path in folder.rglob("*"))
    time.sleep(max(0.0, (newest + RACY_WINDOW_NS - time.time_ns()) / 1e9) + 0.05)
