"""Hand-made tar archives, including malicious ones, for extraction tests."""

from __future__ import annotations

import io
import tarfile
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class Member:
    """One archive entry: a file (``data``), a directory, a link (``link``) or a special file."""

    name: str
    data: bytes = b""
    kind: bytes = tarfile.REGTYPE
    link: str = ""
    mode: int = 0o644


def file(name: str, data: bytes = b"data\n", mode: int = 0o644) -> Member:
    return Member(name, data, tarfile.REGTYPE, mode=mode)


def directory(name: str) -> Member:
    return Member(name, kind=tarfile.DIRTYPE, mode=0o755)


def symlink(name: str, target: str) -> Member:
    return Member(name, kind=tarfile.SYMTYPE, link=target)


def hardlink(name: str, target: str) -> Member:
    return Member(name, kind=tarfile.LNKTYPE, link=target)


def fifo(name: str) -> Member:
    return Member(name, kind=tarfile.FIFOTYPE)


def tar_gz(members: list[Member], commit: str | None = None) -> bytes:
    """A gzipped pax tar of ``members``, carrying ``commit`` the way ``git archive`` does."""
    buffer = io.BytesIO()
    headers = {"comment": commit} if commit else {}
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT, pax_headers=headers) as tar:
        for member in members:
            info = tarfile.TarInfo(member.name)
            info.type = member.kind
            info.mode = member.mode
            info.linkname = member.link
            info.size = len(member.data) if member.kind == tarfile.REGTYPE else 0
            tar.addfile(info, io.BytesIO(member.data) if member.kind == tarfile.REGTYPE else None)
    return buffer.getvalue()


def zip_of(files: dict[str, bytes]) -> bytes:
    """A zip archive of ``files``, what some servers send where a tar archive was asked for."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()
