"""Headless Chromium (Debian's, driven by Playwright's Python package) on the session's built site.

Every page a test opens is watched: a console error, an uncaught exception, or a request to any host
but 127.0.0.1 fails the test. Requests elsewhere are blocked, never sent. Without Chromium the tests
skip, saying how to install it; Playwright never downloads a browser of its own here.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.generator.site.sitebuild import BuiltSite, built_site

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
INSTALL_HINT = (
    "headless Chromium is needed for the browser tests: `sudo apt-get install -y chromium` (Debian/Ubuntu), "
    "or set PINHUB_CHROMIUM to a Chromium binary; see DEVELOPERS.md"
)


def chromium_path() -> str | None:
    """Debian's chromium, or the binary PINHUB_CHROMIUM names."""
    configured = os.environ.get("PINHUB_CHROMIUM")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class Watch:
    """What the pages of one test did that they should not have."""

    problems: list[str] = field(default_factory=list)

    def console(self, message: Any) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text} at {message.location.get('url', '')}")

    def exception(self, error: Any) -> None:
        self.problems.append(f"uncaught exception: {error}")

    def route(self, route: Any) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("data", "blob") or urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.problems.append(f"request to another host: {url}")
            route.abort()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The test project, built once and served on 127.0.0.1."""
    return built_site(tmp_path_factory)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session."""
    executable = chromium_path()
    if executable is None:
        pytest.skip(INSTALL_HINT)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is needed for the browser tests: pip install -r requirements/test.txt")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def page(browser: Any, site: BuiltSite, watch: Watch) -> Iterator[Any]:
    """A new tab with clipboard access, whose console, errors and requests are watched."""
    yield from watched_tab(browser, watch, {"width": 1280, "height": 900}, site.url)


@pytest.fixture
def tab(browser: Any, watch: Watch) -> Iterator[Any]:
    """A new 1280x800 tab, watched like `page`, for a site of the test's own (see rendered_site.py)."""
    yield from watched_tab(browser, watch, {"width": 1280, "height": 800})


def watched_tab(browser: Any, watch: Watch, viewport: dict[str, int], clipboard_for: str = "") -> Iterator[Any]:
    """A tab whose console, errors and requests are watched; the test fails on any problem seen."""
    context = browser.new_context(viewport=viewport)
    if clipboard_for:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=clipboard_for.rstrip("/"))
    context.route("**/*", watch.route)
    opened = context.new_page()
    opened.on("console", watch.console)
    opened.on("pageerror", watch.exception)
    yield opened
    context.close()
    assert watch.problems == []
