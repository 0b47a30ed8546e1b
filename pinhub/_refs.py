"""A repository's branches and tags, read the way ``git ls-remote`` reads them (no REST API, no rate limit)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pinhub.errors import NetworkError

_SERVICE_LINE = b"# service=git-upload-pack"
_ADVERTISEMENT = "application/x-git-upload-pack-advertisement"


class RefAdvertisementError(NetworkError):
    """The server's answer is not a git ref advertisement."""


@dataclass(frozen=True)
class RemoteRefs:
    """What a remote advertises.

    Attributes:
        head: the commit its HEAD (default branch) points at, if any.
        refs: full ref name to commit; annotated tags are peeled to the commit they tag.
    """

    head: str | None = None
    refs: dict[str, str] = field(default_factory=dict)

    def lookup(self, ref: str | None) -> str | None:
        """The commit for a branch, tag or full ref name (``None``: HEAD), or None if absent.

        A name that is both a branch and a tag means the branch, as torch.hub and GitHub decide.
        """
        if ref is None:
            return self.head
        for candidate in (ref, f"refs/heads/{ref}", f"refs/tags/{ref}"):
            commit = self.refs.get(candidate)
            if commit is not None:
                return commit
        return None


def parse_advertisement(data: bytes, content_type: str) -> RemoteRefs:
    """Parse a smart-HTTP ``info/refs?service=git-upload-pack`` answer (protocol v0 pkt-lines).

    Raises:
        RefAdvertisementError: the server did not answer as a smart git server.
    """
    if content_type != _ADVERTISEMENT:
        raise RefAdvertisementError(f"expected a git ref advertisement, got a {content_type or 'typeless'} answer")
    lines = _pkt_lines(data)
    if lines and lines[0].rstrip(b"\n") == _SERVICE_LINE:
        lines = lines[1:]
    pairs: list[tuple[str, str]] = []
    for line in lines:
        text = line.split(b"\0", 1)[0].decode("utf-8", "replace").rstrip("\n")
        sha, _, name = text.partition(" ")
        pairs.append((sha, name))
    return _collect(pairs)


def parse_ls_remote(output: str) -> RemoteRefs:
    """Parse ``git ls-remote`` output: one ``<sha>\\t<ref>`` per line."""
    pairs: list[tuple[str, str]] = []
    for line in output.splitlines():
        sha, tab, name = line.partition("\t")
        if tab:
            pairs.append((sha, name))
    return _collect(pairs)


def _pkt_lines(data: bytes) -> list[bytes]:
    lines: list[bytes] = []
    offset = 0
    while offset + 4 <= len(data):
        try:
            size = int(data[offset : offset + 4], 16)
        except ValueError as error:
            raise RefAdvertisementError("malformed git ref advertisement") from error
        if size == 0:
            offset += 4
            continue
        lines.append(data[offset + 4 : offset + size])
        offset += size
    return lines


def _collect(pairs: list[tuple[str, str]]) -> RemoteRefs:
    head: str | None = None
    refs: dict[str, str] = {}
    for sha, name in pairs:
        if len(sha) != 40 or name == "capabilities^{}":
            continue
        if name == "HEAD":
            head = sha
        elif name.endswith("^{}"):
            refs[name[:-3]] = sha  # the peeled commit of an annotated tag replaces the tag object
        else:
            refs.setdefault(name, sha)
    return RemoteRefs(head, refs)
