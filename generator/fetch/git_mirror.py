"""Git plumbing for fetch: one bare mirror per repo URL, one verified, immutable checkout per commit."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import uuid
from pathlib import Path

import git

# Never let git wait for a password or a host-key answer: a build must fail, not hang.
GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_SSH_COMMAND": "ssh -oBatchMode=yes", "GCM_INTERACTIVE": "never"}


class GitCommandFailedError(Exception):
    """A git command failed; the message is git's own last line."""


def checkout(url: str, commit: str, cache_dir: Path, timeout: float) -> Path:
    """A folder holding `url` at `commit`, made once and reused; verified to be that commit."""
    target = cache_dir / "checkouts" / f"{_slug(url)}-{commit}"
    if _is_complete(target, commit):
        return target
    mirror = _mirror(url, cache_dir)
    _fetch_commit(mirror, commit, timeout)
    staging = target.with_name(f".{target.name}.{uuid.uuid4().hex}.incomplete")
    try:
        _materialise(mirror, commit, staging)
        shutil.rmtree(target, ignore_errors=True)  # an interrupted earlier checkout
        os.replace(staging, target)
    except git.GitCommandError as error:
        raise GitCommandFailedError(_last_line(error)) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _materialise(mirror: Path, commit: str, staging: Path) -> None:
    """A work tree of `commit` that borrows the mirror's objects (nothing is copied but the files)."""
    repo = git.Repo.init(staging)
    (staging / ".git" / "objects" / "info" / "alternates").write_text(f"{mirror / 'objects'}\n")
    if (mirror / "shallow").exists():
        shutil.copy(mirror / "shallow", staging / ".git" / "shallow")
    repo.git.checkout("--detach", "--quiet", commit)
    _verify(repo, commit)


def _is_complete(target: Path, commit: str) -> bool:
    if not (target / ".git").exists():
        return False
    try:
        return git.Repo(target).head.commit.hexsha == commit
    except (git.InvalidGitRepositoryError, ValueError):
        return False


def _verify(repo: git.Repo, commit: str) -> None:
    found = repo.head.commit.hexsha
    if found != commit:
        raise GitCommandFailedError(f"checked out {found} but the catalogue pins {commit}")


def _mirror(url: str, cache_dir: Path) -> Path:
    mirror = cache_dir / "mirrors" / f"{_slug(url)}.git"
    if (mirror / "HEAD").exists():
        return mirror
    staging = mirror.with_name(f".{mirror.name}.{uuid.uuid4().hex}.incomplete")
    repo = git.Repo.init(staging, bare=True)
    repo.create_remote("origin", url)
    mirror.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(staging, mirror)
    except OSError:  # another build made it first
        shutil.rmtree(staging, ignore_errors=True)
    return mirror


def _fetch_commit(mirror: Path, commit: str, timeout: float) -> None:
    """Fetch just `commit` (shallow) when the server allows it, else everything."""
    repo = git.Repo(mirror)
    if _has_commit(repo, commit):
        return
    try:
        repo.git.fetch("--depth=1", "origin", commit, env=GIT_ENV, kill_after_timeout=timeout)
    except git.GitCommandError as shallow_error:
        try:
            repo.git.fetch("origin", "+refs/*:refs/remotes/origin/*", env=GIT_ENV, kill_after_timeout=timeout)
        except git.GitCommandError as error:
            raise GitCommandFailedError(_last_line(error) or _last_line(shallow_error)) from None
    if not _has_commit(repo, commit):
        raise GitCommandFailedError(f"commit {commit} is not in the repository (was it force-pushed away?)")
    repo.git.update_ref(f"refs/pinned/{commit}", commit)  # keeps it safe from gc and findable


def _has_commit(repo: git.Repo, commit: str) -> bool:
    try:
        repo.git.cat_file("-e", f"{commit}^{{commit}}")
    except git.GitCommandError:
        return False
    return True


def last_commit_touching(repo_root: Path, relative: str) -> tuple[str | None, bool]:
    """(last commit that changed `relative`, whether it has uncommitted changes); (None, True) outside git."""
    try:
        repo = git.Repo(repo_root, search_parent_directories=False)
        commit = repo.git.log("-1", "--format=%H", "--", relative).strip() or None
        dirty = bool(repo.git.status("--porcelain", "--untracked-files=all", "--", relative).strip())
    except (git.InvalidGitRepositoryError, git.NoSuchPathError, git.GitCommandError):
        return None, True
    return commit, dirty or commit is None


def _slug(url: str) -> str:
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", url.split("://")[-1]).strip("_")[-60:]
    return f"{readable}-{hashlib.sha256(url.encode()).hexdigest()[:8]}"


def _last_line(error: git.GitCommandError) -> str:
    text = str(error.stderr or error).strip().strip("'").strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else str(error)
