"""source="git": any URL git can fetch, here file:// repositories; refs after ``#``, commits with commit=."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import torch

import pinhub
from pinhub.errors import OfflineCacheMissError, RefNotFoundError
from tests.pinhub.conftest import Widgets


def load(url: str, **kwargs: Any) -> Any:
    return pinhub.load(url, "affine", source="git", trust_repo=True, verbose=False, **kwargs)


def offset_of(model: torch.nn.Module) -> int:
    return round(float(model(torch.zeros(1)).detach()) / 11)


def test_refs_and_commits(widgets: Widgets) -> None:
    url = widgets.repo.url
    assert load(url).__pinhub__.commit == widgets.second
    assert load(f"{url}#dev").__pinhub__.commit == widgets.third
    assert load(f"{url}#v1").__pinhub__.commit == widgets.first
    model = load(url, commit=widgets.first[:9])
    assert offset_of(model) == 1
    assert (model.__pinhub__.source, model.__pinhub__.repo) == ("git", url)
    assert offset_of(load(url, commit=widgets.second)) == 2


def test_full_commit_is_served_from_cache_after_the_remote_is_gone(widgets: Widgets, tmp_path: Path) -> None:
    load(widgets.repo.url, commit=widgets.third)
    load(f"{widgets.repo.url}#v1")
    url = widgets.repo.url
    shutil.move(widgets.repo.path, tmp_path / "moved")
    assert offset_of(load(url, commit=widgets.third)) == 3
    assert load(f"{url}#v1").__pinhub__.commit == widgets.first  # the tag's last resolution


def test_unknown_ref(widgets: Widgets) -> None:
    with pytest.raises(RefNotFoundError, match="no branch or tag 'nope'"):
        load(f"{widgets.repo.url}#nope")
    with pytest.raises(RefNotFoundError, match="has no branch, tag or commit"):
        load(widgets.repo.url, commit="deadbeef")


def test_offline(widgets: Widgets, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINHUB_OFFLINE", "1")
    with pytest.raises(OfflineCacheMissError, match="--source git --commit"):
        load(widgets.repo.url, commit=widgets.first)


def test_trust_is_recorded_by_url(widgets: Widgets) -> None:
    load(widgets.repo.url, commit=widgets.first)
    trusted = (Path(pinhub.get_dir()) / "trusted_list").read_text().split()
    assert trusted == [widgets.repo.url]
