"""`add URL[@REF]`: pin a repository's ref to its commit, introspect it, and append a pre-filled entry.

The new entry holds everything the repository tells (repo, ref, commit, entrypoints, a summary from the
first docstring, the license, smoke keywords that avoid downloads); what only a maintainer can say is
marked `# TODO` for them to complete. Nothing else in catalogue.yaml changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from generator.catalogue import Catalogue, Entry, load_catalogue
from generator.config import ProjectConfig
from generator.errors import GeneratorError
from generator.fetch import Checkout, FetchRequest, fetch_checkout
from generator.introspect import HubInfo, introspect_hub
from generator.maintain.check_repo import parameters
from generator.maintain.remote import RepoSpec, parse_spec, resolve_ref
from generator.maintain.yaml_edit import CatalogueEditor, flow

LICENSES = (  # (pattern in the license text, SPDX id), most specific first
    (r"Apache License[\s\S]*Version 2\.0", "Apache-2.0"),
    (r"GNU GENERAL PUBLIC LICENSE[\s\S]*Version 3", "GPL-3.0"),
    (r"Creative Commons[\s\S]*Attribution-NonCommercial", "CC-BY-NC-4.0"),
    (r"MIT License|Permission is hereby granted, free of charge", "MIT"),
    (r"Neither the name of", "BSD-3-Clause"),
    (r"Redistribution and use in source and binary forms", "BSD-2-Clause"),
)


@dataclass(frozen=True)
class AddOptions:
    """Choices a maintainer may make up front: the entry's id, the hub's folder, its category."""

    entry_id: str = ""
    subdir: str = ""
    category: str = ""


@dataclass
class Added:
    """The entry `add` appended, and the fields left for the maintainer."""

    entry_id: str
    repo: str
    ref: str
    commit: str | None
    hub: HubInfo
    to_complete: list[str] = field(default_factory=list)


def add_entry(config: ProjectConfig, spec_text: str, options: AddOptions, cache_dir: Path) -> Added:
    """Resolve, fetch and introspect `URL[@REF]`, then append its entry to the catalogue.

    Raises:
        GeneratorError: the id is taken, the category unknown, the repository or ref unreachable.
    """
    catalogue = load_catalogue(config.catalogue)
    spec = parse_spec(spec_text)
    repo, ref, commit = _pin(spec, config.root)
    entry_id = options.entry_id or slug(repo)
    _check_new(catalogue, entry_id, options.category)
    entry = _provisional(entry_id, repo, commit, options.subdir)
    checkout = fetch_checkout(FetchRequest(repo, commit, options.subdir), config.root, cache_dir)
    hub = introspect_hub(checkout.hub_dir)
    node, to_complete = entry_node(entry, ref, hub, _license(checkout), options.category or catalogue.categories[0].id)
    editor = CatalogueEditor(config.catalogue)
    editor.append_entry(node)
    editor.save()
    return Added(entry_id, repo, ref, commit, hub, to_complete)


def _pin(spec: RepoSpec, root: Path) -> tuple[str, str, str | None]:
    """(repo as the catalogue writes it, ref, commit); a folder of this project stays a './path' entry."""
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


def entry_node(entry: Entry, ref: str, hub: HubInfo, license_id: str, category: str) -> tuple[CommentedMap, list[str]]:
    """The new entry as YAML, its keys in the catalogue's order, `# TODO` on what a maintainer must write."""
    names = [e.name for e in hub.entrypoints if e.kind in ("function", "class")]
    docstring = next((e.docstring for e in hub.entrypoints if e.docstring.strip()), "")
    node = CommentedMap()
    node["id"] = entry.id
    node["title"] = entry.id.replace("-", " ").capitalize()
    node["summary"] = docstring.strip().splitlines()[0][:200] if docstring.strip() else f"The {entry.id} model."
    node["repo"] = entry.repo
    for key, value in (("subdir", entry.subdir), ("ref", ref), ("commit", entry.commit)):
        if value:
            node[key] = value
    node["entrypoints"] = flow(names)
    node["category"] = category
    node["tags"] = flow([])
    node["license"] = license_id
    smoke = _smoke_settings(hub)
    if smoke:
        node["smoke"] = flow(smoke)
    node["accelerator"] = "cuda-optional"
    todo = {
        "title": "the model's name as people know it",
        "summary": "one sentence for lists and search",
        "entrypoints": "which to feature (all by default)",
        "category": "check the category",
        "tags": "declared tags",
        "accelerator": "cpu | cuda-optional | cuda",
    }
    if license_id == "unknown":
        todo["license"] = "no LICENSE file found: ask the owner"
    column = _comment_column({key: node[key] for key in todo})
    for key, comment in todo.items():
        node.yaml_add_eol_comment(f"# TODO: {comment}", key, column=column)
    return node, list(todo)


def _comment_column(values: dict[str, Any], widest: int = 60) -> int:
    """Where the `# TODO` comments line up: past the longest short line (longer ones get a single space)."""
    lengths = [len(f"    {key}: {_inline(value)}") for key, value in values.items()]
    return max([length for length in lengths if length <= widest] or [widest]) + 2


def _inline(value: Any) -> str:
    return f"[{', '.join(map(str, value))}]" if isinstance(value, list) else str(value)


def _smoke_settings(hub: HubInfo) -> dict[str, Any]:
    """Smoke keywords that build the models without downloading weights; entrypoints without one get none."""
    functions = [e for e in hub.entrypoints if e.kind == "function"]
    for keyword, value in (("pretrained", False), ("weights", None)):
        without = [e.name for e in functions if keyword not in parameters(e.signature)]
        if len(without) < len(functions):
            settings: dict[str, Any] = {"kwargs": {keyword: value}}
            if without:
                settings["entrypoints"] = {name: {"kwargs": {}} for name in without}
            return settings
    return {}


def _license(checkout: Checkout) -> str:
    root = checkout.hub_dir
    for _ in range(len(Path(checkout.subdir).parts) if checkout.subdir else 0):
        root = root.parent
    for path in sorted(root.glob("*")):
        if path.is_file() and path.name.upper().startswith(("LICENSE", "LICENCE", "COPYING")):
            text = path.read_text(encoding="utf-8", errors="replace")[:20000]
            return next((spdx for pattern, spdx in LICENSES if re.search(pattern, text, re.IGNORECASE)), "unknown")
    return "unknown"
