"""Lock keys: everything a result depends on is in the key, and nothing else."""

from __future__ import annotations

import importlib.metadata
from typing import Any

from generator.catalogue.model import Entry
from generator.lock import dependency_versions, device_key, entry_key
from generator.lock.keys import torch_release

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def entry(**fields: Any) -> Entry:
    base = {"id": "hub", "title": "Hub", "summary": "s", "repo": "owner/name", "commit": COMMIT, "category": "vision"}
    return Entry.model_validate(base | fields)


def key(hub: Entry, torch: str = "2.13.0+cpu", versions: dict[str, str] | None = None) -> str:
    return entry_key(hub, hub.commit, "", torch, versions or {})


def test_every_input_of_the_result_changes_the_key() -> None:
    base = key(entry())
    assert key(entry()) == base
    changed = [
        key(entry(commit="f" * 40)),
        key(entry(subdir="hub")),
        key(entry(entrypoints=["tiny"])),
        key(entry(smoke={"timeout": 5})),
        key(entry(smoke={"kwargs": {"pretrained": False}})),
        key(entry(), torch="2.14.0"),
        key(entry(), versions={"numpy": "2.0.0"}),
    ]
    assert base not in changed and len(set(changed)) == len(changed)


def test_what_a_page_shows_but_a_result_does_not_depend_on_leaves_the_key_alone() -> None:
    assert key(entry(title="Another title", summary="Other words", tags=[])) == key(entry())


def test_one_torch_release_built_for_cpu_or_cuda_has_one_key() -> None:
    assert torch_release("2.13.0+cu126") == torch_release("2.13.0+cpu") == "2.13.0"
    assert key(entry(), torch="2.13.0+cu126") == key(entry(), torch="2.13.0+cpu")


def test_each_device_has_its_own_key() -> None:
    base = key(entry())
    assert device_key(base, "cpu") != device_key(base, "cuda")
    assert device_key(base, "cpu") != device_key(key(entry(commit="f" * 40)), "cpu")


def test_dependency_versions_come_from_the_installed_packages() -> None:
    versions = dependency_versions(["torch", "yaml", "numpy>=1.24", "json", "definitely_not_installed_pkg"])
    assert versions == {
        "torch": importlib.metadata.version("torch").split("+")[0],  # the release: CPU and CUDA builds agree
        "yaml": importlib.metadata.version("pyyaml"),  # an import name, found through its distribution
        "numpy>=1.24": importlib.metadata.version("numpy"),
        "json": "stdlib",
        "definitely_not_installed_pkg": "missing",
    }
