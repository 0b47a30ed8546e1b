"""Model pages: pinned snippets, verification badges, and third-party text that never becomes markup."""

from __future__ import annotations

import json

import nbformat

from generator.catalogue import Catalogue
from generator.config import ProjectConfig
from generator.records import Lock
from generator.render import render_pages
from tests.generator.render.conftest import COMMIT


def page(catalogue: Catalogue, lock: Lock, config: ProjectConfig, entry_id: str) -> str:
    render_pages(catalogue, lock, config)
    return (config.generated_dir / f"{entry_id}.md").read_text(encoding="utf-8")


def test_snippets_pin_the_exact_commit(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    text = page(catalogue, lock, config, "tiny")
    assert f'model = pinhub.load("owner/name", "tiny", commit="{COMMIT}")' in text
    assert f'torch.hub.load(\n        "owner/name:{COMMIT}",\n        "tiny",\n        skip_validation=True,' in text
    assert f"https://github.com/owner/name/tree/{COMMIT}" in text
    assert f"https://github.com/owner/name/blob/{COMMIT}/hubconf.py" in text


def test_the_pip_line_maps_import_names_and_drops_unsafe_ones(
    catalogue: Catalogue, lock: Lock, config: ProjectConfig
) -> None:
    text = page(catalogue, lock, config, "tiny")
    assert 'pip install --extra-index-url https://pinhub.github.io/pinhub/simple/ pinhub pillow "numpy>=1.24"' in text
    assert "rm -rf" not in text


def test_third_party_text_is_escaped(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    text = page(catalogue, lock, config, "tiny")
    assert "<script>" not in text and "<img" not in text and "<b>boom" not in text
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in text
    failed_row = next(line for line in text.splitlines() if "✗ failed" in line)
    assert "`" in failed_row and "&lt;b&gt;boom&lt;/b&gt;" in failed_row  # inside a code span, escaped
    assert "Tiny &lt;Net&gt;" in text  # even trusted titles are escaped once


def test_badges_and_entrypoint_kinds(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    text = page(catalogue, lock, config, "tiny")
    assert "pinhub-failed" in text  # 'broken' failed on CPU, so CPU is not ✓
    assert "2026-11-28 · torch 2.13.0+cpu" in text
    tokenizer_heading = next(line for line in text.splitlines() if line.startswith("### `tokenizer`"))
    assert "auxiliary" in tokenizer_heading
    assert "`[1, 4]` → `[1, 3]` float32" in text


def test_paper_links_and_bibtex(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    text = page(catalogue, lock, config, "tiny")
    for url in (
        "https://arxiv.org/abs/1512.03385",
        "https://huggingface.co/papers/1512.03385",
        "https://paperswithcode.co/paper/1512.03385",
    ):
        assert url in text
    assert "paperswithcode.com" not in text
    assert "@article{he2015deep" not in text  # no year given: key is surname + first long word
    assert "@article{hedeep," in text
    assert "eprint = {1512.03385}" in text


def test_unverified_and_unpinned_entries_say_so(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    local = page(catalogue, lock, config, "local")
    assert "Not yet verified" in local
    assert 'pinhub.load("pinhub/pinhub", "ENTRYPOINT", subdir="examples/tiny")' in local
    assert "torch.hub only loads hubconf.py from the root of a repository" in local
    unpinned = page(catalogue, lock, config, "unpinned")
    assert "Awaiting a pin: awaiting a pin: the ref must be resolved" in unpinned


def test_a_notebook_per_model_with_the_pinned_load(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    render_pages(catalogue, lock, config)
    notebook = nbformat.read(str(config.generated_dir / "tiny.ipynb"), as_version=4)
    nbformat.validate(notebook)
    sources = [cell.source for cell in notebook.cells]
    assert sources[1].startswith("%pip install --quiet --extra-index-url")
    assert f'commit="{COMMIT}"' in sources[2]
    assert "torch.randn(1, 4, dtype=torch.float32)" in sources[3]
    assert json.loads(nbformat.writes(notebook))["metadata"]["kernelspec"]["name"] == "python3"


def test_the_index_lists_every_entry(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    render_pages(catalogue, lock, config)
    index = (config.generated_dir / "index.md").read_text(encoding="utf-8")
    assert "3 models in 1 categories; 0 verified by the last build." in index
    for entry_id in ("tiny", "local", "unpinned"):
        assert f"]({entry_id}.md)" in index
