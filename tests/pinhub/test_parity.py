"""Parity: the same hub repositories through torch.hub and pinhub give the same entrypoints, docs and models."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import torch

import pinhub
from support.github import GitHubServer
from support.gitrepos import GitRepo
from tests.pinhub.hubs import affine_hub

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@contextmanager
def forgetting_new_modules() -> Iterator[None]:
    """torch.hub leaves a hub's modules in sys.modules; forget them so the next hub starts clean."""
    before = set(sys.modules)
    try:
        yield
    finally:
        for name in set(sys.modules) - before:
            del sys.modules[name]


def hub_folder(name: str, tmp_path: Path) -> Path:
    """A hub's files in a folder: an example of this project, or the test's affine hub."""
    if name.startswith("examples/"):
        return EXAMPLES / name.removeprefix("examples/")
    folder = tmp_path / name
    for relative, content in affine_hub(5).items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(str(content))
    return folder


def torch_hub_view(folder: Path, slug: str) -> tuple[list[str], dict[str, str | None], dict[str, Any]]:
    """list, help and every entrypoint's result, from torch.hub (github form served from its own cache)."""
    shutil.copytree(folder, Path(torch.hub.get_dir()) / f"parity_{slug}_main")
    with forgetting_new_modules():
        names = torch.hub.list(f"parity/{slug}:main", trust_repo="check", verbose=False)  # type: ignore[no-untyped-call]
    docs: dict[str, str | None] = {}
    results: dict[str, Any] = {}
    for name in names:
        with forgetting_new_modules():
            docs[name] = torch.hub.help(f"parity/{slug}:main", name, trust_repo="check")  # type: ignore[no-untyped-call]
        if name[0].islower():
            with forgetting_new_modules():
                torch.manual_seed(0)
                results[name] = torch.hub.load(str(folder), name, source="local", verbose=False)  # type: ignore[no-untyped-call]
    return names, docs, results


def assert_same_result(ours: Any, theirs: Any) -> None:
    assert type(ours).__qualname__ == type(theirs).__qualname__
    assert repr(ours) == repr(theirs)
    if isinstance(theirs, torch.nn.Module):
        ours_state, their_state = ours.state_dict(), theirs.state_dict()
        assert list(ours_state) == list(their_state)
        assert all(torch.equal(ours_state[key], their_state[key]) for key in their_state)


HUBS = ["examples/digits", "examples/digits-vae", "affine"]


@pytest.mark.parametrize("hub", HUBS)
def test_pinhub_matches_torch_hub(hub: str, tmp_path: Path, server: GitHubServer) -> None:
    folder = hub_folder(hub, tmp_path)
    names, docs, results = torch_hub_view(folder, hub.replace("/", "-"))
    assert names, "the hub has entrypoints"
    repo = GitRepo(tmp_path / "repo")
    commit = repo.commit({str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()})
    server.add("parity/hub", repo.path)
    for source, location in (("local", str(folder)), ("github", "parity/hub")):
        pin: dict[str, Any] = {"commit": commit, "trust_repo": True} if source == "github" else {}
        assert pinhub.list(location, source=source, verbose=False, **pin) == names
        for name in names:
            assert pinhub.help(location, name, source=source, verbose=False, **pin) == docs[name]
        for name, theirs in results.items():
            torch.manual_seed(0)
            assert_same_result(pinhub.load(location, name, source=source, verbose=False, **pin), theirs)


def test_affine_outputs_match(tmp_path: Path) -> None:
    folder = hub_folder("affine", tmp_path)
    x = torch.arange(3.0)
    with forgetting_new_modules():  # torch.hub's model only works while its modules stay in sys.modules
        theirs = torch.hub.load(str(folder), "affine", 3.0, source="local")  # type: ignore[no-untyped-call]
        expected, expected_label = theirs(x), theirs.label()
    ours = pinhub.load(str(folder), "affine", 3.0, source="local")
    assert torch.equal(ours(x), expected)
    assert ours.label() == expected_label == "hub-5"
