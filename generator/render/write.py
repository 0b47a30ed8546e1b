"""Write every generated page and notebook, all at once: a failed render leaves the previous pages.

docs/models/ holds one page and one notebook per entry, the all-models table, a page per category,
the images of the example outputs, and `_home.md`, which the home page includes. `docs/catalogue.json`
is the machine-readable index.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

from generator.catalogue.model import Catalogue
from generator.config import ProjectConfig
from generator.files import staged_directory, write_text_atomic
from generator.lock.records import Lock
from generator.render.catalogue_json import catalogue_json
from generator.render.example_output import example_output, failed
from generator.render.notebooks import model_notebook
from generator.render.pages import Row, category_page, home_include, index_page, model_page
from generator.render.view import ModelView, model_view

HOME_INCLUDE = "_home.md"  # excluded from the pages in mkdocs.yml; docs/index.md includes it
CATALOGUE_JSON = "catalogue.json"
RENDER_KEY = ".render-key"  # a dot file: MkDocs leaves it out of the site
RENDER_ROOT = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Rendered:
    """What render wrote."""

    folder: Path
    pages: int
    notebooks: int
    examples: int = 0
    failed_examples: tuple[str, ...] = ()


def model_views(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> list[ModelView]:
    """The view of every entry, in catalogue order."""
    return [model_view(e, lock.entries.get(e.id), catalogue, config) for e in catalogue.models]


def example_notebooks(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> dict[str, NotebookNode]:
    """The notebooks of the example entries (hubs in this project) that the build verified at a commit.

    These are the notebooks the build runs for their pages' "Example output": code of this project only.
    """
    return {
        view.entry.id: model_notebook(view)
        for view in model_views(catalogue, lock, config)
        if view.entry.is_local and view.commit and view.lock and view.lock.entrypoints
    }


def render_pages(
    catalogue: Catalogue,
    lock: Lock,
    config: ProjectConfig,
    executed: Mapping[str, NotebookNode] | None = None,
    votes: Mapping[str, int] | None = None,
) -> Rendered:
    """Write docs/models/ and docs/catalogue.json from the catalogue, the lock and the executed examples.

    Args:
        catalogue: The validated catalogue.
        lock: What the build verified.
        config: Paths and site settings.
        executed: Executed example notebooks by entry id, shown as each page's "Example output".
        votes: Up-votes minus down-votes by entry id, a column of the tables when given.
    """
    executed, votes = executed or {}, votes or {}
    key = render_key(catalogue, lock, config, executed, votes)
    if _already_rendered(config, key):
        return _counts(catalogue, config, executed)
    views = model_views(catalogue, lock, config)
    rows = [_row(view, votes.get(view.entry.id)) for view in views]
    with staged_directory(config.generated_dir) as folder:
        for view in views:
            _write_model(folder, view, executed.get(view.entry.id))
        (folder / "index.md").write_text(index_page(rows, catalogue), encoding="utf-8")
        (folder / HOME_INCLUDE).write_text(home_include(rows, catalogue), encoding="utf-8")
        (folder / "categories").mkdir()
        for category in catalogue.categories:
            members = [row for row in rows if row.view.entry.category == category.id]
            (folder / "categories" / f"{category.id}.md").write_text(category_page(category, members), "utf-8")
        (folder / RENDER_KEY).write_text(key, encoding="utf-8")
    write_text_atomic(config.docs_dir / CATALOGUE_JSON, catalogue_json(views, config))
    return _counts(catalogue, config, executed)


def _counts(catalogue: Catalogue, config: ProjectConfig, executed: Mapping[str, NotebookNode]) -> Rendered:
    entries = len(catalogue.models)
    shown = [entry.id for entry in catalogue.models if entry.id in executed]
    broken = tuple(entry_id for entry_id in shown if failed(executed[entry_id]))
    return Rendered(config.generated_dir, entries + 1 + len(catalogue.categories), entries, len(shown), broken)


def render_key(
    catalogue: Catalogue,
    lock: Lock,
    config: ProjectConfig,
    executed: Mapping[str, NotebookNode],
    votes: Mapping[str, int],
) -> str:
    """A hash of everything the generated pages are made of, the render code included.

    A build whose key matches the one stored with the pages writes nothing: MkDocs then sees the
    very files it saw last time, and a no-op rebuild costs little more than MkDocs itself.
    """
    digest = hashlib.sha256()
    for part in (
        catalogue.model_dump_json(),
        lock.model_dump_json(),
        repr(sorted(vars(config).items())),
        json.dumps({k: nbformat.writes(v) for k, v in sorted(executed.items())}),
        json.dumps(dict(sorted(votes.items()))),
        _render_code_digest(),
    ):
        digest.update(hashlib.sha256(part.encode()).digest())
    return digest.hexdigest()


@cache
def _render_code_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(RENDER_ROOT.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".j2", ".md", ".html", ".svg", ".css", ".js"}:
            digest.update(path.relative_to(RENDER_ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _already_rendered(config: ProjectConfig, key: str) -> bool:
    stored = config.generated_dir / RENDER_KEY
    try:
        return stored.read_text(encoding="utf-8") == key and (config.docs_dir / CATALOGUE_JSON).is_file()
    except OSError:
        return False


def _row(view: ModelView, votes: int | None) -> Row:
    primary = view.primary
    cpu = primary.cpu if primary else None
    return Row(view, cpu.parameters if cpu else None, cpu.seconds if cpu else None, votes)


def _write_model(folder: Path, view: ModelView, executed: NotebookNode | None) -> None:
    example = None
    if executed is not None:
        example, files = example_output(view.entry.id, executed)
        for name, data in files.items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    (folder / f"{view.entry.id}.md").write_text(model_page(view, example), encoding="utf-8")
    nbformat.write(model_notebook(view), str(folder / f"{view.entry.id}.ipynb"))
