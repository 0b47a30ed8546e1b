"""Fixtures shared by the whole suite.

Every cache a test could touch is pointed at a temporary directory, so tests never read or write the
user's real caches (torch hub, PinHub build cache) and never depend on each other.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_caches(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point TORCH_HOME, XDG_CACHE_HOME and PinHub's caches at a fresh temporary directory."""
    root = tmp_path_factory.mktemp("caches")
    monkeypatch.setenv("TORCH_HOME", str(root / "torch"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / "xdg"))
    monkeypatch.setenv("PINHUB_BUILD_CACHE", str(root / "build-cache"))
    monkeypatch.delenv("PINHUB_OFFLINE", raising=False)
    monkeypatch.delenv("PINHUB_GITHUB_URL", raising=False)
    return root
