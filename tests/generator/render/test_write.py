"""Render writes nothing when nothing it is made of changed, and everything when anything did."""

from __future__ import annotations

from generator.catalogue import Catalogue
from generator.config import ProjectConfig
from generator.lock.records import Lock
from generator.render import render_pages


def test_a_second_render_of_the_same_inputs_writes_nothing(
    catalogue: Catalogue, lock: Lock, config: ProjectConfig
) -> None:
    render_pages(catalogue, lock, config)
    page = config.generated_dir / "tiny.md"
    first = page.stat().st_mtime_ns
    again = render_pages(catalogue, lock, config)
    assert page.stat().st_mtime_ns == first
    assert again.pages == len(catalogue.models) + 1 + len(catalogue.categories)


def test_a_changed_lock_renders_again(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    render_pages(catalogue, lock, config)
    record = lock.entries["tiny"]
    changed = Lock(entries={"tiny": record.model_copy(update={"torch_version": "9.9.9"})})
    render_pages(catalogue, changed, config)
    assert "torch 9.9.9" in (config.generated_dir / "tiny.md").read_text(encoding="utf-8")


def test_a_deleted_catalogue_json_renders_again(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    render_pages(catalogue, lock, config)
    (config.docs_dir / "catalogue.json").unlink()
    render_pages(catalogue, lock, config)
    assert (config.docs_dir / "catalogue.json").is_file()
