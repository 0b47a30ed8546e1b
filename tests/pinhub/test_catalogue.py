"""Catalogue ids resolve through the site's catalogue.json to the commit and folder the site verified."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import pinhub
from pinhub.errors import CatalogueError, OfflineCacheMissError
from support.github import GitHubServer
from tests.pinhub.conftest import Widgets

ROOT = Path(__file__).resolve().parents[2]


def catalogue(widgets: Widgets, commit: str | None) -> bytes:
    entry = {
        "id": "widgets",
        "default_entrypoint": "affine",
        "verified": True,
        "source": {"github": "acme/widgets", "git_url": None, "commit": commit, "subdir": ""},
    }
    pending = {"id": "pending", "source": {"github": "acme/other", "commit": None, "subdir": ""}}
    return json.dumps({"format": 1, "entries": [entry, pending]}).encode()


@pytest.fixture
def published(widgets: Widgets, server: GitHubServer, monkeypatch: pytest.MonkeyPatch) -> Widgets:
    """The site's catalogue.json, served beside the repository, pins widgets to its first commit."""
    server.files["/site/catalogue.json"] = catalogue(widgets, widgets.first)
    monkeypatch.setenv("PINHUB_CATALOGUE_URL", f"{server.url}/site/catalogue.json")
    return widgets


def test_an_id_loads_the_commit_the_site_verified(published: Widgets) -> None:
    model = pinhub.load("widgets", "affine", source="catalogue", trust_repo=True, scale=2.0)
    assert model.__pinhub__.commit == published.first  # not main's head, which is `second`
    assert torch.equal(model(torch.zeros(1)), torch.full((1,), 11.0))  # offset 1: the first commit's hub
    entry = pinhub.catalogue_entry("widgets")
    assert (entry.repo, entry.commit, entry.default_entrypoint) == ("acme/widgets", published.first, "affine")


def test_ids_resolve_offline_from_the_copy_kept_last_time(
    published: Widgets, server: GitHubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    pinhub.load("widgets", "affine", source="catalogue", trust_repo=True)
    server.stop()
    monkeypatch.setenv("PINHUB_OFFLINE", "1")
    model = pinhub.load("widgets", "affine", source="catalogue", trust_repo=True)
    assert model.__pinhub__.commit == published.first


def test_offline_without_a_copy_says_what_to_do(published: Widgets, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINHUB_OFFLINE", "1")
    with pytest.raises(OfflineCacheMissError, match="never fetched on this machine"):
        pinhub.catalogue_entry("widgets")


def test_unknown_and_unpinned_ids_are_clear_errors(published: Widgets) -> None:
    with pytest.raises(CatalogueError, match=r"no entry 'nope' in the catalogue .*: pending, widgets"):
        pinhub.load("nope", "affine", source="catalogue", trust_repo=True)
    with pytest.raises(CatalogueError, match=r"'pending' .* is not pinned to a commit yet"):
        pinhub.catalogue_entry("pending")


def test_a_local_copy_of_the_index_works_too(widgets: Widgets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = tmp_path / "catalogue.json"
    index.write_bytes(catalogue(widgets, widgets.third))
    monkeypatch.setenv("PINHUB_CATALOGUE_URL", index.as_uri())
    assert pinhub.catalogue_entry("widgets").commit == widgets.third


def test_resolve_and_the_command_line_take_catalogue_ids_too(published: Widgets) -> None:
    resolved = pinhub.resolve("widgets", source="Catalogue", verbose=False)
    assert (resolved.source, resolved.repo, resolved.commit) == ("github", "acme/widgets", published.first)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "pinhub", "fetch", "widgets", "--source", "catalogue"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"acme/widgets@{published.first}\t{resolved.path}\n"
