"""torch.hub's ``trust_repo`` rules and ``trusted_list`` file, without ever blocking on a prompt nobody can answer."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

from pinhub._dirs import hub_path
from pinhub._spec import RepoSpec
from pinhub.errors import UntrustedRepoError

TrustRepo = bool | Literal["check"] | None
BUILTIN_TRUSTED_OWNERS = ("facebookresearch", "facebookincubator", "pytorch", "fairinternal")


def trusted_list_path() -> Path:
    """The file torch.hub and pinhub share: one trusted ``owner_name`` (or git URL) per line."""
    return hub_path() / "trusted_list"


def trust_key(spec: RepoSpec) -> str:
    """How a repository is written in the trusted list: ``owner_name`` as torch.hub does, or the git URL."""
    if spec.source == "github":
        return "_".join(spec.owner_name)
    return spec.location


# The last reading of the trusted list, reused while the file's size and mtime do not change.
_read_cache: dict[str, tuple[tuple[int, int], frozenset[str]]] = {}


def _trusted_lines() -> frozenset[str]:
    path = trusted_list_path()
    try:
        info = path.stat()
        stamp = (info.st_size, info.st_mtime_ns)
        cached = _read_cache.get(str(path))
        if cached is not None and cached[0] == stamp:
            return cached[1]
        lines = frozenset(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    except FileNotFoundError:
        return frozenset()
    _read_cache[str(path)] = (stamp, lines)
    return lines


def is_trusted(spec: RepoSpec) -> bool:
    """Whether the repository's owner is trusted by default or the repository is in the trusted list."""
    if spec.source == "github" and spec.owner_name[0] in BUILTIN_TRUSTED_OWNERS:
        return True
    return trust_key(spec) in _trusted_lines()


def _add(spec: RepoSpec) -> None:
    path = trusted_list_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(trust_key(spec) + "\n")


def _interactive() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except ValueError:  # stdin closed
        return False


def how_to_trust(spec: RepoSpec) -> str:
    """The advice every untrusted-repository error ends with."""
    return (
        f"To trust it, pass trust_repo=True (this adds {trust_key(spec)!r} to {trusted_list_path()}), "
        f"or add the line {trust_key(spec)!r} to that file yourself."
    )


def check_trust(spec: RepoSpec, trust_repo: TrustRepo) -> None:
    """Apply torch.hub's trust rules before a repository's code runs.

    ``True`` trusts (and records) the repository; ``"check"`` (and ``None``, the default) accepts it
    if trusted and otherwise asks; ``False`` always asks. Asking needs an interactive stdin: without
    one the error says how to trust the repository instead of waiting for an answer.

    Raises:
        UntrustedRepoError: the repository is not trusted and was not confirmed.
        ValueError: ``trust_repo`` is not True, False, "check" or None.
    """
    if trust_repo not in (True, False, "check", None):
        raise ValueError(f'trust_repo must be True, False, "check" or None, got {trust_repo!r}')
    trusted = is_trusted(spec)
    if trust_repo is True or (trust_repo is not False and trusted):
        if not trusted:
            _add(spec)
        return
    name = trust_key(spec)
    if not _interactive():
        raise UntrustedRepoError(
            f"The repository {name} is not in the list of trusted repositories, and there is no "
            f"terminal to ask whether to trust it. {how_to_trust(spec)}"
        )
    response = input(
        f"The repository {name} does not belong to the list of trusted repositories and as such cannot be "
        "downloaded. Do you trust this repository and wish to add it to the trusted list of repositories (y/N)?"
    )
    answer = response.strip().lower()
    if answer in ("y", "yes"):
        if trusted:
            print("The repository is already trusted.", file=sys.stderr)
        else:
            _add(spec)
        return
    refusal = "Untrusted repository." if answer in ("n", "no", "") else f"Unrecognized response {response!r}."
    raise UntrustedRepoError(f"{refusal} {how_to_trust(spec)}")
