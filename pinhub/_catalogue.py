"""Catalogue ids: ``pinhub.load("digits-classifier", ..., source="catalogue")``.

A PinHub site publishes ``catalogue.json``: per entry, the repository, the commit the site verified,
and the sub-folder of its hub. Resolving an id reads that index (``PINHUB_CATALOGUE_URL``, by default
the public site's), keeps a copy in the hub directory, and falls back to the copy when the network is
down or ``PINHUB_OFFLINE`` is set, as refs do.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pinhub import _settings as settings
from pinhub._atomic import replace_file
from pinhub._dirs import repos_root
from pinhub._http import log, read_url
from pinhub.errors import CatalogueError, NetworkError, OfflineCacheMissError

CATALOGUE_FORMAT = 1


@dataclass(frozen=True)
class CatalogueEntry:
    """Where a catalogue entry's hub is, as its site verified it.

    Attributes:
        id: The entry's id on the site.
        source: ``"github"`` or ``"git"``.
        repo: ``owner/name`` for GitHub, else the git URL.
        commit: The pinned commit.
        subdir: The folder of hubconf.py inside the repository ('' for the root).
        default_entrypoint: The entrypoint the site's snippet loads.
        verified: Whether the site's build loaded it successfully.
    """

    id: str
    source: str
    repo: str
    commit: str
    subdir: str
    default_entrypoint: str | None
    verified: bool


def lookup(entry_id: str, url: str | None = None) -> CatalogueEntry:
    """The pinned source of catalogue entry ``entry_id``.

    Raises:
        CatalogueError: no such entry, or the entry has no commit yet.
        OfflineCacheMissError: the index is not cached and cannot be fetched.
        ConfigurationError: a ``PINHUB_*`` environment variable has a value pinhub cannot use.
    """
    settings.validate()
    url = url or settings.catalogue_url()
    entries = {str(e.get("id")): e for e in _read_index(url).get("entries", []) if isinstance(e, dict)}
    if entry_id not in entries:
        known = ", ".join(sorted(entries)) or "none"
        raise CatalogueError(f"no entry {entry_id!r} in the catalogue at {url}; its entries are: {known}")
    return _entry(entry_id, entries[entry_id], url)


def _entry(entry_id: str, data: dict[str, Any], url: str) -> CatalogueEntry:
    source = data.get("source") or {}
    commit = source.get("commit")
    if not commit:
        raise CatalogueError(f"catalogue entry {entry_id!r} ({url}) is not pinned to a commit yet")
    github = source.get("github")
    return CatalogueEntry(
        id=entry_id,
        source="github" if github else "git",
        repo=github or source.get("git_url") or "",
        commit=str(commit),
        subdir=str(source.get("subdir") or ""),
        default_entrypoint=data.get("default_entrypoint"),
        verified=bool(data.get("verified")),
    )


def _cached_copy(url: str) -> Path:
    return repos_root() / "catalogues" / f"{hashlib.sha256(url.encode()).hexdigest()[:16]}.json"


def _read_index(url: str) -> dict[str, Any]:
    cached = _cached_copy(url)
    if settings.offline():
        return _read_cached(cached, url, "PINHUB_OFFLINE is set")
    try:
        body, _ = read_url(url)
    except NetworkError as error:
        if cached.is_file():
            log(f"{error}; using the copy of {url} kept in {cached}")
        return _read_cached(cached, url, str(error))
    document = _parse(body, url)
    _keep(cached, body)
    return document


def _read_cached(cached: Path, url: str, why: str) -> dict[str, Any]:
    try:
        return _parse(cached.read_bytes(), url)
    except FileNotFoundError:
        raise OfflineCacheMissError(
            f"{why}, and the catalogue {url} was never fetched on this machine; "
            "resolve a catalogue id once with the network on (or set PINHUB_CATALOGUE_URL to a local copy)"
        ) from None


def _parse(body: bytes, url: str) -> dict[str, Any]:
    try:
        document = json.loads(body)
    except ValueError as error:
        raise CatalogueError(f"{url} is not a catalogue index (invalid JSON: {error})") from None
    if not isinstance(document, dict) or document.get("format") != CATALOGUE_FORMAT:
        raise CatalogueError(f"{url} is not a catalogue index of format {CATALOGUE_FORMAT}")
    return document


def _keep(cached: Path, body: bytes) -> None:
    cached.parent.mkdir(parents=True, exist_ok=True)
    replace_file(cached, body)
