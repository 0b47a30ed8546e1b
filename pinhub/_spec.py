"""Parse what the user asked for: a source, a repository, a ref or commit, and a sub-directory."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal, cast

from pinhub.errors import RepoSpecError

Source = Literal["github", "git", "local"]
SOURCES: tuple[Source, ...] = ("github", "git", "local")
# A catalogue id is looked up first (pinhub._resolve.parse_request) and names one of SOURCES.
CATALOGUE = "catalogue"
ACCEPTED_SOURCES = (*SOURCES, CATALOGUE)

FULL_SHA = re.compile(r"[0-9a-f]{40}")
_HEX = re.compile(r"[0-9a-fA-F]{4,40}")
_GITHUB = re.compile(r"(?P<owner>[A-Za-z0-9][A-Za-z0-9_.-]*)/(?P<name>[A-Za-z0-9_.-]+)(?::(?P<ref>.*))?")
# Characters git forbids in ref names (git-check-ref-format), plus whitespace.
_BAD_REF = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|^[-/.]|/$|\.lock$|^@$")


@dataclass(frozen=True)
class RepoSpec:
    """A parsed request.

    Attributes:
        source: ``"github"``, ``"git"`` or ``"local"``.
        location: ``owner/name`` (github), the URL without its ``#ref`` (git), or a directory (local).
        ref: the branch, tag or SHA asked for; None means the default branch.
        commit: a commit SHA given with ``commit=`` (full or abbreviated, lower case).
        subdir: where hubconf.py lives inside the repository (POSIX, relative), or None.
    """

    source: Source
    location: str
    ref: str | None = None
    commit: str | None = None
    subdir: str | None = None

    @property
    def full_commit(self) -> str | None:
        """The 40-hex commit when the request names one, so no resolution is needed."""
        for candidate in (self.commit, self.ref):
            if candidate is not None and FULL_SHA.fullmatch(candidate):
                return candidate
        return None

    @property
    def abbreviated(self) -> str | None:
        """A short hex string that may be an abbreviated commit (``commit=`` or a hex-looking ref)."""
        if self.commit is not None:
            return self.commit
        if self.ref is not None and _HEX.fullmatch(self.ref):
            return self.ref.lower()
        return None

    @property
    def owner_name(self) -> tuple[str, str]:
        """``(owner, name)`` of a GitHub repository."""
        owner, _, name = self.location.partition("/")
        return owner, name

    def describe(self, commit: str | None = None) -> str:
        """``owner/name@commit`` (or ``:ref``), for messages."""
        pin = f"@{commit}" if commit else (f":{self.ref}" if self.ref else "")
        where = f" (subdir {self.subdir})" if self.subdir else ""
        return f"{self.location}{pin}{where}"


def parse_spec(
    repo_or_dir: str, source: str = "github", commit: str | None = None, subdir: str | None = None
) -> RepoSpec:
    """Validate the user's arguments and split the repository string.

    Raises:
        RepoSpecError: an unknown source, a malformed repository, ref, commit or subdir.
    """
    if not isinstance(repo_or_dir, str) or not repo_or_dir:
        raise RepoSpecError(f"expected a non-empty repository string, got {repo_or_dir!r}")
    chosen = parse_source(source)
    if chosen == CATALOGUE:
        raise RepoSpecError(f"catalogue id {repo_or_dir!r} must be looked up first: pass it to pinhub.resolve or load")
    pinned = _parse_commit(commit)
    clean_subdir = _parse_subdir(subdir)
    if chosen == "local":
        return RepoSpec("local", repo_or_dir, None, pinned, clean_subdir)
    if chosen == "git":
        location, ref = _split_git(repo_or_dir)
    else:
        location, ref = _split_github(repo_or_dir)
    if ref is not None and FULL_SHA.fullmatch(ref.lower()):
        ref = ref.lower()
        if pinned is not None and not ref.startswith(pinned):
            raise RepoSpecError(f"the repository string pins {ref} but commit= is {pinned}")
    return RepoSpec(cast(Source, chosen), location, ref, pinned, clean_subdir)


def parse_source(source: str) -> str:
    """The source in lower case, if it is one that ``load``, ``list``, ``help`` and ``resolve`` accept.

    Raises:
        RepoSpecError: any other value.
    """
    chosen = source.lower() if isinstance(source, str) else source
    if chosen not in ACCEPTED_SOURCES:
        allowed = " | ".join(f'"{name}"' for name in ACCEPTED_SOURCES)
        raise RepoSpecError(f'Unknown source: "{source}". Allowed values: {allowed}.')
    return chosen


def _parse_commit(commit: str | None) -> str | None:
    if commit is None:
        return None
    if not isinstance(commit, str) or not _HEX.fullmatch(commit):
        raise RepoSpecError(
            f"commit= takes a commit SHA (4 to 40 hex digits), got {commit!r}; "
            "name a branch or tag in the repository string instead (owner/name:ref)"
        )
    return commit.lower()


def _parse_subdir(subdir: str | None) -> str | None:
    if subdir is None:
        return None
    path = PurePosixPath(subdir)
    if "\\" in subdir or path.is_absolute() or ".." in path.parts:
        raise RepoSpecError(f"subdir must be a relative path inside the repository, got {subdir!r}")
    text = path.as_posix()
    return None if text in ("", ".") else text


def _check_ref(ref: str, given: str) -> str:
    if not ref or _BAD_REF.search(ref):
        raise RepoSpecError(f"invalid ref {ref!r} in {given!r}")
    return ref


def _split_github(given: str) -> tuple[str, str | None]:
    match = _GITHUB.fullmatch(given)
    if match is None or match["name"] in (".", ".."):
        raise RepoSpecError(f"expected a GitHub repository as 'owner/name[:ref]', got {given!r}")
    ref = match["ref"]
    return f"{match['owner']}/{match['name']}", None if ref is None else _check_ref(ref, given)


def _split_git(given: str) -> tuple[str, str | None]:
    url, hash_sign, ref = given.partition("#")
    if not url or url.startswith("-") or any(ch.isspace() for ch in url):
        raise RepoSpecError(f"expected a git URL such as https://host/org/repo.git[#ref], got {given!r}")
    return url, _check_ref(ref, given) if hash_sign else None
