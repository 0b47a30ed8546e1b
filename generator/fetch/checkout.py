"""Check out a hub at its pinned commit: remote repos through a mirror cache, local ones in place.

Fetch takes a `FetchRequest` (plain values: repo, commit, subdir, ref), so any command can ask for a
checkout without knowing what a catalogue entry is.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from generator.catalogue.model import SHA_PATTERN, is_local_repo
from generator.catalogue.repos import github_key, is_github_https, unsafe_reason
from generator.errors import GeneratorError
from generator.fetch.failures import FailureKind
from generator.fetch.policy import FetchPolicy


class FetchError(GeneratorError):
    """The repo could not be checked out at its commit; the message says why and what to try.

    Attributes:
        kind: What failed, for programs: "missing-objects", "unreachable", "not-found", "auth", "host-key",
            "timeout", "offline", "not-pinned", "refused", "no-hubconf" or "other" (see FailureKind).
    """

    def __init__(self, message: str, kind: FailureKind = "other") -> None:
        super().__init__(message)
        self.kind: FailureKind = kind


@dataclass(frozen=True)
class FetchRequest:
    """What to check out: plain values, whoever asks (the build, `add`, `check-repo`).

    Attributes:
        repo: GitHub 'owner/name', a git URL, or './path' for a hub inside the project.
        commit: The full 40-character commit to check out; None for a hub inside the project.
        subdir: Folder of hubconf.py inside the repository ('' for its root).
        ref: The branch or tag the commit is said to be on ('' for none): fetch checks that it is.
    """

    repo: str
    commit: str | None = None
    subdir: str = ""
    ref: str = ""

    @property
    def is_local(self) -> bool:
        """True when the hub lives inside the project ('./path')."""
        return is_local_repo(self.repo)


@dataclass(frozen=True)
class Checkout:
    """A hub ready to introspect: `hub_dir` holds hubconf.py.

    Attributes:
        hub_dir: Folder that holds hubconf.py.
        commit: The commit checked out (verified), or for a local hub the last commit that touched it.
        subdir: Folder of the hub inside its repository ('' for the root).
        dirty: A local hub with changes not yet committed (its pages cannot pin them).
        content_digest: For a local hub, a hash of its files, so edits invalidate the lock.
        on_ref: Whether the request's `ref` reaches the commit on the remote; None when the request names
            no ref, the hub is local, or it could not be checked (offline, the remote did not answer).
    """

    hub_dir: Path
    commit: str | None
    subdir: str = ""
    dirty: bool = False
    content_digest: str = ""
    on_ref: bool | None = None


def fetch_checkout(
    request: FetchRequest, project_root: Path, cache_dir: Path, policy: FetchPolicy | None = None
) -> Checkout:
    """Check out the hub `request` names; safe to call for hubs of one repo from several threads or builds.

    Raises:
        FetchError: the repo or commit cannot be reached, or there is no hubconf.py where the request says;
            its `kind` says which.
    """
    policy = policy or FetchPolicy()
    checkout = _local(request, project_root) if request.is_local else _remote(request, cache_dir, policy)
    if not (checkout.hub_dir / "hubconf.py").is_file():
        where = f"{checkout.subdir or 'the repository root'}"
        at = checkout.commit or "the working tree"
        raise FetchError(f"no hubconf.py in {where} of {request.repo} at {at}", "no-hubconf")
    return checkout


def _remote(request: FetchRequest, cache_dir: Path, policy: FetchPolicy) -> Checkout:
    commit = _pinned(request)
    from generator.fetch import git_mirror, ref_check  # GitPython loads only when something is fetched

    url = git_url(request.repo)
    try:
        tree = git_mirror.checkout(url, commit, cache_dir, policy)
    except git_mirror.GitCommandFailedError as failure:
        raise FetchError(f"cannot fetch {url} at {commit[:12]}: {failure}", failure.kind) from None
    on_ref = ref_check.on_ref(url, commit, request.ref, cache_dir, policy) if request.ref else None
    return Checkout(hub_dir=tree / request.subdir, commit=commit, subdir=request.subdir, on_ref=on_ref)


def _pinned(request: FetchRequest) -> str:
    """The request's commit, once the request is known to be safe to hand to git."""
    if request.commit is None:
        raise FetchError(f"{request.repo} is not pinned: add its 40-character 'commit' to the catalogue", "not-pinned")
    reason = unsafe_reason(request.repo)
    if not re.match(SHA_PATTERN, request.commit):
        reason = f"the commit must be 40 lower-case hex digits (git rev-parse <ref>), got {request.commit!r}"
    elif request.subdir.startswith("/") or ".." in request.subdir.split("/"):
        reason = f"the subdir must be a relative folder inside the repository, got {request.subdir!r}"
    if reason:
        raise FetchError(f"cannot fetch {request.repo}: {reason}", "refused")
    return request.commit


def git_url(repo: str) -> str:
    """The URL git fetches: a GitHub repository becomes https://github.com/<owner>/<name>.git, in lower case.

    GitHub names ignore case, so every spelling of one repository shares one URL, mirror and checkout.
    git's own configuration applies on top (e.g. `url.<mirror>.insteadOf https://github.com/`), so
    mirrors are stored under lower-case `<owner>/<name>.git` paths (docs/mirrors.md).
    """
    if is_github_https(repo):
        return f"https://github.com/{github_key(repo)}.git"
    return repo


def _local(request: FetchRequest, project_root: Path) -> Checkout:
    hub_dir = (project_root / request.repo / request.subdir).resolve()
    if not hub_dir.is_relative_to(project_root.resolve()):
        raise FetchError(f"{request.repo} is outside this project ({project_root})", "refused")
    if not hub_dir.is_dir():
        raise FetchError(f"{request.repo} is not a folder of this project ({project_root})", "not-found")
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
