"""The cache of pinned repositories: one immutable folder per commit.

Layout, under ``<hub_dir>/pinhub/``::

    github/<owner>/<name>/<commit>/            the repository at that commit, plus .pinhub-manifest.json
    github/<owner>/<name>/<commit>.lock        taken (flock) while the folder is being built
    github/<owner>/<name>/refs/...             the last commit each branch or tag resolved to
    git/<url-slug>-<hash>/...                  the same, for any git URL

A folder is built as ``<commit>.<pid>.<uuid>.incomplete`` and renamed into place once its manifest
is written, so a folder without a valid manifest is an interrupted or damaged build: it is replaced,
never used. The manifest records each file's SHA-256 and stamp (size, mtime, ctime, inode; see
pinhub._integrity). A cache hit compares stamps, one ``lstat`` per file; a file whose stamp changed is
hashed, so an edit is noticed even when size and mtime were restored, while a copied folder (new
inodes and ctimes, same content) is still a hit, and its manifest is then brought up to date so the
next hit is cheap again. A folder with changed files is moved aside, not deleted, before the commit is
downloaded again, so edits made in it are kept.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import stat
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pinhub._archive import MANIFEST_NAME, Extracted
from pinhub._atomic import replace_file
from pinhub._dirs import repos_root
from pinhub._http import log
from pinhub._integrity import Stamp, hash_file, vouches
from pinhub._spec import FULL_SHA

MANIFEST_FORMAT = 2


@dataclass(frozen=True)
class Entry:
    """The cache folder of one commit of one repository."""

    root: Path
    commit: str

    @property
    def path(self) -> Path:
        return self.root / self.commit

    @property
    def lock_path(self) -> Path:
        return self.root / f"{self.commit}.lock"


def github_root(owner: str, name: str) -> Path:
    """The folder holding every cached commit of a GitHub repository."""
    return repos_root() / "github" / owner / name


def git_root(url: str) -> Path:
    """The folder holding every cached commit of a git URL (readable slug plus a hash of the URL)."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", url.split("://", 1)[-1]).strip("_.")[-60:]
    return repos_root() / "git" / f"{slug}-{hashlib.sha256(url.encode()).hexdigest()[:12]}"


@dataclass(frozen=True)
class Check:
    """What checking a cached commit against its manifest found.

    Attributes:
        manifest: the manifest, when the folder is complete and untouched; else None.
        changed: the files and links that differ from the manifest (edited, replaced, removed), in
            manifest order; empty when the folder is untouched, missing or incomplete.
    """

    manifest: dict[str, Any] | None
    changed: tuple[str, ...] = ()


def check(entry: Entry) -> Check:
    """Compare the folder with its manifest: stamps first, and the hash of any file whose stamp changed.

    This runs on every cache hit, so it works on strings and ``os`` calls rather than Path objects.
    """
    folder = os.path.join(entry.root, entry.commit)
    started_ns = time.time_ns()
    try:
        manifest, manifest_stamp = _read_manifest(folder)
        files = _files(manifest, entry.commit)
        changed, rehashed = _compare(folder, files, manifest["links"], int(manifest.get("hashed_ns", 0)))
    except (OSError, ValueError, KeyError, TypeError):
        return Check(None)
    if changed:
        return Check(None, tuple(changed))
    if rehashed and all(Stamp(*facts[1:]).vouches(started_ns) for facts in rehashed.values()):
        _refresh(entry, manifest, manifest_stamp, {**files, **rehashed}, started_ns)
    return Check(manifest)


def _compare(
    folder: str, files: dict[str, list[Any]], links: dict[str, str], hashed_ns: int
) -> tuple[list[str], dict[str, list[Any]]]:
    """The names that changed, and the new facts of files that were hashed again and found the same."""
    changed: list[str] = []
    rehashed: dict[str, list[Any]] = {}
    folder_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)  # a stat relative to it skips the long path
    try:
        for name, facts in files.items():
            found = _check_file(folder_fd, folder, name, facts, hashed_ns)
            if found is None:
                changed.append(name)
            elif found is not facts:
                rehashed[name] = found
        changed += [name for name, target in links.items() if _link_target(folder_fd, name) != target]
    finally:
        os.close(folder_fd)
    return changed, rehashed


def has_manifest(entry: Entry) -> bool:
    """Whether the folder was built completely once (it may have been changed since; see :func:`check`)."""
    return os.path.isfile(os.path.join(entry.root, entry.commit, MANIFEST_NAME))


def read_manifest(entry: Entry) -> dict[str, Any] | None:
    """The folder's manifest as written, without checking the folder against it (None if unreadable)."""
    try:
        return _read_manifest(str(entry.path))[0]
    except (OSError, ValueError):
        return None


def _read_manifest(folder: str) -> tuple[dict[str, Any], Stamp]:
    with open(os.path.join(folder, MANIFEST_NAME), encoding="utf-8") as handle:
        stamp = Stamp.of(os.fstat(handle.fileno()))
        manifest: dict[str, Any] = json.load(handle)
    return manifest, stamp


def _files(manifest: dict[str, Any], commit: str) -> dict[str, list[Any]]:
    """Each file's ``[sha256, size, mtime_ns, ctime_ns, inode]``; stamps unknown (zeros) in format 1 manifests."""
    if manifest["commit"] != commit:
        raise ValueError(f"manifest of {manifest['commit']}, not {commit}")
    if manifest["format"] == 1:  # [size, mtime_ns, sha256]: hashed once, then rewritten in the current format
        return {name: [sha256, size, 0, 0, 0] for name, (size, _, sha256) in manifest["files"].items()}
    if manifest["format"] != MANIFEST_FORMAT:
        raise ValueError(f"unknown manifest format {manifest['format']}")
    files: dict[str, list[Any]] = manifest["files"]
    return files


def _check_file(folder_fd: int, folder: str, name: str, facts: list[Any], hashed_ns: int) -> list[Any] | None:
    """``facts`` if the file is untouched, new facts if it was hashed again and is the same, None if it changed."""
    try:
        info = os.stat(name, dir_fd=folder_fd, follow_symlinks=False)
    except OSError:
        return None
    sha256, size, mtime_ns, ctime_ns, inode = facts
    if not stat.S_ISREG(info.st_mode) or info.st_size != size:
        return None
    if (info.st_mtime_ns, info.st_ctime_ns, info.st_ino) == (mtime_ns, ctime_ns, inode) and vouches(
        ctime_ns, hashed_ns
    ):
        return facts
    try:
        hashed = hash_file(os.path.join(folder, name))
    except OSError:  # unreadable now: as good as changed
        return None
    if hashed.sha256 != sha256 or hashed.stamp is None:
        return None
    return [sha256, *hashed.stamp]


def _link_target(folder_fd: int, name: str) -> str | None:
    try:
        return os.readlink(name, dir_fd=folder_fd)
    except OSError:
        return None


def _refresh(
    entry: Entry, manifest: dict[str, Any], read_as: Stamp, files: dict[str, list[Any]], hashed_ns: int
) -> None:
    """Record the new stamps of files that were hashed again, unless another process holds the folder's lock."""
    updated = {**manifest, "format": MANIFEST_FORMAT, "hashed_ns": hashed_ns, "files": files}
    with contextlib.suppress(OSError), _flock(entry.lock_path, wait=lambda: False) as held:
        manifest_path = entry.path / MANIFEST_NAME
        if held and Stamp.of(manifest_path.stat()) == read_as:  # still the folder that was checked
            _write_json(manifest_path, updated)


@contextlib.contextmanager
def _flock(lock_path: Path, wait: Callable[[], bool]) -> Iterator[bool]:
    """Hold an exclusive inter-process lock (flock); when it is taken, ``wait()`` says whether to wait for it.

    Yields:
        Whether the lock is held.
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait():
                yield False
                return
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_json(path: Path, document: dict[str, Any]) -> None:
    """Replace a JSON file atomically."""
    replace_file(path, (json.dumps(document, indent=1) + "\n").encode())


def cached_commits(root: Path, prefix: str) -> list[str]:
    """Cached commits of a repository whose SHA starts with ``prefix`` (built completely; not checked here)."""
    if not root.is_dir():
        return []
    names = [p.name for p in root.iterdir() if FULL_SHA.fullmatch(p.name) and p.name.startswith(prefix)]
    return sorted(name for name in names if has_manifest(Entry(root, name)))


@contextlib.contextmanager
def locked(lock_path: Path, what: str) -> Iterator[None]:
    """Hold an exclusive inter-process lock (flock), saying so while waiting for it."""

    def announce() -> bool:
        log(f"Waiting for another process to finish fetching {what} (lock: {lock_path})")
        return True

    with _flock(lock_path, announce):
        yield


def fill(entry: Entry, build: Callable[[Path], Extracted], *, meta: dict[str, Any], force: bool) -> bool:
    """Make ``entry`` complete, building it at most once however many processes ask at the same time.

    Args:
        entry: the folder to fill.
        build: writes the repository into the folder it is given and says what it wrote.
        meta: extra facts for the manifest (source, repository).
        force: rebuild even if a complete folder exists.

    Returns:
        True if this call built the folder, False if another process had already done it.
    """
    with locked(entry.lock_path, f"{meta.get('repo', entry.root.name)}@{entry.commit}"):
        found = None if force else check(entry)
        if found is not None and found.manifest is not None:
            return False
        _clear(entry, changed=found.changed if found is not None else ())
        building = entry.root / f"{entry.commit}.{os.getpid()}.{uuid.uuid4().hex}.incomplete"
        try:
            started_ns = time.time_ns()
            _write_manifest(building, build(building), entry.commit, meta, started_ns)
            os.replace(building, entry.path)
        finally:
            shutil.rmtree(building, ignore_errors=True)
    return True


def _clear(entry: Entry, changed: tuple[str, ...]) -> None:
    """Remove leftovers of interrupted builds and a damaged folder; keep a changed one (the caller holds the lock)."""
    for leftover in entry.root.glob(f"{entry.commit}.*.incomplete"):
        _remove(leftover)
    if changed:
        aside = entry.root / f"{entry.commit}.modified-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
        os.replace(entry.path, aside)
        log(f"Moved {entry.path} aside to {aside}, with your changes to {describe_files(changed)}; delete it when done")
    elif entry.path.exists() or entry.path.is_symlink():
        if entry.path.is_dir() and not entry.path.is_symlink():
            log(f"Replacing the damaged or outdated cache folder {entry.path}")
        trash = entry.root / f"{entry.commit}.{os.getpid()}.{uuid.uuid4().hex}.trash"
        os.replace(entry.path, trash)
        _remove(trash)


def describe_files(names: tuple[str, ...], most: int = 5) -> str:
    """A short list of file names for messages: the first few, and how many more."""
    shown = ", ".join(names[:most])
    return shown if len(names) <= most else f"{shown} and {len(names) - most} more"


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _write_manifest(folder: Path, extracted: Extracted, commit: str, meta: dict[str, Any], hashed_ns: int) -> None:
    files = {
        name: [sha256, *Stamp.of((folder / name).lstat())] for name, (_, sha256) in sorted(extracted.files.items())
    }
    manifest = {
        "format": MANIFEST_FORMAT,
        "commit": commit,
        **meta,
        "hashed_ns": hashed_ns,
        "files": files,
        "links": extracted.links,
        "dependencies": extracted.dependencies,
    }
    _write_json(folder / MANIFEST_NAME, manifest)


def _ref_file(root: Path, ref: str | None) -> Path:
    return root / "refs" / ("HEAD" if ref is None else f"by-name/{quote(ref, safe='')}")


def record_ref(root: Path, ref: str | None, commit: str) -> None:
    """Remember what a branch or tag resolved to, for use when the network is down."""
    if recorded_ref(root, ref) == commit:
        return
    path = _ref_file(root, ref)
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_file(path, f"{commit}\n".encode("ascii"))


def recorded_ref(root: Path, ref: str | None) -> str | None:
    """The commit a branch or tag last resolved to, or None."""
    try:
        commit = _ref_file(root, ref).read_text(encoding="ascii").strip()
    except OSError:
        return None
    return commit if FULL_SHA.fullmatch(commit) else None
