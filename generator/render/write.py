"""Write every generated page and notebook, all at once: a failed render leaves the previous pages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat

from generator.catalogue.model import Catalogue
from generator.config import ProjectConfig
from generator.files import staged_directory
from generator.records import Lock
from generator.render.notebooks import model_notebook
from generator.render.pages import index_page, model_page
from generator.render.view import ModelView, model_view


@dataclass(frozen=True)
class Rendered:
    """What render wrote."""

    folder: Path
    pages: int
    notebooks: int


def render_pages(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> Rendered:
    """Write docs/models/: one page and one notebook per entry, and the index of all models."""
    views = [model_view(e, lock.entries.get(e.id), catalogue, config) for e in catalogue.models]
    with staged_directory(config.generated_dir) as folder:
        for view in views:
            _write_model(folder, view)
        (folder / "index.md").write_text(index_page(views, catalogue), encoding="utf-8")
    return Rendered(config.generated_dir, pages=len(views) + 1, notebooks=len(views))


def _write_model(folder: Path, view: ModelView) -> None:
    (folder / f"{view.entry.id}.md").write_text(model_page(view), encoding="utf-8")
    nbformat.write(model_notebook(view), str(folder / f"{view.entry.id}.ipynb"))
