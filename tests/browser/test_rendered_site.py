"""Rendered pages built by MkDocs (see tests/generator/site/rendered_site.py), in headless Chromium: the
all-models table fits its column, code blocks get a copy button, hostile hub text stays text, and search
finds a name that only the compact table of a 1,500-name hub lists."""

from __future__ import annotations

from typing import Any

import pytest

from tests.generator.render.hostile import HOSTILE_DOCSTRING, LOADER_TEXT
from tests.generator.site.rendered_site import (
    HOSTILE,
    RenderedSite,
    real_catalogue,
    rendered_site,
    with_hostile_hub,
)
from tests.generator.site.sitebuild import serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]
BIG = "semi-supervised-imagenet"
RESULT = ".md-search-result__item a"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> tuple[RenderedSite, str]:
    """A catalogue like ours (66 entries, votes recorded, one hub of 1,500 names, a hostile hub), served."""
    catalogue, lock, texts = with_hostile_hub(real_catalogue(66), BIG)
    votes = {entry.id: index - 30 for index, entry in enumerate(catalogue.models)}
    built = rendered_site(tmp_path_factory.mktemp("browser-rendered"), catalogue, lock, texts, votes)
    return built, serve(built.site)


def test_the_all_models_table_fits_the_content_column(tab: Any, served: tuple[RenderedSite, str]) -> None:
    tab.goto(f"{served[1]}models/")
    headings = tab.locator(".pinhub-sortable th").all_inner_texts()
    assert [heading.rstrip(" ↕") for heading in headings][-3:] == ["Verified", "Licence", "Votes"]
    box = tab.evaluate(
        """() => {
          const table = document.querySelector('.pinhub-sortable table').getBoundingClientRect()
          const column = document.querySelector('.md-content__inner').getBoundingClientRect()
          const wrap = document.querySelector('.pinhub-sortable .md-typeset__scrollwrap')
          return {right: table.right, column: column.right, overflow: wrap.scrollWidth - wrap.clientWidth}
        }"""
    )
    assert box["right"] <= box["column"] + 0.5, box
    assert box["overflow"] <= 0, box  # nothing to scroll to: every column is in view


def test_a_hub_of_1500_names_lists_them_in_a_box_of_their_own(tab: Any, served: tuple[RenderedSite, str]) -> None:
    tab.goto(f"{served[1]}models/{BIG}/")
    box = tab.locator(".pinhub-others")
    assert box.locator("tbody tr").count() == 1500
    height, inner = box.evaluate("box => [box.clientHeight, box.scrollHeight]")
    assert height <= 800 * 0.8 < inner  # the page goes on below it; the box scrolls
    last = box.locator("tbody tr").last
    last.scroll_into_view_if_needed()
    assert last.is_visible() and last.inner_text().split("\t")[0] == "variant_1499"


def test_code_blocks_have_a_copy_button(tab: Any, served: tuple[RenderedSite, str]) -> None:
    tab.goto(f"{served[1]}models/{BIG}/")
    block = tab.locator(".tabbed-block").first
    block.hover()
    assert block.locator('button[data-md-type="copy"]').is_visible()


def test_hostile_hub_text_is_shown_and_runs_nothing(tab: Any, served: tuple[RenderedSite, str]) -> None:
    tab.goto(f"{served[1]}models/{HOSTILE}/")
    tab.wait_for_load_state("networkidle")
    docstring = tab.locator(".pinhub-docstring").first
    docstring.scroll_into_view_if_needed()  # below the fold, the browser lays it out only once it is seen
    tab.wait_for_function("() => document.querySelector('.pinhub-docstring').innerText.length > 0")
    assert docstring.inner_text() == HOSTILE_DOCSTRING.replace("\x02", "").replace("\x03", "")
    body = tab.locator("article").inner_text()
    assert LOADER_TEXT not in body
    assert tab.locator(".admonition").count() == 0  # the docstring's "!!! danger" stayed text
    assert tab.locator("[onclick], [onerror], .injected").count() == 0


def test_search_finds_a_name_listed_only_in_the_compact_table(tab: Any, served: tuple[RenderedSite, str]) -> None:
    tab.goto(served[1])
    tab.locator("label.md-search__icon, .md-search__input").first.click()
    tab.locator("input.md-search__input").press_sequentially("variant_1234")
    tab.locator(RESULT).first.wait_for(timeout=15_000)
    links = tab.locator(RESULT).evaluate_all("links => links.map(a => a.href)")
    assert any(f"/models/{BIG}/" in href and href.endswith("#other-entrypoints") for href in links), links
