"""Render writes nothing when nothing it is made of changed, and everything when anything did."""

from __future__ import annotations

from generator.catalogue import Catalogue
from generator.config import ProjectConfig
from generator.lock.records import Lock
from generator.render import render_pages
from tests.generator.render.conftest import keep_docstrings


def test_a_second_render_of_the_same_inputs_writes_nothing(
    catalogue: Catalogue, lock: Lock, config: ProjectConfig
) -> None:
    render_pages(catalogue, lock, config)
    page = config.generated_dir / "tiny.md"
    first = page.stat().st_mtime_ns
    again = render_pages(catalogue, lock, config)
    assert page.stat().st_mtime_ns == first
    assert again.pages == len(catalogue.models) + 1 + len(catalogue.categories)
    assert (again.written, again.pages_written, again.pages_unchanged) == (False, 0, again.pages)
    assert again.summary == f"{again.pages} pages and 3 notebooks in {config.generated_dir} unchanged: nothing written"


def test_a_first_render_says_it_wrote_every_page(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    rendered = render_pages(catalogue, lock, config)
    assert (rendered.written, rendered.pages_written, rendered.pages_unchanged) == (True, 5, 0)
    assert rendered.summary == f"wrote 5 pages and 3 notebooks to {config.generated_dir}"
    assert len(list(config.generated_dir.rglob("*.md"))) == 5 + 1  # and the home page's include


def test_a_changed_lock_renders_again(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    render_pages(catalogue, lock, config)
    record = lock.entries["tiny"]
    changed = lock.model_copy(update={"entries": {"tiny": record.model_copy(update={"verified_at": "2027-01-02"})}})
    assert render_pages(catalogue, changed, config).written
    assert "on 2027-01-02" in (config.generated_dir / "tiny.md").read_text(encoding="utf-8")


def test_docstrings_kept_by_a_later_build_render_again(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    render_pages(catalogue, lock, config)
    keep_docstrings(config, lock)
    assert render_pages(catalogue, lock, config).written
    assert "Loads it." in (config.generated_dir / "tiny.md").read_text(encoding="utf-8")


def test_a_deleted_catalogue_json_renders_again(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    render_pages(catalogue, lock, config)
    (config.docs_dir / "catalogue.json").unlink()
    render_pages(catalogue, lock, config)
    assert (config.docs_dir / "catalogue.json").is_file()
