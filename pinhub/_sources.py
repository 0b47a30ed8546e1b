"""Where repositories come from: GitHub (HTTPS archives) and any git URL (the git command).

Both answer the same two questions: which commit each branch and tag points at (as ``git
ls-remote`` reads it, never the rate-limited REST API), and the repository's archive at a revision.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from pinhub import _settings as settings
from pinhub._cache import git_root, github_root
from pinhub._http import fetch_to_file, log, read_url
from pinhub._refs import RefAdvertisementError, RemoteRefs, parse_advertisement, parse_ls_remote
from pinhub._spec import FULL_SHA, RepoSpec
from pinhub.errors import (
    DownloadError,
    NetworkError,
    NetworkUnreachableError,
    OfflineCacheMissError,
    RefNotFoundError,
)

GIT_TIMEOUT_S = 600
_UNREACHABLE_HINTS = ("could not resolve", "unable to access", "failed to connect", "timed out", "connection")


class RepoSource(Protocol):
    """A place to list refs and download archives from."""

    root: Path

    def list_refs(self) -> RemoteRefs | None:
        """Every branch and tag with its commit, and HEAD; None if the server does not say (use archives)."""
        ...

    def fetch_archive(self, rev: str, dest: Path) -> str:
        """Write a tar archive of the repository at ``rev`` (a commit, branch or tag) to ``dest``.

        Returns:
            Where the archive came from (its URL), for messages about it.
        """
        ...


def source_for(spec: RepoSpec) -> RepoSource:
    """The source that serves a github or git request.

    A ``file://`` ``PINHUB_GITHUB_URL`` names a folder of mirrors (``<owner>/<name>.git``, as ``git
    clone --mirror`` makes them), read with git; the cache is the one GitHub's repositories use.
    """
    if spec.source == "git":
        return GitSource(spec.location)
    owner, name = spec.owner_name
    base = settings.github_url()
    if base.startswith("file://"):
        return GitSource(f"{base}/{owner}/{name}.git", root=github_root(owner, name))
    return GitHubSource(owner, name)


class GitHubSource:
    """GitHub or a server in its URL shape (``PINHUB_GITHUB_URL``): smart-HTTP refs and tar.gz archives."""

    def __init__(self, owner: str, name: str) -> None:
        self.owner = owner
        self.name = name
        self.root = github_root(owner, name)

    def list_refs(self) -> RemoteRefs | None:
        try:
            body, content_type = read_url(f"{self._base()}.git/info/refs?service=git-upload-pack")
            return parse_advertisement(body, content_type)
        except DownloadError as error:
            if error.status not in (401, 403, 404):
                raise
        except RefAdvertisementError:
            pass
        return None  # an archive-only mirror, or a repository hidden from this endpoint: the archive will tell

    def fetch_archive(self, rev: str, dest: Path) -> str:
        url = f"{self._base()}/archive/{quote(rev, safe='/')}.tar.gz"
        log(f'Downloading: "{url}" to {dest.parent}')
        try:
            fetch_to_file(url, dest)
        except DownloadError as error:
            if error.status == 404:
                raise RefNotFoundError(f"{self.owner}/{self.name} has no branch, tag or commit {rev!r}") from error
            raise
        return url

    def _base(self) -> str:
        return f"{settings.github_url()}/{self.owner}/{self.name}"


class GitSource:
    """Any URL git can fetch from: ``https://``, ``ssh://``, ``git@host:path``, ``file://``."""

    def __init__(self, url: str, root: Path | None = None) -> None:
        self.url = url
        self.root = root or git_root(url)

    def list_refs(self) -> RemoteRefs | None:
        return parse_ls_remote(_git("ls-remote", "--", self.url, network=True))

    def fetch_archive(self, rev: str, dest: Path) -> str:
        log(f"Fetching {self.url} at {rev}")
        self.root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.root, prefix=".fetch-") as work:
            _git("init", "-q", "--bare", work)
            if not (FULL_SHA.fullmatch(rev) and _try_git("-C", work, "fetch", "-q", "--depth=1", "--", self.url, rev)):
                everything = ("+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*")
                _git("-C", work, "fetch", "-q", "--", self.url, *everything, network=True)
            if not _try_git("-C", work, "rev-parse", "-q", "--verify", "--end-of-options", f"{rev}^{{commit}}"):
                raise RefNotFoundError(f"{self.url} has no branch, tag or commit {rev!r}")
            _git("-C", work, "archive", "--format=tar", "--prefix=repo/", "-o", str(dest), f"{rev}^{{commit}}")
        return f"{self.url} at {rev} (git archive)"


def _git(*args: str, network: bool = False) -> str:
    """Run git without ever prompting for credentials; return its stdout.

    Raises:
        NetworkUnreachableError: a network command could not connect.
        NetworkError: git failed, or is not installed.
    """
    if network and settings.offline():
        raise OfflineCacheMissError(f"PINHUB_OFFLINE is set: refusing to run git {args[0]}")
    env = {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_SSH_COMMAND": os.environ.get("GIT_SSH_COMMAND", "ssh -o BatchMode=yes"),
    }
    try:
        done = subprocess.run(
            ["git", *args], capture_output=True, text=True, env=env, timeout=GIT_TIMEOUT_S, check=False
        )
    except FileNotFoundError as error:
        raise NetworkError("the git command is needed for source='git' but is not installed") from error
    except subprocess.TimeoutExpired as error:
        raise NetworkUnreachableError(f"git {args[0]} timed out after {GIT_TIMEOUT_S} s") from error
    if done.returncode != 0:
        message = f"git {' '.join(args)} failed: {done.stderr.strip()}"
        if network and any(hint in done.stderr.lower() for hint in _UNREACHABLE_HINTS):
            raise NetworkUnreachableError(message)
        raise NetworkError(message)
    return done.stdout


def _try_git(*args: str) -> bool:
    """Run git, reporting only whether it succeeded."""
    try:
        _git(*args)
    except NetworkError:
        return False
    return True
