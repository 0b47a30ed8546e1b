"""Repository names and URLs: which forms the catalogue accepts, which git must never be given, GitHub names.

GitHub's owner and repository names are case-insensitive (`Coderx7/SimpleNet_Pytorch` and
`coderx7/simplenet_pytorch` are one repository), so comparisons use `github_key`, never the spelling.
"""

from __future__ import annotations

import re
import unicodedata

GITHUB_REPO_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$"
GIT_URL_PREFIXES = ("https://", "ssh://", "git://", "file://", "git@")
# git's remote-helper form `<transport>::<address>` (ext::, fd::, or any git-remote-<transport> on PATH):
# a scheme-like word before '::' with no '/' or '[' (an IPv6 host such as ssh://[::1]/repo is not one).
_HELPER = re.compile(r"^([^/\[\]]*?)::")
_GITHUB_URL = re.compile(
    r"^(?:https://(?:www\.)?github\.com/|git@github\.com:|ssh://git@github\.com/)([^/]+/[^/]+?)(?:\.git)?/?$",
    re.IGNORECASE,
)
_CATEGORY_NAMES = {
    "Cc": "a control character",
    "Cf": "an invisible formatting character",
    "Co": "a private-use character",
    "Cn": "an unassigned code point",
    "Cs": "a surrogate",
}


def github_name(repo: str) -> str | None:
    """'owner/name' as written, when `repo` is a GitHub repository (owner/name, an https or ssh URL); else None."""
    if re.match(GITHUB_REPO_PATTERN, repo):
        return repo.removesuffix(".git")
    match = _GITHUB_URL.match(repo)
    return match.group(1) if match else None


def github_key(repo: str) -> str:
    """The key to compare repositories by: lower-case 'owner/name' for GitHub (in any of its forms and
    casings), the repo unchanged otherwise."""
    name = github_name(repo)
    return name.lower() if name else repo


def is_github_https(repo: str) -> bool:
    """Whether `repo` is GitHub 'owner/name' or an https://github.com/ URL (not an ssh one)."""
    return github_name(repo) is not None and not repo.lower().startswith(("git@", "ssh://"))


def unsafe_reason(url: str) -> str | None:
    """Why git must not be given `url`, or None: forms that run programs or read as options, and text that
    cannot be a URL (spaces, control characters)."""
    helper = _HELPER.match(url)
    if helper:
        return (
            f"{helper.group(1)}::… is git's remote-helper form <transport>::<address>, which makes git run a "
            "program (ext:: runs any command); give the repository's https:// URL"
        )
    if url.startswith("-"):
        return f"{url!r} starts with '-', which git would read as an option, not a repository"
    for position, char in enumerate(url, 1):
        if char.isspace() or unicodedata.category(char).startswith("C"):
            return f"{describe_character(char, position)}: a repository has no spaces or control characters; remove it"
    host = re.sub(r"^[a-z+]+://(?:[^@/]*@)?|^[^@/:]*@", "", url)
    if host.startswith("-"):
        return f"the host of {url!r} starts with '-', which ssh would read as an option"
    return None


def remote_problem(repo: str) -> str | None:
    """Why the catalogue refuses `repo` as a remote repository, or None when it is accepted."""
    reason = unsafe_reason(repo)
    if reason:
        return reason
    if repo.lower().startswith("http://"):
        return (
            "http:// is unencrypted: anyone on the network path could change the code the build fetches and "
            f"runs; use https://{repo[len('http://') :]}"
        )
    if not repo.isascii():
        return f"{non_ascii_note(repo)}; a repository is written in ASCII (hosts in their xn-- form)"
    if repo.startswith(GIT_URL_PREFIXES) or re.match(GITHUB_REPO_PATTERN, repo):
        return None
    return (
        f"expected GitHub 'owner/name', a git URL (https://, ssh://, git://, file://, git@host:path) "
        f"or a path inside this project starting with './', got {repo!r}"
    )


def non_ascii_note(value: str, most: int = 3) -> str:
    """Names the characters of `value` that are not ASCII (look-alikes such as Cyrillic 'а'), with positions."""
    found = [describe_character(char, position) for position, char in enumerate(value, 1) if not char.isascii()]
    more = f" (and {len(found) - most} more)" if len(found) > most else ""
    return "; ".join(found[:most]) + more


def describe_character(char: str, position: int, counted: str = "character") -> str:
    """'character 4, 'е', is CYRILLIC SMALL LETTER IE (U+0435)': a character named beyond doubt.

    `counted` names what `position` counts: 'character' of a value, or 'column' of a line.
    """
    category = unicodedata.category(char)
    name = unicodedata.name(char, "") or _CATEGORY_NAMES.get(category, "a character without a name")
    shown = repr(char) if category.startswith(("C", "Z")) or char.isspace() else f"'{char}'"
    return f"{counted} {position}, {shown}, is {name} (U+{ord(char):04X})"
