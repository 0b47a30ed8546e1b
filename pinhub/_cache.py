"""The cache of pinned repositories: one immutable folder per commit.

Layout, under ``<hub_dir>/pinhub/``::

    github/<owner>/<name>/<commit>/            the repository at that commit, plus .pinhub-manifest.json
    github/<owner>/<name>/<commit>.lock        taken (flock) while the folder is being built
    github/<owner>/<name>/refs/...             the last commit each branch or tag resolved to
    git/<url-slug>-<hash>/...                  the same, for any git URL

A folder is built as ``<commit>.<pid>.<uuid>.incomplete`` and renamed into place once its manifest
is written, so a folder without a valid manifest is an interrupted or damaged build: it is replaced,
never used. The manifest records each file's size, mtime and SHA-256; a cache hit compares sizes and
mtimes (hashing only files whose mtime changed, as after a copy), so a tampered file is noticed.
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
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pinhub._archive import MANIFEST_NAME, Extracted
from pinhub._dirs import repos_root
from pinhub._http import log
from pinhub._spec import FULL_SHA

MANIFEST_FORMAT = 1


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


def verified_manifest(entry: Entry) -> dict[str, Any] | None:
    """The folder's manifest if the folder exists, is of this commit and matches its manifest; else None.

    This runs on every cache hit, so it works on strings and ``os`` calls rather than Path objects.
    """
    folder = os.path.join(entry.root, entry.commit)
    try:
        with open(os.path.join(folder, MANIFEST_NAME), encoding="utf-8") as handle:
            manifest: dict[str, Any] = json.load(handle)
        if manifest["format"] != MANIFEST_FORMAT or manifest["commit"] != entry.commit:
            return None
        files_ok = all(_file_matches(os.path.join(folder, name), *facts) for name, facts in manifest["files"].items())
        links = manifest["links"].items()
        if files_ok and all(os.readlink(os.path.join(folder, name)) == to for name, to in links):
            return manifest
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def is_complete(entry: Entry) -> bool:
    """Whether the folder is a complete, untouched build of its commit."""
    return verified_manifest(entry) is not None


def _file_matches(path: str, size: int, mtime_ns: int, sha256: str) -> bool:
    info = os.lstat(path)
    if not stat.S_ISREG(info.st_mode) or info.st_size != size:
        return False
    return info.st_mtime_ns == mtime_ns or _sha256(Path(path)) == sha256


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        while chunk := data.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def cached_commits(root: Path, prefix: str) -> list[str]:
    """Complete cached commits of a repository whose SHA starts with ``prefix``."""
    if not root.is_dir():
        return []
    names = [p.name for p in root.iterdir() if FULL_SHA.fullmatch(p.name) and p.name.startswith(prefix)]
    return sorted(name for name in names if is_complete(Entry(root, name)))


@contextlib.contextmanager
def locked(lock_path: Path, what: str) -> Iterator[None]:
    """Hold an exclusive inter-process lock (flock), saying so while waiting for it."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log(f"Waiting for another process to finish fetching {what} (lock: {lock_path})")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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
        if not force and is_complete(entry):
            return False
        _clear(entry)
        building = entry.root / f"{entry.commit}.{os.getpid()}.{uuid.uuid4().hex}.incomplete"
        try:
            _write_manifest(building, build(building), entry.commit, meta)
            os.replace(building, entry.path)
        finally:
            shutil.rmtree(building, ignore_errors=True)
    return True


def _clear(entry: Entry) -> None:
    """Remove leftovers of interrupted builds and a damaged folder (the caller holds the lock)."""
    for leftover in entry.root.glob(f"{entry.commit}.*.incomplete"):
        _remove(leftover)
    if entry.path.exists() or entry.path.is_symlink():
        if entry.path.is_dir() and not entry.path.is_symlink():
            log(f"Replacing the damaged or outdated cache folder {entry.path}")
        trash = entry.root / f"{entry.commit}.{os.getpid()}.{uuid.uuid4().hex}.trash"
        os.replace(entry.path, trash)
        _remove(trash)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _write_manifest(folder: Path, extracted: Extracted, commit: str, meta: dict[str, Any]) -> None:
    files = {}
    for name, (size, sha256) in sorted(extracted.files.items()):
        files[name] = [size, (folder / name).lstat().st_mtime_ns, sha256]
    manifest = {
        "format": MANIFEST_FORMAT,
        "commit": commit,
        **meta,
        "files": files,
        "links": extracted.links,
        "dependencies": extracted.dependencies,
    }
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")


def _ref_file(root: Path, ref: str | None) -> Path:
    return root / "refs" / ("HEAD" if ref is None else f"by-name/{quote(ref, safe='')}")


def record_ref(root: Path, ref: str | None, commit: str) -> None:
    """Remember what a branch or tag resolved to, for use when the network is down."""
    if recorded_ref(root, ref) == commit:
        return
    path = _ref_file(root, ref)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{uuid.uuid4().hex}.incomplete")
    temporary.write_text(commit + "\n", encoding="ascii")
    os.replace(temporary, path)


def recorded_ref(root: Path, ref: str | None) -> str | None:
    """The commit a branch or tag last resolved to, or None."""
    try:
        commit = _ref_file(root, ref).read_text(encoding="ascii").strip()
    except OSError:
        return None
    return commit if FULL_SHA.fullmatch(commit) else None
