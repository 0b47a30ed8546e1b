"""Extract a repository archive so that nothing can land outside the target folder.

Refused: absolute names, ``..`` components, NUL characters, links whose target (resolved on disk)
leaves the folder, hard links to anything but an earlier file of the archive, devices and fifos, and
entries that collide (a name given twice, a file where a folder is). Symbolic links are created last,
after every file, so no file is ever written through one. Files are made read-only (folders stay
writable, for ``__pycache__``).

Every way an archive can fail, corrupt or unsafe, is an :class:`~pinhub.errors.ArchiveError` that
names where the archive came from (its URL), not the temporary file it was saved to.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import lzma
import os
import re
import tarfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from pinhub.errors import ArchiveError

MANIFEST_NAME = ".pinhub-manifest.json"
_DRIVE = re.compile(r"^[A-Za-z]:")
_COMMIT = re.compile(r"[0-9a-f]{40}")
_CHUNK = 1 << 20
# What reading a damaged archive raises: tarfile's errors, and the decompressors' (bz2's are OSErrors).
_READ_ERRORS = (tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError)
# Errors writing an entry that come from the archive's names, not from the machine (a full disk is not here).
_ENTRY_ERRNOS = {errno.EEXIST, errno.ENOTDIR, errno.EISDIR, errno.ELOOP, errno.ENAMETOOLONG, errno.EILSEQ}
# The first bytes of what servers send instead of an archive, to say what came.
_NOT_ARCHIVES = ((b"<", "an HTML or XML page"), (b"{", "a JSON document"), (b"PK\x03\x04", "a zip file"))


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


def archive_commit(archive: Path, origin: str | None = None) -> str | None:
    """The commit id ``git archive`` (and so GitHub) embeds in a tar archive's pax header, if any.

    Args:
        archive: the downloaded file.
        origin: where it came from (its URL), for messages; by default the file's path.

    Raises:
        ArchiveError: the file is not a readable tar archive.
    """
    with _read_errors(archive, origin), tarfile.open(archive, "r:*") as tar:
        return _commit_of(tar)


def extract(archive: Path, dest: Path, origin: str | None = None) -> Extracted:
    """Extract a tar archive (any compression) holding one top-level folder into ``dest``.

    The top-level folder (``name-ref/`` in GitHub's archives) is stripped.

    Args:
        archive: the downloaded file.
        dest: the folder to extract into (created if needed).
        origin: where the archive came from (its URL), for messages; by default the file's path.

    Raises:
        ArchiveError: the archive is corrupt, truncated or unsafe.
    """
    dest.mkdir(parents=True, exist_ok=True)
    with _read_errors(archive, origin), tarfile.open(archive, "r:*") as tar:
        extraction = _Extraction(dest, _commit_of(tar), origin or str(archive))
        for member in _members(tar):
            extraction.add(tar, member)
        return extraction.finish()


@contextlib.contextmanager
def _read_errors(archive: Path, origin: str | None) -> Iterator[None]:
    """Turn the errors of reading a damaged archive into an ArchiveError that says what was received."""
    try:
        yield
    except _READ_ERRORS as error:
        if isinstance(error, OSError) and error.errno is not None:
            raise  # the machine's trouble (a full disk, a permission), not the archive's
        what = _what_it_is(archive)
        raise ArchiveError(f"the archive from {origin or archive} is corrupt or truncated{what}: {error}") from error


def _what_it_is(archive: Path) -> str:
    try:
        with archive.open("rb") as data:
            start = data.read(8).lstrip()
    except OSError:
        return ""
    if not start:
        return " (it is empty)"
    found = [name for magic, name in _NOT_ARCHIVES if start.startswith(magic)]
    return f" (it is {found[0]}, not a tar archive)" if found else ""


def _commit_of(tar: tarfile.TarFile) -> str | None:
    comment = tar.pax_headers.get("comment", "")
    return comment if _COMMIT.fullmatch(comment) else None


def _members(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    """The archive's entries, read one at a time (so a cut-off archive fails where it is cut)."""
    while (member := tar.next()) is not None:
        yield member


class _Extraction:
    def __init__(self, dest: Path, commit: str | None, origin: str) -> None:
        self.dest = dest
        self.root = os.path.realpath(dest)
        self.origin = origin
        self.top: str | None = None
        self.result = Extracted(commit)
        self.pending_links: list[tuple[str, str]] = []

    def refuse(self, problem: str) -> ArchiveError:
        """The error for an unsafe or malformed entry, naming the archive's origin."""
        return ArchiveError(f"{problem} (in the archive from {self.origin})")

    def relative(self, name: str) -> str | None:
        """The path below the top-level folder, or None for the folder itself."""
        if "\x00" in name:
            raise self.refuse(f"archive entry name contains a NUL character: {name!r}")
        if name.startswith(("/", "\\")) or _DRIVE.match(name):
            raise self.refuse(f"archive entry has an absolute path: {name}")
        parts = [part for part in re.split(r"[/\\]", name) if part not in ("", ".")]
        if ".." in parts:
            raise self.refuse(f"archive entry contains directory traversal: {name}")
        if not parts:
            return None
        if self.top is None:
            self.top = parts[0]
        elif parts[0] != self.top:
            raise self.refuse(f"archive must hold one top-level folder, found {self.top!r} and {parts[0]!r}")
        relative = "/".join(parts[1:])
        if relative == MANIFEST_NAME:
            raise self.refuse(f"archive entry {name} would overwrite pinhub's manifest")
        return relative or None

    def add(self, tar: tarfile.TarFile, member: tarfile.TarInfo) -> None:
        """Extract one entry (links are only noted, and made by :meth:`finish`)."""
        relative = self.relative(member.name)
        if relative is None:
            return
        with self.writing(member.name):
            self.add_below_top(tar, member, relative)

    def add_below_top(self, tar: tarfile.TarFile, member: tarfile.TarInfo, relative: str) -> None:
        if member.isdir():
            (self.dest / relative).mkdir(parents=True, exist_ok=True)
        elif member.isreg():
            source = tar.extractfile(member)
            if source is None:  # pragma: no cover - isreg() members always have data
                raise self.refuse(f"archive entry {member.name} has no data")
            with source:
                self.write(relative, source, executable=bool(member.mode & 0o111))
        elif member.islnk():
            self.copy_hard_link(relative, member)
        elif member.issym():
            self.pending_links.append((relative, self.link_target(member)))
        else:
            raise self.refuse(f"archive entry {member.name} is a device, fifo or other special file")

    def link_target(self, member: tarfile.TarInfo) -> str:
        link = member.linkname
        if not link or "\x00" in link:
            raise self.refuse(f"archive link {member.name} has an empty or invalid target: {link!r}")
        if link.startswith("/") or _DRIVE.match(link):
            raise self.refuse(f"archive link {member.name} has an absolute target: {link}")
        return link

    @contextlib.contextmanager
    def writing(self, name: str) -> Iterator[None]:
        """Turn a failure to create an entry that its name or an earlier entry caused into an ArchiveError."""
        try:
            yield
        except OSError as error:
            if error.errno not in _ENTRY_ERRNOS:
                raise
            raise self.refuse(f"archive entry {name!r} cannot be extracted: {error.strerror}") from error

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
            raise self.refuse(f"archive hard link {member.name} points outside the archive: {member.linkname}")
        with (self.dest / source).open("rb") as data:
            self.write(relative, data, executable=os.access(self.dest / source, os.X_OK))

    def finish(self) -> Extracted:
        """Create the links, refusing any that leads outside the folder; say what was extracted.

        If one is refused, the links already made are removed: with the rest missing, they could lead anywhere.
        """
        try:
            for relative, target in self.pending_links:
                with self.writing(relative):
                    self.create_link(relative, target)
            # A later link can change where an earlier one leads: check them all in their final state.
            for relative, target in self.result.links.items():
                if not self.inside(os.path.realpath(self.dest / relative)):
                    raise self.refuse(f"archive link {relative} -> {target} escapes the target folder")
        except BaseException:
            for relative in self.result.links:
                (self.dest / relative).unlink(missing_ok=True)
            raise
        return self.result

    def create_link(self, relative: str, target: str) -> None:
        path = self.dest / relative
        parent = os.path.realpath(path.parent)
        if not self.inside(parent) or not self.inside(os.path.realpath(os.path.join(parent, target))):
            raise self.refuse(f"archive link {relative} -> {target} escapes the target folder")
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, path)
        self.result.links[relative] = target

    def inside(self, real_path: str) -> bool:
        return real_path == self.root or real_path.startswith(self.root + os.sep)
