"""Rendered pages built by MkDocs: a catalogue like ours stays small with a hub of 1,500 names, and a hub
whose text holds Markdown, HTML, template and snippet syntax shows it verbatim and pulls in nothing."""

from __future__ import annotations

import json
import re

import pytest

from tests.generator.render.hostile import HOSTILE_DOCSTRING, LOADER_TEXT
from tests.generator.site.rendered_site import (
    HOSTILE,
    HOSTILE_NAMES,
    RenderedSite,
    real_catalogue,
    rendered_site,
    with_hostile_hub,
)
from tests.generator.site.test_site import Elements

pytestmark = pytest.mark.slow
BIG = "semi-supervised-imagenet"  # the entry whose hub lists 1,500 more names
MAX_PAGE = 300_000
MAX_CATALOGUE_JSON = 200_000


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> RenderedSite:
    """This project's catalogue padded to 66 entries, one hub of 1,500 more names, and a hostile hub."""
    catalogue, lock, texts = with_hostile_hub(real_catalogue(66), BIG)
    return rendered_site(tmp_path_factory.mktemp("rendered"), catalogue, lock, texts)


def test_every_model_page_and_catalogue_json_stay_small(built: RenderedSite) -> None:
    sizes = {page.parent.name: page.stat().st_size for page in (built.site / "models").glob("*/index.html")}
    assert len(sizes) == 67 and sizes[BIG] == max(sizes.values())
    assert sizes[BIG] <= MAX_PAGE, sizes[BIG]
    assert (built.site / "catalogue.json").stat().st_size <= MAX_CATALOGUE_JSON
    page = Elements(built.page(f"models/{BIG}"))
    names = [text for text in page.text if re.fullmatch(r"variant_\d{4}", text)]
    assert len(names) == 1500  # every name is on the page, in the compact table
    entries = {entry["id"]: entry for entry in json.loads(built.page("catalogue.json"))["entries"]}
    assert "variant_1234" in entries[BIG]["other_entrypoints"][0]["names"]


def test_search_finds_every_name_but_indexes_nothing_else_of_the_table(built: RenderedSite) -> None:
    index = json.loads(built.page("search/search_index.json"))
    docs = [doc for doc in index["docs"] if doc["location"].startswith(f"models/{BIG}/")]
    others = next(doc for doc in docs if doc["location"].endswith("#other-entrypoints"))
    assert "variant_0000" in others["text"] and "variant_1499" in others["text"]
    assert "needs-arguments" not in others["text"] and "class" not in others["text"].replace("classes", "")
    assert sum(len(doc["text"]) for doc in docs) < 30 * 1500  # the names, a few sentences, and no docstring
    assert "Builds the model." not in json.dumps(docs)


def test_hostile_docstrings_are_shown_verbatim_and_pull_in_nothing(built: RenderedSite) -> None:
    html = built.page(f"models/{HOSTILE}")
    page = Elements(html)
    text = "".join(page.text)
    docstring = re.search(r'<pre class="pinhub-docstring"[^>]*>(.*?)</pre>', html, re.DOTALL)
    assert docstring is not None
    assert "".join(Elements(docstring[1]).text) == HOSTILE_DOCSTRING.replace("\x02", "").replace("\x03", "")
    forward = "\n".join(f"    {line}" if line else "" for line in HOSTILE_DOCSTRING.split("\n"))
    assert forward.replace("\x02", "").replace("\x03", "") in text  # help(model.forward), in the explore block
    assert LOADER_TEXT not in text
    classes = " ".join(attrs.get("class", "") for _, attrs in page.tags)
    assert "injected" not in classes and "evil" not in classes and "danger" not in classes
    assert len([a for tag, a in page.tags if tag == "div" and "tabbed-set" in a.get("class", "")]) == 1
    assert not [(tag, name) for tag, attrs in page.tags for name in attrs if name.startswith("on")]
    assert [attrs.get("alt") for tag, attrs in page.tags if tag == "img"] == ["Open In Colab"]
    assert "{{ 7 * 7 }}" in text and "49" not in text
    for name in HOSTILE_NAMES:
        assert name in text


def test_code_blocks_get_materials_copy_button(built: RenderedSite) -> None:
    """Material adds the button in the browser to every highlighted block when content.code.copy is on."""
    html = built.page(f"models/{BIG}")
    config = re.search(r'<script id="__config" type="application/json">(.*?)</script>', html, re.DOTALL)
    assert config is not None and "content.code.copy" in json.loads(config[1])["features"]
    page = Elements(html)
    tabbed = [a for tag, a in page.tags if tag == "div" and "tabbed-block" in a.get("class", "")]
    assert len(tabbed) == 2
    assert re.search(r'<div class="tabbed-block">\s*<div class="highlight"><pre><span></span><code>', html)
