"""What a model page shows, computed once from catalogue entry + lock record (templates stay logic-free)."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from generator.catalogue.model import Catalogue, Entry, Paper
from generator.config import ProjectConfig
from generator.lock.records import EntryLock, Environment, Lock, Verdict
from generator.render import explore, links, requirements, snippets
from generator.render.entrypoints import (
    EntrypointView,
    OtherEntrypoint,
    definition_link,
    featured_names,
    featured_views,
    other_entrypoints,
    primary_name,
)
from generator.render.markup import code_span
from generator.render.verification import Badge, badges, device_summary, environment_line

UNRUN = "The snippets below have not been run by the build."


@dataclass
class PaperView:
    """A paper with its links and BibTeX record."""

    paper: Paper
    links: list[tuple[str, str]]
    bibtex: str


@dataclass
class ExploreView:
    """The "Explore the model" section: a transcript, and where to read a forward docstring not at hand."""

    code: str
    properties: list[str]
    forward_doc_url: str | None = None


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
    requirements: list[str]  # what the install line adds to pinhub
    pinned: bool  # the install line pins the versions the build verified the entry with
    primary_name: str
    pinhub_code: str
    torch_hub_code: str
    torch_hub_note: str
    notebook_load_code: str
    source: snippets.Source
    entrypoints: list[EntrypointView] = field(default_factory=list)
    others: list[OtherEntrypoint] = field(default_factory=list)
    papers: list[PaperView] = field(default_factory=list)
    notice: Markup = field(default_factory=Markup)
    explore: ExploreView | None = None

    @property
    def source_name(self) -> str:
        """Where the hub lives, for people: 'owner/name/sub/folder' or the git URL."""
        return "/".join(p for p in (self.source.github or self.source.git_url, self.source.subdir) if p)

    @property
    def primary(self) -> EntrypointView | None:
        """The featured entrypoint the page's snippets load, if the lock or the catalogue names it."""
        return next((e for e in self.entrypoints if e.name == self.primary_name), None)

    @property
    def verdict(self) -> Verdict:
        """The lock's verdict on the entry ('unverified' while it has no record)."""
        return self.lock.verdict if self.lock else "unverified"

    @property
    def device_summary(self) -> str:
        """The all-models table's cell for this entry: 'CPU ✓ GPU –', 'not verified'."""
        return device_summary(self.lock)

    @property
    def ref_relation(self) -> Markup:
        """How the pinned commit stands to the entry's branch or tag: 'on', '**not on**', or 'from' (unchecked)."""
        on_ref = self.lock.on_ref if self.lock else None
        return Markup({True: "on", False: "**not on**", None: "from"}[on_ref])

    @property
    def read_from_source(self) -> bool:
        """True when hubconf.py could not be imported and its entrypoints were read from its source."""
        return bool(self.lock and self.lock.introspection == "static")


def model_view(
    entry: Entry,
    record: EntryLock | None,
    catalogue: Catalogue,
    config: ProjectConfig,
    lock: Lock | None = None,
    docstrings: dict[str, str] | None = None,
) -> ModelView:
    """Combine an entry, its lock record and the docstrings at hand into what its page shows.

    Args:
        lock: The whole lock, for the environments `record` was verified in (none: nothing is pinned).
        docstrings: Entrypoint name (or 'name.forward') → docstring, from `read_docstrings`.
    """
    lock, docstrings = lock or Lock(), docstrings or {}
    commit = record.commit if record else entry.commit
    source = snippets.source_for(entry, commit, record.subdir if record else entry.subdir, config.github_repo)
    first = primary_name(entry, record)
    environment = lock.environment(record) if record and record.verified else None
    published = "/".join(p for p in (config.notebooks_path, "models", f"{entry.id}.ipynb") if p)
    wanted = install_lines(entry, record, environment)
    return ModelView(
        entry=entry,
        category_title=catalogue.category(entry.category).title,
        lock=record,
        badges=badges(record, environment),
        verified_line=environment_line(lock, record),
        commit=commit,
        tree_url=links.tree_url(source),
        source_url=links.hubconf_url(source),
        colab_url=links.colab_url(config.notebooks_repo or config.github_repo, config.notebooks_branch, published),
        notebook_path=f"{entry.id}.ipynb",
        pip_line=requirements.pip_install_line(config.site_url, wanted, config.loader_version),
        requirements=wanted,
        pinned=environment is not None,
        primary_name=first,
        pinhub_code=snippets.pinhub_snippet(source, first, entry.load_kwargs),
        torch_hub_code=snippets.torch_hub_snippet(source, first, entry.load_kwargs),
        torch_hub_note=_torch_hub_note(source),
        notebook_load_code=_notebook_load_code(entry, record, first, source),
        source=source,
        entrypoints=featured_views(entry, record, source, docstrings),
        others=other_entrypoints(record),
        papers=[PaperView(paper, links.paper_links(paper), links.bibtex(paper)) for paper in entry.paper],
        notice=_notice(entry, record),
        explore=_explore(entry, record, first, source, docstrings),
    )


def install_lines(entry: Entry, record: EntryLock | None, environment: Environment | None) -> list[str]:
    """What the page installs besides pinhub: as verified (pinned) when the build verified the entry in
    `environment`; else the hub's declared dependencies and the catalogue's requirements, unpinned."""
    if record is not None and environment is not None:
        return requirements.install_requirements(record.requirements, environment)
    declared = record.dependencies if record else []
    return requirements.install_requirements([*declared, *entry.requirements], None)


def _explore(
    entry: Entry, record: EntryLock | None, first: str, source: snippets.Source, docstrings: dict[str, str]
) -> ExploreView | None:
    info = record.entrypoint(first) if record else None
    result = explore.explored(info) if info else None
    if info is None or result is None or result.model is None:
        return None
    forward_doc = docstrings.get(f"{first}.forward", "")
    code = explore.explore_code(info, entry, forward_doc)
    missing = bool(result.model.forward_doc_sha256) and not forward_doc
    url = (definition_link(source, info) or links.tree_url(source)) if missing else None
    return ExploreView(code, list(result.model.properties), url)


def _notebook_load_code(entry: Entry, record: EntryLock | None, first: str, source: snippets.Source) -> str:
    """The model as `model`, plus each featured auxiliary entrypoint (a transform...) under its own name."""
    code = snippets.pinhub_snippet(source, first, entry.load_kwargs)
    for name in featured_names(entry, record):
        info = record.entrypoint(name) if record else None
        if name != first and info and info.is_auxiliary and name.isidentifier():
            code += snippets.pinhub_snippet(source, name, {}, variable=name).removeprefix("import pinhub\n\n")
    return code


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
    if record.environment_error:
        return Markup("The build could not install its requirements ({}), so nothing was loaded.").format(
            code_span(record.environment_error)
        )
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
