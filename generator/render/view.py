"""What a model page shows, computed once from catalogue entry + lock record (templates stay logic-free)."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from markupsafe import Markup

from generator.catalogue.model import Catalogue, Entry, Paper
from generator.config import ProjectConfig
from generator.lock.records import EntryLock, EntrypointLock, SmokeResult
from generator.render import explore, links, requirements, snippets
from generator.render.markup import code_span

DEVICE_LABELS = {"cpu": "CPU", "cuda": "GPU"}
UNRUN = "The snippets below have not been run by the build."
SYMBOLS = {"ok": "✓", "failed": "✗", "skipped": "–", "unverified": "?"}


@dataclass
class Badge:
    """A verification badge: 'CPU ✓', 'GPU ✗', 'GPU not verified', 'not verified'."""

    label: str
    state: str  # ok | failed | skipped | unverified
    detail: str = ""

    @property
    def text(self) -> str:
        """What the badge says, readable without its colour."""
        if self.state == "ok":
            return f"{self.label} ✓"
        if self.state == "failed":
            return f"{self.label} ✗ failed"
        return "not verified" if self.state == "unverified" else f"{self.label} not verified"


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

    @property
    def cpu(self) -> SmokeResult | None:
        """The CPU smoke result, if the entrypoint was smoke-loaded."""
        return dict(self.smoke).get("cpu")


@dataclass
class PaperView:
    """A paper with its links and BibTeX record."""

    paper: Paper
    links: list[tuple[str, str]]
    bibtex: str


@dataclass
class ModelView:
    """Everything the model page template needs; HTML-bearing fields are already escaped."""

    entry: Entry
    category_title: str
    lock: EntryLock | None
    badges: list[Badge]
    verified_line: str
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
    source: snippets.Source
    entrypoints: list[EntrypointView] = field(default_factory=list)
    papers: list[PaperView] = field(default_factory=list)
    notice: Markup = field(default_factory=Markup)
    explore_code: str = ""

    @property
    def source_name(self) -> str:
        """Where the hub lives, for people: 'owner/name/sub/folder' or the git URL."""
        return "/".join(p for p in (self.source.github or self.source.git_url, self.source.subdir) if p)

    @property
    def primary(self) -> EntrypointView | None:
        """The entrypoint the page's snippets load: the first featured one that is not auxiliary."""
        featured = [e for e in self.entrypoints if e.featured]
        return next((e for e in featured if not e.auxiliary), featured[0] if featured else None)

    @property
    def verified(self) -> bool:
        """True when every featured entrypoint loaded on some device and none failed."""
        return any(b.state == "ok" for b in self.badges) and not any(b.state == "failed" for b in self.badges)

    @property
    def status_text(self) -> str:
        """One cell of the all-models table: 'CPU ✓ GPU –', 'not verified'."""
        return " ".join(f"{b.label} {SYMBOLS[b.state]}" if b.state != "unverified" else b.label for b in self.badges)


def model_view(entry: Entry, record: EntryLock | None, catalogue: Catalogue, config: ProjectConfig) -> ModelView:
    """Combine an entry and its lock record into what its page shows."""
    commit = record.commit if record else entry.commit
    subdir = record.subdir if record else entry.subdir
    source = snippets.source_for(entry, commit, subdir, config.github_repo)
    featured = featured_entrypoints(entry, record)
    first = _loaded_first(featured, record)
    published = "/".join(p for p in (config.notebooks_path, "models", f"{entry.id}.ipynb") if p)
    view = ModelView(
        entry=entry,
        category_title=catalogue.category(entry.category).title,
        lock=record,
        badges=badges(entry, record),
        verified_line=_verified_line(record),
        commit=commit,
        tree_url=links.tree_url(source),
        source_url=links.hubconf_url(source),
        colab_url=links.colab_url(config.notebooks_repo or config.github_repo, config.notebooks_branch, published),
        notebook_path=f"{entry.id}.ipynb",
        pip_line=requirements.pip_install_line(
            config.site_url, [*(record.dependencies if record else []), *entry.dependencies], config.loader_version
        ),
        pinhub_code=snippets.pinhub_snippet(source, first, entry.load_kwargs),
        torch_hub_code=snippets.torch_hub_snippet(source, first, entry.load_kwargs),
        torch_hub_note=_torch_hub_note(source),
        notebook_load_code=_notebook_load_code(entry, record, first, source),
        source=source,
        papers=[PaperView(paper, links.paper_links(paper), links.bibtex(paper)) for paper in entry.paper],
        notice=_notice(entry, record),
    )
    view.entrypoints = _entrypoint_views(entry, record, featured, source, first)
    primary = record.entrypoint(first) if record else None
    view.explore_code = explore.explore_code(primary, entry) if primary else ""
    return view


def _loaded_first(featured: list[str], record: EntryLock | None) -> str:
    """The entrypoint that the snippets assign to `model`: the first featured one that is not auxiliary."""
    for name in featured:
        info = record.entrypoint(name) if record else None
        if not (info and info.is_auxiliary):
            return name
    return featured[0] if featured else "ENTRYPOINT"


def _notebook_load_code(entry: Entry, record: EntryLock | None, first: str, source: snippets.Source) -> str:
    """The model as `model`, plus each featured auxiliary entrypoint (a transform...) under its own name."""
    code = snippets.pinhub_snippet(source, first, entry.load_kwargs)
    for name in featured_entrypoints(entry, record):
        info = record.entrypoint(name) if record else None
        if name != first and info and info.is_auxiliary:
            code += snippets.pinhub_snippet(source, name, {}, variable=name).removeprefix("import pinhub\n\n")
    return code


def featured_entrypoints(entry: Entry, record: EntryLock | None) -> list[str]:
    """The catalogue's list, else every entrypoint the lock found."""
    if entry.entrypoints:
        return list(entry.entrypoints)
    return [e.name for e in record.entrypoints] if record else []


def _entrypoint_views(
    entry: Entry, record: EntryLock | None, featured: list[str], source: snippets.Source, first: str
) -> list[EntrypointView]:
    found = {e.name: e for e in record.entrypoints} if record else {}
    names = featured + [name for name in found if name not in featured]
    views = []
    for name in names:
        info = found.get(name) or EntrypointLock(name=name, kind="other")
        kwargs = entry.load_kwargs if name == first else {}
        views.append(
            EntrypointView(
                name=name,
                kind=info.kind,
                signature_html=html.escape(f"{name}{info.signature}") if info.signature else "",
                docstring_html=html.escape(info.docstring),
                auxiliary=info.is_auxiliary,
                featured=name in featured,
                smoke=_by_device(info.smoke),
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
            for device, result in _by_device(info.smoke):
                results.setdefault(device, []).append(result)
    detail = f"{record.verified_at[:10]} · torch {record.torch_version}"
    found = [Badge(DEVICE_LABELS.get(d, d), _device_state(rs), detail) for d, rs in results.items()]
    return found or [Badge("not verified", "unverified", "no entrypoint was smoke-loaded")]


def _by_device(smoke: dict[str, SmokeResult]) -> list[tuple[str, SmokeResult]]:
    """CPU first, then GPU, then anything else: the order readers scan a table in."""
    order = {device: index for index, device in enumerate(DEVICE_LABELS)}
    return sorted(smoke.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))


def _device_state(results: list[SmokeResult]) -> str:
    states = {r.status for r in results}
    if "failed" in states:
        return "failed"
    return "ok" if "ok" in states else "skipped"


def _verified_line(record: EntryLock | None) -> str:
    if record is None or not record.verified_at or not record.entrypoints:
        return "Not verified by any build yet"
    return f"Verified {record.verified_at[:10]} with torch {record.torch_version}, Python {record.python_version}"


def _notice(entry: Entry, record: EntryLock | None) -> Markup:
    """A warning for pages whose snippets the build did not run; error text only ever as a code span."""
    if record is None or not record.verified_at:
        if entry.awaiting_pin is not None:
            why = entry.awaiting_pin  # the maintainers' words
            return Markup("Awaiting a pin: {}. Nothing on this page is verified.").format(why)
        if record and record.stale:
            return Markup("Not yet verified: the build could not fetch it ({}). {}").format(
                code_span(record.stale.reason), UNRUN
            )
        return Markup("Not yet verified. {}").format(UNRUN)
    if record.stale:
        return Markup(
            "The repository could not be fetched since {} ({}); this page shows what the build found on {}."
        ).format(record.stale.attempted_at[:10], code_span(record.stale.reason), record.verified_at[:10])
    if record.dirty:
        return Markup("Built from uncommitted changes: the pinned commit does not hold exactly what was verified.")
    if record.introspection == "static":
        return _import_failure_notice(record)
    return Markup("")


def _import_failure_notice(record: EntryLock) -> Markup:
    """hubconf.py did not import where the page was built: say why, and which packages were missing."""
    text = Markup(
        "hubconf.py could not be imported by the build ({}), so the entrypoints below were read from its source "
        "and not loaded."
    ).format(code_span(record.introspection_error or "unknown error"))
    if record.missing_packages:
        names = Markup(", ").join(code_span(name) for name in record.missing_packages)
        text += Markup(" Missing packages: {}.").format(names)
    return text


def _torch_hub_note(source: snippets.Source) -> str:
    if source.github and not source.subdir:
        return ""
    if source.subdir:
        return (
            "torch.hub only loads hubconf.py from the root of a repository, so it cannot load this hub "
            f"(it lives in `{source.subdir}/`) straight from GitHub: clone it, then load the folder locally."
        )
    return "torch.hub only downloads from GitHub: clone the repository, then load the folder locally."
