"""The build, in order: catalogue → (fetch → introspect → smoke) → lock → render → site.

This is the one module that knows the stages and their order; each stage only sees the data it is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.catalogue import Catalogue, load_catalogue
from generator.config import ProjectConfig
from generator.fetch import build_cache_dir
from generator.lock import read_lock, write_lock
from generator.records import Lock
from generator.render import render_pages
from generator.render.write import Rendered
from generator.site import build_site
from generator.smoke import torch_environment
from generator.verify import Progress, VerifyContext, verify_entry


@dataclass(frozen=True)
class LockOptions:
    """How `lock` runs: `only` limits it to some entry ids; `force` ignores reusable results."""

    only: tuple[str, ...] = ()
    force: bool = False
    progress: Progress | None = None


@dataclass
class LockReport:
    """The lock after a run, which entries were rebuilt, and whether the file changed."""

    lock: Lock
    rebuilt: list[str]
    written: bool


def validate(config: ProjectConfig) -> Catalogue:
    """Stage 1 alone: parse and check the catalogue (raises InvalidInputError listing every problem)."""
    return load_catalogue(config.catalogue)


def lock(config: ProjectConfig, options: LockOptions) -> LockReport:
    """Verify every entry (reusing unchanged ones) and write catalogue.lock."""
    catalogue = load_catalogue(config.catalogue)
    previous = read_lock(config.lock)
    for entry_id in options.only:
        catalogue.entry(entry_id)  # an unknown id is an error, not a silent no-op
    context = VerifyContext(
        project_root=config.root,
        cache_dir=build_cache_dir(),
        torch=torch_environment(),
        force=options.force,
        progress=options.progress,
    )
    entries, rebuilt = {}, []
    for entry in catalogue.models:
        old = previous.entries.get(entry.id)
        if options.only and entry.id not in options.only:
            if old is not None:
                entries[entry.id] = old
            continue
        entries[entry.id] = verify_entry(entry, old, context)
        if entries[entry.id] is not old:
            rebuilt.append(entry.id)
    new_lock = Lock(entries=entries)
    return LockReport(new_lock, rebuilt, write_lock(config.lock, new_lock))


def render(config: ProjectConfig) -> Rendered:
    """Stage 6 alone: pages from the catalogue and the committed lock (no network, no model code)."""
    return render_pages(load_catalogue(config.catalogue), read_lock(config.lock), config)


def site(config: ProjectConfig) -> Path:
    """Stage 7 alone: MkDocs over the docs folder."""
    return build_site(config.mkdocs_yml, config.site_dir)


def build(config: ProjectConfig, options: LockOptions) -> tuple[LockReport, Rendered, Path]:
    """Everything, end to end."""
    report = lock(config, options)
    rendered = render(config)
    return report, rendered, site(config)
