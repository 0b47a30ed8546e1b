"""What a failed git fetch means: its kind, and a sentence that says why and what to do, from git's stderr.

The whole of git's stderr is read, not only its last line: git ends most failures with a generic line
("fatal: Could not read from remote repository", "fatal: early EOF") while the line that tells the cause
comes earlier, often from the other side ("remote: fatal: unable to read <sha>") or from ssh.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

FailureKind = Literal[
    "missing-objects",  # the server's copy lacks objects of the commit (a mirror made without large files)
    "unreachable",  # the network failed: DNS, refused or dropped connections, 5xx; worth trying later
    "not-found",  # no such repository, or no such commit in it
    "auth",  # the server wants credentials or refused the ones given
    "host-key",  # ssh does not know (or no longer trusts) the server's host key
    "timeout",  # the fetch, or the wait for another build's lock, ran out of time
    "offline",  # PINHUB_OFFLINE forbids fetching what the cache lacks
    "not-pinned",  # the request names no commit
    "refused",  # the request itself is unsafe or malformed (never given to git)
    "no-hubconf",  # fetched, but no hubconf.py where the request says
    "other",
]

MISSING_OBJECTS = "the mirror lacks objects of this commit (git: possible repository corruption on the remote side)"

# What git prints when the network, not the request, failed: worth another try after a pause.
TRANSIENT = re.compile(
    r"could not resolve host|temporary failure in name resolution|failed to connect|connection refused"
    r"|connection timed out|operation timed out|connection reset|broken pipe|remote end hung up"
    r"|early eof|rpc failed|unexpected disconnect|returned error: (5\d\d|429|408)"
    r"|gnutls_handshake|ssl_(read|connect|error)|tls handshake",
    re.IGNORECASE,
)
# The other side could not read objects it was asked for (smart protocols), or a dumb-HTTP server has no
# file for one. Seen alone, "early EOF", "invalid index-pack output" and "unpack-objects failed" also
# follow a dropped connection, so they are not evidence here.
_CORRUPT = re.compile(
    r"possible repository corruption|remote: (?:fatal|error): (?:unable to read|missing|bad object|corrupt)"
    r"|did not send all necessary objects|cannot obtain needed (?:blob|tree|commit|object)",
    re.IGNORECASE,
)
_OBJECT_ID = re.compile(
    r"(?:unable to read|needed (?:blob|tree|commit|object)|missing (?:blob|tree|commit)(?: object)?|bad object)"
    r" ([0-9a-f]{40})\b",
    re.IGNORECASE,
)
_HOST_KEY = re.compile(r"host key verification failed|remote host identification has changed", re.IGNORECASE)
_SSH_KEY = re.compile(r"permission denied \(publickey", re.IGNORECASE)
_CREDENTIALS = re.compile(
    r"could not read (?:username|password)|authentication failed|terminal prompts disabled|returned error: 40[13]",
    re.IGNORECASE,
)
_NOT_FOUND = re.compile(
    r"repository (?:.* )?not found|does not appear to be a git repository|could not read from remote repository"
    r"|returned error: 404",
    re.IGNORECASE,
)
_SSH_URL = re.compile(r"^(?:ssh://)?(?:[^@/]+@)?(?P<host>[^:/]+)(?::\d+)?[:/](?P<path>.+)$")


@dataclass(frozen=True)
class Failure:
    """A failed git command, understood.

    Attributes:
        kind: What went wrong, for programs (see FailureKind).
        message: What went wrong and how to fix it, for people; it quotes git's own words.
        transient: The network failed rather than the request: the same command may work later.
    """

    kind: FailureKind
    message: str
    transient: bool = False


def classify(stderr: str, url: str) -> Failure:
    """Understand the stderr of a `git fetch` from `url` that failed."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    last = lines[-1] if lines else "git failed without a message"
    if _CORRUPT.search(stderr):
        named = _OBJECT_ID.search(stderr)
        return Failure("missing-objects", MISSING_OBJECTS + (f"; missing object {named.group(1)}" if named else ""))
    if _HOST_KEY.search(stderr):
        return Failure("host-key", _host_key_message(url, changed="has changed" in stderr.lower()))
    if _SSH_KEY.search(stderr):
        return Failure("auth", _ssh_key_message(url))
    if _CREDENTIALS.search(stderr):
        return Failure("auth", _credentials_message(_quote(lines, _CREDENTIALS)))
    if TRANSIENT.search(stderr):
        return Failure("unreachable", last, transient=True)
    if _NOT_FOUND.search(stderr):
        return Failure("not-found", _not_found_message(url, _quote(lines, _NOT_FOUND)))
    return Failure("other", last)


def _quote(lines: list[str], pattern: re.Pattern[str]) -> str:
    return next(line for line in lines if pattern.search(line))


def https_form(url: str) -> str | None:
    """The https URL of an ssh one: git@host:owner/name.git → https://host/owner/name.git; None if not ssh."""
    match = _SSH_URL.match(url) if url.startswith("ssh://") or "://" not in url else None
    return f"https://{match.group('host')}/{match.group('path').lstrip('/')}" if match else None


def _ssh_host(url: str) -> str:
    match = _SSH_URL.match(url)
    return match.group("host") if match else urlsplit(url).hostname or url


def _public_hint(url: str) -> str:
    https = https_form(url)
    return f"for a public repository use {https} instead; " if https else ""


def _host_key_message(url: str, changed: bool) -> str:
    host = _ssh_host(url)
    if changed:
        return (
            f"the ssh host key of {host} is not the one ~/.ssh/known_hosts holds (git: Host key verification "
            "failed; REMOTE HOST IDENTIFICATION HAS CHANGED): someone may be in between; check the key the host "
            f"publishes, then replace the old one (ssh-keygen -R {host}, then ssh-keyscan {host} >> ~/.ssh/known_hosts)"
        )
    return (
        f"ssh does not know the host key of {host} (git: Host key verification failed); {_public_hint(url)}"
        f"otherwise add {host}'s key to ~/.ssh/known_hosts (ssh-keyscan {host} >> ~/.ssh/known_hosts, "
        "then check the fingerprint against the one the host publishes)"
    )


def _ssh_key_message(url: str) -> str:
    host = _ssh_host(url)
    return (
        f"ssh authentication failed: {host} accepted none of this machine's keys (git: Permission denied "
        f"(publickey)); {_public_hint(url)}otherwise add a key that {host} accepts to the ssh agent (ssh-add), "
        "or name it with GIT_SSH_COMMAND='ssh -i KEY'"
    )


def _credentials_message(said: str) -> str:
    return (
        f"the server asks for credentials (git: {said}): the repository is private, or does not exist under "
        "this name; check the owner and name, or give git a credential helper or token for it"
    )


def _not_found_message(url: str, said: str) -> str:
    https = https_form(url)
    if https:
        return (
            f"no repository at this URL, or this machine's ssh key may not read it (git: {said}); "
            f"check the owner and name, and for a public repository use {https}"
        )
    return f"no repository at this URL (git: {said}); check the owner and name (with a mirror, its folder)"
