"""Write every generated page and notebook, all at once: a failed render leaves the previous pages.

docs/models/ holds one page and one notebook per entry, the all-models table, a page per category,
the images of the example outputs, and `_home.md`, which the home page includes. `docs/catalogue.json`
is the machine-readable index, and `docs/reliability.md` the Reliability page, written by every render.
Every Markdown file passes through `neutralise_snippets`: no text on a generated page can make
pymdownx.snippets include, drop or open anything.

The folder is replaced as a whole, so the pages of entries the catalogue no longer has (or that
another catalogue of the checkout had) go with it. Its `.render-key` holds a hash of what the pages
are made of and the SHA-256 of the catalogue.json written with them: a render whose inputs match, and
whose catalogue.json is still that one, writes nothing.
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
from generator.files import staged_directory, write_text, write_text_atomic
from generator.lock.docstrings import read_docstrings
from generator.lock.records import Lock
from generator.render.catalogue_json import catalogue_json
from generator.render.example_output import example_output, failed
from generator.render.markup import neutralise_snippets
from generator.render.notebooks import model_notebook
from generator.render.pages import Row, category_page, home_include, index_page, model_page
from generator.render.reliability import write_reliability_page
from generator.render.view import ModelView, model_view

HOME_INCLUDE = "_home.md"  # excluded from the pages in mkdocs.yml; docs/index.md includes it
CATALOGUE_JSON = "catalogue.json"
RENDER_KEY = ".render-key"  # a dot file: MkDocs leaves it out of the site
RENDER_ROOT = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Rendered:
    """What the generated folder holds, and how much of it this render wrote (all of it, or nothing).

    Attributes:
        pages: Markdown pages in the folder (models, the all-models table, categories).
        notebooks: Notebooks in the folder, one per model.
        written: True when this render wrote them; False when its inputs were unchanged and it wrote nothing.
        reliability: One line on what the Reliability page (docs/reliability.md, written by every render from
            the last test run's results: see generator/render/reliability.py) shows.
    """

    folder: Path
    pages: int
    notebooks: int
    written: bool = True
    examples: int = 0
    failed_examples: tuple[str, ...] = ()
    reliability: str = ""

    @property
    def pages_written(self) -> int:
        """Pages this render wrote."""
        return self.pages if self.written else 0

    @property
    def pages_unchanged(self) -> int:
        """Pages left as they were, because nothing they are made of changed."""
        return 0 if self.written else self.pages

    @property
    def summary(self) -> str:
        """One true sentence: 'wrote 70 pages and 66 notebooks to …' or '… unchanged: nothing written'."""
        files = f"{self.pages} pages and {self.notebooks} notebooks"
        return (
            f"wrote {files} to {self.folder}"
            if self.written
            else f"{files} in {self.folder} unchanged: nothing written"
        )


def model_views(
    catalogue: Catalogue, lock: Lock, config: ProjectConfig, docstrings: Mapping[str, dict[str, str]] | None = None
) -> list[ModelView]:
    """The view of every entry, in catalogue order (`docstrings` by entry id, see `entry_docstrings`)."""
    texts = docstrings if docstrings is not None else entry_docstrings(lock, config)
    return [
        model_view(e, lock.entries.get(e.id), catalogue, config, lock, texts.get(e.id, {})) for e in catalogue.models
    ]


def entry_docstrings(lock: Lock, config: ProjectConfig) -> dict[str, dict[str, str]]:
    """Per entry id, the docstrings the build kept in its cache that match the lock's hashes."""
    return {entry_id: read_docstrings(config.cache_dir, record) for entry_id, record in lock.entries.items()}


def example_notebooks(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> dict[str, NotebookNode]:
    """The notebooks of the example entries (hubs in this project) that the build verified at a commit.

    These are the notebooks the build runs for their pages' "Example output": code of this project only.
    """
    return {
        view.entry.id: model_notebook(view)
        for view in model_views(catalogue, lock, config)
        if view.entry.is_local and view.commit and view.lock and view.lock.verified
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
    reliability = write_reliability_page(config)  # from the test results, whatever else changed
    docstrings = entry_docstrings(lock, config)
    key = render_key(catalogue, lock, config, executed, votes, docstrings)
    if _already_rendered(config, key):
        return _counts(catalogue, config, executed, written=False, reliability=reliability)
    views = model_views(catalogue, lock, config, docstrings)
    rows = [_row(view, votes.get(view.entry.id)) for view in views]
    index = catalogue_json(views, config)
    with staged_directory(config.generated_dir) as folder:
        for view in views:
            _write_model(folder, view, executed.get(view.entry.id))
        _write_markdown(folder / "index.md", index_page(rows, catalogue))
        _write_markdown(folder / HOME_INCLUDE, home_include(rows, catalogue))
        (folder / "categories").mkdir()
        for category in catalogue.categories:
            members = [row for row in rows if row.view.entry.category == category.id]
            _write_markdown(folder / "categories" / f"{category.id}.md", category_page(category, members))
        (folder / RENDER_KEY).write_text(f"{key}\n{_sha256(index)}\n", encoding="utf-8")
    write_text_atomic(config.docs_dir / CATALOGUE_JSON, index)
    return _counts(catalogue, config, executed, written=True, reliability=reliability)


def _counts(
    catalogue: Catalogue, config: ProjectConfig, executed: Mapping[str, NotebookNode], written: bool, reliability: str
) -> Rendered:
    entries = len(catalogue.models)
    shown = [entry.id for entry in catalogue.models if entry.id in executed]
    broken = tuple(entry_id for entry_id in shown if failed(executed[entry_id]))
    pages = entries + 1 + len(catalogue.categories)
    return Rendered(config.generated_dir, pages, entries, written, len(shown), broken, reliability)


def _write_markdown(path: Path, markdown: str) -> None:
    write_text(path, neutralise_snippets(markdown))


def render_key(
    catalogue: Catalogue,
    lock: Lock,
    config: ProjectConfig,
    executed: Mapping[str, NotebookNode],
    votes: Mapping[str, int],
    docstrings: Mapping[str, dict[str, str]],
) -> str:
    """A hash of everything the generated pages are made of, the render code and the docstrings included.

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
        json.dumps(docstrings, sort_keys=True),
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
    """Whether the pages were made from these inputs, and catalogue.json is the one written with them."""
    try:
        stored, _, index = (config.generated_dir / RENDER_KEY).read_text(encoding="utf-8").partition("\n")
        return stored == key and index.strip() == _sha256((config.docs_dir / CATALOGUE_JSON).read_text("utf-8"))
    except (OSError, ValueError):  # missing, or not text
        return False


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


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
    _write_markdown(folder / f"{view.entry.id}.md", model_page(view, example))
    nbformat.write(model_notebook(view), str(folder / f"{view.entry.id}.ipynb"))
