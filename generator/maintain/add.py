"""`add URL[@REF]`: pin a repository's ref to its commit, load the hub as the build would, append a pre-filled entry.

Without `@REF`, the repository's default branch (its remote HEAD) is pinned and written as `ref:`. The
hub is imported and smoke-loaded in a verification environment made like the build's (hub_probe.py);
the new entry holds what that and the repository's files tell: the pin, the packages the hub imports
without declaring them (`requirements:`, by their PyPI names), the entrypoints to feature (the models
that loaded; not helpers that need arguments, nor names hubconf.py imports from elsewhere), smoke
keywords that avoid downloads, the licence's SPDX id and the arXiv id the hub or its README cites.
What only a maintainer can say is marked `# TODO`. A commit that cannot be fetched (a mirror that
lacks some of its files) is still added with its pin; the lock then records why it is unverified.
Nothing else in catalogue.yaml changes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from generator.catalogue import Catalogue, Entry, load_catalogue
from generator.config import ProjectConfig
from generator.errors import GeneratorError
from generator.fetch import Checkout, FetchError, FetchRequest, fetch_checkout
from generator.lock.records import EntrypointLock
from generator.maintain.check_repo import FETCHED_LATER
from generator.maintain.hub_probe import ProbedHub, ProbeSettings, mapped, no_download_kwargs, probe_hub
from generator.maintain.prefill import Papers, cited_papers, license_id
from generator.maintain.remote import RepoSpec, parse_spec, resolve_ref
from generator.maintain.yaml_edit import CatalogueEditor, flow


@dataclass(frozen=True)
class AddOptions:
    """Choices a maintainer may make up front: the entry's id, the hub's folder, its category, the sandbox."""

    entry_id: str = ""
    subdir: str = ""
    category: str = ""
    smoke_timeout: float = 120.0
    trusted: bool = False


@dataclass
class Added:
    """The entry `add` appended, what loading the hub found, and the fields left for the maintainer.

    Attributes:
        probed: What importing and loading the hub found (None when the commit could not be fetched).
        fetch_error: Why the commit could not be fetched ('' when it was).
        featured: The entrypoints the entry features; `left_out` the others, with why.
    """

    entry_id: str
    repo: str
    ref: str
    commit: str | None
    probed: ProbedHub | None = None
    fetch_error: str = ""
    featured: list[str] = field(default_factory=list)
    left_out: dict[str, str] = field(default_factory=dict)
    to_complete: list[str] = field(default_factory=list)


def add_entry(config: ProjectConfig, spec_text: str, options: AddOptions, cache_dir: Path) -> Added:
    """Resolve, fetch and load `URL[@REF]`, then append its entry to the catalogue.

    Raises:
        GeneratorError: the id is taken, the category unknown, the repository or ref unreachable.
    """
    catalogue = load_catalogue(config.catalogue)
    spec = parse_spec(spec_text)
    repo, ref, commit = _pin(spec, config.root)
    entry_id = options.entry_id or slug(repo)
    _check_new(catalogue, entry_id, options.category)
    entry = _provisional(entry_id, repo, commit, options.subdir)
    category = options.category or catalogue.categories[0].id
    added = Added(entry_id, repo, ref, commit)
    try:
        checkout = fetch_checkout(FetchRequest(repo, commit, options.subdir), config.root, cache_dir)
    except FetchError as error:
        if error.kind not in FETCHED_LATER or commit is None:  # the commit exists; its files are out of reach
            raise
        added.fetch_error = str(error)
        node, added.to_complete = unfetched_node(entry, ref, category, added.fetch_error)
    else:
        settings = ProbeSettings(catalogue.verification, smoke_timeout=options.smoke_timeout, trusted=options.trusted)
        added.probed = probe_hub(checkout.hub_dir, settings)
        added.featured, added.left_out = choose_featured(added.probed)
        root = _repo_root(checkout)
        papers = cited_papers(checkout.hub_dir, root)
        node, added.to_complete = entry_node(entry, ref, added, license_id(root), papers, category)
    editor = CatalogueEditor(config.catalogue)
    editor.append_entry(node)
    editor.save()
    return added


def _pin(spec: RepoSpec, root: Path) -> tuple[str, str, str | None]:
    """(repo as the catalogue writes it, ref, commit); a folder of this project stays a './path' entry.

    Without a ref, the remote's default branch is pinned (resolve_ref asks `git ls-remote --symref`).
    """
    if spec.local_dir is not None and not spec.ref and spec.local_dir.is_relative_to(root.resolve()):
        relative = spec.local_dir.relative_to(root.resolve()).as_posix()
        return ("." if relative == "." else f"./{relative}"), "", None
    resolved = resolve_ref(spec.url, spec.ref)
    return spec.repo, resolved.ref if resolved.kind != "commit" else "", resolved.commit


def slug(repo: str) -> str:
    """An entry id from a repository: 'owner/Tiny_Hub.git' → 'tiny-hub'."""
    name = repo.rstrip("/").split("/")[-1].split(":")[-1].removesuffix(".git")
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "model"


def _check_new(catalogue: Catalogue, entry_id: str, category: str) -> None:
    if any(entry.id == entry_id for entry in catalogue.models):
        raise GeneratorError(f"the catalogue already has an entry {entry_id!r}; choose another with --id")
    known = [c.id for c in catalogue.categories]
    if category and category not in known:
        raise GeneratorError(f"unknown category {category!r}; declared: {', '.join(known)}")


def _provisional(entry_id: str, repo: str, commit: str | None, subdir: str) -> Entry:
    fields = {"id": entry_id, "title": entry_id, "summary": entry_id, "repo": repo, "category": "new"}
    return Entry.model_validate({**fields, "commit": commit, "subdir": subdir})


def choose_featured(probed: ProbedHub) -> tuple[list[str], dict[str, str]]:
    """(entrypoints to feature, the others with why): the hub's models first, then the helpers that loaded.

    Featured: those that loaded as an nn.Module, and those that loaded as something else (a transform, a
    tokenizer); when none loaded as a module, those whose load needs the network (models that download
    as they are built); when none of those either, every one that does not need arguments, so the
    lock shows why they fail. Never featured: names hubconf.py imports from elsewhere, and those that
    need arguments (helpers or classes to build with the user's own settings).
    """
    own = probed.own
    left_out = {name: "imported from elsewhere" for name in probed.imported}
    if not probed.loads:
        return [e.name for e in own], left_out
    status = {e.name: _status(probed, e) for e in own}
    for name, state in status.items():
        if state == "needs-arguments":
            left_out[name] = state
    candidates = [name for name, state in status.items() if state != "needs-arguments"]
    models = [name for name in candidates if status[name] == "ok (module)"]
    helpers = [name for name in candidates if status[name] == "ok"]
    if models:
        chosen = models + helpers
    elif any(status[name] == "needs-network" for name in candidates):
        chosen = [name for name in candidates if status[name] == "needs-network"] + helpers
    else:
        chosen = candidates
    left_out |= {name: status[name] for name in candidates if name not in chosen}
    return chosen, left_out


def _status(probed: ProbedHub, entrypoint: EntrypointLock) -> str:
    load = probed.load(entrypoint.name)
    if load is None:
        return "not loaded"
    if load.result.status == "ok":
        return "ok (module)" if load.result.is_module else "ok"
    return load.result.status


def entry_node(
    entry: Entry, ref: str, added: Added, license: str, papers: Papers, category: str
) -> tuple[CommentedMap, list[str]]:
    """The new entry as YAML, its keys in the catalogue's order, `# TODO` on what a maintainer must write."""
    assert added.probed is not None
    probed = added.probed
    by_name = {e.name: e for e in probed.hub.entrypoints}
    featured = [by_name[name] for name in added.featured]
    docstring = next((e.docstring for e in featured if e.docstring.strip()), "")
    summary = docstring.strip().splitlines()[0][:200] if docstring.strip() else f"The {entry.id} model."
    node = _head(entry, ref, summary)
    if probed.added:
        node["requirements"] = flow(list(dict.fromkeys(probed.added.values())))
    node["entrypoints"] = flow(added.featured)
    node["category"] = category
    node["tags"] = flow([])
    node["license"] = license
    if papers.best:
        node["paper"] = CommentedMap(title="TODO", arxiv=DoubleQuotedScalarString(papers.best))
        also = f" (the repository also cites {', '.join(papers.others[:6])})" if papers.others else ""
        node["paper"].yaml_add_eol_comment(f"# TODO: the paper's title; check the id{also}", "title")
    smoke = smoke_settings(featured)
    if smoke:
        node["smoke"] = flow(smoke)
    node["accelerator"] = "cuda-optional"
    todo = {
        "title": "the model's name as people know it",
        "summary": "one sentence for lists and search",
        "entrypoints": _entrypoints_todo(added.left_out),
        "category": "check the category",
        "tags": "declared tags",
        "accelerator": "cpu | cuda-optional | cuda",
    }
    if probed.added:
        todo["requirements"] = f"imported by the hub, declared by nobody: {mapped(probed.added)}"
    if license == "unknown":
        todo["license"] = "no LICENSE file recognised: read it, or ask the owner"
    elif license == "other":
        todo["license"] = "a licence of its own: name it (e.g. 'CC-BY-NC-4.0', or the licence's title)"
    _comment(node, todo)
    return node, list(todo)


def unfetched_node(entry: Entry, ref: str, category: str, reason: str) -> tuple[CommentedMap, list[str]]:
    """The entry of a commit that could not be fetched: its pin, and TODOs for everything its files would tell."""
    node = _head(entry, ref, f"The {entry.id} model.")
    node["category"] = category
    node["tags"] = flow([])
    node["license"] = "unknown"
    node["accelerator"] = "cuda-optional"
    todo = {
        "title": "the model's name as people know it",
        "summary": "one sentence for lists and search",
        "commit": f"not fetched, so nothing was loaded: {_short(reason)}",
        "category": "check the category",
        "tags": "declared tags",
        "license": "read the repository's licence",
        "accelerator": "cpu | cuda-optional | cuda",
    }
    _comment(node, todo)
    return node, list(todo)


def _head(entry: Entry, ref: str, summary: str) -> CommentedMap:
    node = CommentedMap()
    node["id"] = entry.id
    node["title"] = entry.id.replace("-", " ").capitalize()
    node["summary"] = summary
    node["repo"] = entry.repo
    for key, value in (("subdir", entry.subdir), ("ref", ref), ("commit", entry.commit)):
        if value:
            node[key] = value
    return node


def _entrypoints_todo(left_out: dict[str, str]) -> str:
    if not left_out:
        return "which to feature (all by default)"
    reasons = ", ".join(f"{name} ({why})" for name, why in left_out.items())
    return f"which to feature; left out: {reasons}"


def _short(reason: str) -> str:
    return reason.split(" (git:")[0]


def _comment(node: CommentedMap, todo: dict[str, str]) -> None:
    column = _comment_column({key: node[key] for key in todo if key != "commit"})  # a pin is too long to align
    for key, comment in todo.items():
        node.yaml_add_eol_comment(f"# TODO: {comment}", key, column=column)


def _comment_column(values: dict[str, Any], widest: int = 60) -> int:
    """Where the `# TODO` comments line up: past the longest short line (longer ones get a single space)."""
    lengths = [len(f"    {key}: {_inline(value)}") for key, value in values.items()]
    return max([length for length in lengths if length <= widest] or [widest]) + 2


def _inline(value: Any) -> str:
    return f"[{', '.join(map(str, value))}]" if isinstance(value, list) else str(value)


def smoke_settings(featured: list[EntrypointLock]) -> dict[str, Any]:
    """Smoke keywords that build the featured entrypoints without downloading weights: the keywords most of
    them take for the entry, others' own under `entrypoints` ({} when none needs any)."""
    wanted = {e.name: no_download_kwargs(e.signature) for e in featured}
    if not any(wanted.values()):
        return {}
    counted = Counter(repr(sorted(kwargs.items())) for kwargs in wanted.values())
    most = max(counted.values())
    common = next(kwargs for kwargs in wanted.values() if counted[repr(sorted(kwargs.items()))] == most)
    settings: dict[str, Any] = {"kwargs": common} if common else {}
    others = {name: {"kwargs": kwargs} for name, kwargs in wanted.items() if kwargs != common}
    if others:
        settings["entrypoints"] = others
    return settings


def _repo_root(checkout: Checkout) -> Path:
    root = checkout.hub_dir
    for _ in range(len(Path(checkout.subdir).parts) if checkout.subdir else 0):
        root = root.parent
    return root
