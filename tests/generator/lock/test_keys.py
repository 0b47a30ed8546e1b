"""Lock keys: everything a result depends on is in the key, and nothing about the machine that built it."""

from __future__ import annotations

from typing import Any

from generator.catalogue.model import Entry, VerificationSetting
from generator.lock import device_key, entry_key, repo_key

COMMIT = "0123456789abcdef0123456789abcdef01234567"
DEFAULT = VerificationSetting()


def entry(**fields: Any) -> Entry:
    base = {"id": "hub", "title": "Hub", "summary": "s", "repo": "owner/name", "commit": COMMIT, "category": "vision"}
    return Entry.model_validate(base | fields)


def key(hub: Entry, setting: VerificationSetting = DEFAULT, content: str = "") -> str:
    return entry_key(hub, setting, hub.commit, content)


def test_every_input_of_the_result_changes_the_key() -> None:
    base = key(entry())
    assert key(entry()) == base
    changed = [
        key(entry(commit="f" * 40)),
        key(entry(subdir="hub")),
        key(entry(entrypoints=["tiny"])),
        key(entry(smoke={"timeout": 5})),
        key(entry(smoke={"kwargs": {"pretrained": False}})),
        key(entry(requirements=["timm>=0.9"])),
        key(entry(), VerificationSetting(torch="2.13.0")),
        key(entry(), VerificationSetting(torchvision=None)),
        key(entry(), VerificationSetting(python="3.12")),
        key(entry(), content="edited"),
    ]
    assert base not in changed and len(set(changed)) == len(changed)


def test_what_a_page_shows_but_a_result_does_not_depend_on_leaves_the_key_alone() -> None:
    assert key(entry(title="Another title", summary="Other words", tags=[], license="MIT")) == key(entry())


def test_github_names_are_one_repository_however_they_are_cased() -> None:
    assert key(entry(repo="Coderx7/SimpleNet_Pytorch")) == key(entry(repo="coderx7/simplenet_pytorch"))
    assert repo_key("https://github.com/Owner/Name.git") == repo_key("owner/name")
    assert repo_key("file:///srv/Mirrors/Hub.git") == "file:///srv/Mirrors/Hub.git"  # paths are case-sensitive


def test_each_device_has_its_own_key() -> None:
    base = key(entry())
    assert device_key(base, "cpu") != device_key(base, "cuda")
    assert device_key(base, "cpu") != device_key(key(entry(commit="f" * 40)), "cpu")
