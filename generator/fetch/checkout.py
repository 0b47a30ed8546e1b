"""Check out a hub at its pinned commit: remote repos through a mirror cache, local ones in place."""

from __future__ import annotations

import hashlib
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from generator.catalogue.model import Entry
from generator.errors import GeneratorError
from generator.fetch.policy import FetchPolicy


class FetchError(GeneratorError):
    """The entry's repo could not be checked out at its commit; the message says why and what to try."""


@dataclass(frozen=True)
class Checkout:
    """A hub ready to introspect: `hub_dir` holds hubconf.py.

    Attributes:
        hub_dir: Folder that holds hubconf.py.
        commit: The commit checked out (verified), or for a local hub the last commit that touched it.
        subdir: Folder of the hub inside its repository ('' for the root).
        dirty: A local hub with changes not yet committed (its pages cannot pin them).
        content_digest: For a local hub, a hash of its files, so edits invalidate the lock.
    """

    hub_dir: Path
    commit: str | None
    subdir: str = ""
    dirty: bool = False
    content_digest: str = ""


def build_cache_dir() -> Path:
    """Where the build keeps its git mirrors and checkouts: $PINHUB_BUILD_CACHE, else the user cache."""
    configured = os.environ.get("PINHUB_BUILD_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pinhub" / "build"


def fetch_entry(entry: Entry, project_root: Path, cache_dir: Path, policy: FetchPolicy | None = None) -> Checkout:
    """Check out the hub of `entry`; safe to call for entries of one repo from several threads or builds.

    Raises:
        FetchError: the repo or commit cannot be reached, or there is no hubconf.py where the entry says.
    """
    policy = policy or FetchPolicy()
    checkout = _local(entry, project_root) if entry.is_local else _remote(entry, cache_dir, policy)
    if not (checkout.hub_dir / "hubconf.py").is_file():
        where = f"{checkout.subdir or 'the repository root'}"
        raise FetchError(f"no hubconf.py in {where} of {entry.repo} at {checkout.commit or 'the working tree'}")
    return checkout


def _remote(entry: Entry, cache_dir: Path, policy: FetchPolicy) -> Checkout:
    if entry.commit is None:
        raise FetchError(f"{entry.repo} is not pinned: add its 40-character 'commit' to the catalogue")
    from generator.fetch import git_mirror  # GitPython loads only when something is fetched

    url = git_url(entry.repo)
    try:
        tree = git_mirror.checkout(url, entry.commit, cache_dir, policy)
    except git_mirror.GitCommandFailedError as failure:
        raise FetchError(f"cannot fetch {url} at {entry.commit[:12]}: {failure}") from None
    return Checkout(hub_dir=tree / entry.subdir, commit=entry.commit, subdir=entry.subdir)


def git_url(repo: str) -> str:
    """The URL git fetches: GitHub 'owner/name' becomes https://github.com/owner/name.git.

    git's own configuration applies on top (e.g. `url.<mirror>.insteadOf https://github.com/`).
    """
    if "://" in repo or repo.startswith("git@"):
        return repo
    return f"https://github.com/{repo}.git"


def _local(entry: Entry, project_root: Path) -> Checkout:
    hub_dir = (project_root / entry.repo / entry.subdir).resolve()
    if not hub_dir.is_dir():
        raise FetchError(f"{entry.repo} is not a folder of this project ({project_root})")
    relative = hub_dir.relative_to(project_root.resolve()).as_posix()
    commit, dirty = last_commit_touching(project_root, relative)
    return Checkout(
        hub_dir=hub_dir,
        commit=commit,
        subdir="" if relative == "." else relative,
        dirty=dirty,
        content_digest=_digest_tree(hub_dir),
    )


def last_commit_touching(repo_root: Path, relative: str) -> tuple[str | None, bool]:
    """(last commit that changed `relative`, whether it has uncommitted changes); (None, True) outside git.

    `repo_root` must be the top of its repository (git does not look above it).
    """
    # No optional locks: `git status` would otherwise take index.lock to refresh the index, and make a
    # commit in the same checkout fail while a build (or one of its jobs) reads it.
    environment = {**os.environ, "GIT_CEILING_DIRECTORIES": str(repo_root.resolve().parent), "GIT_OPTIONAL_LOCKS": "0"}
    try:
        log = ["git", "log", "-1", "--format=%H", "--", relative]
        commit = subprocess.run(log, cwd=repo_root, env=environment, capture_output=True, text=True, check=True)
        status = ["git", "status", "--porcelain", "--untracked-files=all", "--", relative]
        changes = subprocess.run(status, cwd=repo_root, env=environment, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None, True
    last = commit.stdout.strip() or None
    return last, bool(changes.stdout.strip()) or last is None


def _digest_tree(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
