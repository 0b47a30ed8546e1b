"""The built site in a real browser: search, copy, Colab, tabs, sorting, and hostile text that stays text."""

from __future__ import annotations

from typing import Any

import pytest

from generator.lock import read_lock
from tests.generator.site.sitebuild import HOSTILE_ID, SEARCH_TAG, BuiltSite

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements/test.txt").expect
RESULT = ".md-search-result__item a"


def search(page: Any, query: str) -> list[str]:
    """Type `query` into Material's search and return the addresses of the results."""
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").press_sequentially(query)  # Material searches on keyup
    page.locator(RESULT).first.wait_for(timeout=15_000)
    return [str(href) for href in page.locator(RESULT).evaluate_all("links => links.map(a => a.href)")]


def commit_of(site: BuiltSite, entry_id: str) -> str:
    commit = read_lock(site.project / "catalogue" / "catalogue.lock").entries[entry_id].commit
    assert commit is not None
    return commit


def test_search_finds_a_model_by_name(page: Any, site: BuiltSite) -> None:
    page.goto(site.url)
    assert any("/models/digits-classifier/" in href for href in search(page, "digits classifier"))


def test_search_finds_a_model_by_tag(page: Any, site: BuiltSite) -> None:
    page.goto(site.url)
    assert any(f"/models/{HOSTILE_ID}/" in href for href in search(page, SEARCH_TAG))


def test_the_home_search_box_opens_the_results(page: Any, site: BuiltSite) -> None:
    page.goto(site.url)
    page.fill("#pinhub-query", "autoencoder")
    page.press("#pinhub-query", "Enter")
    page.locator(RESULT).first.wait_for(timeout=15_000)
    links = page.locator(RESULT).evaluate_all("links => links.map(a => a.href)")
    assert any("/models/digits-vae/" in href for href in links)


def test_the_copy_button_copies_exactly_the_snippet(page: Any, site: BuiltSite) -> None:
    page.goto(f"{site.url}models/digits-classifier/")
    block = page.locator(".tabbed-block").first
    block.hover()
    block.locator('button[data-md-type="copy"]').click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == (
        "import pinhub\n\nmodel = pinhub.load(\n"
        '    "pinhub/pinhub",\n    "digits_classifier",\n'
        f'    commit="{commit_of(site, "digits-classifier")}",\n'
        '    subdir="examples/digits",\n    trust_repo=True,\n)'
    )


def test_the_colab_link_opens_the_published_notebook(page: Any, site: BuiltSite) -> None:
    page.goto(f"{site.url}models/digits-vae/")
    badge = page.locator("a.pinhub-colab")
    expected = "https://colab.research.google.com/github/pinhub/pinhub/blob/gh-pages/models/digits-vae.ipynb"
    assert badge.get_attribute("href") == expected
    assert badge.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.get_by_role("link", name="Open in Colab", exact=True).get_attribute("href") == expected


def test_the_tabs_switch_between_pinhub_and_torch_hub(page: Any, site: BuiltSite) -> None:
    page.goto(f"{site.url}models/digits-classifier/")
    pinhub_code = page.locator(".tabbed-block").nth(0)
    torch_code = page.locator(".tabbed-block").nth(1)
    assert pinhub_code.is_visible() and not torch_code.is_visible()
    page.locator(".tabbed-labels label", has_text="torch.hub").first.click()
    assert torch_code.is_visible() and not pinhub_code.is_visible()
    assert "torch.hub.load(" in torch_code.inner_text()


def test_the_models_table_sorts_by_a_column(page: Any, site: BuiltSite) -> None:
    page.goto(f"{site.url}models/")
    heading = page.locator(".pinhub-sortable th", has_text="Parameters")
    heading.locator("button").click()
    first = page.locator(".pinhub-sortable tbody tr").first
    assert "Hostile widget" in first.inner_text()  # 10 parameters: the fewest
    assert heading.get_attribute("aria-sort") == "ascending"
    heading.locator("button").click()
    assert "Hostile widget" in page.locator(".pinhub-sortable tbody tr").last.inner_text()
    assert heading.get_attribute("aria-sort") == "descending"


def test_a_hostile_page_runs_nothing_and_shows_the_text(page: Any, site: BuiltSite) -> None:
    page.goto(f"{site.url}models/{HOSTILE_ID}/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.pwned") is None
    docstring = page.locator(".pinhub-docstring").first
    docstring.scroll_into_view_if_needed()  # below the fold, the browser lays it out only once it is seen
    expect(docstring).to_contain_text("<script>window.pwned = 1</script>", use_inner_text=True)
    expect(docstring).to_contain_text('<img src=x onerror="window.pwned = 2">', use_inner_text=True)
    example = page.locator(".pinhub-example")
    example.scroll_into_view_if_needed()
    expect(example).to_contain_text("<script>window.pwned = 1</script>", use_inner_text=True)
    page.wait_for_function("() => document.querySelector('.pinhub-example img')?.naturalWidth === 8")
    assert page.locator("img[onerror], [onload], [onclick]").count() == 0


def test_the_404_page(page: Any, site: BuiltSite) -> None:
    missing = page.request.get(f"{site.url}models/no-such-model/")
    assert missing.status == 404  # the test server says so; GitHub Pages then serves 404.html, as below
    page.goto(f"{site.url}404.html")
    assert page.get_by_role("heading", name="Page not found").is_visible()
