"""Docstrings: from the build's cache when they match the lock's hash, else a link to the definition; and
text from a hub (docstrings, forward docs, names, reasons) that stays text whatever Markdown syntax it holds."""

from __future__ import annotations

import pytest

from generator.catalogue import Catalogue
from generator.config import ProjectConfig
from generator.lock.docstrings import text_sha256, write_docstrings
from generator.lock.records import EntryLock, EntrypointLock, Lock, ModelFacts, SmokeResult
from generator.render import render_pages
from tests.generator.render.conftest import COMMIT, HOSTILE_DOC, keep_docstrings
from tests.generator.render.hostile import HOSTILE_LINES, LOADER_TEXT
from tests.generator.render.site_markdown import elements, html_of, text_of


def hostile_lock(lock: Lock, text: str) -> Lock:
    """The `tiny` record with `text` as docstring, forward doc, name suffix, signature, reason and type name."""
    facts = ModelFacts(forward_signature=f"(x, y={text!r})", forward_doc_sha256=text_sha256(text), methods=[text])
    loaded = SmokeResult(
        status="ok", returned=text, is_module=True, input_shape=[1, 4], output_shape=[1, 3], model=facts
    )
    failed = SmokeResult(status="error", reason=text)
    record = lock.entries["tiny"].model_copy(
        update={
            "entrypoints": [
                EntrypointLock(
                    name="tiny", signature=f"(s={text!r})", docstring_sha256=text_sha256(text), smoke={"cpu": loaded}
                ),
                EntrypointLock(name="broken", smoke={"cpu": failed}),
                EntrypointLock(name=text, featured=False, smoke={"cpu": failed}),
            ]
        }
    )
    return lock.model_copy(update={"entries": {"tiny": record}})


def page_html(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> str:
    render_pages(catalogue, lock, config)
    return html_of((config.generated_dir / "tiny.md").read_text(encoding="utf-8"))


@pytest.mark.parametrize("text", list(HOSTILE_LINES.values()), ids=list(HOSTILE_LINES))
def test_hub_text_reaches_the_page_verbatim_and_pulls_in_nothing(
    catalogue: Catalogue, lock: Lock, config: ProjectConfig, text: str
) -> None:
    hostile = hostile_lock(lock, text)
    write_docstrings(config.cache_dir, hostile.entries["tiny"], {"tiny": text, "tiny.forward": text})
    html = page_html(catalogue, hostile, config)
    shown = text_of(html)
    visible = text.replace("\x02", "").replace("\x03", "")
    assert visible in shown  # the docstring, in its <pre>
    assert "\n".join(f"    {line}" if line else "" for line in visible.split("\n")) in shown  # the forward doc
    assert LOADER_TEXT not in shown  # no snippet was included
    classes = " ".join(attrs.get("class") or "" for _, attrs in elements(html))
    assert "injected" not in classes and "danger" not in classes
    assert "Injected tab" not in [a.get("for") for _, a in elements(html)]
    assert len([a for tag, a in elements(html) if tag == "div" and "tabbed-set" in (a.get("class") or "")]) == 1
    assert not [name for _, attrs in elements(html) for name in attrs if name.startswith("on")]
    assert "<h1" not in html.split("</h1>", 1)[1]  # the title is the page's only top heading


def test_a_cached_docstring_is_shown(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    keep_docstrings(config, lock)
    html = page_html(catalogue, lock, config)
    assert '<pre class="pinhub-docstring" data-search-exclude>Loads it.\n\n&lt;script&gt;' in html
    assert HOSTILE_DOC in text_of(html)


@pytest.mark.parametrize("cached", [None, "Loads something else."], ids=["no cache", "another build's text"])
def test_a_docstring_not_at_hand_links_to_its_definition(
    catalogue: Catalogue, lock: Lock, config: ProjectConfig, cached: str | None
) -> None:
    if cached is not None:
        write_docstrings(config.cache_dir, lock.entries["tiny"], {"tiny": cached})
    render_pages(catalogue, lock, config)
    text = (config.generated_dir / "tiny.md").read_text(encoding="utf-8")
    url = f"https://github.com/owner/name/blob/{COMMIT}/models/tiny.py#L12"
    assert (
        f"Its docstring is not kept in this build: [read it where ` tiny ` is defined, at the pinned commit]({url})"
        in text
    )
    assert "Loads" not in text
    assert "*No docstring.*" in text.split("### ` broken `", 1)[1]  # it has none: nothing to link to


def test_the_link_follows_the_hubs_folder_and_is_left_out_off_github(
    catalogue: Catalogue, lock: Lock, config: ProjectConfig
) -> None:
    record = lock.entries["tiny"].model_copy(update={"subdir": "hub"})
    render_pages(catalogue, lock.model_copy(update={"entries": {"tiny": record}}), config)
    text = (config.generated_dir / "tiny.md").read_text(encoding="utf-8")
    assert f"(https://github.com/owner/name/blob/{COMMIT}/hub/models/tiny.py#L12)" in text
    entries = [e.model_copy(update={"repo": "https://git.example/owner/name.git"}) for e in catalogue.models]
    record = record.model_copy(update={"repo": "https://git.example/owner/name.git"})
    local = catalogue.model_copy(update={"models": entries[:1]})
    render_pages(local, lock.model_copy(update={"entries": {"tiny": record}}), config)
    text = (config.generated_dir / "tiny.md").read_text(encoding="utf-8")
    assert "read it in the hub's source at the pinned commit, ` models/tiny.py:12 `." in text


def test_a_hub_inside_the_project_keeps_its_docstrings_in_the_lock(
    catalogue: Catalogue, lock: Lock, config: ProjectConfig
) -> None:
    text = "Classifies digits."
    found = [EntrypointLock(name="tiny", docstring=text, docstring_sha256=text_sha256(text))]
    record = EntryLock(
        id="local", key="k", repo="./examples/tiny", commit=COMMIT, verified_at="2026-11-28", entrypoints=found
    )
    render_pages(catalogue, lock.model_copy(update={"entries": {**lock.entries, "local": record}}), config)
    assert "Classifies digits.</pre>" in (config.generated_dir / "local.md").read_text(encoding="utf-8")
