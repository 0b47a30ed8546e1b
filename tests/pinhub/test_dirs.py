"""The hub directory follows torch.hub's rules, so caches and checkpoints are shared with it."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

import pinhub


@pytest.fixture(autouse=True)
def unset_torch_hub_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.hub, "_hub_dir", None)


@pytest.mark.parametrize(
    ("torch_home", "xdg"),
    [("torch-home", "xdg"), (None, "xdg"), (None, None), ("~/th", None)],
    ids=["TORCH_HOME", "XDG_CACHE_HOME", "home", "tilde"],
)
def test_same_directory_as_torch_hub(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, torch_home: str | None, xdg: str | None
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name, value in (("TORCH_HOME", torch_home), ("XDG_CACHE_HOME", xdg)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value if value.startswith("~") else str(tmp_path / value))
    assert pinhub.get_dir() == torch.hub.get_dir()


def test_set_dir_wins_and_torch_hub_set_dir_is_honoured(tmp_path: Path) -> None:
    torch.hub.set_dir(str(tmp_path / "torch-chosen"))
    assert pinhub.get_dir() == str(tmp_path / "torch-chosen")
    pinhub.set_dir(tmp_path / "pinhub-chosen")
    assert pinhub.get_dir() == str(tmp_path / "pinhub-chosen")
    assert torch.hub.get_dir() == str(tmp_path / "torch-chosen")


def test_set_dir_expands_the_home_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    pinhub.set_dir("~/hub")
    assert pinhub.get_dir() == str(tmp_path / "hub")
