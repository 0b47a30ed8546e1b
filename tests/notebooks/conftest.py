"""The session's built site (see sitebuild.py)."""

from __future__ import annotations

import pytest

from tests.generator.site.sitebuild import BuiltSite, built_site


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The test project, built once and served on 127.0.0.1."""
    return built_site(tmp_path_factory)
