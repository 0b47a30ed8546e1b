"""The built site as files and over HTTP: pages, catalogue.json, the package index, escaped third-party text."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.request import urlopen

import pytest

import pinhub
from generator import pipeline
from generator.config import load_config
from generator.lock import read_lock
from generator.site import build_site, publish_loader
from support.hubrepos import PROJECT_ROOT
from tests.generator.site.sitebuild import HOSTILE_ID, SEARCH_TAG, BuiltSite

pytestmark = pytest.mark.slow
EXAMPLES = ("digits-classifier", "digits-vae")


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, and the text outside <script> and <style>."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def fetch(url: str) -> bytes:
    with urlopen(url, timeout=30) as response:
        body: bytes = response.read()
        return body


def test_every_entry_has_a_page_a_notebook_and_its_category(site: BuiltSite) -> None:
    for entry_id in (*EXAMPLES, HOSTILE_ID):
        assert (site.site / "models" / entry_id / "index.html").is_file()
        assert json.loads(fetch(f"{site.url}models/{entry_id}.ipynb"))["nbformat"] == 4
    assert "Image classification" in site.page("models/categories/vision")
    assert "Page not found" in site.page("404.html")
    tags = site.page("tags")
    assert SEARCH_TAG in tags and "Hostile widget" in tags


def test_catalogue_json_names_each_entrys_pinned_source(site: BuiltSite) -> None:
    document = json.loads(fetch(f"{site.url}catalogue.json"))
    lock = read_lock(site.project / "catalogue" / "catalogue.lock")
    entries = {entry["id"]: entry for entry in document["entries"]}
    assert set(entries) == {*EXAMPLES, HOSTILE_ID}
    classifier = entries["digits-classifier"]
    assert classifier["source"] == {
        "github": "pinhub/pinhub",
        "git_url": None,
        "commit": lock.entries["digits-classifier"].commit,
        "subdir": "examples/digits",
    }
    assert classifier["verified"] is True and classifier["default_entrypoint"] == "digits_classifier"
    assert [e["name"] for e in classifier["entrypoints"]] == ["digits_classifier", "digits_transform"]
    assert classifier["entrypoints"][1]["auxiliary"] is True
    assert fetch(classifier["page"])  # the page address it gives is served


def test_the_loader_resolves_a_catalogue_id_through_the_sites_index(
    site: BuiltSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PINHUB_CATALOGUE_URL", f"{site.url}catalogue.json")
    entry = pinhub.catalogue_entry("digits-classifier")
    lock = read_lock(site.project / "catalogue" / "catalogue.lock")
    assert (entry.repo, entry.commit, entry.subdir) == (
        "pinhub/pinhub",
        lock.entries["digits-classifier"].commit,
        "examples/digits",
    )
    assert entry.default_entrypoint == "digits_classifier"
    assert entry.verified


def test_the_loader_ships_as_a_pep_503_index(site: BuiltSite) -> None:
    root = fetch(f"{site.url}simple/").decode()
    assert '<a href="pinhub/">pinhub</a>' in root
    project_page = f"{site.url}simple/pinhub/"
    link = re.search(
        r'href="([^"]+\.whl)#sha256=([0-9a-f]{64})" data-requires-python="&gt;=3.11"', fetch(project_page).decode()
    )
    assert link is not None
    wheel = fetch(urljoin(project_page, link[1]))
    assert hashlib.sha256(wheel).hexdigest() == link[2]
    with zipfile.ZipFile(io.BytesIO(wheel)) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "pinhub/__init__.py" in names and not [n for n in names if n.startswith(("generator/", "tests/"))]
    assert "Name: pinhub" in metadata and "Requires-Dist: torch" in metadata


def test_example_outputs_are_on_their_pages(site: BuiltSite) -> None:
    classifier = " ".join(Elements(site.page("models/digits-classifier")).text)
    assert "Example output" in classifier
    assert re.search(r"predicted: \[\d(, \d){7}\]", classifier)
    assert "https://github.com/pinhub/pinhub/archive/" in classifier  # as Colab shows it, not the local server
    assert "127.0.0.1" not in classifier.replace(site.url, "")
    hostile = Elements(site.page(f"models/{HOSTILE_ID}"))
    images = [attrs["src"] for tag, attrs in hostile.tags if tag == "img" and "outputs/" in attrs["src"]]
    assert len(images) == 1
    assert fetch(urljoin(f"{site.url}models/{HOSTILE_ID}/", images[0])).startswith(b"\x89PNG")


def test_third_party_text_stays_text(site: BuiltSite) -> None:
    page = Elements(site.page(f"models/{HOSTILE_ID}"))
    text = "".join(page.text)
    assert "Makes a widget. <script>window.pwned = 1</script>" in text  # the docstring, shown literally
    assert "</pre><script>window.pwned = 4</script><pre>" in text
    assert "print('<script>window.pwned = 1</script>')" in text  # the example's code and output, literally
    scripts = [attrs.get("src", "inline") for tag, attrs in page.tags if tag == "script"]
    assert all(src == "inline" or "assets/" in src for src in scripts)
    assert "window.pwned" not in "".join(
        site.page(f"models/{HOSTILE_ID}").split("<script")[i].split("</script>")[0] for i in range(1, len(scripts) + 1)
    )
    assert not [(tag, name) for tag, attrs in page.tags for name in attrs if name.startswith("on")]
    assert not [attrs for tag, attrs in page.tags if tag == "a" and attrs.get("href", "").startswith("javascript")]


def test_pages_ask_no_other_host_for_anything(site: BuiltSite) -> None:
    for path in site.site.rglob("*.html"):
        page = Elements(path.read_text(encoding="utf-8"))
        for tag, attrs in page.tags:
            for name in ("src", "href") if tag in ("script", "img", "link", "iframe", "source") else ():
                host = urlsplit(attrs.get(name, "")).hostname
                assert host in (None, "127.0.0.1"), f"{path}: <{tag} {name}={attrs[name]!r}>"


def test_the_search_index_is_lean(site: BuiltSite) -> None:
    index = json.loads((site.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    text = json.dumps(index)
    assert "Handwritten digits classifier" in text and SEARCH_TAG in text
    assert "window.pwned" not in text and "Trained on 80 %" not in text  # docstrings and outputs are left out
    model_pages = [doc for doc in index["docs"] if doc["location"].startswith("models/digits-classifier/")]
    assert sum(len(doc["text"]) for doc in model_pages) < 6000


def test_a_rebuild_runs_no_notebook_again(site: BuiltSite) -> None:
    report = pipeline.examples(load_config(site.project))
    assert report.ran == [] and sorted(report.reused) == sorted([*EXAMPLES, HOSTILE_ID])
    assert report.failed == {}


def test_comments_appear_once_giscus_is_configured(site: BuiltSite, tmp_path: Path) -> None:
    mkdocs = (site.project / "mkdocs.yml").read_text(encoding="utf-8")
    for key, value in (("repo", "pinhub/pinhub"), ("repo_id", "R_kgDOExample"), ("category_id", "DIC_kwDOExample")):
        mkdocs = re.sub(rf'(?m)^    {key}: ""', f'    {key}: "{value}"', mkdocs)
    config = site.project / "giscus.yml"
    config.write_text(mkdocs, encoding="utf-8")
    built = build_site(config, tmp_path / "site").site_dir
    model = Elements((built / "models" / "digits-vae" / "index.html").read_text(encoding="utf-8"))
    [giscus] = [attrs for tag, attrs in model.tags if tag == "script" and "giscus.app" in attrs.get("src", "")]
    assert giscus["data-repo-id"] == "R_kgDOExample" and giscus["data-reactions-enabled"] == "1"
    assert "giscus.app" not in (built / "faq" / "index.html").read_text(encoding="utf-8")  # model pages only


def test_the_loader_is_built_again_only_when_its_sources_change(tmp_path: Path) -> None:
    simple = tmp_path / "simple"
    first = publish_loader(PROJECT_ROOT, simple)
    assert first is not None and first.path.is_file()
    stamp = first.path.stat().st_mtime_ns
    again = publish_loader(PROJECT_ROOT, simple)
    assert again == first and again is not None and again.path.stat().st_mtime_ns == stamp  # nothing rebuilt
    (simple / ".source-key").write_text("sources of another version", encoding="utf-8")
    rebuilt = publish_loader(PROJECT_ROOT, simple)
    assert rebuilt is not None and rebuilt.sha256 == first.sha256 and rebuilt.path.stat().st_mtime_ns != stamp
