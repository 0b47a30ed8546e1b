"""Fixtures for the loader's tests: real git repositories and a real HTTP server in GitHub's URL shapes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pinhub import _dirs
from support.github import GitHubServer
from support.gitrepos import GitRepo
from tests.pinhub.hubs import affine_hub


@pytest.fixture(autouse=True)
def unset_hub_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget any set_dir() call of an earlier test."""
    monkeypatch.setattr(_dirs, "_hub_dir", None)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[GitHubServer]:
    """A running server that pinhub's github source is pointed at (PINHUB_GITHUB_URL)."""
    hub_server = GitHubServer()
    monkeypatch.setenv("PINHUB_GITHUB_URL", hub_server.url)
    yield hub_server
    hub_server.stop()


@dataclass
class Widgets:
    """acme/widgets: v1 (tag) at ``first``; ``main`` at ``second``; branch ``dev`` at ``third``."""

    repo: GitRepo
    first: str
    second: str
    third: str


@pytest.fixture
def widgets(tmp_path: Path, server: GitHubServer) -> Widgets:
    """The acme/widgets repository, served, with a tag, two branches and three commits."""
    repo = GitRepo(tmp_path / "widgets")
    first = repo.commit(affine_hub(1), "first")
    repo.tag("v1")
    second = repo.commit(affine_hub(2), "second")
    repo.branch("dev")
    repo.checkout("dev")
    third = repo.commit(affine_hub(3), "third")
    repo.checkout("main")
    server.add("acme/widgets", repo.path)
    return Widgets(repo, first, second, third)
