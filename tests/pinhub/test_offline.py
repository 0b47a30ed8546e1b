"""PINHUB_OFFLINE: the cache only, not one request, and errors that say how to fetch what is missing."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import pinhub
from pinhub.errors import OfflineCacheMissError
from support.github import GitHubServer
from tests.pinhub.conftest import Widgets

ROOT = Path(__file__).resolve().parents[2]


def load(repo: str = "acme/widgets", **kwargs: Any) -> Any:
    return pinhub.load(repo, "affine", trust_repo=True, verbose=False, **kwargs)


def run_shell_command(command: str) -> subprocess.CompletedProcess[str]:
    """Run a command as printed in an error message, with this interpreter as ``python``."""
    words = shlex.split(command)
    assignments = dict(word.split("=", 1) for word in words if "=" in word and word.split("=")[0].isupper())
    words = [word for word in words if word.split("=")[0] not in assignments]
    assert words[0] == "python"
    env = {**os.environ, **assignments, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, *words[1:]], capture_output=True, text=True, env=env, timeout=60)


def test_cached_commits_and_refs_load_without_any_request(
    widgets: Widgets, server: GitHubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(commit=widgets.first)
    load("acme/widgets:dev")
    before = len(server.requests)
    monkeypatch.setenv("PINHUB_OFFLINE", "1")
    assert load(commit=widgets.first).__pinhub__.commit == widgets.first
    assert load(commit=widgets.first[:10]).__pinhub__.commit == widgets.first
    assert load("acme/widgets:dev").__pinhub__.commit == widgets.third
    assert len(server.requests) == before


def test_missing_commit_error_gives_a_command_that_fetches_it(
    widgets: Widgets, server: GitHubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PINHUB_OFFLINE", "true")
    with pytest.raises(OfflineCacheMissError) as raised:
        load(commit=widgets.second)
    assert server.requests == []
    message = str(raised.value)
    assert f"acme/widgets@{widgets.second} is not in the cache" in message
    assert "PINHUB_OFFLINE is set" in message
    command = message.rsplit("Fetch it with network access: ", 1)[1]
    assert command == f"PINHUB_OFFLINE=0 python -m pinhub fetch acme/widgets --commit {widgets.second}"
    done = run_shell_command(command)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"acme/widgets@{widgets.second}\t")
    assert load(commit=widgets.second).__pinhub__.commit == widgets.second


def test_unresolved_branch_and_subdir_in_the_command(widgets: Widgets, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINHUB_OFFLINE", "1")
    pinhub.set_dir(Path(pinhub.get_dir()) / "elsewhere")
    with pytest.raises(OfflineCacheMissError) as raised:
        load("acme/widgets:dev", subdir="utils")
    command = str(raised.value).rsplit("Fetch it with network access: ", 1)[1]
    expected = f"python -m pinhub fetch acme/widgets:dev --subdir utils --hub-dir {pinhub.get_dir()}"
    assert command == f"PINHUB_OFFLINE=0 {expected}"


def test_weights_offline(server: GitHubServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PINHUB_OFFLINE", "1")
    with pytest.raises(OfflineCacheMissError, match="PINHUB_OFFLINE is set"):
        pinhub.load_state_dict_from_url(f"{server.url}/w/net.pt", model_dir=str(tmp_path))
    with pytest.raises(OfflineCacheMissError):
        pinhub.download_url_to_file(f"{server.url}/w/net.pt", tmp_path / "net.pt")
    assert server.requests == []


def test_cli_reports_errors_in_one_line(widgets: Widgets) -> None:
    done = run_shell_command("python -m pinhub fetch acme/widgets:nope")
    assert done.returncode == 1
    assert done.stderr.strip() == "error: acme/widgets has no branch or tag 'nope'"
