"""Two hubs whose code shares top-level module names (``models``, ``utils``) work side by side in one process."""

from __future__ import annotations

import importlib
import pickle
import sys
import types
from pathlib import Path
from typing import Any

import pytest
import torch

import pinhub
from support.github import GitHubServer
from support.gitrepos import GitRepo
from tests.pinhub.hubs import affine_hub

PICKLED_ENTRYPOINT = '''

def pickled():
    """A full model unpickled from a file, as yolov5 loads its checkpoints (classes found by name)."""
    import pathlib

    import torch

    saved = torch.load(pathlib.Path(__file__).parent / "full.pt", weights_only=False)
    saved["model"].badge = saved["badge"]
    return saved["model"]
'''


def pickle_full_model(folder: Path) -> None:
    """Save a whole model from the hub's own code: the pickle names ``models.Affine`` and ``utils.naming.Badge``.

    The hub is imported the torch.hub way (its folder first on sys.path), and forgotten afterwards.
    """
    before = set(sys.modules)
    sys.path.insert(0, str(folder))
    try:
        models = importlib.import_module("models")
        naming = importlib.import_module("utils.naming")
        torch.save({"model": models.Affine(2.0), "badge": naming.Badge()}, folder / "full.pt")
    finally:
        sys.path.remove(str(folder))
        for name in set(sys.modules) - before:
            del sys.modules[name]


@pytest.fixture
def two_hubs(tmp_path: Path, server: GitHubServer) -> dict[str, str]:
    """acme/one and acme/two: the same module names, different offsets (1 and 2); name -> commit."""
    commits = {}
    for offset, name in ((1, "one"), (2, "two")):
        repo = GitRepo(tmp_path / name)
        files = affine_hub(offset)
        files["hubconf.py"] = str(files["hubconf.py"]) + PICKLED_ENTRYPOINT
        repo.commit(files)
        pickle_full_model(repo.path)
        commits[name] = repo.commit({}, "add the pickled model")
        server.add(f"acme/{name}", repo.path)
    return commits


def load(name: str, commit: str, entry: str = "affine") -> Any:
    return pinhub.load(f"acme/{name}", entry, commit=commit, trust_repo=True, verbose=False)


def value(model: torch.nn.Module) -> float:
    return float(model(torch.zeros(1)).detach())


def test_both_models_work_after_both_loads(two_hubs: dict[str, str]) -> None:
    one = load("one", two_hubs["one"])
    two = load("two", two_hubs["two"])
    # forward imports models and utils lazily, now, after both hubs were loaded.
    assert (value(one), value(two)) == (11.0, 22.0)
    # label() imports utils.naming, which neither hub imported while loading.
    assert (one.label(), two.label()) == ("hub-1", "hub-2")
    assert type(one) is not type(two)
    assert pinhub.list("acme/one", commit=two_hubs["one"], verbose=False) == ["Affine", "affine", "pickled", "version"]
    assert load("two", two_hubs["two"], "version") == 2


def test_public_module_names_are_left_as_they_were(two_hubs: dict[str, str], tmp_path: Path) -> None:
    own = tmp_path / "mine"
    own.mkdir()
    (own / "models.py").write_text("WHOSE = 'mine'\n")
    sys.path.insert(0, str(own))
    try:
        import models  # type: ignore[import-not-found]

        one = load("one", two_hubs["one"])
        assert sys.modules["models"] is models
        assert "utils" not in sys.modules
        assert value(one) == 11.0
        assert models.WHOSE == "mine"
    finally:
        sys.path.remove(str(own))
        sys.modules.pop("models", None)


def test_models_pickled_by_name_unpickle_to_their_own_hub(two_hubs: dict[str, str]) -> None:
    one = load("one", two_hubs["one"], "pickled")
    two = load("two", two_hubs["two"], "pickled")
    assert (value(one), value(two)) == (11.0, 22.0)
    assert (one.badge.text(), two.badge.text()) == ("hub-1", "hub-2")
    # utils.naming was first imported by the unpickler, by its public name: it is still the hub's module.
    assert type(one.badge).__module__.startswith("_pinhub_hub_")
    assert type(one) is type(load("one", two_hubs["one"]))
    assert "models" not in sys.modules and "utils.naming" not in sys.modules


def test_hub_models_pickle_within_the_process(two_hubs: dict[str, str]) -> None:
    one = load("one", two_hubs["one"])
    copy = pickle.loads(pickle.dumps(one))
    assert type(copy) is type(one)
    assert value(copy) == 11.0


def test_local_folders_are_isolated_too(tmp_path: Path) -> None:
    for offset in (1, 2):
        repo = GitRepo(tmp_path / f"local{offset}")
        repo.commit(affine_hub(offset))
    one = pinhub.load(str(tmp_path / "local1"), "affine", source="local")
    two = pinhub.load(str(tmp_path / "local2"), "affine", source="local")
    assert (value(one), value(two)) == (11.0, 22.0)
    assert one.__pinhub__.source == "local" and one.__pinhub__.commit is None


def test_hub_module_runs_with_its_own_import(two_hubs: dict[str, str]) -> None:
    one = load("one", two_hubs["one"])
    module = sys.modules[type(one).__module__]
    assert isinstance(module, types.ModuleType)
    assert module.__builtins__["__import__"] is not __import__


def test_standard_library_names(tmp_path: Path) -> None:
    """A hub module named like an imported stdlib module loses, as under torch.hub; an unimported one wins."""
    assert "copy" in sys.modules and "tabnanny" not in sys.modules
    (tmp_path / "copy.py").write_text("MINE = True\n")
    (tmp_path / "tabnanny.py").write_text("MINE = True\n")
    hubconf = "import copy\nimport tabnanny\n\n\ndef whose():\n    return hasattr(copy, 'MINE'), tabnanny.MINE\n"
    (tmp_path / "hubconf.py").write_text(hubconf)
    assert pinhub.load(str(tmp_path), "whose", source="local") == (False, True)
    assert "tabnanny" not in sys.modules
