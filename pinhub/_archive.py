"""Extract a repository archive so that nothing can land outside the target folder.

Refused: absolute names, ``..`` components, links whose target (resolved on disk) leaves the
folder, hard links to anything but an earlier file of the archive, devices and fifos. Symbolic links
are created last, after every file, so no file is ever written through one. Files are made read-only
(folders stay writable, for ``__pycache__``).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import tarfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from pinhub.errors import ArchiveError

MANIFEST_NAME = ".pinhub-manifest.json"
_DRIVE = re.compile(r"^[A-Za-z]:")
_COMMIT = re.compile(r"[0-9a-f]{40}")
_CHUNK = 1 << 20


@dataclass
class Extracted:
    """What an extraction produced.

    Attributes:
        commit: the commit id ``git archive`` embedded in the archive, if any.
        files: relative POSIX path to ``(size, sha256)`` of every regular file.
        links: relative POSIX path to target of every symbolic link.
        dependencies: for each hubconf.py, its ``dependencies`` read statically (None if unreadable);
            filled in by the caller, kept in the manifest so a cache hit need not parse hubconf.py.
    """

    commit: str | None = None
    files: dict[str, tuple[int, str]] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    dependencies: dict[str, list[str] | None] = field(default_factory=dict)


def archive_commit(archive: Path) -> str | None:
    """The commit id ``git archive`` (and so GitHub) embeds in a tar archive's pax header, if any.

    Raises:
        ArchiveError: the file is not a readable tar archive.
    """
    try:
        with tarfile.open(archive, "r:*") as tar:
            comment = tar.pax_headers.get("comment", "")
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise ArchiveError(f"corrupt or truncated archive {archive.name}: {error}") from error
    return comment if _COMMIT.fullmatch(comment) else None


def extract(archive: Path, dest: Path) -> Extracted:
    """Extract a tar archive (any compression) holding one top-level folder into ``dest``.

    The top-level folder (``name-ref/`` in GitHub's archives) is stripped.

    Raises:
        ArchiveError: the archive is corrupt, truncated or unsafe.
    """
    dest.mkdir(parents=True, exist_ok=True)
    try:
        with tarfile.open(archive, "r:*") as tar:
            comment = tar.pax_headers.get("comment", "")
            extraction = _Extraction(dest, comment if _COMMIT.fullmatch(comment) else None)
            for member in tar:
                extraction.add(tar, member)
            return extraction.finish()
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise ArchiveError(f"corrupt or truncated archive {archive.name}: {error}") from error
    except (FileExistsError, NotADirectoryError, IsADirectoryError) as error:
        raise ArchiveError(f"archive {archive.name} has conflicting entries: {error}") from error


class _Extraction:
    def __init__(self, dest: Path, commit: str | None) -> None:
        self.dest = dest
        self.root = os.path.realpath(dest)
        self.top: str | None = None
        self.result = Extracted(commit)
        self.pending_links: list[tuple[str, str]] = []

    def relative(self, name: str) -> str | None:
        """The path below the top-level folder, or None for the folder itself."""
        if name.startswith(("/", "\\")) or _DRIVE.match(name):
            raise ArchiveError(f"archive entry has an absolute path: {name}")
        parts = [part for part in re.split(r"[/\\]", name) if part not in ("", ".")]
        if ".." in parts:
            raise ArchiveError(f"archive entry contains directory traversal: {name}")
        if not parts:
            return None
        if self.top is None:
            self.top = parts[0]
        elif parts[0] != self.top:
            raise ArchiveError(f"archive must hold one top-level folder, found {self.top!r} and {parts[0]!r}")
        relative = "/".join(parts[1:])
        if relative == MANIFEST_NAME:
            raise ArchiveError(f"archive entry {name} would overwrite pinhub's manifest")
        return relative or None

    def add(self, tar: tarfile.TarFile, member: tarfile.TarInfo) -> None:
        relative = self.relative(member.name)
        if relative is None:
            return
        target = self.dest / relative
        if member.isdir():
            target.mkdir(parents=True, exist_ok=True)
        elif member.isreg():
            source = tar.extractfile(member)
            if source is None:  # pragma: no cover - isreg() members always have data
                raise ArchiveError(f"archive entry {member.name} has no data")
            with source:
                self.write(relative, source, executable=bool(member.mode & 0o111))
        elif member.islnk():
            self.copy_hard_link(relative, member)
        elif member.issym():
            if not member.linkname or member.linkname.startswith("/") or _DRIVE.match(member.linkname):
                raise ArchiveError(f"archive link {member.name} has an absolute target: {member.linkname}")
            self.pending_links.append((relative, member.linkname))
        else:
            raise ArchiveError(f"archive entry {member.name} is a device, fifo or other special file")

    def write(self, relative: str, source: IO[bytes], *, executable: bool) -> None:
        target = self.dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        with target.open("xb") as out:
            while chunk := source.read(_CHUNK):
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
        target.chmod(0o555 if executable else 0o444)  # a cached commit is read-only
        self.result.files[relative] = (size, digest.hexdigest())

    def copy_hard_link(self, relative: str, member: tarfile.TarInfo) -> None:
        source = self.relative(member.linkname)
        if source is None or source not in self.result.files:
            raise ArchiveError(f"archive hard link {member.name} points outside the archive: {member.linkname}")
        with (self.dest / source).open("rb") as data:
            self.write(relative, data, executable=os.access(self.dest / source, os.X_OK))

    def finish(self) -> Extracted:
        for relative, target in self.pending_links:
            path = self.dest / relative
            parent = os.path.realpath(path.parent)
            if not self.inside(parent) or not self.inside(os.path.realpath(os.path.join(parent, target))):
                raise ArchiveError(f"archive link {relative} -> {target} escapes the target folder")
            path.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(target, path)
            self.result.links[relative] = target
        # A later link can change where an earlier one leads: check them all in their final state.
        for relative, target in self.result.links.items():
            if not self.inside(os.path.realpath(self.dest / relative)):
                raise ArchiveError(f"archive link {relative} -> {target} escapes the target folder")
        return self.result

    def inside(self, real_path: str) -> bool:
        return real_path == self.root or real_path.startswith(self.root + os.sep)
