"""Fixtures shared by the whole suite.

Every cache a test could touch is pointed at a temporary directory, so tests never read or write the
user's real caches (torch hub, PinHub build cache) and never depend on each other. Two caches are
shared by the session instead, because what they hold never changes: uv's package cache (where it
hard-links environments from) and the verification environments made from it, keyed by their exact
contents.

The tests of the fault matrix carry `@pytest.mark.fault(row, case)`; their rows and cases, and the
commit the suite ran at, go into the JUnit XML (`--junitxml`) that the site's Reliability page shows.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Read before any test moves XDG_CACHE_HOME: uv's real cache, so torch is unpacked once, not per test.
UV_CACHE = os.environ.get("UV_CACHE_DIR") or str(
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "uv"
)


def _pip_find_links() -> str:
    """The wheel folders pip installs from here (where the project's torch came from), if any."""
    configured = os.environ.get("PIP_FIND_LINKS")
    if configured:
        return configured
    command = [sys.executable, "-m", "pip", "config", "get", "global.find-links"]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    return completed.stdout.strip() if completed.returncode == 0 else ""


@pytest.fixture(scope="session")
def environments_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Verification environments made during this session (each distinct one is made once)."""
    return tmp_path_factory.mktemp("environments")


@pytest.fixture(scope="session")
def find_links() -> str:
    """Where uv finds the torch wheel the project's own venv was installed from."""
    return os.environ.get("UV_FIND_LINKS") or _pip_find_links()


@pytest.fixture(scope="session", autouse=True)
def verification_environments(environments_dir: Path, find_links: str) -> Iterator[None]:
    """uv's real cache, torch's wheel folder and the session's environments, for every test and every
    fixture (module-scoped ones too, which build before a test's own patches apply)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PINHUB_ENVIRONMENTS", str(environments_dir))
        patch.setenv("UV_CACHE_DIR", UV_CACHE)
        if find_links:
            patch.setenv("UV_FIND_LINKS", find_links)
        yield


@pytest.fixture(autouse=True)
def isolated_caches(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point TORCH_HOME, XDG_CACHE_HOME and PinHub's caches at a fresh temporary directory."""
    root = tmp_path_factory.mktemp("caches")
    monkeypatch.setenv("TORCH_HOME", str(root / "torch"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / "xdg"))
    monkeypatch.setenv("PINHUB_BUILD_CACHE", str(root / "build-cache"))
    monkeypatch.delenv("PINHUB_OFFLINE", raising=False)
    monkeypatch.delenv("PINHUB_GITHUB_URL", raising=False)
    monkeypatch.delenv("PINHUB_CATALOGUE_URL", raising=False)
    return root


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Record the row and case of every fault-matrix test (`@pytest.mark.fault(row, case)`) as properties
    of its test case in the JUnit XML, which the site's Reliability page is made from.

    A parametrized test's case ends with its parameters' id, or with the value of the parameter that
    `@pytest.mark.fault(row, case, param=NAME)` names."""
    for item in items:
        marker = item.get_closest_marker("fault")
        if marker is None:
            continue
        row, case = marker.args
        parameters = getattr(item, "callspec", None)
        if parameters is not None:
            name = marker.kwargs.get("param")
            case = f"{case}: {parameters.params[name] if name else parameters.id}"
        item.user_properties += [("fault.row", row), ("fault.case", case)]


@pytest.fixture(scope="session", autouse=True)
def commit_under_test(record_testsuite_property: Callable[[str, object], None]) -> None:
    """The commit the suite runs at (and whether the tree had uncommitted changes), as properties of the
    JUnit XML's test suite: the Reliability page says which code its results are of."""
    root = Path(__file__).resolve().parents[1]
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=False)
    if head.returncode != 0:
        return
    status = ["git", "status", "--porcelain", "--untracked-files=no"]
    changed = subprocess.run(status, cwd=root, capture_output=True, text=True, check=False).stdout.strip()
    record_testsuite_property("commit", head.stdout.strip())
    record_testsuite_property("uncommitted changes", "yes" if changed else "no")
