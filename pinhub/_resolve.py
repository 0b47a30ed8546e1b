"""From a request to a folder holding hubconf.py at an exact commit: resolve the ref, then use or fill the cache.

A full commit SHA needs nothing but the cache. A branch or tag is resolved through the repository's
own ref advertisement; when that is impossible (``PINHUB_OFFLINE``, no network) the commit it last
resolved to is used, if cached. An abbreviated SHA is matched against the cache, else its archive is
downloaded and the full commit read from it.
"""

from __future__ import annotations

import os
import shlex
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pinhub import _settings as settings
from pinhub._archive import Extracted, archive_commit, extract
from pinhub._cache import (
    Check,
    Entry,
    cached_commits,
    check,
    describe_files,
    fill,
    has_manifest,
    read_manifest,
    record_ref,
    recorded_ref,
)
from pinhub._catalogue import lookup
from pinhub._dirs import dir_was_set, get_dir
from pinhub._http import log
from pinhub._sources import RepoSource, source_for
from pinhub._spec import CATALOGUE, RepoSpec, parse_source, parse_spec
from pinhub.errors import (
    ArchiveError,
    DamagedCacheError,
    DownloadError,
    HubconfError,
    NetworkError,
    NetworkUnreachableError,
    OfflineCacheMissError,
    RefNotFoundError,
    RepoSpecError,
)
from pinhub.hubconf import HUBCONF, read_dependencies


@dataclass(frozen=True)
class Resolved:
    """What a request resolved to: enough to verify or reproduce a load.

    Attributes:
        source: ``"github"``, ``"git"`` or ``"local"``.
        repo: ``owner/name``, the git URL, or the local directory.
        ref: the branch, tag or SHA that was asked for (None: the default branch, or a bare commit).
        commit: the exact 40-hex commit loaded (None for a local directory).
        subdir: the sub-directory holding hubconf.py, if any.
        path: the folder holding hubconf.py.
        dependencies: the hub's ``dependencies`` as read from hubconf.py when the commit was cached
            (None for a local directory, or when they could not be read statically).
    """

    source: str
    repo: str
    ref: str | None
    commit: str | None
    subdir: str | None
    path: Path
    dependencies: tuple[str, ...] | None = field(default=None, repr=False, compare=False)

    def __str__(self) -> str:
        pin = f"@{self.commit}" if self.commit else ""
        return f"{self.repo}{pin}" + (f" (subdir {self.subdir})" if self.subdir else "")


def resolve(
    repo_or_dir: str,
    *,
    source: str = "github",
    commit: str | None = None,
    subdir: str | None = None,
    force_reload: bool = False,
    verbose: bool = True,
) -> Resolved:
    """Resolve a repository to an exact commit and make sure it is in the cache; run none of its code.

    Args:
        repo_or_dir: ``owner/name[:ref]`` (github), a git URL with an optional ``#ref`` (git), a
            directory (local), or an entry id of the PinHub catalogue (catalogue).
        source: ``"github"``, ``"git"``, ``"local"`` or ``"catalogue"``.
        commit: a commit SHA, full or abbreviated.
        subdir: the sub-directory of the repository that holds hubconf.py.
        force_reload: download again even if the commit is cached.
        verbose: report cache hits on stderr.

    Returns:
        The repository, ref, exact commit and the folder holding hubconf.py.

    Raises:
        RepoSpecError: malformed arguments.
        RefNotFoundError: no such branch, tag or commit.
        CatalogueError: no such catalogue id, or its entry is not pinned yet.
        OfflineCacheMissError: the commit is not cached and the network is off or unreachable.
        DamagedCacheError: the cached commit was modified and cannot be downloaded again now.
        HubconfError: the commit has no hubconf.py in ``subdir``.
        ConfigurationError: a ``PINHUB_*`` environment variable has a value pinhub cannot use.
    """
    settings.validate()
    return resolve_spec(parse_request(repo_or_dir, source, commit, subdir), force_reload, verbose)


def parse_request(repo_or_dir: str, source: str, commit: str | None, subdir: str | None) -> RepoSpec:
    """Parse the user's arguments; a catalogue id is first replaced by the repository, commit and folder it pins.

    A ``commit`` or ``subdir`` given with a catalogue id takes the place of the entry's.
    """
    if parse_source(source) == CATALOGUE:
        entry = lookup(repo_or_dir)
        repo_or_dir, source, commit, subdir = entry.repo, entry.source, commit or entry.commit, subdir or entry.subdir
    return parse_spec(repo_or_dir, source, commit, subdir)


def resolve_spec(spec: RepoSpec, force_reload: bool = False, verbose: bool = True) -> Resolved:
    """:func:`resolve` for an already parsed request."""
    if spec.source == "local":
        if spec.commit is not None:
            raise RepoSpecError("commit= needs source='github' or source='git'; a local directory has no pin")
        return _finish(spec, Path(spec.location), None, None)
    source = source_for(spec)
    commit, fetched = (spec.full_commit, False) if spec.full_commit else _resolve_ref(source, spec)
    entry = Entry(source.root, commit)
    found = Check(None) if fetched or force_reload else check(entry)
    if found.manifest is not None:
        if verbose:
            log(f"Using cache found in {entry.path}")
    elif not fetched:
        _fetch(source, spec, entry, force_reload, found.changed)
    return _finish(spec, entry.path, commit, found.manifest or read_manifest(entry))


def _finish(spec: RepoSpec, repo_path: Path, commit: str | None, manifest: dict[str, Any] | None) -> Resolved:
    hub = repo_path / spec.subdir if spec.subdir else repo_path
    if not (hub / HUBCONF).is_file():
        raise HubconfError(f"{spec.describe(commit)} has no {HUBCONF} (looked in {hub})")
    recorded = (manifest or {}).get("dependencies", {}).get(f"{spec.subdir}/{HUBCONF}" if spec.subdir else HUBCONF)
    dependencies = tuple(recorded) if isinstance(recorded, list) else None
    return Resolved(spec.source, spec.location, spec.ref, commit, spec.subdir, hub, dependencies)


def _resolve_ref(source: RepoSource, spec: RepoSpec) -> tuple[str, bool]:
    """The commit a branch, tag or abbreviated SHA stands for, and whether resolving it fetched it."""
    if spec.commit is not None:
        cached = cached_commits(source.root, spec.commit)
        if len(cached) == 1:
            return cached[0], False
    if settings.offline():
        return _cache_only(source, spec, "PINHUB_OFFLINE is set", None), False
    try:
        found = _lookup_ref(source, spec) if spec.commit is None else None
        if found is not None:
            return found, False
        return _fetch_revision(source, spec, spec.abbreviated or spec.ref or "HEAD"), True
    except NetworkError as error:
        if isinstance(error, DownloadError) and not error.retryable:
            raise
        unreachable = isinstance(error, NetworkUnreachableError)
        reason = f"the network is unreachable ({error})" if unreachable else f"the remote failed ({error})"
        return _cache_only(source, spec, reason, error), False


def _lookup_ref(source: RepoSource, spec: RepoSpec) -> str | None:
    """Find a branch or tag among the remote's refs (or a short SHA in the cache); None: try an archive."""
    refs = source.list_refs()
    found = refs.lookup(spec.ref) if refs is not None else None
    if found is not None:
        record_ref(source.root, spec.ref, found)
        return found
    if spec.abbreviated is None:
        if refs is not None:
            raise RefNotFoundError(f"{spec.location} has no branch or tag {spec.ref or 'HEAD'!r}")
        return None
    cached = cached_commits(source.root, spec.abbreviated)
    return cached[0] if len(cached) == 1 else None


def _cache_only(source: RepoSource, spec: RepoSpec, reason: str, error: NetworkError | None) -> str:
    """Resolve without the remote: a unique cached commit for a short SHA, or a ref's last commit."""
    short = spec.abbreviated
    cached = cached_commits(source.root, short) if short is not None else []
    if len(cached) == 1:
        return cached[0]
    commit = recorded_ref(source.root, spec.ref) if spec.commit is None else None
    if commit is not None and has_manifest(Entry(source.root, commit)):
        log(f"{reason}: using {spec.describe()} as last resolved, commit {commit}")
        return commit
    if error is not None and not isinstance(error, NetworkUnreachableError):
        raise error
    raise OfflineCacheMissError(
        f"{spec.describe()} cannot be resolved because {reason}, and the cache ({source.root}) holds no "
        f"commit for it. Fetch it with network access: {fetch_command(spec, None)}"
    ) from error


def _fetch(source: RepoSource, spec: RepoSpec, entry: Entry, force: bool, changed: tuple[str, ...] = ()) -> None:
    """Download a known commit into the cache (once across processes); ``changed``: files edited in the cached copy."""
    if settings.offline():
        raise _unavailable(spec, entry, "PINHUB_OFFLINE is set", changed)
    if changed:
        log(f"{entry.path} was changed after it was downloaded ({describe_files(changed)}); downloading it again")

    def build(folder: Path) -> Extracted:
        archive = entry.root / f"{entry.commit}.{os.getpid()}.{uuid.uuid4().hex}.archive.incomplete"
        try:
            origin = source.fetch_archive(entry.commit, archive)
            return _extract_checked(archive, folder, entry.commit, origin)
        finally:
            archive.unlink(missing_ok=True)

    try:
        fill(entry, build, meta={"source": spec.source, "repo": spec.location}, force=force)
    except NetworkUnreachableError as error:
        raise _unavailable(spec, entry, f"the network is unreachable ({error})", changed) from error


def _unavailable(spec: RepoSpec, entry: Entry, reason: str, changed: tuple[str, ...]) -> OfflineCacheMissError:
    """The error for a commit that must be downloaded while the network cannot be used."""
    if not changed:
        return OfflineCacheMissError(_miss_message(spec, entry, reason))
    return DamagedCacheError(
        f"{spec.location}@{entry.commit} in the cache ({entry.path}) was changed after it was downloaded "
        f"({describe_files(changed)}), and it cannot be downloaded again because {reason}. "
        f"With network access, load it with force_reload=True, or run: {fetch_command(spec, entry.commit, force=True)}"
    )


def _fetch_revision(source: RepoSource, spec: RepoSpec, revision: str) -> str:
    """Download a revision whose commit is unknown, read the commit from the archive, and cache it."""
    source.root.mkdir(parents=True, exist_ok=True)
    archive = source.root / f"download.{os.getpid()}.{uuid.uuid4().hex}.archive.incomplete"
    try:
        origin = source.fetch_archive(revision, archive)
        commit = archive_commit(archive, origin)
        if commit is None:
            raise ArchiveError(
                f"the archive of {spec.describe()} from {origin} does not say which commit it holds "
                "(archives made by git archive, as GitHub's are, do), so it cannot be pinned"
            )
        if spec.abbreviated and not commit.startswith(spec.abbreviated):
            raise ArchiveError(f"the archive of {spec.describe()} from {origin} holds commit {commit}, not {revision}")
        meta = {"source": spec.source, "repo": spec.location}
        fill(
            Entry(source.root, commit),
            lambda folder: _extract_checked(archive, folder, commit, origin),
            meta=meta,
            force=False,
        )
    finally:
        archive.unlink(missing_ok=True)
    if spec.abbreviated is None:
        record_ref(source.root, spec.ref, commit)
    return commit


def _extract_checked(archive: Path, folder: Path, commit: str, origin: str) -> Extracted:
    """Extract, refusing an archive that is not of the pinned commit; record each hubconf.py's dependencies."""
    extracted = extract(archive, folder, origin)
    if extracted.commit != commit:
        found = extracted.commit or "no commit id"
        raise ArchiveError(f"expected an archive of commit {commit}, got one with {found} from {origin}")
    for name in extracted.files:
        if name == HUBCONF or name.endswith(f"/{HUBCONF}"):
            try:
                extracted.dependencies[name] = read_dependencies(folder / name)
            except HubconfError:
                extracted.dependencies[name] = None  # reported when this hub is loaded
    return extracted


def _miss_message(spec: RepoSpec, entry: Entry, reason: str) -> str:
    return (
        f"{spec.location}@{entry.commit} is not in the cache ({entry.path}) and {reason}. "
        f"Fetch it with network access: {fetch_command(spec, entry.commit)}"
    )


def fetch_command(spec: RepoSpec, commit: str | None, *, force: bool = False) -> str:
    """The shell command that puts a request into the cache (``force``: replacing what is there)."""
    location = spec.location
    if commit is None and spec.ref is not None:
        location += f":{spec.ref}" if spec.source == "github" else f"#{spec.ref}"
    words = ["python", "-m", "pinhub", "fetch", location]
    if spec.source != "github":
        words += ["--source", spec.source]
    if commit or spec.commit:
        words += ["--commit", commit or spec.commit or ""]
    if spec.subdir:
        words += ["--subdir", spec.subdir]
    if dir_was_set():
        words += ["--hub-dir", get_dir()]
    if force:
        words.append("--force-reload")
    prefix = "PINHUB_OFFLINE=0 " if settings.offline() else ""
    return prefix + shlex.join(words)
