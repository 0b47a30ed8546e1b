"""`URL[@REF]` as maintainers type it, and refs resolved to commits with `git ls-remote` (no GitHub API).

A repository is GitHub `owner/name`, an https, ssh, git or file URL, `git@host:path`, or a local path.
git's own configuration applies (e.g. `url.<mirror>.insteadOf https://github.com/`), so the same commands
work against local mirrors.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from generator.catalogue.model import GITHUB_REPO_PATTERN
from generator.errors import GeneratorError
from generator.fetch import git_url

SHA = re.compile(r"^[0-9a-f]{40}$")
# Never let git wait for a password or a host key: a maintainer's command must fail, not hang.
GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_SSH_COMMAND": "ssh -oBatchMode=yes", "GCM_INTERACTIVE": "never"}
LS_REMOTE_TIMEOUT = 60.0
_GITHUB_URL = re.compile(
    r"^(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)([^/]+/[^/]+?)(?:\.git)?/?$"
)
_URL_SCHEMES = ("https://", "http://", "ssh://", "git://", "file://")

RefKind = Literal["branch", "tag", "commit"]


class RemoteError(GeneratorError):
    """A repository or ref could not be resolved; the message names it and what git said."""


@dataclass(frozen=True)
class RepoSpec:
    """What a maintainer typed, split up.

    Attributes:
        repo: The repository as the catalogue writes it: `owner/name` for GitHub, else a URL.
        url: The URL git fetches.
        ref: The branch, tag or commit after `@`; '' for the remote's default branch.
        local_dir: The folder, when the spec named an existing local folder.
    """

    repo: str
    url: str
    ref: str = ""
    local_dir: Path | None = None


@dataclass(frozen=True)
class ResolvedRef:
    """A ref and the commit it points at now."""

    ref: str
    commit: str
    kind: RefKind


def parse_spec(text: str) -> RepoSpec:
    """Split `URL[@REF]`; a local folder becomes a file:// URL.

    Raises:
        RemoteError: the text is neither a GitHub `owner/name`, a git URL nor an existing folder.
    """
    text = text.strip()
    location, ref = _split_ref(text)
    folder = Path(location).expanduser()
    if not location.startswith(_URL_SCHEMES) and not location.startswith("git@") and folder.is_dir():
        folder = folder.resolve()
        return RepoSpec(repo=folder.as_uri(), url=folder.as_uri(), ref=ref, local_dir=folder)
    if _is_remote(location):
        return RepoSpec(repo=catalogue_repo(location), url=git_url(location), ref=ref)
    raise RemoteError(
        f"{text!r} is not a repository: expected GitHub owner/name, a git URL (https://, ssh://, file://, "
        "git@host:path) or an existing folder, optionally followed by @REF"
    )


def catalogue_repo(location: str) -> str:
    """How the catalogue writes a repository: GitHub URLs shorten to `owner/name`."""
    match = _GITHUB_URL.match(location)
    return match.group(1) if match else location


def _split_ref(text: str) -> tuple[str, str]:
    """('owner/name', 'v1') from 'owner/name@v1'; an '@' inside a URL's user part is not a ref."""
    if "@" not in text or Path(text).expanduser().exists():
        return text, ""
    location, _, ref = text.rpartition("@")
    if ref and _is_location(location):
        return location, ref
    return text, ""


def _is_location(text: str) -> bool:
    return _is_remote(text) or Path(text).expanduser().is_dir()


def _is_remote(text: str) -> bool:
    if re.match(GITHUB_REPO_PATTERN, text):
        return True
    if text.startswith(_URL_SCHEMES):
        return "/" in text.split("://", 1)[1].strip("/")  # a host and a path, not 'https://user'
    return re.match(r"^[\w.-]+@[\w.-]+:.+", text) is not None  # git@host:path


def resolve_ref(url: str, ref: str = "") -> ResolvedRef:
    """The commit `ref` points at in the repository at `url` now; '' means the remote's default branch.

    A full 40-character commit is taken as it is (fetching it later checks that it exists).

    Raises:
        RemoteError: git cannot reach the repository, or it has no such branch or tag.
    """
    if SHA.match(ref):
        return ResolvedRef(ref=ref, commit=ref, kind="commit")
    if not ref:
        ref = default_branch(url)
    refs = _ls_remote(url, ref)
    for name, kind in _candidates(ref):
        if name in refs:
            return ResolvedRef(ref=ref, commit=refs[name], kind=kind)
    raise RemoteError(f"{url} has no branch or tag {ref!r} (git ls-remote found none)")


def _candidates(ref: str) -> list[tuple[str, RefKind]]:
    """Full ref names `ref` may mean, in git's order of preference; an annotated tag's commit first."""
    if ref.startswith("refs/"):
        kind: RefKind = "tag" if ref.startswith("refs/tags/") else "branch"
        return [(f"{ref}^{{}}", kind), (ref, kind)]
    return [(f"refs/tags/{ref}^{{}}", "tag"), (f"refs/tags/{ref}", "tag"), (f"refs/heads/{ref}", "branch")]


def default_branch(url: str) -> str:
    """The branch the remote's HEAD points at (`git ls-remote --symref URL HEAD`)."""
    output = _git("ls-remote", "--symref", url, "HEAD")
    for line in output.splitlines():
        if line.startswith("ref: ") and line.endswith("\tHEAD"):
            return line.removeprefix("ref: ").split("\t")[0].removeprefix("refs/heads/")
    raise RemoteError(f"{url} has no default branch (its HEAD points nowhere); name one with @REF")


def _ls_remote(url: str, ref: str) -> dict[str, str]:
    output = _git("ls-remote", url, ref, f"{ref}^{{}}")  # the second names an annotated tag's commit
    refs = {}
    for line in output.splitlines():
        commit, _, name = line.partition("\t")
        refs[name.strip()] = commit.strip()
    return refs


def _git(*arguments: str) -> str:
    try:
        completed = subprocess.run(
            ["git", *arguments],
            capture_output=True,
            text=True,
            timeout=LS_REMOTE_TIMEOUT,
            env={**os.environ, **GIT_ENV},
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise RemoteError(f"git {arguments[0]} {_url(arguments)} timed out after {LS_REMOTE_TIMEOUT:g} s") from None
    if completed.returncode != 0:
        lines = [line for line in completed.stderr.splitlines() if line.strip()]
        said = lines[-1].strip() if lines else f"exit status {completed.returncode}"
        raise RemoteError(f"cannot read refs of {_url(arguments)}: {said}")
    return completed.stdout


def _url(arguments: tuple[str, ...]) -> str:
    return next((a for a in arguments[1:] if not a.startswith("-")), "?")
