"""What a model page shows, computed once from catalogue entry + lock record (templates stay logic-free)."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from generator.catalogue.model import Catalogue, Entry, Paper
from generator.config import ProjectConfig
from generator.records import EntryLock, EntrypointLock, SmokeResult
from generator.render import links, requirements, snippets

DEVICE_LABELS = {"cpu": "CPU", "cuda": "GPU"}


@dataclass
class Badge:
    """A verification badge: 'CPU ✓', 'GPU ✗', 'not verified'."""

    label: str
    state: str  # ok | failed | skipped | unverified
    detail: str = ""


@dataclass
class EntrypointView:
    """One entrypoint section of a model page."""

    name: str
    kind: str
    signature_html: str
    docstring_html: str
    auxiliary: bool
    featured: bool
    smoke: list[tuple[str, SmokeResult]]
    pinhub_code: str
    torch_hub_code: str


@dataclass
class ModelView:
    """Everything the model page template needs; HTML-bearing fields are already escaped."""

    entry: Entry
    category_title: str
    lock: EntryLock | None
    badges: list[Badge]
    commit: str | None
    tree_url: str | None
    source_url: str | None
    colab_url: str
    notebook_path: str
    pip_line: str
    pinhub_code: str
    torch_hub_code: str
    torch_hub_note: str
    notebook_load_code: str
    entrypoints: list[EntrypointView] = field(default_factory=list)
    paper_links: list[tuple[Paper, list[tuple[str, str]], str]] = field(default_factory=list)
    notice: str = ""


def model_view(entry: Entry, record: EntryLock | None, catalogue: Catalogue, config: ProjectConfig) -> ModelView:
    """Combine an entry and its lock record into what its page shows."""
    commit = record.commit if record else entry.commit
    subdir = record.subdir if record else entry.subdir
    source = snippets.source_for(entry, commit, subdir, config.github_repo)
    featured = featured_entrypoints(entry, record)
    first = featured[0] if featured else "ENTRYPOINT"
    notebook_path = f"models/{entry.id}.ipynb"
    view = ModelView(
        entry=entry,
        category_title=catalogue.category(entry.category).title,
        lock=record,
        badges=badges(entry, record),
        commit=commit,
        tree_url=links.tree_url(source),
        source_url=links.hubconf_url(source),
        colab_url=links.colab_url(config.github_repo, config.notebooks_branch, notebook_path),
        notebook_path=notebook_path,
        pip_line=requirements.pip_install_line(config.site_url, record.dependencies if record else []),
        pinhub_code=snippets.pinhub_snippet(source, first, entry.load_kwargs),
        torch_hub_code=snippets.torch_hub_snippet(source, first, entry.load_kwargs),
        torch_hub_note=_torch_hub_note(source),
        notebook_load_code=_notebook_load_code(entry, record, first, source),
        paper_links=[(paper, links.paper_links(paper), links.bibtex(paper)) for paper in entry.paper],
        notice=_notice(entry, record),
    )
    view.entrypoints = _entrypoint_views(entry, record, featured, source)
    return view


def _notebook_load_code(entry: Entry, record: EntryLock | None, first: str, source: snippets.Source) -> str:
    """The model as `model`, plus each featured auxiliary entrypoint (a transform...) under its own name."""
    code = snippets.pinhub_snippet(source, first, entry.load_kwargs)
    for name in featured_entrypoints(entry, record)[1:]:
        info = record.entrypoint(name) if record else None
        if info and info.is_auxiliary:
            code += snippets.pinhub_snippet(source, name, {}, variable=name).removeprefix("import pinhub\n\n")
    return code


def featured_entrypoints(entry: Entry, record: EntryLock | None) -> list[str]:
    """The catalogue's list, else every entrypoint the lock found."""
    if entry.entrypoints:
        return list(entry.entrypoints)
    return [e.name for e in record.entrypoints] if record else []


def _entrypoint_views(
    entry: Entry, record: EntryLock | None, featured: list[str], source: snippets.Source
) -> list[EntrypointView]:
    found = {e.name: e for e in record.entrypoints} if record else {}
    names = featured + [name for name in found if name not in featured]
    views = []
    for name in names:
        info = found.get(name) or EntrypointLock(name=name, kind="other")
        kwargs = entry.load_kwargs if name == (featured[0] if featured else None) else {}
        views.append(
            EntrypointView(
                name=name,
                kind=info.kind,
                signature_html=html.escape(f"{name}{info.signature}"),
                docstring_html=html.escape(info.docstring),
                auxiliary=info.is_auxiliary,
                featured=name in featured,
                smoke=list(info.smoke.items()),
                pinhub_code=snippets.pinhub_snippet(source, name, kwargs),
                torch_hub_code=snippets.torch_hub_snippet(source, name, kwargs),
            )
        )
    return views


def badges(entry: Entry, record: EntryLock | None) -> list[Badge]:
    """One badge per device the entry was verified on, or a single 'not verified' badge."""
    if record is None or not record.entrypoints:
        return [Badge("not verified", "unverified", "never built on a machine that could fetch it")]
    featured = set(featured_entrypoints(entry, record))
    results: dict[str, list[SmokeResult]] = {}
    for info in record.entrypoints:
        if info.name in featured:
            for device, result in info.smoke.items():
                results.setdefault(device, []).append(result)
    detail = f"{record.verified_at[:10]} · torch {record.torch_version}"
    return [Badge(DEVICE_LABELS.get(d, d), _device_state(rs), detail) for d, rs in results.items()] or [
        Badge("not verified", "unverified", "no entrypoint was smoke-loaded")
    ]


def _device_state(results: list[SmokeResult]) -> str:
    states = {r.status for r in results}
    if "failed" in states:
        return "failed"
    return "ok" if "ok" in states else "skipped"


def _notice(entry: Entry, record: EntryLock | None) -> str:
    if record is None or not record.verified_at:
        if entry.commit is None and not entry.is_local:
            return f"Awaiting a pin: {entry.smoke.skip or 'no commit chosen yet'}. Nothing on this page is verified."
        why = f": the build could not fetch it ({record.stale.reason})" if record and record.stale else ""
        return f"Not yet verified{why}. The snippets below have not been run by the build."
    if record.stale:
        return (
            f"The repository could not be fetched on {record.stale.attempted_at[:10]} ({record.stale.reason}); "
            f"this page shows what the build found on {record.verified_at[:10]}."
        )
    if record.dirty:
        return "Built from uncommitted changes: the pinned commit does not hold exactly what was verified."
    return ""


def _torch_hub_note(source: snippets.Source) -> str:
    if source.github and not source.subdir:
        return ""
    if source.subdir:
        return (
            "torch.hub only loads hubconf.py from the root of a repository, so it cannot load this hub "
            f"(it lives in `{source.subdir}/`) straight from GitHub: clone it, then load the folder locally."
        )
    return "torch.hub only downloads from GitHub: clone the repository, then load the folder locally."
