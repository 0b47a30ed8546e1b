"""Git plumbing for fetch (GitPython): one bare mirror per repo URL, one verified, immutable checkout per commit.

A mirror holds only the pinned commits (fetched shallow, by SHA, where the server allows it), so its
size follows the pinned trees, not the repository's history. Every change to a mirror, and every new
checkout made from it, happens under the mirror's file lock; a checkout that is already complete is
used without taking the lock, without git's network, and without touching the mirror at all. Every
casing of a GitHub URL names the same mirror and checkouts.

A failed git command is understood from its whole stderr (failures.py). Only a failing network is
tried again, after growing pauses, and a host whose network kept failing is tried once for the rest of
the build; a refusal (credentials, host key), a missing repository or commit, or a server copy that
lacks objects fails at once, and does not count against the host.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import git

from generator import settings
from generator.fetch.failures import MISSING_OBJECTS, Failure, FailureKind, classify
from generator.fetch.policy import FetchPolicy
from generator.files import temporary_name
from generator.locks import LockTimeoutError, file_lock


def git_env() -> dict[str, str]:
    """What every git command of fetch runs with, on top of the environment: never wait for an answer.

    A build must fail, not hang on a password or a host-key question. A GIT_SSH_COMMAND of the user's
    (a deploy key, a proxy) is kept; without one, ssh runs in batch mode.
    """
    return {
        "GIT_TERMINAL_PROMPT": "0",
        "GCM_INTERACTIVE": "never",
        "GIT_SSH_COMMAND": os.environ.get("GIT_SSH_COMMAND") or "ssh -oBatchMode=yes",
    }


class GitCommandFailedError(Exception):
    """A git command failed; the message says why (quoting git) and how many attempts were made.

    `kind` says what failed (see FailureKind). `retriable` is True when the network failed rather than
    the request: the same request may work later, so falling back to another request (a full fetch
    instead of a shallow one) would not help.
    """

    def __init__(self, message: str, kind: FailureKind = "other", retriable: bool = False) -> None:
        super().__init__(message)
        self.kind: FailureKind = kind
        self.retriable = retriable


@dataclass(frozen=True)
class _Deadline:
    at: float

    @classmethod
    def after(cls, seconds: float) -> _Deadline:
        return cls(time.monotonic() + seconds)

    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())


def checkout(url: str, commit: str, cache_dir: Path, policy: FetchPolicy) -> Path:
    """A folder holding `url` at `commit`, made once and reused; verified to be that commit.

    Raises:
        GitCommandFailedError: the commit cannot be fetched or checked out within the policy.
    """
    target = cache_dir / "checkouts" / f"{cache_slug(url)}-{commit}"
    if _is_complete(target, commit):
        return target
    if settings.offline():
        raise GitCommandFailedError(
            f"not in the build cache, and {settings.offline_setting()} forbids fetching it", "offline"
        )
    deadline = _Deadline.after(policy.timeout)
    try:
        with file_lock(cache_dir / "locks" / f"{cache_slug(url)}.lock", deadline.remaining()):
            if _is_complete(target, commit):  # another build made it while this one waited
                return target
            mirror = _mirror(url, cache_dir)
            _fetch_commit(mirror, commit, _Attempts(policy, deadline, _host(url)))
            _publish(mirror, commit, target)
    except LockTimeoutError as error:
        raise GitCommandFailedError(str(error), "timeout") from None
    return target


def _publish(mirror: Path, commit: str, target: Path) -> None:
    staging = temporary_name(target)
    try:
        _materialise(mirror, commit, staging)
        shutil.rmtree(target, ignore_errors=True)  # an interrupted earlier checkout
        os.replace(staging, target)
    except git.GitCommandError as error:
        raise GitCommandFailedError(_last_line(error)) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


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
    """The bare mirror of `url`, made on first use (called under the mirror's lock)."""
    mirror = cache_dir / "mirrors" / f"{cache_slug(url)}.git"
    if (mirror / "HEAD").exists():
        return mirror
    staging = temporary_name(mirror)
    repo = git.Repo.init(staging, bare=True)
    repo.create_remote("origin", url)
    mirror.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(mirror, ignore_errors=True)  # an interrupted earlier mirror without HEAD
    os.replace(staging, mirror)
    return mirror


def _fetch_commit(mirror: Path, commit: str, attempts: _Attempts) -> None:
    """Fetch just `commit` (shallow) when the server allows it, else everything."""
    repo = git.Repo(mirror)
    if _has_commit(repo, commit) and not _missing_object(repo, commit):
        return
    try:
        _run_git(repo, ["fetch", "--depth=1", "--end-of-options", "origin", commit], attempts)
    except GitCommandFailedError as shallow_error:
        if shallow_error.kind != "other":  # a full fetch would meet the same network, key, repository or copy
            raise
        # The server refuses a commit by SHA (or shallow fetches at all): take every branch and tag.
        unshallow = ["--unshallow"] if (mirror / "shallow").exists() else []
        refspecs = ["+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"]
        _run_git(repo, ["fetch", *unshallow, "origin", *refspecs], attempts)
    if not _has_commit(repo, commit):
        message = f"commit {commit} is not in the repository (was it force-pushed away?)"
        raise GitCommandFailedError(message, "not-found")
    missing = _missing_object(repo, commit)
    if missing:  # an earlier fetch that broke off left the commit without all of its tree
        raise GitCommandFailedError(f"{MISSING_OBJECTS}; {missing}", "missing-objects")
    repo.git.update_ref(f"refs/pinned/{commit}", commit)  # keeps it safe from gc and findable


@dataclass(frozen=True)
class _Attempts:
    """One entry's fetch: the policy, the entry's deadline, and the host it fetches from."""

    policy: FetchPolicy
    deadline: _Deadline
    host: str

    @property
    def allowed(self) -> int:
        return 1 if self.host in self.policy.unreachable else self.policy.attempts


def _run_git(repo: git.Repo, arguments: list[str], attempts: _Attempts) -> None:
    """Run one git command, again after a pause while it fails transiently and time is left."""
    policy, deadline, pause = attempts.policy, attempts.deadline, attempts.policy.backoff
    for attempt in range(1, attempts.allowed + 1):
        try:
            run_git(repo, arguments, deadline.remaining())
            return
        except git.GitCommandError as error:
            if "did not complete in" in str(error.stderr):  # GitPython killed it at the deadline
                message = f"timed out after {policy.timeout:g} s"
                raise GitCommandFailedError(message, "timeout", retriable=True) from None
            failure = classify(stderr_of(error), _remote_url(repo))
            if not failure.transient or attempt == attempts.allowed or deadline.remaining() <= pause:
                raise _failed(failure, attempt, attempts) from None
        policy.sleep(pause)
        pause *= 2


def run_git(repo: git.Repo, arguments: list[str], seconds: float) -> str:
    """Run `git ARGUMENTS` in `repo` with fetch's environment, killed after `seconds`; its stdout."""
    output = repo.git.execute(["git", *arguments], env=git_env(), kill_after_timeout=max(seconds, 0.001))
    return str(output)


def _failed(failure: Failure, attempt: int, attempts: _Attempts) -> GitCommandFailedError:
    """The error that ends the fetch; a host whose network kept failing is tried once from now on."""
    if failure.transient:
        attempts.policy.unreachable.add(attempts.host)
    tries = f" (after {attempt} attempts)" if attempt > 1 else ""
    return GitCommandFailedError(failure.message + tries, failure.kind, retriable=failure.transient)


def _remote_url(repo: git.Repo) -> str:
    return str(repo.remotes.origin.url)


def _host(url: str) -> str:
    """Where `url` points: 'github.com' for https://github.com/a/b.git and git@github.com:a/b.git."""
    if "://" not in url and "@" in url.split(":")[0]:
        return url.split("@", 1)[1].split(":")[0]
    return urlsplit(url).netloc or url


def _missing_object(repo: git.Repo, commit: str) -> str:
    """'' when every object of `commit`'s tree is in the mirror, else git's words for the first missing one.

    A fetch from a copy that lacks objects can leave the commit itself behind without its tree: such a
    commit must be fetched again (or reported), never checked out half.
    """
    try:
        repo.git.rev_list("--objects", "--no-walk", commit)
    except git.GitCommandError as error:
        return _last_line(error).removeprefix("fatal: ")
    return ""


def _has_commit(repo: git.Repo, commit: str) -> bool:
    try:
        repo.git.cat_file("-e", f"{commit}^{{commit}}")
    except git.GitCommandError:
        return False
    return True


def cache_slug(url: str) -> str:
    """The name of `url`'s mirror and lock in the cache: readable, unique, and one for any casing of a
    GitHub URL (GitHub's owner and repository names are case-insensitive)."""
    key = url.lower() if _host(url).lower() in ("github.com", "www.github.com") else url
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", key.split("://")[-1]).strip("_")[-60:]
    return f"{readable}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"


def stderr_of(error: git.GitCommandError) -> str:
    """git's whole stderr, without the wrapping GitPython adds to it."""
    text = str(error.stderr or error).strip()
    return text.removeprefix("stderr:").strip().removeprefix("'").removesuffix("'").strip()


def _last_line(error: git.GitCommandError) -> str:
    lines = [line.strip() for line in stderr_of(error).splitlines() if line.strip()]
    return lines[-1] if lines else str(error)
